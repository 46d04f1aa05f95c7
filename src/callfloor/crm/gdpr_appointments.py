"""Appointments as holders of a person's data: exported whole, kept but anonymised on erasure.

An appointment is no accounting document, but the rep's calendar and the booking statistics
(appointments booked per agent, per campaign) count it, so the row stays with its times,
status and calendar; what says who the person is goes: the link to the contact, and the free
texts an agent may have filled with the person's name, needs or address (subject, notes and
location, a visit being often at the customer's home), replaced by
:data:`~callfloor.crm.gdpr.MARKER`. Its account stays linked: a company is not a data subject.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.crm.gdpr import MARKER, PERSONAL_DATA, DataSubject, Erasure
from callfloor.storage.appointments import Appointment

FIELDS = ("id", "start_at", "end_at", "subject", "notes", "location", "status", "source", "booked_at")


class AppointmentHolder:
    """The person's appointments in the sales reps' calendars."""

    kind = "appointments"
    title: ClassVar[Mapping[str, str]] = {"fr": "Rendez-vous", "en": "Appointments"}

    def _rows(self, session: Session, subject: DataSubject) -> list[Appointment]:
        query = select(Appointment).where(
            Appointment.tenant_id == subject.tenant_id, Appointment.contact_id == subject.contact_id
        )
        return list(session.scalars(query.order_by(Appointment.start_at, Appointment.id)))

    def export(self, session: Session, subject: DataSubject) -> list[dict[str, Any]]:
        """Each appointment, earliest first, with the rep it was booked with."""
        return [
            {name: getattr(row, name) for name in FIELDS} | {"calendar": row.calendar.name}
            for row in self._rows(session, subject)
        ]

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        """Keep each appointment; remove its contact and mark its texts."""
        rows = self._rows(session, subject)

        def apply() -> None:
            for row in rows:
                row.contact_id = None
                row.subject = MARKER
                row.notes = MARKER if row.notes else ""
                row.location = MARKER if row.location else ""
            session.flush()

        return Erasure({"appointments_anonymised": len(rows)}, apply)


PERSONAL_DATA.register(AppointmentHolder())
