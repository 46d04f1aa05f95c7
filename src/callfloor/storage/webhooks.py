"""The tables of webhooks: a tenant's subscriptions, and the outbox of deliveries to make.

A :class:`Webhook` is a URL that a tenant's existing CRM listens on, the events it wants, and
the secret its requests are signed with, sealed (:mod:`callfloor.storage.secretbox`): callfloor
must sign with it, so it cannot be a hash. A :class:`WebhookDelivery` is one event for one
webhook, written in the transaction of the change that causes it (the transactional outbox:
a change rolled back leaves no delivery, a committed one always has its delivery). The sender
(:mod:`callfloor.channels.webhooks`) claims due rows, posts them, and records the outcome.

The sender serves every tenant, so :class:`Outbox` reads due rows across tenants: like
:mod:`callfloor.storage.platform`, it is a platform-level reader, the one unscoped path here.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from callfloor.storage.models import Base, BigId, TenantOwned
from callfloor.storage.repositories import TenantRepository
from callfloor.storage.tickets import one_of
from callfloor.storage.types import utcnow

STATUSES = ("pending", "delivered", "failed")
URL_LENGTH = 2000


class Webhook(TenantOwned, Base):
    """A tenant's subscription: where to post, which events, the signing secret (sealed)."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret_sealed: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(TenantOwned, Base):
    """One event to post to one webhook, and how its attempts went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="status"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    # A UUID the receiver de-duplicates on: a delivery may arrive twice (at least once).
    event_id: Mapped[str] = mapped_column(String(36))
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column()

    webhook: Mapped[Webhook] = relationship()


class WebhookRepository(TenantRepository[Webhook]):
    """A tenant's webhooks, and their deliveries."""

    model = Webhook

    def deliveries(
        self, webhook: Webhook, *, limit: int, before: int | None = None
    ) -> Sequence[WebhookDelivery]:
        """The webhook's deliveries, newest first, older than id ``before`` when given."""
        query = select(WebhookDelivery).where(
            WebhookDelivery.tenant_id == self.tenant_id, WebhookDelivery.webhook_id == webhook.id
        )
        if before is not None:
            query = query.where(WebhookDelivery.id < before)
        return self.session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)).all()


class Outbox:
    """The deliveries of every tenant that are due (the sender's view; see the module docstring)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, now: datetime, *, limit: int, lease: timedelta) -> list[WebhookDelivery]:
        """Up to ``limit`` due deliveries of active webhooks, oldest due first, leased for ``lease``.

        Each claimed row's attempt is counted and its next attempt pushed to ``now + lease``, in
        the caller's transaction: a sender that dies mid-post leaves the row due again once the
        lease is over, and another sender (PostgreSQL's SKIP LOCKED) never claims it meanwhile.
        """
        query = (
            select(WebhookDelivery)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(
                WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now, Webhook.active
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        )
        claimed = list(self.session.scalars(query))
        for delivery in claimed:
            delivery.attempts += 1
            delivery.next_attempt_at = now + lease
        self.session.flush()
        return claimed

    def get(self, delivery_id: int) -> WebhookDelivery | None:
        """A delivery by id, whatever its tenant."""
        return self.session.get(WebhookDelivery, delivery_id)
