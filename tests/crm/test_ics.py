"""Appointments as iCalendar text, read back with icalendar as a calendar client would."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component

from callfloor.crm import CrmError
from callfloor.crm.ics import Appointment, IcsError, Person, cancellation, feed, invitation, revised

PARIS = ZoneInfo("Europe/Paris")
STAMP = datetime(2025, 6, 2, 8, 15, tzinfo=UTC)


def appointment(**changes: object) -> Appointment:
    fields: dict[str, object] = {
        "uid": "rdv-42@callfloor.example",
        "start": datetime(2025, 6, 10, 14, 30, tzinfo=PARIS),
        "end": datetime(2025, 6, 10, 15, tzinfo=PARIS),
        "summary": "Rendez-vous : présentation de l'offre fibre",
        "organizer": Person("claire.martin@callfloor.example", "Claire Martin, commerciale"),
        "attendee": Person("j.dupont@example.fr", "Jean Dupont"),
        "description": "Apporter le dernier devis; parler du contrat de maintenance.",
        "location": "12 rue de la Paix, 75002 Paris",
    }
    return Appointment(**{**fields, **changes})  # type: ignore[arg-type]


def parsed(text: str) -> tuple[Calendar, list[Component]]:
    calendar = Calendar.from_ical(text)
    return calendar, list(calendar.walk("VEVENT"))


def test_an_invitation_is_a_request_a_client_reads_back_exactly() -> None:
    calendar, [event] = parsed(invitation(appointment(), STAMP))
    assert str(calendar["method"]) == "REQUEST"
    assert str(calendar["version"]) == "2.0"
    assert str(event["uid"]) == "rdv-42@callfloor.example"
    assert event.decoded("sequence") == 0
    assert event.decoded("dtstart") == datetime(2025, 6, 10, 12, 30, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2025, 6, 10, 13, tzinfo=UTC)
    assert event.decoded("dtstamp") == STAMP
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["summary"]) == "Rendez-vous : présentation de l'offre fibre"
    assert str(event["description"]) == "Apporter le dernier devis; parler du contrat de maintenance."
    assert str(event["location"]) == "12 rue de la Paix, 75002 Paris"
    assert str(event["organizer"]) == "mailto:claire.martin@callfloor.example"
    assert event["organizer"].params["CN"] == "Claire Martin, commerciale"
    attendee = event["attendee"]
    assert str(attendee) == "mailto:j.dupont@example.fr"
    assert dict(attendee.params) == {
        "CN": "Jean Dupont",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }


def test_the_text_has_crlf_lines_folded_at_75_octets_and_utc_times() -> None:
    text = invitation(appointment(description="Ordre du jour détaillé. " * 20), STAMP)
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert "\n" not in "".join(lines)
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long description was folded
    assert "DTSTART:20250610T123000Z" in lines
    assert "DTSTAMP:20250602T081500Z" in lines
    assert parsed(text)[1][0]["description"] == "Ordre du jour détaillé. " * 20


def test_an_update_keeps_the_uid_and_raises_the_sequence() -> None:
    moved = revised(
        appointment(),
        start=datetime(2025, 6, 11, 9, tzinfo=PARIS),
        end=datetime(2025, 6, 11, 10, tzinfo=PARIS),
    )
    assert (moved.uid, moved.sequence, moved.summary) == (appointment().uid, 1, appointment().summary)
    calendar, [event] = parsed(invitation(moved, STAMP))
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == "rdv-42@callfloor.example"
    assert event.decoded("sequence") == 1
    assert event.decoded("dtstart") == datetime(2025, 6, 11, 7, tzinfo=UTC)
    assert revised(revised(moved, location="Visioconférence")).sequence == 3


def test_a_cancellation_is_a_cancel_of_the_same_uid_one_revision_later() -> None:
    calendar, [event] = parsed(cancellation(appointment(sequence=2), STAMP))
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == "rdv-42@callfloor.example"
    assert event.decoded("sequence") == 3
    assert str(event["attendee"]) == "mailto:j.dupont@example.fr"


def test_a_reps_feed_publishes_every_appointment_without_attendees() -> None:
    morning = appointment(
        uid="rdv-1", start=datetime(2025, 6, 10, 9, tzinfo=UTC), end=datetime(2025, 6, 10, 10, tzinfo=UTC)
    )
    afternoon = appointment(uid="rdv-2", description="", location="", attendee=None)
    calendar, events = parsed(feed([morning, afternoon], STAMP, "Claire Martin : rendez-vous"))
    assert str(calendar["method"]) == "PUBLISH"
    assert str(calendar["x-wr-calname"]) == "Claire Martin : rendez-vous"
    assert [str(event["uid"]) for event in events] == ["rdv-1", "rdv-2"]
    assert [event.decoded("dtstart") for event in events] == [
        datetime(2025, 6, 10, 9, tzinfo=UTC),
        datetime(2025, 6, 10, 12, 30, tzinfo=UTC),
    ]
    assert all("attendee" not in event and "organizer" in event for event in events)
    assert "description" not in events[1] and "location" not in events[1]


def test_an_empty_feed_is_still_a_calendar() -> None:
    calendar, events = parsed(feed([], STAMP))
    assert (str(calendar["method"]), events) == ("PUBLISH", [])
    assert "x-wr-calname" not in calendar


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": datetime(2025, 6, 10, 14)}, "start: 2025-06-10T14:00:00 is naive"),
        ({"end": datetime(2025, 6, 10, 14, 30, tzinfo=PARIS)}, "ends at .* not after its start"),
        ({"uid": " "}, "uid ' ': one line of text is required"),
        ({"uid": "a\r\nMETHOD:CANCEL"}, "one line of text is required"),
        ({"sequence": -1}, "sequence -1 is negative"),
    ],
)
def test_appointments_that_cannot_be_written_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(IcsError, match=message):
        appointment(**changes)


@pytest.mark.parametrize(
    "email", ["", "jean", "@example.fr", "jean@", "jean dupont@example.fr", "j@x.fr\r\nX:1"]
)
def test_addresses_that_are_not_e_mail_are_refused(email: str) -> None:
    with pytest.raises(IcsError, match="is not an e-mail address"):
        Person(email)


def test_a_naive_dtstamp_is_refused_and_errors_are_crm_errors() -> None:
    with pytest.raises(IcsError, match=r"dtstamp: .* is naive"):
        invitation(appointment(), datetime(2025, 6, 2, 8, 15))
    assert issubclass(IcsError, CrmError)
