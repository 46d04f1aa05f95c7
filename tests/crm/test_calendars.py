"""Reps' calendars on both backends: default working hours, and slots (and bookings) kept off the
tenant's public holidays and closures, in the rep's zone."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.appointment_errors import OutsideHoursError
from callfloor.crm.appointments import AppointmentBook, AppointmentInput
from callfloor.crm.calendars import CalendarInput, Calendars, SlotQuery
from callfloor.crm.sla import store_schedule
from callfloor.storage.scope import TenantScope
from tests.crm.customer_files import Two, two_tenants

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 4, 26, 12, tzinfo=UTC)  # a Sunday; Friday 1 May 2026 is Labour Day
WEEK = SlotQuery(datetime(2026, 4, 27, tzinfo=PARIS), datetime(2026, 5, 4, tzinfo=PARIS), timedelta(hours=1))


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


def starts(two: Two, calendar_id: int, query: SlotQuery = WEEK) -> dict[date, list[str]]:
    """The slots' starts by local day, as the rep reads them."""
    calendars = Calendars(two.session, two.acme.tenant_id)
    found: dict[date, list[str]] = {}
    for slot in calendars.free([calendars.scope.calendars.get(calendar_id)], query, now=NOW):  # type: ignore[list-item]
        local = slot.start.astimezone(PARIS)
        found.setdefault(local.date(), []).append(f"{local:%H:%M}")
    return found


def test_a_calendar_without_hours_works_monday_to_friday_nine_to_six_in_the_tenants_zone(two: Two) -> None:
    calendar = Calendars(two.session, two.acme.tenant_id).create(CalendarInput(two.acme_user.id), now=NOW)
    assert calendar.timezone == "Europe/Paris"
    assert calendar.hours["weekly"] == {day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    offered = starts(two, calendar.id)
    assert sorted(offered) == [
        date(2026, 4, d) for d in (27, 28, 29, 30)
    ]  # not Friday 1 May, nor the weekend
    assert offered[date(2026, 4, 27)] == [f"{h:02d}:00" for h in range(9, 18)]


def test_the_tenants_closures_and_holidays_close_the_reps_days_unless_the_rep_says_otherwise(
    two: Two,
) -> None:
    scope = TenantScope(two.session, two.acme.tenant_id)
    store_schedule(scope, {"timezone": "Europe/Paris", "country": "FR", "weekly": {"mon": ["09:00-18:00"]},
                           "closures": ["2026-04-28"]}, NOW)  # fmt: skip
    calendars = Calendars(two.session, two.acme.tenant_id)
    every_day = {day: ["08:00-12:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    rep = calendars.create(
        CalendarInput(two.acme_user.id, {"weekly": every_day, "special": {"2026-04-30": ["14:00-16:00"]}}),
        now=NOW,
    )
    offered = starts(two, rep.id)
    assert date(2026, 4, 28) not in offered and date(2026, 5, 1) not in offered  # the closure, Labour Day
    assert offered[date(2026, 4, 30)] == ["14:00", "15:00"]  # the rep's own special hours stand
    assert offered[date(2026, 5, 2)] == ["08:00", "09:00", "10:00", "11:00"]
    book = AppointmentBook(two.session, two.acme.tenant_id)
    labour_day = datetime(2026, 5, 1, 9, tzinfo=PARIS)
    with pytest.raises(OutsideHoursError):
        book.book(
            AppointmentInput(rep.id, labour_day, labour_day + timedelta(hours=1), "Visite"),
            actor=None,
            now=NOW,
        )
    on_holidays = {"weekly": every_day, "holidays_close": False}
    calendars.update(rep, CalendarInput(two.acme_user.id, on_holidays))
    assert date(2026, 5, 1) in starts(two, rep.id) and date(2026, 4, 28) not in starts(two, rep.id)


def test_a_rep_with_a_country_of_their_own_keeps_its_holidays(two: Two) -> None:
    calendars = Calendars(two.session, two.acme.tenant_id)
    weekdays = {day: ["09:00-10:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    belgian = {"country": "BE", "weekly": weekdays}
    rep = calendars.create(CalendarInput(two.acme_user.id, belgian, timezone="Europe/Brussels"), now=NOW)
    fortnight = SlotQuery(WEEK.start, WEEK.start + timedelta(days=12), WEEK.length)
    offered = starts(two, rep.id, fortnight)
    assert date(2026, 5, 1) not in offered  # Labour Day, in Belgium too
    assert offered[date(2026, 5, 8)] == ["09:00"]  # France's 8 May is a working day in Belgium
