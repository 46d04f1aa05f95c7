"""One call leg's RTP: a UDP socket, what arrives on it and what we send from it.

Theory of operation.

*Receiving.* Whatever reaches a UDP port is parsed with the checks of RFC 3550 A.1; what is not
RTP is counted in ``malformed`` and dropped (RTP has no error reply, and raising would let any
stray datagram break the call). A packet in the negotiated audio payload type goes to the
owner's ``on_audio`` and to the taps (a bridge, a recorder); one in the telephone-event type
(RFC 4733) goes to the taps as it is and through a :class:`DtmfReceiver`, which calls
``on_digit`` once per key press however many packets carry it. Anything else (comfort noise,
RFC 3389, that we never offered) is counted in ``unexpected``.

*Latching* (symmetric RTP, RFC 4961). A phone behind NAT writes its private address in the SDP,
and packets sent there are lost; but it sends from the port it receives on (RFC 4961 §3), so
the source of its packets is the address to answer. The first valid packet after each
:meth:`RtpSession.set_remote` fixes that address. After it, packets from any other address are
dropped and counted in ``strays``: taking them would let whoever finds the port inject audio
into a call and steal its media (the "RTP bleed" flaw of 2017). Only when the latched source
has been silent for ``relatch_after`` seconds may a new one take its place: the NAT binding
changed mid-call.

*Sending.* Every packet goes through one :class:`RtpStreamState`, so the peer sees one stream,
one SSRC and gapless numbering whoever the source is: our own generator (:meth:`send_audio`,
:meth:`send_dtmf`; prompts, music on hold) or another leg (:meth:`forward_audio`, the bridge).
A change of source re-anchors the numbering and sets the marker bit (RFC 3551 §4.1).
While our own generator is speaking, audio relayed from another leg is held back, so that a
prompt played over a bridge is heard whole rather than interleaved; and while a digit of ours
is being sent, because its packets all carry the timestamp of its start (RFC 4733 §2.5.1.2)
and a switch of source in between would move it.
"""

import asyncio
import ipaddress
import logging
import random
from collections.abc import Callable
from typing import Protocol, Self, cast

from callfloor.core.media import DtmfParseError, RtpParseError
from callfloor.core.media.dtmf import DtmfReceiver, EventPacket, digit_packets
from callfloor.core.media.rtp import (
    RtpPacket,
    RtpReceptionStats,
    RtpStreamState,
    StreamSnapshot,
    parse_rtp,
)
from callfloor.core.sip.offer_answer import Codec, Negotiated
from callfloor.server.media import MediaStateError
from callfloor.server.media.ports import PortAllocator

log = logging.getLogger(__name__)

CARRIED = frozenset({"PCMU", "PCMA"})  # G.711 only: one octet per sample, so len(payload) = samples
_LOCAL_HOLD = 0.03  # s: a prompt ticks every 20 ms; relayed audio waits while it is speaking
_IDLE_RESYNC = 0.2  # s: our generator silent longer than this restarts its timestamps from the clock
_INTER_DIGIT = 0.05  # s between the last packet of a digit and the next digit's start

AudioHandler = Callable[[bytes, RtpPacket], None]
DigitHandler = Callable[[str], None]


class Tap(Protocol):
    """A listener to a leg's incoming media besides its owner: one direction of a bridge, a recorder."""

    def audio(self, payload: bytes, packet: RtpPacket) -> None:
        """An audio packet from the latched peer, in the leg's codec."""

    def event(self, packet: RtpPacket) -> None:
        """A telephone-event packet (RFC 4733) from the latched peer, untouched."""


class Lender(Protocol):
    """Who has a session's outgoing stream on loan: the media process (:mod:`.offload`)."""

    def reclaim(self, session: "RtpSession") -> None:
        """We want to send again: give the stream back (or keep it while a prompt plays)."""

    def retarget(self, session: "RtpSession") -> None:
        """The session's destination, or whether it may send, changed."""

    def release(self, session: "RtpSession") -> None:
        """The session is closed: forget it."""


