"""A live SIP endpoint on loopback, in its own event-loop thread, on the demo tenant."""

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.transfer import ImportReport
from callfloor.server.sip.directory import Directory
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.server.sip.transport import SipTransports


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


@pytest.fixture
def live_sip(sessions: sessionmaker[Session], demo: ImportReport) -> Iterator[LiveSip]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> tuple[SipTransports, int]:
        endpoint = SipEndpoint(Directory(sessions, "demo"), "test-secret", sessions=sessions)
        transports = SipTransports(endpoint)
        _, port = await transports.start("127.0.0.1", 0)
        return transports, port

    transports, port = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
    passwords = {s.who: s.secret for s in demo.secrets if s.kind == "sip"}
    try:
        yield LiveSip(transports.endpoint, port, passwords, loop)
    finally:
        asyncio.run_coroutine_threadsafe(transports.aclose(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
