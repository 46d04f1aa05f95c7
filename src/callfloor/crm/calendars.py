"""Sales reps' calendars: their setup, choosing reps by name, area or skill, and their free slots.

A calendar's working hours are the plain data ``core.schedule.parse_schedule`` reads, in the
calendar's own zone (a rep in Martinique works 08:00-17:00 there): the ``timezone`` key of
the stored hours is always the calendar's; a calendar set up without hours gets
:data:`DEFAULT_HOURS`, Monday to Friday 09:00-18:00. A rep works neither on the tenant's
closures (the center's days off) nor, when their hours name no country of their own, on the
tenant's public holidays (:func:`working_schedule`): that is what both the free slots and the
booking check read. Its free slots are those open intervals minus its busy times and booked
appointments, cut by
:func:`callfloor.crm.slots.free_slots` on the rep's wall clock, ``slot_minutes`` apart, kept
``buffer_minutes`` away from what is booked.

Reps are chosen by user (``rep``), by area (a contact's postal code starts with one of the
calendar's prefixes, or the label is the calendar's area label, accents and case folded), or
by skill (the calendar lists it). Slots across several calendars are merged in time order,
each saying whose it is. Nothing here reads a clock: ``now`` is an argument.
"""

import dataclasses
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callfloor.core.schedule import ScheduleError
from callfloor.core.schedule.calendar import Schedule
from callfloor.core.schedule.config import parse_schedule, schedule_data
from callfloor.crm import CustomerFileError
from callfloor.crm import fields as f
from callfloor.crm.appointment_errors import AppointmentError, DuplicateCalendarError, refuse, text
from callfloor.crm.sla import schedule_of as tenant_schedule
from callfloor.crm.slots import Interval, SlotError, free_slots
from callfloor.storage.appointments import BusyTime, Calendar
from callfloor.storage.models import Tenant
from callfloor.storage.scope import TenantScope

#: How far ahead a slot search may look (a longer window is refused: it would walk years).
MAX_WINDOW = timedelta(days=92)
#: A rep's working hours when the calendar is set up without any, in the calendar's zone.
DEFAULT_HOURS: Final[Mapping[str, Any]] = MappingProxyType(
    {"weekly": {day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}}
)


@dataclass(frozen=True, slots=True)
class CalendarInput:
    """A rep's calendar as written by an admin or a supervisor."""

    user_id: int
    hours: Mapping[str, Any] = field(default_factory=lambda: DEFAULT_HOURS)
    name: str = ""
    timezone: str | None = None  # None: the hours', else the tenant's
    postal_prefixes: Sequence[str] = ()
    area_label: str = ""
    skills: Sequence[str] = ()
    slot_minutes: int = 30
    buffer_minutes: int = 0
    active: bool = True


@dataclass(frozen=True, slots=True)
class Slot:
    """A free slot in one rep's calendar, in UTC."""

    calendar_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class SlotQuery:
    """Which slots to look for: from ``start`` to ``end``, ``length`` long."""

    start: datetime
    end: datetime
    length: timedelta = field(default=timedelta(hours=1))