class RtpSession(asyncio.DatagramProtocol):
    """The RTP of one call leg on one UDP port; open it with :meth:`open`."""

    relatch_after = 2.0  # s of silence from the latched source before another may replace it

    def __init__(self, ports: PortAllocator, port: int, rng: random.Random) -> None:
        self.ports, self.local_port = ports, port
        self.on_audio: AudioHandler | None = None
        self.on_digit: DigitHandler | None = None
        self.stats = RtpReceptionStats()  # of the current source (RFC 3550 A.1, A.3, A.8)
        self.malformed = self.strays = self.unexpected = 0
        self._sent = 0  # packets we sent, every source counted
        self.lent_sent = 0  # and the lender sent on our stream, as it last told
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.DatagramTransport | None = None
        self._closed = False
        self._taps: list[Tap] = []
        self._negotiated: Negotiated | None = None
        self._remote: tuple[str, int] | None = None  # where packets go
        self._latched: tuple[str, int] | None = None
        self._heard = 0.0  # when the latched source last sent
        self._source: int | None = None  # SSRC that ``stats`` and the DTMF receiver follow
        self._dtmf = DtmfReceiver()
        self._out = RtpStreamState(rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(32))
        self._local = (rng.getrandbits(32), 0, 0)  # our generator: SSRC, sequence, timestamp
        self._local_at = -1.0  # when our generator last sent
        self._local_until = self._events_until = self._digits_free = 0.0
        self._timers: list[asyncio.TimerHandle] = []
        self._lender: Lender | None = None  # who sends on our stream instead of us, if anyone

    @classmethod
    async def open(cls, host: str, ports: PortAllocator, *, rng: random.Random | None = None) -> Self:
        """A session bound to ``host`` on the next free even port of ``ports``.

        SSRC, first sequence number and timestamp are random (RFC 3550 §5.1); ``rng`` may be a
        seeded generator for repeatable tests, the default draws from the operating system.
        """
        loop, draw = asyncio.get_running_loop(), rng or random.SystemRandom()

        async def bind(port: int) -> Self:
            session = cls(ports, port, draw)
            await loop.create_datagram_endpoint(lambda: session, local_addr=(host, port))
            return session

        return (await ports.bind(bind))[1]

    @property
    def codec(self) -> Codec | None:
        """The negotiated audio codec, None before :meth:`set_remote`."""
        return None if self._negotiated is None else self._negotiated.codec

    @property
    def remote(self) -> tuple[str, int] | None:
        """Where packets go now: the SDP's address, or the latched source once it sent."""
        return self._remote

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def sent(self) -> int:
        """Packets sent on our stream, by us or by a lender."""
        return self._sent + self.lent_sent

    @property
    def payload_type(self) -> int | None:
        """The negotiated audio payload type, None before :meth:`set_remote`."""
        return None if self._negotiated is None else self._negotiated.payload_type

    @property
    def sends(self) -> bool:
        """Whether the negotiated direction lets us send (not while the peer holds us)."""
        return self._negotiated is not None and self._negotiated.sends

    @property
    def lent(self) -> bool:
        """Whether another process sends on our stream now (:meth:`lend`)."""
        return self._lender is not None

    def lend(self, lender: Lender) -> tuple[int, StreamSnapshot]:
        """Let ``lender`` send on our socket, under our numbering, until :meth:`restore`.

        Returns the socket's descriptor (for the lender to duplicate; the socket stays ours)
        and the stream's state. Meanwhile whatever we would send goes to ``lender.reclaim``
        instead, and changes of destination to ``lender.retarget``.
        """
        transport = self._transport
        if transport is None or self._closed:
            raise MediaStateError(f"RTP port {self.local_port} is closed")
        self._lender = lender
        return transport.get_extra_info("socket").fileno(), self._out.snapshot()

    def restore(self, snapshot: StreamSnapshot, sent: int) -> None:
        """The stream is ours again, as the lender left it after sending ``sent`` packets."""
        self._lender = None
        self._out = RtpStreamState.resumed(snapshot)
        self._sent += sent
        self.lent_sent = 0
        self._local_until = 0.0

    def set_remote(self, negotiated: Negotiated) -> None:
        """Send per ``negotiated`` (an answer or a re-INVITE's), and learn the peer's address again."""
        if negotiated.codec.encoding.upper() not in CARRIED:
            raise MediaStateError(f"{negotiated.codec.encoding} is not a codec we carry (PCMU, PCMA)")
        self._negotiated = negotiated
        address, port = negotiated.remote_address, negotiated.remote_port
        self._remote = None if port == 0 or _unspecified(address) else (address, port)
        self._latched = None
        self._out.new_source()  # the peer may be another device now: re-sync its playout
        if self._lender is not None:
            self._lender.retarget(self)

    def add_tap(self, tap: Tap) -> None:
        """Let ``tap`` hear this leg's incoming media too."""
        self._taps.append(tap)

    def remove_tap(self, tap: Tap) -> None:
        """Stop feeding ``tap``; a tap not added is ignored."""
        if tap in self._taps:
            self._taps.remove(tap)

    def new_source(self) -> None:
        """Announce a change of what we send (a prompt starts or stops, a bridge starts)."""
        self._out.new_source()
        self._local_until = 0.0

    def send_audio(self, payload: bytes) -> None:
        """One frame of our own audio (20 ms of G.711: 160 octets) in the leg's codec."""
        negotiated = self._negotiated
        if negotiated is None:
            return  # no SDP yet: nowhere to send
        now = self._loop.time()
        self._local_until = now + _LOCAL_HOLD
        self._send_local(negotiated.payload_type, payload, now)

    def send_dtmf(self, digit: str, duration: int = 800) -> None:
        """Send a key press as RFC 4733 events, ``duration`` in timestamp units (800: 100 ms).

        Its packets go out on the loop's clock; a digit asked for while another is being sent
        starts after it. ``MediaStateError`` when the peer did not negotiate telephone-event.
        """
        if self._negotiated is None or self._negotiated.telephone_event is None:
            raise MediaStateError("the peer did not negotiate telephone-event (RFC 4733 §7.1.1)")
        packets = digit_packets(digit, duration)
        rate = self._negotiated.codec.clock_rate
        start = max(self._loop.time(), self._digits_free)
        self._digits_free = start + packets[-1].send_offset / rate + _INTER_DIGIT
        self._timers.append(self._loop.call_at(start, self._key_down, packets, rate))

    def forward_audio(self, payload: bytes, packet: RtpPacket) -> None:
        """Audio received on another leg, sent on here; ``payload`` is already in our codec."""
        if self._negotiated is not None:
            self._relay(self._negotiated.payload_type, payload, packet)

    def forward_event(self, packet: RtpPacket) -> None:
        """A telephone-event packet from another leg, under our telephone-event payload type."""
        event_type = None if self._negotiated is None else self._negotiated.telephone_event
        if event_type is not None:  # else SIP INFO, which is the call driver's business
            self._relay(event_type, packet.payload, packet)

    def close(self) -> None:
        """Close the socket and give the port back; closing twice does nothing."""
        if self._closed:
            return
        self._closed = True
        for timer in self._timers:
            timer.cancel()
        self._taps.clear()
        if self._lender is not None:
            self._lender.release(self)
            self._lender = None
        if self._transport is not None:
            self._transport.close()
        self.ports.release(self.local_port)

    # asyncio.DatagramProtocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport the loop made for us."""
        self._transport = cast(asyncio.DatagramTransport, transport)  # a datagram endpoint's

    def connection_lost(self, exc: Exception | None) -> None:
        """The socket is closed: nothing more can be sent."""
        self._transport = None

    def error_received(self, exc: Exception) -> None:
        """An ICMP error for an earlier send (port unreachable): the peer may come back, so log it."""
        log.debug("RTP port %d: %s", self.local_port, exc)

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        """Parse, check the source, and dispatch one datagram; never raises on bad input."""
        try:
            packet = parse_rtp(data)
        except RtpParseError:
            self.malformed += 1
            return
        negotiated = self._negotiated
        audio = negotiated is not None and packet.payload_type == negotiated.payload_type
        if not audio and (negotiated is None or packet.payload_type != negotiated.telephone_event):
            self.unexpected += 1
        elif not self._accepts((str(addr[0]), addr[1])):
            self.strays += 1
        else:
            if packet.ssrc != self._source:  # statistics and digits are per source (RFC 3550 A.1)
                self._source, self.stats, self._dtmf = packet.ssrc, RtpReceptionStats(), DtmfReceiver()
            (self._on_audio if audio else self._on_event)(packet)

    def _accepts(self, source: tuple[str, int]) -> bool:
        """Whether a packet from ``source`` belongs to the call; latches onto it (RFC 4961)."""
        now = self._loop.time()
        if source != self._latched:
            if self._latched is not None and now - self._heard < self.relatch_after:
                return False
            moved = source != self._remote
            if moved:
                self._out.new_source()  # sending somewhere new: re-anchor, marker bit
            self._latched = self._remote = source
            if moved and self._lender is not None:
                self._lender.retarget(self)
        self._heard = now
        return True

    def _on_audio(self, packet: RtpPacket) -> None:
        self.stats.on_packet(packet.sequence, packet.timestamp, self._loop.time())
        if self.on_audio is not None:
            self.on_audio(packet.payload, packet)
        for tap in tuple(self._taps):
            tap.audio(packet.payload, packet)

    def _on_event(self, packet: RtpPacket) -> None:
        for tap in tuple(self._taps):
            tap.event(packet)
        try:
            digits = self._dtmf.on_packet(packet.timestamp, packet.payload)
        except DtmfParseError:
            self.malformed += 1
            return
        for digit in digits:
            if self.on_digit is not None:
                self.on_digit(digit.digit)

    def _key_down(self, packets: list[EventPacket], rate: int) -> None:
        """A digit starts: its packets all carry our generator's timestamp of this moment."""
        now = self._loop.time()
        self._events_until = now + packets[-1].send_offset / rate + 0.001
        self._timers = [t for t in self._timers if t.when() > now]
        for event in packets:
            when = now + event.send_offset / rate
            self._timers.append(self._loop.call_at(when, self._send_event, event, self._local[2]))

    def _send_event(self, event: EventPacket, timestamp: int) -> None:
        negotiated = self._negotiated
        if negotiated is not None and negotiated.telephone_event is not None:
            now = self._loop.time()
            self._send_local(negotiated.telephone_event, event.payload, now, timestamp, event.marker)

    def _send_local(
        self,
        payload_type: int,
        payload: bytes,
        now: float,
        event_timestamp: int | None = None,
        marker: bool = False,
    ) -> None:
        """A packet of our generator, under its own SSRC and numbering, re-stamped by ``_out``.

        Audio advances the generator's timestamp by its samples; an event packet carries the
        timestamp of its digit's start and advances nothing (RFC 4733 §2.5.1.2).
        """
        ssrc, sequence, timestamp = self._local
        if now - self._local_at > _IDLE_RESYNC:
            self._out.new_source()  # silent a while: let the timestamp catch up with the clock
        self._local_at = now
        advance = len(payload) if event_timestamp is None else 0
        self._local = (ssrc, (sequence + 1) & 0xFFFF, (timestamp + advance) & 0xFFFFFFFF)
        stamp = timestamp if event_timestamp is None else event_timestamp
        self._send(payload_type, sequence, stamp, ssrc, payload, marker, now)

    def _relay(self, payload_type: int, payload: bytes, packet: RtpPacket) -> None:
        """Another leg's packet under its own source, unless our generator has the floor."""
        now = self._loop.time()
        if now >= self._local_until and now >= self._events_until:
            self._send(
                payload_type, packet.sequence, packet.timestamp, packet.ssrc, payload, packet.marker, now
            )

    def _send(  # noqa: PLR0917 - a packet's fields, positional: this runs for every packet sent
        self,
        payload_type: int,
        sequence: int,
        timestamp: int,
        ssrc: int,
        payload: bytes,
        marker: bool,
        now: float,
    ) -> None:
        """Re-stamp and send a packet given as its fields (``RtpStreamState.datagram`` says why fields)."""
        transport, remote, negotiated = self._transport, self._remote, self._negotiated
        if transport is None or remote is None or negotiated is None or not negotiated.sends or self._closed:
            return  # held (RFC 3264 §8.4), unanswered or closed; set_remote re-anchors after
        if self._lender is not None:
            self._lender.reclaim(self)  # this packet is lost: the handover takes a millisecond
            return
        transport.sendto(
            self._out.datagram(payload_type, sequence, timestamp, ssrc, payload, marker, now), remote
        )
        self._sent += 1


def _unspecified(address: str) -> bool:
    """0.0.0.0 or ::, the old way of putting a peer on hold (RFC 3264 §8.4): send nothing there."""
    try:
        return ipaddress.ip_address(address).is_unspecified
    except ValueError:  # a host name (RFC 8866 §5.7 allows an FQDN)
        return False
