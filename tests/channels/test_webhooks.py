"""The webhook sender against a real HTTP server on 127.0.0.1 that refuses, then accepts, and checks signatures."""

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.channels.webhook_targets import networks
from callfloor.channels.webhooks import WebhookSender
from callfloor.crm.webhook_subscriptions import WebhookSubscriptions
from callfloor.crm.webhooks import SIGNATURE_HEADER, verify
from callfloor.storage.platform import Platform
from callfloor.storage.secretbox import SecretBox
from callfloor.storage.webhooks import WebhookDelivery

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
BOX = SecretBox(b"test-secret-key")
LOOPBACK = networks(["127.0.0.0/8"])  # the receiver of these tests; refused by default


@dataclass
class Receiver:
    """What the test server answers (its statuses in turn) and what it received."""

    statuses: list[int]
    secret: str = ""
    delay_s: float = 0.0
    received: list[tuple[str, bytes, bool]] = field(default_factory=list)  # event, body, signature valid


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    """A CRM's webhook endpoint on 127.0.0.1, and its URL."""
    state = Receiver(statuses=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            payload = self.rfile.read(int(self.headers["Content-Length"]))
            stamp = int(self.headers[SIGNATURE_HEADER].split(",")[0].removeprefix("t="))
            valid = verify(state.secret, self.headers[SIGNATURE_HEADER], payload, now=stamp)
            state.received.append((self.headers["X-Callfloor-Event"], payload, valid))
            threading.Event().wait(state.delay_s)
            self.send_response(state.statuses.pop(0) if state.statuses else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _subscribe(sessions: sessionmaker[Session], url: str, state: Receiver) -> None:
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("acme", "Acme")
        hooks = WebhookSubscriptions(session, tenant.id, BOX)
        webhook, state.secret = hooks.create(url, ["ticket.changed"], now=START)
        hooks.ping(webhook, now=START)


def _delivery(sessions: sessionmaker[Session]) -> WebhookDelivery:
    with sessions() as session:
        return session.scalars(select(WebhookDelivery)).one()


def _round(sender: WebhookSender) -> int:
    async def once() -> int:
        try:
            return await sender.send_due()
        finally:
            await sender.aclose()

    return asyncio.run(once())


def _sender(sessions: sessionmaker[Session], at: datetime, timeout_s: float = 5.0) -> WebhookSender:
    return WebhookSender(sessions, BOX, clock=at.timestamp, timeout_s=timeout_s, private_networks=LOOPBACK)


def test_a_refused_delivery_backs_off_then_is_delivered_signed(
    sessions: sessionmaker[Session], receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    state.statuses = [500, 503]
    _subscribe(sessions, url, state)
    assert _round(_sender(sessions, START)) == 1
    first = _delivery(sessions)
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 500)
    assert first.next_attempt_at == START + timedelta(seconds=30)
    assert _round(_sender(sessions, START + timedelta(seconds=29))) == 0  # not due yet
    assert _round(_sender(sessions, START + timedelta(seconds=30))) == 1
    second = _delivery(sessions)
    assert (second.attempts, second.last_status_code) == (2, 503)
    assert second.next_attempt_at == START + timedelta(seconds=150)  # then 2 min
    assert _round(_sender(sessions, START + timedelta(seconds=150))) == 1
    done = _delivery(sessions)
    assert (done.status, done.attempts, done.last_status_code) == ("delivered", 3, 204)
    assert done.delivered_at == START + timedelta(seconds=150)
    assert [(event, valid) for event, _, valid in state.received] == [("ping", True)] * 3
    assert len({payload for _, payload, _ in state.received}) == 1  # the same body at every attempt


def test_a_delivery_fails_after_its_last_attempt(
    sessions: sessionmaker[Session], receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    state.statuses = [410] * 6
    _subscribe(sessions, url, state)
    at = START
    for delay in (30, 120, 600, 3600, 21600, 0):
        assert _round(_sender(sessions, at)) == 1
        at += timedelta(seconds=delay)
    failed = _delivery(sessions)
    assert (failed.status, failed.attempts, failed.last_status_code) == ("failed", 6, 410)
    assert _round(_sender(sessions, at + timedelta(days=1))) == 0


def test_a_silent_receiver_times_out_within_the_bound(
    sessions: sessionmaker[Session], receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    state.delay_s = 2.0
    _subscribe(sessions, url, state)
    started = datetime.now(UTC)
    assert _round(_sender(sessions, START, timeout_s=0.5)) == 1
    assert datetime.now(UTC) - started < timedelta(seconds=1.9)
    late = _delivery(sessions)
    assert (late.status, late.last_status_code, late.last_error) == (
        "pending",
        None,
        "no answer within 0.5 s",
    )


def test_a_refused_connection_is_retried(sessions: sessionmaker[Session]) -> None:
    state = Receiver(statuses=[])
    _subscribe(sessions, "http://127.0.0.1:9/hooks", state)  # discard port: nobody listens
    assert _round(_sender(sessions, START)) == 1
    refused = _delivery(sessions)
    assert (refused.status, refused.attempts) == ("pending", 1)
    assert refused.last_error is not None and refused.last_error.startswith("ConnectError")


def test_a_private_address_is_refused_unless_its_network_is_allowed(
    sessions: sessionmaker[Session], receiver: tuple[Receiver, str]
) -> None:
    state, url = receiver
    _subscribe(sessions, url, state)
    refused = WebhookSender(sessions, BOX, clock=START.timestamp, timeout_s=5.0)  # no private network
    assert _round(refused) == 1
    delivery = _delivery(sessions)
    assert (delivery.status, delivery.last_status_code, state.received) == ("pending", None, [])
    assert delivery.last_error is not None and "127.0.0.1" in delivery.last_error
    assert "not a public address" in delivery.last_error
    assert _round(_sender(sessions, START + timedelta(seconds=30))) == 1  # allowed: 127.0.0.0/8
    assert (_delivery(sessions).status, len(state.received)) == ("delivered", 1)
