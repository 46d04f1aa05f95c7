"""The tables of appointments (rendez-vous) in sales reps' calendars.

A :class:`Calendar` belongs to one user, the rep: their working hours as the plain data
``core.schedule.parse_schedule`` reads (weekly hours in the calendar's own zone, holidays,
closures), the area they cover (postal code prefixes, or a free label) and their skills, so
that a booking can pick a rep by area or by skill. ``feed_token`` is the credential of the
rep's read-only iCalendar feed: random, unique, and never derived from an id.

No double booking, even when two agents book the same slot at once. Booking bumps
``calendars.bookings`` *before* it checks the slot is free (:func:`lock_calendar`): the UPDATE
takes the calendar's row lock on PostgreSQL, and SQLite's one write lock, so a second booking of
the same calendar waits until the first commits, then reads its appointment and is refused. A
rep's calendars are one row each, so two calendars never wait on each other.

An appointment keeps its iCalendar ``uid`` for life; every change the customer must see
(rescheduling, cancellation) raises ``sequence`` (RFC 5545 §3.8.7.4). A cancelled appointment
stays, with its status, so its slot is free again and its history is kept.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from callfloor.storage.models import Base, TenantOwned, User
from callfloor.storage.repositories import TenantRepository
from callfloor.storage.types import utcnow

STATUSES = ("booked", "cancelled")
SOURCES = ("agent", "ivr", "web")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


class Calendar(TenantOwned, Base):
    """A sales rep's calendar: working hours, area, skills, and the token of its iCal feed."""

    __tablename__ = "calendars"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        UniqueConstraint("feed_token"),
        CheckConstraint("slot_minutes > 0 AND buffer_minutes >= 0", name="durations"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    # Postal code prefixes the rep covers ("75", "921"); empty: no area by postal code.
    postal_prefixes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A free name of the area ("Île-de-France Est"), matched whole, case and accents folded.
    area_label: Mapped[str] = mapped_column(String(100), default="")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Working hours, as core.schedule.parse_schedule reads them (its "timezone" is the calendar's).
    hours: Mapped[dict[str, Any]] = mapped_column()
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    feed_token: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped by every booking, to take the calendar's lock first (see the module docstring).
    bookings: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class BusyTime(TenantOwned, Base):
    """A period the rep is busy outside callfloor (a training, a visit booked elsewhere, leave)."""

    __tablename__ = "busy_times"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        Index("ix_busy_times_calendar_start", "calendar_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column()
    end_at: Mapped[datetime] = mapped_column()
    label: Mapped[str] = mapped_column(String(200), default="")


class Appointment(TenantOwned, Base):
    """A booked meeting of a rep with a customer; ``sequence`` counts its iCalendar revisions."""

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("uid"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        CheckConstraint(_one_of("source", SOURCES), name="source"),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence"),
        Index("ix_appointments_calendar_start", "calendar_id", "start_at"),
        Index("ix_appointments_tenant_start", "tenant_id", "start_at"),
        Index("ix_appointments_contact_id", "contact_id"),
        Index("ix_appointments_account_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    start_at: Mapped[datetime] = mapped_column()
    end_at: Mapped[datetime] = mapped_column()
    subject: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="booked")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    uid: Mapped[str] = mapped_column(String(100))
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    booked_at: Mapped[datetime] = mapped_column()
    source: Mapped[str] = mapped_column(String(5), default="agent")
    updated_at: Mapped[datetime] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()

    calendar: Mapped[Calendar] = relationship()


def lock_calendar(session: Session, calendar_id: int) -> None:
    """Take the calendar's write lock in the caller's transaction, before checking a slot is free."""
    bump = (
        update(Calendar)
        .where(Calendar.id == calendar_id)
        .values(bookings=Calendar.bookings + 1)
        .execution_options(synchronize_session=False)
    )
    session.execute(bump)


class CalendarRepository(TenantRepository[Calendar]):
    """Reps' calendars, found by user and by feed token."""

    model = Calendar

    def by_user(self, user_id: int) -> Calendar | None:
        """The calendar of user ``user_id``, or None."""
        return self.session.scalars(self.select().where(Calendar.user_id == user_id)).one_or_none()

    def active(self) -> Sequence[Calendar]:
        """The calendars taking bookings, in id order."""
        query = self.select().where(Calendar.active.is_(True)).order_by(Calendar.id)
        return self.session.scalars(query).all()


def calendar_by_feed_token(session: Session, token: str) -> Calendar | None:
    """The calendar whose feed ``token`` names, whatever its tenant: the token is the credential."""
    return session.scalars(select(Calendar).where(Calendar.feed_token == token)).one_or_none()


class BusyTimeRepository(TenantRepository[BusyTime]):
    """Busy periods of reps' calendars."""

    model = BusyTime

    def overlapping(self, calendar_id: int, start: datetime, end: datetime) -> Sequence[BusyTime]:
        """The calendar's busy periods that share a moment with [start, end), in order."""
        query = self.select().where(
            BusyTime.calendar_id == calendar_id, BusyTime.start_at < end, BusyTime.end_at > start
        )
        return self.session.scalars(query.order_by(BusyTime.start_at, BusyTime.id)).all()


class AppointmentRepository(TenantRepository[Appointment]):
    """Appointments, found by calendar, customer and time."""

    model = Appointment

    def booked_between(
        self, calendar_id: int, start: datetime, end: datetime, *, excluding: int | None = None
    ) -> Sequence[Appointment]:
        """The calendar's booked appointments that share a moment with [start, end), in order."""
        query = self.select().where(
            Appointment.calendar_id == calendar_id,
            Appointment.status == "booked",
            Appointment.start_at < end,
            Appointment.end_at > start,
        )
        if excluding is not None:
            query = query.where(Appointment.id != excluding)
        return self.session.scalars(query.order_by(Appointment.start_at, Appointment.id)).all()

    def find(
        self,
        *,
        calendar_id: int | None = None,
        contact_id: int | None = None,
        account_id: int | None = None,
        status: str | None = None,
        start_from: datetime | None = None,
        start_to: datetime | None = None,
        limit: int = 100,
    ) -> Sequence[Appointment]:
        """The appointments matching every filter given, by start time."""
        query = self.select()
        for column, value in (
            (Appointment.calendar_id, calendar_id),
            (Appointment.contact_id, contact_id),
            (Appointment.account_id, account_id),
            (Appointment.status, status),
        ):
            if value is not None:
                query = query.where(column == value)
        if start_from is not None:
            query = query.where(Appointment.start_at >= start_from)
        if start_to is not None:
            query = query.where(Appointment.start_at < start_to)
        return self.session.scalars(query.order_by(Appointment.start_at, Appointment.id).limit(limit)).all()
