"""Helpers for the RTP driver's tests: a bare-socket phone, negotiated legs, prompts made on the fly.

Every test runs its own event loop (``asyncio.run``) and closes what it opened; waits are
bounded polls, so a broken feature fails a test instead of hanging it.
"""

import asyncio
import math
import struct
import wave
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol, cast

from callfloor.core.media.rtp import RtpPacket, build_rtp, parse_rtp
from callfloor.core.sip.offer_answer import PCMU, Codec, Negotiated
from callfloor.core.sip.sdp import Direction
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession

HOST = "127.0.0.1"


class Phone(asyncio.DatagramProtocol):
    """A peer with no RTP stack: keeps every datagram with its arrival time, sends what it is given."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[bytes, float]] = []
        self.transport: asyncio.DatagramTransport | None = None

    @classmethod
    async def open(cls) -> "Phone":
        loop = asyncio.get_running_loop()
        _, phone = await loop.create_datagram_endpoint(cls, local_addr=(HOST, 0))
        return phone

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    @property
    def packets(self) -> list[RtpPacket]:
        return [parse_rtp(data) for data, _ in self.arrivals]

    @property
    def times(self) -> list[float]:
        return [when for _, when in self.arrivals]

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        self.arrivals.append((data, asyncio.get_running_loop().time()))

    def send(self, data: bytes, port: int) -> None:
        assert self.transport is not None
        self.transport.sendto(data, (HOST, port))

    def send_rtp(self, port: int, packets: list[RtpPacket]) -> None:
        for packet in packets:
            self.send(build_rtp(packet), port)

    async def wait_for(self, count: int, timeout: float = 3.0) -> list[RtpPacket]:
        await until(lambda: len(self.arrivals) >= count, timeout)
        return self.packets

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    """Poll ``condition`` every 5 ms; fail the test if it is still false after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"still waiting after {timeout} s"
        await asyncio.sleep(0.005)


def negotiated(
    port: int,
    codec: Codec = PCMU,
    *,
    telephone_event: int | None = 101,
    direction: Direction = Direction.SENDRECV,
) -> Negotiated:
    """What an offer/answer with a phone at ``127.0.0.1:port`` would settle."""
    return Negotiated(HOST, port, codec.payload_type, codec, telephone_event, 20, direction)


async def leg(ports: PortAllocator, peer_port: int, codec: Codec = PCMU, **options: object) -> RtpSession:
    """A session on loopback, negotiated with the peer at ``peer_port``."""
    session = await RtpSession.open(HOST, ports)
    session.set_remote(negotiated(peer_port, codec, **options))  # type: ignore[arg-type]
    return session


async def settle() -> None:
    """Let closed transports run their connection_lost callbacks (sockets really closed)."""
    for _ in range(3):
        await asyncio.sleep(0)


class Closable(Protocol):
    def close(self) -> None: ...


@asynccontextmanager
async def closing(*things: Closable) -> AsyncIterator[None]:
    """Close ``things`` at the end, whatever happens, and let their sockets go."""
    try:
        yield
    finally:
        for thing in things:
            thing.close()
        await settle()


@asynccontextmanager
async def wired(codec: Codec = PCMU, **options: object) -> AsyncIterator[tuple[Phone, RtpSession]]:
    """A phone and a session negotiated with it; both closed at the end, the port released."""
    ports, phone = PortAllocator(), await Phone.open()
    session = await leg(ports, phone.port, codec, **options)
    async with closing(session, phone):
        yield phone, session
    assert ports.lent == frozenset()


def sine(seconds: float, frequency: float = 440.0, amplitude: int = 8000) -> bytes:
    """16-bit little-endian mono PCM at 8 kHz."""
    count = round(seconds * 8000)
    samples = (round(amplitude * math.sin(2 * math.pi * frequency * n / 8000)) for n in range(count))
    return struct.pack(f"<{count}h", *samples)


def write_wav(path: Path, pcm: bytes, *, channels: int = 1, rate: int = 8000) -> Path:
    """``pcm`` as a 16-bit WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return path


def rms(pcm: bytes) -> float:
    """Root mean square of 16-bit little-endian samples: 0 for digital silence."""
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))


def audio_packets(
    count: int, *, ssrc: int = 0x1234, first: int = 1000, payload_type: int = 0
) -> list[RtpPacket]:
    """``count`` consecutive 20 ms packets of a phone, each payload distinct (its index)."""
    return [
        RtpPacket(payload_type, first + i, 160 * (first + i), ssrc, bytes([i % 256]) * 80 + bytes(range(80)))
        for i in range(count)
    ]
