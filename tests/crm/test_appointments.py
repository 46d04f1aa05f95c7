"""Appointments in reps' calendars: free slots, booking without double booking, changes, .ics texts."""

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.appointment_errors import (
    AppointmentError,
    CancelledError,
    DuplicateCalendarError,
    OutsideHoursError,
    SlotTakenError,
)
from callfloor.crm.appointment_mail import confirmation, spoken_time
from callfloor.crm.appointments import AppointmentBook, AppointmentInput
from callfloor.crm.calendars import CalendarInput, Calendars, SlotQuery
from callfloor.crm.contacts import AddressInput, EmailInput
from callfloor.crm.merge import ContactMerger
from callfloor.crm.webhook_subscriptions import WebhookSubscriptions
from callfloor.storage.appointments import Appointment, Calendar
from callfloor.storage.models import User
from callfloor.storage.platform import Platform
from callfloor.storage.secretbox import SecretBox
from callfloor.storage.webhooks import WebhookDelivery
from tests.crm.customer_files import Two, two_tenants

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOURS = {"weekly": {day: ["09:00-12:00", "14:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}}


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    """A wall time in Paris, as an aware datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


def rep(two: Two, email: str, **given: object) -> Calendar:
    """A rep of acme with a calendar of Paris office hours."""
    user = User(tenant_id=two.acme.tenant_id, email=email, name=email.partition("@")[0].title(), role="agent")
    two.session.add(user)
    two.session.flush()
    fields = {"hours": HOURS, "timezone": "Europe/Paris", **given}
    return Calendars(two.session, two.acme.tenant_id).create(CalendarInput(user.id, **fields), now=NOW)  # type: ignore[arg-type]


def booking(calendar: Calendar, start: datetime, minutes: int = 60, **given: object) -> AppointmentInput:
    """A booking of ``minutes`` from ``start`` in ``calendar``."""
    return AppointmentInput(calendar.id, start, start + timedelta(minutes=minutes), "Visite", **given)  # type: ignore[arg-type]


def test_free_slots_skip_lunch_busy_times_and_booked_appointments(two: Two) -> None:
    calendar = rep(two, "anne@acme.example")
    calendars, book = (
        Calendars(two.session, two.acme.tenant_id),
        AppointmentBook(two.session, two.acme.tenant_id),
    )
    calendars.add_busy(calendar, at(10), at(11), "Formation")
    book.book(booking(calendar, at(15)), actor=None, now=NOW)
    slots = calendars.free([calendar], SlotQuery(at(0), at(23, 59)), now=NOW)
    assert [s.start.astimezone(PARIS).strftime("%H:%M") for s in slots] == [
        "09:00",
        "11:00",
        "14:00",
        "16:00",
        "17:00",
    ]
    assert {s.calendar_id for s in slots} == {calendar.id}
    half_hours = calendars.free([calendar], SlotQuery(at(9), at(10), timedelta(minutes=30)), now=at(9, 10))
    assert [s.start for s in half_hours] == [at(9, 30)]  # 09:00 has begun


def test_reps_are_chosen_by_area_postal_code_or_label_and_by_skill(two: Two) -> None:
    paris = rep(two, "paris@acme.example", postal_prefixes=["75", "92"], skills=["Fibre"])
    lyon = rep(
        two, "lyon@acme.example", postal_prefixes=["69"], area_label="Rhône-Alpes", skills=["fibre", "mobile"]
    )
    calendars = Calendars(two.session, two.acme.tenant_id)
    assert calendars.choose(area="75011") == [paris]
    assert calendars.choose(area="rhone alpes") == [lyon]
    assert calendars.choose(skill="fibre") == [paris, lyon]
    assert calendars.choose(area="69003", skill="mobile") == [lyon]
    assert calendars.choose(rep=paris.user_id) == [paris]
    assert calendars.choose(area="13001") == []
    contact = two.acme.create_contact(
        {"last_name": "Martin"}, addresses=[AddressInput(("1 rue",), "92100", "Boulogne")]
    )
    assert calendars.contact_postal_code(contact.id) == "92100"
    both = calendars.free([paris, lyon], SlotQuery(at(9), at(11)), now=NOW)
    assert [(s.start, s.calendar_id) for s in both] == [
        (at(9), paris.id), (at(9), lyon.id), (at(10), paris.id), (at(10), lyon.id)
    ]  # fmt: skip


def test_a_booking_is_refused_when_taken_outside_hours_or_begun(two: Two) -> None:
    calendar = rep(two, "anne@acme.example", buffer_minutes=15)
    book = AppointmentBook(two.session, two.acme.tenant_id)
    first = book.book(booking(calendar, at(9)), actor=two.acme_user, now=NOW)
    assert (first.status, first.sequence, first.booked_by, first.source) == (
        "booked",
        0,
        two.acme_user.id,
        "agent",
    )
    with pytest.raises(SlotTakenError) as taken:
        book.book(booking(calendar, at(9, 30)), actor=None, now=NOW)
    assert taken.value.error_id == "slot_taken" and taken.value.status == 409 and taken.value.fr
    with pytest.raises(SlotTakenError):  # within the 15-minute buffer
        book.book(booking(calendar, at(10, 10), 30), actor=None, now=NOW)
    with pytest.raises(OutsideHoursError):  # over lunch
        book.book(booking(calendar, at(11, 30)), actor=None, now=NOW)
    with pytest.raises(OutsideHoursError):  # a Saturday
        book.book(booking(calendar, at(10, day=date(2026, 3, 7))), actor=None, now=NOW)
    with pytest.raises(AppointmentError, match="begun"):
        book.book(booking(calendar, at(14)), actor=None, now=at(14, 5))
    later = book.book(booking(calendar, at(10, 15), 30), actor=None, now=NOW)
    assert later.start_at == at(10, 15)


def test_reschedule_keeps_the_uid_and_cancel_frees_the_slot(two: Two) -> None:
    calendar = rep(two, "anne@acme.example")
    book = AppointmentBook(two.session, two.acme.tenant_id)
    row = book.book(booking(calendar, at(9)), actor=None, now=NOW)
    uid = row.uid
    book.reschedule(row, at(9, 30), at(10, 30), now=NOW)  # overlaps its own old slot: allowed
    assert (row.uid, row.sequence, row.start_at) == (uid, 1, at(9, 30))
    other = book.book(booking(calendar, at(14)), actor=None, now=NOW)
    with pytest.raises(SlotTakenError):
        book.reschedule(row, at(14, 30), at(15, 30), now=NOW)
    book.cancel(other, now=NOW)
    assert (other.status, other.sequence, other.cancelled_at) == ("cancelled", 1, NOW)
    book.reschedule(row, at(14), at(15), now=NOW)
    assert row.sequence == 2
    with pytest.raises(CancelledError):
        book.cancel(other, now=NOW)
    with pytest.raises(CancelledError):
        book.reschedule(other, at(16), at(17), now=NOW)


def test_invitation_cancellation_and_feed_carry_uid_sequence_and_method(two: Two) -> None:
    calendar = rep(two, "anne@acme.example")
    contact = two.acme.create_contact(
        {"first_name": "Marie", "last_name": "Curie"}, emails=[EmailInput("Marie@Example.org")]
    )
    book = AppointmentBook(two.session, two.acme.tenant_id)
    row = book.book(booking(calendar, at(9), contact_id=contact.id, location="Agence"), actor=None, now=NOW)
    invitation = book.invitation(row, NOW)
    for line in (
        "METHOD:REQUEST",
        f"UID:{row.uid}",
        "SEQUENCE:0",
        "DTSTART:20260302T080000Z",
        "LOCATION:Agence",
    ):
        assert line in invitation
    assert "mailto:marie@example.org" in invitation and "mailto:anne@acme.example" in invitation
    book.reschedule(row, at(10), at(11), now=NOW)
    assert "SEQUENCE:1" in book.invitation(row, NOW) and "DTSTART:20260302T090000Z" in book.invitation(
        row, NOW
    )
    book.cancel(row, now=NOW)
    cancelled = book.cancellation(row, NOW)
    assert "METHOD:CANCEL" in cancelled and "SEQUENCE:2" in cancelled and "STATUS:CANCELLED" in cancelled
    kept = book.book(booking(calendar, at(14)), actor=None, now=NOW)
    feed = book.feed(calendar, NOW)
    assert "METHOD:PUBLISH" in feed and kept.uid in feed and row.uid not in feed and "ATTENDEE" not in feed


def test_confirmations_speak_the_contacts_language(two: Two) -> None:
    calendar = rep(two, "anne@acme.example")
    book = AppointmentBook(two.session, two.acme.tenant_id)
    emails = [EmailInput("jane@example.org")]
    jane = two.acme.create_contact({"first_name": "Jane", "language": "en-GB"}, emails=emails)
    row = book.book(booking(calendar, at(9), contact_id=jane.id), actor=None, now=NOW)
    mail = confirmation(row, jane, ics_text="ics", method="REQUEST", tenant_locale="fr")
    assert (
        mail is not None and mail.language == "en" and mail.subject == "Your appointment is confirmed: Visite"
    )
    assert "Monday 2 March 2026 at 09:00 (Europe/Paris)" in mail.text and mail.reply_to == "anne@acme.example"
    assert spoken_time(at(9), "Europe/Paris", "fr") == "lundi 2 mars 2026 à 09:00 (Europe/Paris)"
    french = two.acme.create_contact({"first_name": "Luc"}, emails=[EmailInput("luc@example.org")])
    cancel = confirmation(row, french, ics_text="ics", method="CANCEL", tenant_locale="fr")
    assert cancel is not None and cancel.subject.startswith("Annulation de votre rendez-vous")
    nobody = two.acme.create_contact({"first_name": "Sans"})
    assert confirmation(row, nobody, ics_text="ics", method="REQUEST", tenant_locale="fr") is None


def test_reminders_list_the_booked_appointments_starting_between_two_times(two: Two) -> None:
    calendar = rep(two, "anne@acme.example")
    book = AppointmentBook(two.session, two.acme.tenant_id)
    monday = book.book(booking(calendar, at(9)), actor=None, now=NOW)
    tuesday = book.book(booking(calendar, at(9, day=date(2026, 3, 3))), actor=None, now=NOW)
    cancelled = book.book(booking(calendar, at(15, day=date(2026, 3, 3))), actor=None, now=NOW)
    book.cancel(cancelled, now=NOW)
    book.book(booking(calendar, at(9, day=date(2026, 3, 4))), actor=None, now=NOW)
    due = book.due_for_reminder(at(0, day=date(2026, 3, 2)), at(0, day=date(2026, 3, 4)))
    assert [a.id for a in due] == [monday.id, tuesday.id]
    assert AppointmentBook(two.session, two.globex.tenant_id).due_for_reminder(at(0), at(23)) == []


def test_calendar_setup_is_checked(two: Two) -> None:
    calendar = rep(
        two,
        "anne@acme.example",
        hours={"timezone": "America/Martinique", "weekly": HOURS["weekly"]},
        timezone=None,
    )
    assert calendar.timezone == "America/Martinique" and calendar.hours["timezone"] == "America/Martinique"
    assert calendar.name == "Anne" and len(calendar.feed_token) >= 40
    calendars = Calendars(two.session, two.acme.tenant_id)
    with pytest.raises(DuplicateCalendarError):
        calendars.create(CalendarInput(calendar.user_id, HOURS), now=NOW)
    with pytest.raises(AppointmentError) as bad:
        rep(two, "bad@acme.example", hours={"weekly": {"mon": ["18:00-09:00"]}})
    assert bad.value.field == "hours"
    with pytest.raises(AppointmentError) as foreign:
        calendars.create(CalendarInput(two.globex_user.id, HOURS), now=NOW)
    assert foreign.value.field == "user_id"
    old = calendar.feed_token
    assert calendars.new_feed_token(calendar) != old


def test_a_merge_moves_appointments_to_the_survivor(two: Two) -> None:
    calendar = rep(two, "anne@acme.example")
    survivor = two.acme.create_contact({"last_name": "Martin"})
    absorbed = two.acme.create_contact({"last_name": "Martin"})
    row = AppointmentBook(two.session, two.acme.tenant_id).book(
        booking(calendar, at(9), contact_id=absorbed.id), actor=None, now=NOW
    )
    report = ContactMerger(two.session, two.acme.tenant_id).merge(survivor, absorbed)
    assert report.repointed["appointments.contact_id"] == 1
    two.session.refresh(row)
    assert row.contact_id == survivor.id


def _committed_calendar(sessions: sessionmaker[Session]) -> int:
    """A tenant with a rep's calendar, committed: threads with sessions of their own see it."""
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("rush", "Rush")
        user = User(tenant_id=tenant.id, email="rep@rush.example", name="Rep", role="agent")
        session.add(user)
        session.flush()
        calendar = Calendars(session, tenant.id).create(
            CalendarInput(user.id, HOURS, timezone="Europe/Paris"), now=NOW
        )
        return calendar.id


def test_two_agents_booking_overlapping_slots_at_once_get_one_appointment(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    calendar_id = _committed_calendar(sessions)
    start, outcomes = threading.Barrier(2), []

    def agent(begins: datetime) -> None:
        try:
            with sessions.begin() as session:
                calendar = session.get(Calendar, calendar_id)
                assert calendar is not None
                book = AppointmentBook(session, calendar.tenant_id)
                start.wait(timeout=10)
                book.book(
                    AppointmentInput(calendar_id, begins, begins + timedelta(hours=1), "Visite"),
                    actor=None,
                    now=NOW,
                )
            outcomes.append("booked")
        except SlotTakenError as refused:
            outcomes.append(refused.error_id)

    threads = [threading.Thread(target=agent, args=(s,)) for s in (at(9), at(9, 30))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["booked", "slot_taken"]
    with sessions() as session:
        assert (
            len(session.scalars(select(Appointment).where(Appointment.calendar_id == calendar_id)).all()) == 1
        )


def test_a_second_booking_waits_for_the_first_to_commit_then_is_refused(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    calendar_id = _committed_calendar(sessions)
    first_holds, results = threading.Event(), {}

    def second() -> None:
        first_holds.wait(timeout=10)
        try:
            with sessions.begin() as session:
                tenant_id = session.get(Calendar, calendar_id).tenant_id  # type: ignore[union-attr]
                AppointmentBook(session, tenant_id).book(
                    AppointmentInput(calendar_id, at(9), at(10), "Visite"), actor=None, now=NOW
                )
            results["second"] = "booked"
        except SlotTakenError as refused:
            results["second"] = refused.error_id

    thread = threading.Thread(target=second)
    thread.start()
    with sessions.begin() as session:
        tenant_id = session.get(Calendar, calendar_id).tenant_id  # type: ignore[union-attr]
        AppointmentBook(session, tenant_id).book(
            AppointmentInput(calendar_id, at(9), at(10), "Visite"), actor=None, now=NOW
        )
        first_holds.set()
        thread.join(timeout=0.5)
        assert thread.is_alive()  # waiting on the calendar's lock
    thread.join(timeout=10)
    assert results == {"second": "slot_taken"}


def test_a_booking_queues_its_webhook_in_its_transaction(two: Two) -> None:
    WebhookSubscriptions(two.session, two.acme.tenant_id, SecretBox(b"test-secret-key")).create(
        "https://crm.example/hooks", ["appointment.booked"], now=NOW
    )
    calendar = rep(two, "anne@acme.example")
    row = AppointmentBook(two.session, two.acme.tenant_id).book(booking(calendar, at(9)), actor=None, now=NOW)
    (delivery,) = two.session.scalars(select(WebhookDelivery)).all()
    assert (delivery.event, delivery.status, delivery.payload["uid"]) == (
        "appointment.booked",
        "pending",
        row.uid,
    )
    assert delivery.payload["start_at"] == at(9).astimezone(UTC).isoformat()
