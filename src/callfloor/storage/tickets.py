"""The tables of tickets: complaints (réclamations), information requests, after-sales (SAV) requests.

A ticket belongs to a category, which carries its SLA (first response and resolution targets in
*business* seconds, counted in the tenant's hours) and the level-1 checklist agents go through
before resolving or escalating to a level-2 team. The due times are computed by the CRM when
the ticket is created (and moved when its SLA clock stops and starts again) and stored, so that
lists and the breach report filter on plain columns: a ticket is late on its first response when
``COALESCE(first_response_at, now) > first_response_due``, on its resolution when
``COALESCE(resolved_at, paused_at, now) > resolution_due``.

The history (:class:`TicketEvent`) is append-only: a trigger refuses every UPDATE (migration
0009), which is why its actor is a plain user id, like the interaction log's agents, rather than
a foreign key that a deleted user would set to NULL.

Numbers (``T-2026-000123``) come from :class:`TicketCounter`, one row per tenant and year,
incremented in the transaction that inserts the ticket, as sales numbers are (see
:func:`next_ticket_number`). The tenant's business hours live in :class:`TenantSchedule`, a
table of their own rather than a column of ``tenants``: adding a column there would rebuild
the tenants table on SQLite, and the schedule is plain data that the IVR's hours node and
calling hours will read too.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    literal,
    or_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from callfloor.storage.models import Base, BigId, TenantOwned, User
from callfloor.storage.repositories import TenantRepository
from callfloor.storage.types import UTCDateTime, utcnow

KINDS = ("complaint", "information", "after_sales")
PRIORITIES = ("low", "normal", "high", "urgent")
STATUSES = ("new", "open", "pending", "resolved", "closed")
CHANNELS = ("phone", "chat", "email", "mail", "web")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK that ``column`` holds one of ``values``."""
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


class TenantSchedule(TenantOwned, Base):
    """A tenant's business hours, as the plain data ``core.schedule.parse_schedule`` reads."""

    __tablename__ = "tenant_schedules"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Team(TenantOwned, Base):
    """A team that works tickets: level 1 (triage, first answers) or level 2 (experts)."""

    __tablename__ = "teams"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint("level IN (1, 2)", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer, default=1)

    members: Mapped[list["TeamMember"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="TeamMember.user_id"
    )


class TeamMember(TenantOwned, Base):
    """A user in a team."""

    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)

    user: Mapped[User] = relationship()


