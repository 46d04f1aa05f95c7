"""The table of scheduled callbacks (rappels programmés): a time agreed with a customer to call them back.

The inbound floor's callback (:mod:`callfloor.server.sip.callbacks`) keeps a waiting caller's place
in the queue and calls them back at their turn; the campaigns' callbacks are leads of their own
list. Neither holds "call this contact back on Thursday at 10:00", which an agent agrees on
during an inbound call: a row here does, until an agent has called (``done``) or it is called
off (``cancelled``). It is for one user (``assignee_id``) or for anyone (null), and keeps the
number to dial (E.164), the agent's note, and the interaction it was agreed on. An agent who
dials it from the desk and does not reach the customer leaves it pending: ``attempts`` counts
those tries, with the time and outcome (``busy``, ``no_answer``…) of the last one.

The index on (tenant, status, due time) is what the due list reads.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, or_, update
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
    # The desk's tries at calling back: how many, when the last one was, how it ended.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_attempt_at: Mapped[datetime | None] = mapped_column()
    last_outcome: Mapped[str | None] = mapped_column(String(16))


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

    def claim(self, callback_id: int, user_id: int) -> bool:
        """Make a pending callback ``user_id``'s, unless another user's already; False when not.

        One conditional UPDATE, so that of two agents taking an anyone-callback at once only
        one does (the second waits for the first's commit, then finds it taken).
        """
        model = ScheduledCallback
        taken = self.session.execute(
            update(model)
            .where(model.tenant_id == self.tenant_id, model.id == callback_id, model.status == "pending")
            .where(or_(model.assignee_id.is_(None), model.assignee_id == user_id))
            .values(assignee_id=user_id)
            .execution_options(synchronize_session="fetch")
        )
        return bool(getattr(taken, "rowcount", 0))
