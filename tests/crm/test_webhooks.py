"""Webhooks: signatures, the retry schedule, subscriptions, and deliveries queued with the change or not at all."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.catalogue import Catalogue
from callfloor.crm.interactions import InteractionRecorder, InteractionStart, InteractionTally
from callfloor.crm.lines import LineInput
from callfloor.crm.outbox import Subscriptions, queue_event
from callfloor.crm.sales import Sales
from callfloor.crm.tickets import TicketDesk, TicketInput
from callfloor.crm.webhook_subscriptions import WebhookSubscriptions
from callfloor.crm.webhooks import (
    RETRY_DELAYS_S,
    WebhookError,
    body,
    check_url,
    next_attempt,
    signature,
    verify,
)
from callfloor.storage.secretbox import SecretBox
from callfloor.storage.webhooks import Outbox, WebhookDelivery
from tests.crm.customer_files import Two, ticket_floor, two_tenants

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
BOX = SecretBox(b"test-secret-key")


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` and ``globex``."""
    yield from two_tenants(sessions)


def _deliveries(session: Session) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_signature_verifies_and_any_change_or_delay_breaks_it() -> None:
    payload = body("e1", "ping", NOW, {"a": "é"})
    header = signature("whsec_x", 1_772_000_000, payload)
    assert header.startswith("t=1772000000,v1=") and len(header.rpartition("=")[2]) == 64
    assert verify("whsec_x", header, payload, now=1_772_000_100)
    assert not verify("whsec_y", header, payload, now=1_772_000_100)
    assert not verify("whsec_x", header, payload + b" ", now=1_772_000_100)
    assert not verify("whsec_x", header, payload, now=1_772_000_301)  # replayed too late
    assert not verify("whsec_x", header.replace("t=1772000000", "t=1772000001"), payload, now=1_772_000_000)
    rotated = f"{header},v1={'0' * 64}"  # several v1: any one that matches
    assert verify("whsec_x", rotated, payload, now=1_772_000_000)
    assert json.loads(payload) == {
        "id": "e1",
        "type": "ping",
        "created_at": NOW.isoformat(),
        "data": {"a": "é"},
    }


def test_retries_back_off_then_give_up() -> None:
    times = [next_attempt(n, NOW) for n in range(1, 7)]
    assert [(t - NOW).total_seconds() if t else None for t in times] == [30, 120, 600, 3600, 21600, None]
    assert len(RETRY_DELAYS_S) == 5


@pytest.mark.parametrize(
    "url", ["ftp://crm.example/x", "javascript:alert(1)", "https://", "/relative", "https://u:p@crm.example/"]
)
def test_only_http_urls_are_subscribed(two: Two, url: str) -> None:
    with pytest.raises(WebhookError) as error:
        WebhookSubscriptions(two.session, two.acme.tenant_id, BOX).create(url, ["ticket.changed"], now=NOW)
    assert (error.value.error_id, error.value.field) == ("invalid_webhook_url", "url")
    assert check_url(" https://crm.example/h?x=1 ") == "https://crm.example/h?x=1"


def test_events_must_be_known(two: Two) -> None:
    hooks = WebhookSubscriptions(two.session, two.acme.tenant_id, BOX)
    for events in ([], ["ticket.created"], ["ping"]):
        with pytest.raises(WebhookError, match="events"):
            hooks.create("https://crm.example/h", events, now=NOW)


def test_the_secret_is_given_once_and_kept_sealed(two: Two) -> None:
    webhook, secret = WebhookSubscriptions(two.session, two.acme.tenant_id, BOX).create(
        "https://crm.example/h", ["order.created"], now=NOW
    )
    assert secret.startswith("whsec_") and secret not in webhook.secret_sealed
    assert BOX.open(webhook.secret_sealed) == secret


def test_a_ticket_change_queues_one_delivery_per_subscribed_webhook_of_its_tenant(two: Two) -> None:
    hooks = WebhookSubscriptions(two.session, two.acme.tenant_id, BOX)
    wanted, _ = hooks.create("https://a.example/h", ["ticket.changed", "order.created"], now=NOW)
    hooks.create("https://b.example/h", ["order.created"], now=NOW)
    WebhookSubscriptions(two.session, two.globex.tenant_id, BOX).create(
        "https://g.example/h", ["ticket.changed"], now=NOW
    )
    floor = ticket_floor(two.session, two.acme.tenant_id)
    desk = TicketDesk(two.session, two.acme.tenant_id)
    ticket = desk.create(TicketInput("Colis abîmé", floor.category.id), actor=None, now=NOW)
    desk.comment(ticket, "Rappel", internal=False, actor=two.acme_user, now=NOW + timedelta(minutes=5))
    queued = _deliveries(two.session)
    assert [(d.webhook_id, d.event, d.payload["change"], d.status) for d in queued] == [
        (wanted.id, "ticket.changed", "created", "pending"),
        (wanted.id, "ticket.changed", "comment", "pending"),
    ]
    assert queued[0].payload["ticket"]["number"] == ticket.number
    assert queued[1].next_attempt_at == NOW + timedelta(minutes=5)  # due at once


