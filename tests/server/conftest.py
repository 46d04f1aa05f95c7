"""A live SIP endpoint on loopback, in its own event-loop thread, on the demo tenant."""

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.demo import DEMO_SLUG
from callfloor.center.transfer import ImportReport
from callfloor.crm.sla import store_schedule
from callfloor.server.media.offload import MediaProcess
from callfloor.server.sip.directory import Directory
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.server.sip.transport import SipTransports
from callfloor.storage.models import Tenant
from callfloor.storage.scope import TenantScope

#: Hours that make the demo's flow answer whenever a test runs; the tests of closures set their own.
ALWAYS_OPEN: dict[str, object] = {
    "timezone": "Europe/Paris",
    "holidays_close": False,
    "weekly": {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
}


@dataclass
class LiveSip:
    """The running endpoint, its port, and the demo agents' SIP passwords."""

    endpoint: SipEndpoint
    port: int
    passwords: dict[str, str]
    loop: asyncio.AbstractEventLoop

    def call(self, function: "object") -> object:
        """Run ``function()`` on the server's loop (its state is not thread-safe)."""

        async def run() -> object:
            return function()  # type: ignore[operator]

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout=10)

    def at(self, when: datetime) -> None:
        """Let the callers' journeys run on a clock that starts at ``when`` (calls on 25 December)."""
        offset = when.timestamp() - time.time()
        self.endpoint.calls.journeys.clock = lambda: time.time() + offset

    def opening_hours(self, data: dict[str, object]) -> None:
        """The demo tenant's business hours from now on (``core.schedule`` form)."""
        sessions = self.endpoint.calls.journeys.sessions
        assert sessions is not None
        with sessions.begin() as session:
            tenant = session.scalars(select(Tenant.id).where(Tenant.slug == DEMO_SLUG)).one()
            store_schedule(TenantScope(session, tenant), data, datetime.now(UTC))
        self.endpoint.directory.invalidate()

    def committed(self, seconds: float = 5.0) -> None:
        """Wait until the floors' group commits have written every log entry and record so far."""
        deadline = time.monotonic() + seconds
        while self.call(self.endpoint.pending_log_entries):
            assert time.monotonic() < deadline, "the group commit did not write the log"
            time.sleep(0.01)


@pytest.fixture
def live_sip(
    request: pytest.FixtureRequest, sessions: sessionmaker[Session], demo: ImportReport
) -> Iterator[LiveSip]:
    """The endpoint, its prompts played in its own loop; ``indirect`` with "media process": in one."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    media: MediaProcess | None = None

    async def start() -> tuple[SipTransports, int]:
        nonlocal media
        endpoint = SipEndpoint(Directory(sessions, "demo"), "test-secret", sessions=sessions)
        if getattr(request, "param", None) == "media process":
            media = MediaProcess.start()
            endpoint.calls.players = media.player
        transports = SipTransports(endpoint)
        _, port = await transports.start("127.0.0.1", 0)
        return transports, port

    async def stop() -> None:
        await transports.aclose()
        if media is not None:
            await media.aclose()

    transports, port = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
    passwords = {s.who: s.secret for s in demo.secrets if s.kind == "sip"}
    live = LiveSip(transports.endpoint, port, passwords, loop)
    live.opening_hours(ALWAYS_OPEN)  # the demo's flow checks them: tests run on any day, at any hour
    try:
        yield live
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
