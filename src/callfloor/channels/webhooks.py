"""Posting webhook deliveries: an asyncio task beside the SIP server, polling the outbox.

Theory of operation. Every :data:`POLL_S` seconds (at once again while there is work) the
sender claims due deliveries in one short transaction (:meth:`Outbox.claim`: the attempt
counted, a lease set), posts them concurrently, then records each outcome in another short
transaction: a 2xx delivers, anything else schedules the next attempt on the backoff of
:mod:`callfloor.crm.webhooks` or fails the delivery after the last. The database is reached in
a worker thread (``asyncio.to_thread``), never on the event loop that carries calls' media.

HTTP goes through ``httpx``'s asyncio client rather than the standard library's ``urllib``:
``urllib`` blocks, so each post would hold a thread for up to its timeout, while httpx waits on
the loop itself, bounds connect, read, write and pool times separately, keeps connections to a
CRM alive between deliveries, and follows no redirect unless told to. Each post is also bounded
as a whole by :data:`TIMEOUT_S`, and the answer's body is never read (a receiver cannot make us
download anything).
"""

import asyncio
import logging
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.orm import Session, sessionmaker

from callfloor.channels.webhook_targets import Network, TargetRefusedError, checked
from callfloor.crm.webhooks import EVENT_HEADER, SIGNATURE_HEADER, body, delivered, next_attempt, signature
from callfloor.storage.secretbox import SecretBox, SecretBoxError
from callfloor.storage.webhooks import Outbox, WebhookDelivery

log = logging.getLogger(__name__)
POLL_S = 2.0
TIMEOUT_S = 10.0
BATCH = 20
USER_AGENT = "callfloor-webhooks/1"


@dataclass(frozen=True, slots=True)
class Post:
    """One claimed delivery, ready to post: where, what, signed with which secret."""

    delivery_id: int
    url: str
    event: str
    payload: bytes
    secret: str | None  # None: the sealed secret does not open (the secret key changed)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a post came to: the answer's status, or why there was none."""

    delivery_id: int
    status_code: int | None = None
    error: str | None = None


class WebhookSender:
    """Claims, posts and records webhook deliveries for every tenant of one database."""

    def __init__(
        self, sessions: sessionmaker[Session], box: SecretBox, *, client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time, timeout_s: float = TIMEOUT_S, batch: int = BATCH,
        private_networks: Sequence[Network] = (),
    ) -> None:  # fmt: skip
        self.sessions, self.box, self.clock = sessions, box, clock
        self.private_networks = tuple(private_networks)  # reachable though not public (webhook_targets)
        self.timeout_s, self.batch = timeout_s, batch
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout_s), follow_redirects=False)
        self.lease = timedelta(seconds=timeout_s + 60)

    async def run(self, poll_s: float = POLL_S) -> None:
        """Send until cancelled; a failing round is logged and the next one comes."""
        while True:
            try:
                sent = await self.send_due()
            except Exception:  # the loop must outlive a database outage
                log.exception("webhook round failed")
                sent = 0
            if sent < self.batch:
                await asyncio.sleep(poll_s)

    async def send_due(self) -> int:
        """One round: claim what is due, post it, record the outcomes; how many were posted."""
        now = self._now()
        posts = await asyncio.to_thread(self._claim, now)
        if not posts:
            return 0
        outcomes = await asyncio.gather(*(self._post(p) for p in posts))
        await asyncio.to_thread(self._record, outcomes)
        return len(posts)

    async def aclose(self) -> None:
        """Close the HTTP client's connections."""
        await self.client.aclose()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def _claim(self, now: datetime) -> list[Post]:
        with self.sessions.begin() as session:
            return [self._ready(d) for d in Outbox(session).claim(now, limit=self.batch, lease=self.lease)]

    def _ready(self, delivery: WebhookDelivery) -> Post:
        try:
            secret: str | None = self.box.open(delivery.webhook.secret_sealed)
        except SecretBoxError:
            secret = None
        data = body(delivery.event_id, delivery.event, delivery.created_at, delivery.payload)
        return Post(delivery.id, delivery.webhook.url, delivery.event, data, secret)

    async def _post(self, post: Post) -> Outcome:
        if post.secret is None:
            return Outcome(post.delivery_id, error="signing secret does not open: set a new one")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_HEADER: post.event,
            SIGNATURE_HEADER: signature(post.secret, int(self.clock()), post.payload),
        }
        try:
            async with asyncio.timeout(self.timeout_s):
                request = await self._pinned(post.url, post.payload, headers)
                response = await self.client.send(request, stream=True)
                await response.aclose()  # the body is not read
        except TargetRefusedError as exc:
            return Outcome(post.delivery_id, error=f"refused: {exc}"[:500])
        except TimeoutError:
            return Outcome(post.delivery_id, error=f"no answer within {self.timeout_s:g} s")
        except httpx.HTTPError as exc:
            return Outcome(post.delivery_id, error=f"{type(exc).__name__}: {exc}"[:500])
        return Outcome(post.delivery_id, status_code=response.status_code)

    async def _pinned(self, url: str, payload: bytes, headers: dict[str, str]) -> httpx.Request:
        """The request, sent to the address its host was checked to resolve to (webhook_targets)."""
        target = httpx.URL(url)
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(target.host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise TargetRefusedError(f"{target.host} does not resolve ({exc})") from None
        address = checked(target.host, [str(info[4][0]) for info in infos], self.private_networks)
        pinned = {**headers, "Host": target.netloc.decode("ascii")}
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        return self.client.build_request(
            "POST", target.copy_with(host=address), content=payload, headers=pinned, extensions=extensions
        )

    def _record(self, outcomes: list[Outcome]) -> None:
        now = self._now()
        with self.sessions.begin() as session:
            outbox = Outbox(session)
            for outcome in outcomes:
                delivery = outbox.get(outcome.delivery_id)
                if delivery is not None:
                    settle(delivery, outcome, now)


def settle(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> None:
    """Mark a delivery delivered, due again on the backoff, or failed after its last attempt."""
    delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
    if delivered(outcome.status_code):
        delivery.status, delivery.delivered_at = "delivered", now
        return
    retry = next_attempt(delivery.attempts, now)
    if retry is None:
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = retry