class Calendars:
    """The reps' calendars of one tenant."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.scope = TenantScope(session, tenant_id)

    # -- setup ------------------------------------------------------------------------------

    def create(self, given: CalendarInput, *, now: datetime) -> Calendar:
        """A rep's calendar with a fresh feed token; one per rep."""
        if self.scope.calendars.by_user(given.user_id) is not None:
            raise DuplicateCalendarError(
                f"user {given.user_id} already has a calendar",
                f"l'utilisateur {given.user_id} a déjà un agenda",
            )
        calendar = Calendar(feed_token=secrets.token_urlsafe(32), bookings=0, created_at=now)
        self._apply(calendar, given)
        return self.scope.calendars.add(calendar)

    def update(self, calendar: Calendar, given: CalendarInput) -> Calendar:
        """Replace the calendar's setup (its rep stays, its feed token too)."""
        if given.user_id != calendar.user_id:
            raise refuse("user_id", "a calendar stays its rep's", "un agenda reste celui de son commercial")
        self._apply(calendar, given)
        self.session.flush()
        return calendar

    def new_feed_token(self, calendar: Calendar) -> str:
        """A new feed token: the old feed URL stops working (a leaked link is revoked so)."""
        calendar.feed_token = secrets.token_urlsafe(32)
        self.session.flush()
        return calendar.feed_token

    def _apply(self, calendar: Calendar, given: CalendarInput) -> None:
        user = self.scope.users.get(given.user_id)
        if user is None or user.role == "client_viewer":
            raise refuse(
                "user_id",
                f"no user {given.user_id} who can be a rep",
                f"pas d'utilisateur {given.user_id} commercial",
            )
        zone = self._zone(given)
        calendar.user_id, calendar.timezone = user.id, zone
        calendar.hours = self._hours(given.hours, zone)
        calendar.name = text(given.name, "name", 200) or user.name
        calendar.postal_prefixes = [self._prefix(p) for p in given.postal_prefixes]
        calendar.area_label = text(given.area_label, "area_label", 100)
        calendar.skills = self._tags(given.skills, "skills")
        calendar.slot_minutes = self._minutes(given.slot_minutes, "slot_minutes", 5)
        calendar.buffer_minutes = self._minutes(given.buffer_minutes, "buffer_minutes", 0)
        calendar.active = given.active

    def _zone(self, given: CalendarInput) -> str:
        tenant = self.session.get(Tenant, self.tenant_id)
        named = given.timezone or given.hours.get("timezone") or (tenant.timezone if tenant else "UTC")
        try:
            return f.timezone(str(named)) or "UTC"
        except CustomerFileError as exc:
            raise AppointmentError(exc.en, exc.fr, field="timezone") from None

    @staticmethod
    def _hours(hours: Mapping[str, Any], zone: str) -> dict[str, Any]:
        try:
            return schedule_data(parse_schedule({**hours, "timezone": zone}))
        except ScheduleError as exc:
            raise refuse("hours", str(exc), f"horaires invalides : {exc}") from None

    @staticmethod
    def _prefix(prefix: str) -> str:
        cleaned = prefix.strip().upper()
        if not cleaned.isalnum() or len(cleaned) > 10:
            raise refuse("postal_prefixes", f"{prefix!r} is not a postal code prefix",
                         f"{prefix!r} n'est pas un début de code postal")  # fmt: skip
        return cleaned

    @staticmethod
    def _tags(values: Sequence[str], field_name: str) -> list[str]:
        try:
            return f.tags(values)
        except CustomerFileError as exc:
            raise AppointmentError(exc.en.replace("tags", field_name), exc.fr, field=field_name) from None

    @staticmethod
    def _minutes(value: int, field_name: str, least: int) -> int:
        if not least <= value <= 24 * 60:
            raise refuse(
                field_name, f"must be {least} to 1440 minutes", f"doit être de {least} à 1440 minutes"
            )
        return value

    def add_busy(self, calendar: Calendar, start: datetime, end: datetime, label: str = "") -> BusyTime:
        """A period the rep is busy outside callfloor."""
        if start.tzinfo is None or end.tzinfo is None or end <= start:
            raise refuse("end", "a busy time ends after it starts, both with a time zone",
                         "une indisponibilité finit après son début, fuseau indiqué")  # fmt: skip
        busy = BusyTime(calendar_id=calendar.id, start_at=start, end_at=end, label=text(label, "label", 200))
        return self.scope.busy_times.add(busy)

    # -- choosing reps ----------------------------------------------------------------------

    def choose(
        self, *, rep: int | None = None, area: str | None = None, skill: str | None = None
    ) -> list[Calendar]:
        """The active calendars matching every criterion given (``rep``: a user id), in id order."""
        found = list(self.scope.calendars.active())
        if rep is not None:
            found = [c for c in found if c.user_id == rep]
        if area is not None:
            found = [c for c in found if covers(c, area)]
        if skill is not None:
            found = [c for c in found if f.fold(skill) in {f.fold(s) for s in c.skills}]
        return found

    def contact_postal_code(self, contact_id: int) -> str | None:
        """The postal code of the contact's first address, else its account's; None when neither has one."""
        contact = self.scope.contacts.get(contact_id)
        if contact is None:
            raise refuse("contact_id", f"{contact_id} is unknown", f"{contact_id} est inconnu")
        addresses = [*contact.addresses, *(contact.account.addresses if contact.account else [])]
        return next((a.postal_code for a in addresses if a.postal_code), None)

    # -- free slots -------------------------------------------------------------------------

    def free(self, calendars: Sequence[Calendar], query: SlotQuery, *, now: datetime) -> list[Slot]:
        """The free slots of ``calendars`` in the query's window, in time order, then calendar."""
        if query.end - query.start > MAX_WINDOW:
            raise refuse("to", "a search spans 92 days at most", "une recherche couvre 92 jours au plus")
        found = [slot for calendar in calendars for slot in self._free_in(calendar, query, now)]
        return sorted(found, key=lambda s: (s.start, s.calendar_id))

    def working_hours(self, calendar: Calendar) -> Schedule:
        """When the rep works: :func:`working_schedule` with the tenant's business hours."""
        return working_schedule(calendar, tenant_schedule(self.scope))

    def _free_in(self, calendar: Calendar, query: SlotQuery, now: datetime) -> list[Slot]:
        busy = self.busy(calendar, query.start, query.end)
        return free_in(calendar, self.working_hours(calendar), busy, query, now=now)

    def busy(
        self, calendar: Calendar, start: datetime, end: datetime, *, excluding: int | None = None
    ) -> list[Interval]:
        """What holds the calendar between ``start`` and ``end``: busy times and booked appointments."""
        reach = timedelta(minutes=calendar.buffer_minutes)
        low, high = start - reach, end + reach
        held = [
            Interval(b.start_at, b.end_at) for b in self.scope.busy_times.overlapping(calendar.id, low, high)
        ]
        booked = self.scope.appointments.booked_between(calendar.id, low, high, excluding=excluding)
        return held + [Interval(a.start_at, a.end_at) for a in booked]