class TicketCategory(TenantOwned, Base):
    """What a ticket is about, its SLA in business seconds, its defaults and its level-1 checklist."""

    __tablename__ = "ticket_categories"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint(one_of("kind", KINDS), name="kind"),
        CheckConstraint(one_of("default_priority", PRIORITIES), name="default_priority"),
        CheckConstraint("first_response_s > 0 AND resolution_s > 0", name="sla_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))
    first_response_s: Mapped[int] = mapped_column(Integer)
    resolution_s: Mapped[int] = mapped_column(Integer)
    default_priority: Mapped[str] = mapped_column(String(8), default="normal")
    default_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    # The questions or steps a level-1 agent goes through, in order.
    checklist: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TicketCounter(TenantOwned, Base):
    """The last number given to a ticket of one tenant in one year."""

    __tablename__ = "ticket_counters"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(TenantOwned, Base):
    """A customer's request followed until it is resolved, with its SLA due times."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        CheckConstraint(one_of("kind", KINDS), name="kind"),
        CheckConstraint(one_of("priority", PRIORITIES), name="priority"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint("level IN (1, 2)", name="level"),
        Index("ix_tickets_tenant_status", "tenant_id", "status"),
        Index("ix_tickets_tenant_interaction", "tenant_id", "interaction_id"),
        Index("ix_tickets_contact_id", "contact_id"),
        Index("ix_tickets_account_id", "account_id"),
        Index("ix_tickets_team_id", "team_id"),
        Index("ix_tickets_assignee_id", "assignee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_categories.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    status: Mapped[str] = mapped_column(String(10), default="new")
    level: Mapped[int] = mapped_column(Integer, default=1)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8), default="phone")
    # The interaction (a call's id, a chat's…) the ticket was opened from, if any.
    interaction_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    first_response_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # Set while the SLA clock is stopped (pending: waiting for the customer).
    paused_at: Mapped[datetime | None] = mapped_column()
    first_response_due: Mapped[datetime | None] = mapped_column()
    resolution_due: Mapped[datetime | None] = mapped_column()

    category: Mapped[TicketCategory | None] = relationship()
    team: Mapped[Team | None] = relationship()
    # Read only: events are appended through the session, and deleted with the ticket by the database.
    events: Mapped[list["TicketEvent"]] = relationship(order_by="TicketEvent.id", viewonly=True)
    comments: Mapped[list["TicketComment"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="TicketComment.id"
    )
    attachments: Mapped[list["TicketAttachment"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="TicketAttachment.id"
    )


class TicketEvent(TenantOwned, Base):
    """One entry of a ticket's history; ``data`` holds what changed (from, to, reason, answers…)."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TicketComment(TenantOwned, Base):
    """A comment on a ticket: internal (the center only) or visible to the customer."""

    __tablename__ = "ticket_comments"
    __table_args__ = (Index("ix_ticket_comments_ticket_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column()


class TicketAttachment(TenantOwned, Base):
    """A file attached to a ticket, kept under ``<data dir>/attachments/<tenant id>/``."""

    __tablename__ = "ticket_attachments"
    __table_args__ = (Index("ix_ticket_attachments_ticket_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    # Relative to the data dir (POSIX separators), so the data dir can move.
    path: Mapped[str] = mapped_column(String(500))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column()


def next_ticket_number(session: Session, tenant_id: int, year: int) -> int:
    """The next ticket number of ``year``, in the caller's transaction (no gaps, no duplicates).

    The counter row is created if missing (a concurrent creator wins, the other does nothing),
    then incremented: the UPDATE's row lock makes a concurrent transaction wait until this one
    ends, and it then reads the committed value.
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    create = insert(TicketCounter).values(tenant_id=tenant_id, year=year, last=0)
    session.execute(create.on_conflict_do_nothing(index_elements=["tenant_id", "year"]))
    bump = (
        update(TicketCounter)
        .where(TicketCounter.tenant_id == tenant_id, TicketCounter.year == year)
        .values(last=TicketCounter.last + 1)
        .returning(TicketCounter.last)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(bump).scalar_one())


def late_condition(now: datetime) -> ColumnElement[bool]:
    """Tickets past a due time at ``now``: first response or resolution (the SLA clock stops while paused)."""
    at = literal(now, UTCDateTime())  # typed, so SQLite compares it in the columns' own format
    responded = func.coalesce(Ticket.first_response_at, at)
    finished = func.coalesce(Ticket.resolved_at, Ticket.paused_at, at)
    return or_(
        and_(Ticket.first_response_due.is_not(None), responded > Ticket.first_response_due),
        and_(Ticket.resolution_due.is_not(None), finished > Ticket.resolution_due),
    )


class TicketRepository(TenantRepository[Ticket]):
    """Tickets, found by number, filtered for lists and reports."""

    model = Ticket

    def by_number(self, number: str) -> Ticket | None:
        """The ticket with this number, or None."""
        return self.session.scalars(self.select().where(Ticket.number == number)).one_or_none()

    def find(
        self,
        *,
        statuses: Sequence[str] = (),
        team_id: int | None = None,
        assignee_id: int | None = None,
        contact_id: int | None = None,
        late_at: datetime | None = None,
        created_since: datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[Ticket]:
        """The tickets matching every filter given (``late_at``: past a due time then), newest first."""
        query = self.select().options(selectinload(Ticket.category), selectinload(Ticket.team))
        for column, value in (
            (Ticket.team_id, team_id),
            (Ticket.assignee_id, assignee_id),
            (Ticket.contact_id, contact_id),
        ):
            if value is not None:
                query = query.where(column == value)
        if statuses:
            query = query.where(Ticket.status.in_(statuses))
        if late_at is not None:
            query = query.where(late_condition(late_at))
        if created_since is not None:
            query = query.where(Ticket.created_at >= created_since)
        query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).offset(offset)
        return self.session.scalars(query if limit is None else query.limit(limit)).all()


class TeamRepository(TenantRepository[Team]):
    """Teams, found by name, with their members."""

    model = Team

    def by_name(self, name: str) -> Team | None:
        """The team called ``name``, or None."""
        return self.session.scalars(self.select().where(Team.name == name)).one_or_none()


class TicketCategoryRepository(TenantRepository[TicketCategory]):
    """Ticket categories, found by name."""

    model = TicketCategory

    def by_name(self, name: str) -> TicketCategory | None:
        """The category called ``name``, or None."""
        return self.session.scalars(self.select().where(TicketCategory.name == name)).one_or_none()


class ScheduleRepository(TenantRepository[TenantSchedule]):
    """The tenant's business hours: one row, or none (then the default applies)."""

    model = TenantSchedule

    def data(self) -> dict[str, Any] | None:
        """The stored schedule data, or None when the tenant has none."""
        row = self.session.scalars(self.select()).one_or_none()
        return None if row is None else row.data

    def put(self, data: dict[str, Any], now: datetime) -> TenantSchedule:
        """Store ``data`` as the tenant's schedule, replacing any older one."""
        row = self.session.scalars(self.select()).one_or_none()
        if row is None:
            return self.add(TenantSchedule(data=data, updated_at=now))
        row.data, row.updated_at = data, now
        self.session.flush()
        return row
