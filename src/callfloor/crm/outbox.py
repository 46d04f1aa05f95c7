"""Queueing webhook deliveries in the transaction of the change that causes them (the outbox).

Each call site adds one line where its change is written: :func:`interaction_completed` where a
finished interaction's record is inserted (:mod:`callfloor.crm.interactions`, on the live call
path), :func:`ticket_changed` where a ticket's history grows (:mod:`callfloor.crm.tickets`),
:func:`order_created` where an order is taken (:mod:`callfloor.crm.sales`) and
:func:`appointment_booked` where an appointment is booked. The delivery rows are inserted in
the caller's transaction: rolled back with it, committed with it; the sender posts them later.

Cheap when nobody listens: which webhooks of a tenant want which event is cached for
:data:`TTL_S` seconds per database and tenant (:class:`Subscriptions`), so a tenant without
webhooks costs one query every few seconds, not one per call. Writes to webhooks through
:class:`~callfloor.crm.webhook_subscriptions.WebhookSubscriptions` drop the entry at once (and
again after the commit); another process sees a change within the TTL. The insert selects the
webhooks it names again, so one deleted meanwhile simply gets no row.
"""

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, insert, literal, select
from sqlalchemy.orm import Session

from callfloor.crm.webhooks import WebhookEvent
from callfloor.storage.appointments import Appointment
from callfloor.storage.interactions import Interaction
from callfloor.storage.sales import Order
from callfloor.storage.tickets import Ticket
from callfloor.storage.types import UTCDateTime, utcnow
from callfloor.storage.webhooks import Webhook, WebhookDelivery

TTL_S = 5.0
E = WebhookEvent


def _database(session: Session) -> str:
    """Which database a session talks to (tests run many, with the same tenant ids)."""
    return str(session.get_bind().engine.url)


class Subscriptions:
    """Per database and tenant: event -> ids of the active webhooks that want it, cached."""

    def __init__(self, ttl_s: float = TTL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s, self._clock = ttl_s, clock
        self._entries: dict[tuple[str, int], tuple[float, dict[str, tuple[int, ...]]]] = {}
        self._lock = threading.Lock()

    def of(self, session: Session, tenant_id: int) -> dict[str, tuple[int, ...]]:
        """The tenant's subscriptions, read at most once per TTL."""
        key, now = (_database(session), tenant_id), self._clock()
        with self._lock:
            cached = self._entries.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        rows = session.execute(
            select(Webhook.id, Webhook.events).where(Webhook.tenant_id == tenant_id, Webhook.active)
        ).all()
        found: dict[str, list[int]] = {}
        for webhook_id, events in rows:
            for event in events:
                found.setdefault(event, []).append(webhook_id)
        subscribed = {event: tuple(ids) for event, ids in found.items()}
        with self._lock:
            self._entries[key] = (now + self._ttl_s, subscribed)
        return subscribed

    def forget(self, session: Session, tenant_id: int) -> None:
        """Drop the tenant's entry: its webhooks changed."""
        with self._lock:
            self._entries.pop((_database(session), tenant_id), None)


#: The process's cache; :class:`~callfloor.crm.webhook_subscriptions.WebhookSubscriptions` keeps it right.
SUBSCRIPTIONS = Subscriptions()


def queue_event(
    session: Session, tenant_id: int, event: str, data: Mapping[str, Any], *,
    now: datetime | None = None, webhook_ids: tuple[int, ...] | None = None,
) -> int:  # fmt: skip
    """Queue ``event`` for every active webhook of the tenant that wants it; how many rows were queued."""
    ids = SUBSCRIPTIONS.of(session, tenant_id).get(event, ()) if webhook_ids is None else webhook_ids
    if not ids:
        return 0
    at = now or utcnow()
    rows = select(
        Webhook.tenant_id, Webhook.id, literal(str(uuid.uuid4()), String()), literal(event, String()),
        literal(dict(data), JSON()), literal("pending", String()), literal(0, Integer()),
        literal(at, UTCDateTime()), literal(at, UTCDateTime()),
    ).where(Webhook.tenant_id == tenant_id, Webhook.id.in_(ids))  # fmt: skip
    columns = ["tenant_id", "webhook_id", "event_id", "event", "payload", "status", "attempts",
               "next_attempt_at", "created_at"]  # fmt: skip
    queued = insert(WebhookDelivery).from_select(columns, rows).returning(WebhookDelivery.id)
    return len(session.execute(queued).all())


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def interaction_completed(session: Session, row: Interaction) -> int:
    """A finished interaction's record was written (whatever its outcome: ``outcome`` says)."""
    data = {
        "interaction_id": row.interaction_id, "channel": row.channel, "direction": row.direction,
        "number": row.number, "contact_id": row.contact_id, "account_id": row.account_id, "queue": row.queue,
        "agent": row.agent, "started_at": _iso(row.started_at), "answered_at": _iso(row.answered_at),
        "ended_at": _iso(row.ended_at), "outcome": row.outcome, "outcome_reason": row.outcome_reason,
        "wait_s": row.wait_s, "talk_s": row.talk_s, "disposition": row.disposition,
    }  # fmt: skip
    return queue_event(session, row.tenant_id, E.INTERACTION_COMPLETED, data)


def ticket_changed(
    session: Session, ticket: Ticket, change: str, at: datetime, details: Mapping[str, Any]
) -> int:
    """A ticket's history grew by ``change`` (created, status, comment, assigned, escalated…)."""
    data = {
        "change": change,
        "details": dict(details),
        "at": at.isoformat(),
        "ticket": {
            "id": ticket.id,
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "level": ticket.level,
            "team_id": ticket.team_id,
            "assignee_id": ticket.assignee_id,
            "contact_id": ticket.contact_id,
            "account_id": ticket.account_id,
            "first_response_due": _iso(ticket.first_response_due),
            "resolution_due": _iso(ticket.resolution_due),
        },
    }
    return queue_event(session, ticket.tenant_id, E.TICKET_CHANGED, data, now=at)


def order_created(session: Session, order: Order) -> int:
    """An order was taken; amounts are strings, as the API writes them."""
    lines = [
        {
            "reference": line.reference,
            "label": line.label,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price),
            "discount": str(line.discount),
            "vat_rate": str(line.vat_rate),
        }
        for line in order.lines
    ]
    data = {
        "id": order.id, "number": order.number, "quote_id": order.quote_id, "contact_id": order.contact_id,
        "account_id": order.account_id, "status": order.status, "taken_at": _iso(order.taken_at),
        "total_excl_vat": str(order.total_excl_vat), "total_vat": str(order.total_vat),
        "total_incl_vat": str(order.total_incl_vat), "lines": lines,
    }  # fmt: skip
    return queue_event(session, order.tenant_id, E.ORDER_CREATED, data, now=order.taken_at)


def appointment_booked(session: Session, row: Appointment, now: datetime | None = None) -> int:
    """An appointment was booked (to be called by the booking service, in its transaction)."""
    data = {
        "id": row.id, "uid": row.uid, "calendar_id": row.calendar_id, "contact_id": row.contact_id,
        "account_id": row.account_id, "start_at": _iso(row.start_at), "end_at": _iso(row.end_at),
        "subject": row.subject, "location": row.location, "status": row.status, "source": row.source,
        "booked_by": row.booked_by,
    }  # fmt: skip
    return queue_event(session, row.tenant_id, E.APPOINTMENT_BOOKED, data, now=now)
