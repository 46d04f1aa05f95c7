"""The CRM's record of each interaction: one row per call (later chat, e-mail, letter), once it ends.

The interaction log (:class:`~callfloor.storage.models.InteractionEvent`) says everything that
happened, entry by entry, for the KPIs; this table says what the customer file needs in one row:
who it was with (the remote number, and the contact and account it matched), on which channel
and in which direction, who took it, when it started, was answered and ended, how it ended
(``outcome`` and its ``outcome_reason``), the wait and talk times, and the agent's disposition
and notes. It is written in the same transaction as the log entry that ends the interaction
(:mod:`callfloor.crm.interactions`), so a finished call never lacks its record.

Queue and agent are kept by name and by plain id, as in the log: the record outlives
configuration changes, and an id cached a few seconds too long must not fail the write. Contact
and account go null when they are deleted; the number stays.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callfloor.storage.models import Base, BigId, TenantOwned
from callfloor.storage.repositories import TenantRepository
from callfloor.storage.tickets import one_of
from callfloor.storage.types import utcnow

CHANNELS = ("call", "chat", "email", "letter")
DIRECTIONS = ("inbound", "outbound")
#: How an interaction may end (see :data:`callfloor.crm.interactions.ENDINGS`).
OUTCOMES = ("completed", "abandoned", "ivr_ended", "outbound_ended", "max_wait", "callback_no_answer")
#: A remote party's number as received (a SIP user part may be long); longer ones are cut.
NUMBER_LENGTH = 64


class Interaction(TenantOwned, Base):
    """One finished interaction as the customer file shows it."""

    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "interaction_id"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint(one_of("direction", DIRECTIONS), name="direction"),
        CheckConstraint(one_of("outcome", OUTCOMES), name="outcome"),
        Index("ix_interactions_tenant_started", "tenant_id", "started_at"),
        Index("ix_interactions_tenant_contact_started", "tenant_id", "contact_id", "started_at"),
        Index("ix_interactions_tenant_account_started", "tenant_id", "account_id", "started_at"),
        Index("ix_interactions_tenant_number", "tenant_id", "number"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # The log's interaction id (InteractionEvent.interaction_id, Recording.interaction_id).
    interaction_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(8))
    # E.164 when it normalises in the tenant's country, else as received; null when withheld.
    number: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    queue: Mapped[str | None] = mapped_column(String(64))
    queue_id: Mapped[int | None] = mapped_column(Integer)
    agent: Mapped[str | None] = mapped_column(String(16))
    agent_id: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(20))
    # The IVR's reason, the outbound call's outcome (busy, no_answer…), "transfer"…
    outcome_reason: Mapped[str | None] = mapped_column(String(40))
    wait_s: Mapped[float | None] = mapped_column(Float)
    talk_s: Mapped[float | None] = mapped_column(Float)
    # The recording notice (CNIL): "informed" (heard it, did not object) or "objected" (this
    # call was not recorded); null when the queue does not record.
    recording_consent: Mapped[str | None] = mapped_column(String(12))
    disposition: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InteractionRepository(TenantRepository[Interaction]):
    """Interaction records, found by the log's interaction id."""

    model = Interaction

    def by_interaction_id(self, interaction_id: str) -> Interaction | None:
        """The record of the log's interaction ``interaction_id``, or None."""
        query = self.select().where(Interaction.interaction_id == interaction_id)
        return self.session.scalars(query).one_or_none()

    def by_number(self, number: str, limit: int) -> Sequence[Interaction]:
        """The latest interactions with ``number`` (as stored), newest first."""
        query = self.select().where(Interaction.number == number)
        query = query.order_by(Interaction.started_at.desc(), Interaction.id.desc()).limit(limit)
        return self.session.scalars(query).all()
