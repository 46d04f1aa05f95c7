"""Booking appointments (prise de rendez-vous) in reps' calendars: book, cancel, reschedule.

A booking is checked in the transaction that inserts it, after the calendar's lock is taken
(:func:`callfloor.storage.appointments.lock_calendar`): the slot lies in the rep's working
hours, starts after ``now``, and clashes with no booked appointment or busy time, the
calendar's buffer counted. Two agents booking the same slot at once are served one after the
other; the second is refused with :class:`SlotTakenError`. Rescheduling is the same check,
the appointment itself left out, and keeps its uid with ``sequence`` one higher; cancelling
raises ``sequence`` too and frees the slot (RFC 5545 §3.8.7.4).

The iCalendar texts are :mod:`callfloor.crm.ics`'s: an invitation (``METHOD:REQUEST``) on
booking and rescheduling, a cancellation (``METHOD:CANCEL``) on cancelling, and each rep's
read-only feed (``METHOD:PUBLISH``). The reminders' feed (issue 8's campaigns) is
:meth:`AppointmentBook.due_for_reminder`. Nothing here reads a clock: ``now`` is an argument.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from callfloor.crm import ics, outbox
from callfloor.crm import timeline_rows as _timeline_rows  # noqa: F401 - registers appointments' timeline
from callfloor.crm.appointment_errors import (
    CancelledError,
    OutsideHoursError,
    SlotTakenError,
    refuse,
    text,
)
from callfloor.crm.calendars import Calendars
from callfloor.crm.merge import CONTACT_REFERENCES
from callfloor.crm.slots import conflicts
from callfloor.storage.appointments import SOURCES, Appointment, Calendar, lock_calendar
from callfloor.storage.contacts import Contact
from callfloor.storage.models import User
from callfloor.storage.repositories import TenantRepository

# A merge of two contacts moves their appointments to the survivor.
CONTACT_REFERENCES.register(Appointment, Appointment.contact_id)

#: How long after they end a rep's feed still shows past appointments.
FEED_HISTORY = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class AppointmentInput:
    """A booking: whose calendar, when, what for, with whom."""

    calendar_id: int
    start: datetime
    end: datetime
    subject: str
    contact_id: int | None = None
    account_id: int | None = None
    notes: str = ""
    location: str = ""
    source: str = "agent"


class AppointmentBook:
    """The appointments of one tenant."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.calendars = Calendars(session, tenant_id)
        self.scope = self.calendars.scope

    def book(self, given: AppointmentInput, *, actor: User | None, now: datetime) -> Appointment:
        """Book the slot if it is still free, in the caller's transaction."""
        calendar = self._calendar(given.calendar_id)
        row = Appointment(
            calendar_id=calendar.id, subject=self._subject(given.subject),
            notes=text(given.notes, "notes", 10_000, multiline=True),
            location=text(given.location, "location", 300), status="booked", sequence=0,
            uid=f"{secrets.token_urlsafe(18)}@callfloor", booked_by=actor.id if actor else None,
            booked_at=now, updated_at=now, source=self._source(given.source),
            contact_id=self._exists(self.scope.contacts, given.contact_id, "contact_id"),
            account_id=self._exists(self.scope.accounts, given.account_id, "account_id"),
        )  # fmt: skip
        row.start_at, row.end_at = self._free_span(calendar, given.start, given.end, now, None)
        self.scope.appointments.add(row)
        outbox.appointment_booked(self.session, row, now)  # in the booking's transaction
        return row

    def reschedule(self, row: Appointment, start: datetime, end: datetime, *, now: datetime) -> Appointment:
        """Move the appointment to a free slot of its calendar: same uid, sequence one higher."""
        self._not_cancelled(row)
        row.start_at, row.end_at = self._free_span(row.calendar, start, end, now, row.id)
        row.sequence, row.updated_at = row.sequence + 1, now
        self.session.flush()
        return row

    def cancel(self, row: Appointment, *, now: datetime) -> Appointment:
        """Cancel the appointment: its slot is free again, its sequence one higher."""
        self._not_cancelled(row)
        row.status, row.sequence = "cancelled", row.sequence + 1
        row.cancelled_at = row.updated_at = now
        self.session.flush()
        return row

    def due_for_reminder(self, start: datetime, end: datetime) -> Sequence[Appointment]:
        """The booked appointments starting in [start, end): whom a reminder campaign calls."""
        return self.scope.appointments.find(status="booked", start_from=start, start_to=end, limit=10_000)

    # -- iCalendar --------------------------------------------------------------------------

    def invitation(self, row: Appointment, now: datetime) -> str:
        """The ``METHOD:REQUEST`` text sent on booking and on rescheduling."""
        return ics.invitation(self.ics_event(row), now)

    def cancellation(self, row: Appointment, now: datetime) -> str:
        """The ``METHOD:CANCEL`` text of a cancelled appointment, at its current sequence."""
        event = self.ics_event(row)
        return ics.cancellation(replace(event, sequence=max(event.sequence - 1, 0)), now)

    def feed(self, calendar: Calendar, now: datetime) -> str:
        """The rep's read-only feed: booked appointments from 90 days back on."""
        rows = self.scope.appointments.find(
            calendar_id=calendar.id, status="booked", start_from=now - FEED_HISTORY, limit=5000
        )
        return ics.feed([self.ics_event(r, attendee=False) for r in rows], now, calendar.name)

    def ics_event(self, row: Appointment, *, attendee: bool = True) -> ics.Appointment:
        """The appointment as :mod:`callfloor.crm.ics` writes it: the rep organises, the contact attends."""
        rep = row.calendar.user
        contact = self.scope.contacts.get(row.contact_id) if row.contact_id and attendee else None
        return ics.Appointment(
            uid=row.uid, start=row.start_at, end=row.end_at, summary=row.subject,
            organizer=ics.Person(rep.email, row.calendar.name), attendee=attendee_of(contact),
            description=row.notes, location=row.location, sequence=row.sequence,
        )  # fmt: skip

    # -- checks -----------------------------------------------------------------------------

    def _free_span(
        self, calendar: Calendar, start: datetime, end: datetime, now: datetime, excluding: int | None
    ) -> tuple[datetime, datetime]:
        """``[start, end)`` once the calendar is locked and the span is found free in it."""
        if start.tzinfo is None or end.tzinfo is None or end <= start:
            raise refuse("end", "an appointment ends after it starts, both with a time zone",
                         "un rendez-vous finit après son début, fuseau indiqué")  # fmt: skip
        if start < now:
            raise refuse("start", "the slot has already begun", "le créneau est déjà commencé")
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        lock_calendar(self.session, calendar.id)
        if self.calendars.working_hours(calendar).open_intervals(start, end) != [(start, end)]:
            raise OutsideHoursError(
                "the slot is outside the rep's working hours",
                "le créneau est hors des horaires du commercial",
            )
        buffer = timedelta(minutes=calendar.buffer_minutes)
        if conflicts((start, end), self.calendars.busy(calendar, start, end, excluding=excluding), buffer):
            raise SlotTakenError("the slot has just been taken", "le créneau vient d'être pris")
        return start, end

    def _calendar(self, calendar_id: int) -> Calendar:
        calendar = self.scope.calendars.get(calendar_id)
        if calendar is None or not calendar.active:
            raise refuse(
                "calendar_id", f"no active calendar {calendar_id}", f"pas d'agenda actif {calendar_id}"
            )
        return calendar

    @staticmethod
    def _not_cancelled(row: Appointment) -> None:
        if row.status == "cancelled":
            raise CancelledError(
                f"appointment {row.id} is cancelled; book a new one",
                f"le rendez-vous {row.id} est annulé ; prenez-en un nouveau",
            )

    @staticmethod
    def _subject(subject: str) -> str:
        said = text(subject, "subject", 200)
        if not said:
            raise refuse("subject", "an appointment needs a subject", "un rendez-vous doit avoir un objet")
        return said

    @staticmethod
    def _source(source: str) -> str:
        if source not in SOURCES:
            raise refuse(
                "source", f"must be one of {', '.join(SOURCES)}", f"doit être parmi {', '.join(SOURCES)}"
            )
        return source

    @staticmethod
    def _exists(repository: TenantRepository[Any], object_id: int | None, field: str) -> int | None:
        if object_id is not None and repository.get(object_id) is None:
            raise refuse(field, f"{object_id} is unknown", f"{object_id} est inconnu")
        return object_id


def attendee_of(contact: Contact | None) -> ics.Person | None:
    """The contact as an attendee: their first e-mail address, None when they have none."""
    if contact is None or not contact.emails:
        return None
    return ics.Person(contact.emails[0].address, contact.display_name)