def schedule_of(calendar: Calendar) -> Schedule:
    """The rep's working hours, in the calendar's zone."""
    return parse_schedule({**calendar.hours, "timezone": calendar.timezone})


def free_in(
    calendar: Calendar, working: Schedule, busy: Sequence[Interval], query: SlotQuery, *, now: datetime
) -> list[Slot]:
    """The free slots of one calendar: ``working``'s open intervals less ``busy``, on its wall clock."""
    try:
        slots = free_slots(
            working.open_intervals(query.start, query.end), busy,
            length=query.length, zone=ZoneInfo(calendar.timezone),
            window=(query.start, query.end), now=now,
            granularity=timedelta(minutes=calendar.slot_minutes),
            buffer=timedelta(minutes=calendar.buffer_minutes),
        )  # fmt: skip
    except SlotError as exc:
        raise refuse("from", str(exc), f"créneaux impossibles à calculer : {exc}") from None
    return [Slot(calendar.id, s.start, s.end) for s in slots]


def working_schedule(calendar: Calendar, tenant: Schedule) -> Schedule:
    """The rep's hours, closed also on the tenant's closures (a day the rep's hours open specially
    stays open), and on the tenant's public holidays when the rep's hours name no country."""
    own = schedule_of(calendar)
    country, subdivision = (
        (own.country, own.subdivision) if own.country else (tenant.country, tenant.subdivision)
    )
    closures = own.closures | (tenant.closures - own.special.keys())
    return dataclasses.replace(own, country=country, subdivision=subdivision, closures=closures)


def covers(calendar: Calendar, area: str) -> bool:
    """Whether the calendar covers ``area``: a postal code under one of its prefixes, or its label."""
    code = area.strip().upper().replace(" ", "")
    if any(code.startswith(prefix) for prefix in calendar.postal_prefixes):
        return True
    return bool(calendar.area_label) and f.fold(area) == f.fold(calendar.area_label)