def test_a_rolled_back_change_leaves_no_delivery(sessions: sessionmaker[Session]) -> None:
    for two in two_tenants(sessions):
        WebhookSubscriptions(two.session, two.acme.tenant_id, BOX).create(
            "https://a.example/h", ["order.created"], now=NOW
        )
        savepoint = two.session.begin_nested()
        _order(two)
        assert len(_deliveries(two.session)) == 1
        savepoint.rollback()
        assert _deliveries(two.session) == []


def _order(two: Two) -> None:
    catalogue = Catalogue(two.session, two.acme.tenant_id)
    catalogue.create({"reference": "HS-1", "label": "Casque", "unit_price": Decimal("49.90"),
                      "vat_rate": Decimal(20)}, now=NOW)  # fmt: skip
    contact = two.acme.create_contact({"last_name": "Martin"})
    sales = Sales(two.session, two.acme.tenant_id)
    quote = sales.create_quote(
        {"contact_id": contact.id, "valid_until": date(2026, 3, 31)}, [LineInput("HS-1")], now=NOW
    )
    sales.send(quote, today=date(2026, 3, 2), now=NOW)
    sales.take_order(quote, taken_by=None, today=date(2026, 3, 2), now=NOW)


def test_an_order_and_a_finished_call_are_queued_with_their_data(two: Two) -> None:
    WebhookSubscriptions(two.session, two.acme.tenant_id, BOX).create(
        "https://a.example/h", ["order.created", "interaction.completed"], now=NOW
    )
    _order(two)
    tally = InteractionTally(
        InteractionStart("call-1", NOW.timestamp(), number="0612345678"), outcome="completed"
    )
    InteractionRecorder(two.session, two.acme.tenant_id, "FR").write(tally, queue_id=None, agent_id=None)
    order, call = _deliveries(two.session)
    assert (order.event, order.payload["total_incl_vat"], order.payload["lines"][0]["reference"]) == (
        "order.created", "59.88", "HS-1"
    )  # fmt: skip
    assert (call.event, call.payload["interaction_id"], call.payload["number"]) == (
        "interaction.completed", "call-1", "+33612345678"
    )  # fmt: skip


def test_subscriptions_are_cached_and_dropped_when_a_webhook_changes(two: Two) -> None:
    clock = [0.0]
    cache = Subscriptions(ttl_s=5.0, clock=lambda: clock[0])
    tenant = two.acme.tenant_id
    assert cache.of(two.session, tenant) == {}
    hooks = WebhookSubscriptions(two.session, tenant, BOX)
    webhook, _ = hooks.create("https://a.example/h", ["ticket.changed"], now=NOW)
    assert cache.of(two.session, tenant) == {}  # cached: no query within the TTL
    clock[0] = 5.1
    assert cache.of(two.session, tenant) == {"ticket.changed": (webhook.id,)}
    hooks.update(webhook, active=False)
    assert queue_event(two.session, tenant, "ticket.changed", {}) == 0  # the process's cache was dropped


def test_a_ping_goes_to_its_webhook_and_the_outbox_claims_due_rows_once(two: Two) -> None:
    hooks = WebhookSubscriptions(two.session, two.acme.tenant_id, BOX)
    webhook, _ = hooks.create("https://a.example/h", ["order.created"], now=NOW)
    assert hooks.ping(webhook, now=NOW) == 1
    outbox = Outbox(two.session)
    assert outbox.claim(NOW - timedelta(seconds=1), limit=10, lease=timedelta(seconds=70)) == []
    (claimed,) = outbox.claim(NOW, limit=10, lease=timedelta(seconds=70))
    assert (claimed.event, claimed.attempts, claimed.next_attempt_at) == (
        "ping",
        1,
        NOW + timedelta(seconds=70),
    )
    assert outbox.claim(NOW + timedelta(seconds=69), limit=10, lease=timedelta(seconds=70)) == []  # leased
