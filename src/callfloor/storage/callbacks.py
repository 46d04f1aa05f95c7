"""The table of scheduled callbacks (rappels programmés): a time agreed with a customer to call them back.

The inbound floor's callback (:mod:`callfloor.server.sip.callbacks`) keeps a waiting caller's place
in the queue and calls them back at their turn; the campaigns' callbacks are leads of their own
list. Neither holds "call this contact back on Thursday at 10:00", which an agent agrees on
during an inbound call: a row here does, until an agent has called (``done``) or it is called
off (``cancelled``). It is for one user (``assignee_id``) or for anyone (null), and keeps the
number to dial (E.164), the agent's note, and the interaction it was agreed on.

The index on (tenant, status, due time) is what the due list reads.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, or_
from sqlalchemy.orm import Mapped, mapped_column

from callfloor.storage.models import Base, TenantOwned
from callfloor.storage.repositories import TenantRepository
from callfloor.storage.tickets import one_of
from callfloor.storage.types import utcnow

STATUSES = ("pending", "done", "cancelled")


class ScheduledCallback(TenantOwned, Base):
    """A callback agreed with a customer for a given time."""

    __tablename__ = "scheduled_callbacks"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="status"),
        Index("ix_scheduled_callbacks_tenant_status_due", "tenant_id", "status", "due_at"),
        Index("ix_scheduled_callbacks_contact_id", "contact_id"),
        Index("ix_scheduled_callbacks_assignee_id", "assignee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    number: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column()
    # The user who calls back (null: anyone of the tenant).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    # The log's id of the interaction the callback was agreed on.
    interaction_id: Mapped[str | None] = mapped_column(String(36))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()


class ScheduledCallbackRepository(TenantRepository[ScheduledCallback]):
    """Scheduled callbacks, by status, due time, contact and assignee."""

    model = ScheduledCallback

    def find(
        self,
        *,
        status: str | None = None,
        contact_id: int | None = None,
        for_user: int | None = None,
        due_before: datetime | None = None,
        limit: int = 100,
    ) -> Sequence[ScheduledCallback]:
        """The callbacks matching every filter given, soonest first; ``for_user``: theirs and anyone's."""
        query = self.select()
        if status is not None:
            query = query.where(ScheduledCallback.status == status)
        if contact_id is not None:
            query = query.where(ScheduledCallback.contact_id == contact_id)
        if for_user is not None:
            mine = ScheduledCallback.assignee_id == for_user
            query = query.where(or_(mine, ScheduledCallback.assignee_id.is_(None)))
        if due_before is not None:
            query = query.where(ScheduledCallback.due_at <= due_before)
        query = query.order_by(ScheduledCallback.due_at, ScheduledCallback.id).limit(limit)
        return self.session.scalars(query).all()
