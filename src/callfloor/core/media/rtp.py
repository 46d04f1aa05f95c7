"""RTP packets (RFC 3550 §5.1), the numbering of a relayed stream, and reception statistics.

Three pieces of arithmetic the RTP driver needs, none of which reads a clock: arrival and send
times are arguments. :func:`parse_rtp` never raises anything but
:class:`~callfloor.core.media.RtpParseError`, because its input is whatever arrived on a UDP
port. Sequence numbers wrap at 2^16 and timestamps at 2^32; every comparison here is modular.
"""

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from callfloor.core.media import FieldRangeError, RtpParseError

RTP_VERSION = 2
_HEADER = struct.Struct("!BBHII")  # V P X CC, M PT, sequence, timestamp, SSRC (§5.1)
_EXTENSION = struct.Struct("!HH")  # profile-defined id, length in 32-bit words (§5.3.1)
_VERSION_2 = 0x80  # the first octet of all we send: version 2, no padding, extension or CSRC
_SEQ_MOD = 1 << 16
_TS_MOD = 1 << 32


@dataclass(frozen=True, slots=True)
class HeaderExtension:
    """The one header extension RFC 3550 §5.3.1 allows: a profile's 16-bit id and whole words."""

    profile: int
    data: bytes = b""


@dataclass(frozen=True, slots=True)
class RtpPacket:
    """One RTP packet; ``padding`` counts the octets of padding (0: the P bit is clear)."""

    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes = b""
    marker: bool = False
    csrcs: tuple[int, ...] = ()
    extension: HeaderExtension | None = None
    padding: int = 0


def parse_rtp(data: bytes) -> RtpPacket:
    """Read a datagram as an RTP packet, with the validity checks of RFC 3550 A.1."""
    if len(data) < _HEADER.size:
        raise RtpParseError(f"{len(data)} octets, shorter than the 12-octet fixed header")
    first, second, sequence, timestamp, ssrc = _HEADER.unpack_from(data)
    if first >> 6 != RTP_VERSION:
        raise RtpParseError(f"version {first >> 6}, not 2")
    offset = _HEADER.size + 4 * (first & 0x0F)
    if offset > len(data):
        raise RtpParseError(f"{first & 0x0F} CSRCs do not fit in {len(data)} octets")
    csrcs = struct.unpack_from(f"!{first & 0x0F}I", data, _HEADER.size)
    extension = None
    if first & 0x10:
        if offset + _EXTENSION.size > len(data):
            raise RtpParseError("header extension announced but the packet ends")
        profile, words = _EXTENSION.unpack_from(data, offset)
        start, offset = offset + _EXTENSION.size, offset + _EXTENSION.size + 4 * words
        if offset > len(data):
            raise RtpParseError(f"header extension of {words} words runs past the packet")
        extension = HeaderExtension(profile, data[start:offset])
    padding = data[-1] if first & 0x20 else 0
    if first & 0x20 and not 0 < padding <= len(data) - offset:
        raise RtpParseError(f"padding count {padding} with {len(data) - offset} octets after the header")
    payload = data[offset : len(data) - padding]
    return RtpPacket(
        second & 0x7F, sequence, timestamp, ssrc, payload, bool(second & 0x80), csrcs, extension, padding
    )


def _out_of_range(packet: RtpPacket) -> Iterator[str]:
    limits = [("payload type", packet.payload_type, 127), ("sequence", packet.sequence, _SEQ_MOD - 1)]
    limits += [("timestamp", packet.timestamp, _TS_MOD - 1), ("SSRC", packet.ssrc, _TS_MOD - 1)]
    limits += [("CSRC count", len(packet.csrcs), 15), ("padding", packet.padding, 255)]
    limits += [("CSRC", c, _TS_MOD - 1) for c in packet.csrcs]
    if packet.extension is not None:
        limits += [("extension profile", packet.extension.profile, _SEQ_MOD - 1)]
        limits += [("extension words", len(packet.extension.data) // 4, _SEQ_MOD - 1)]
        if len(packet.extension.data) % 4:
            yield "extension data must be whole 32-bit words"
    yield from (f"{name} {value} outside 0..{top}" for name, value, top in limits if not 0 <= value <= top)


def build_rtp(packet: RtpPacket) -> bytes:
    """The packet on the wire; padding is zeros ending in its own count (RFC 3550 §5.1, P)."""
    problem = next(_out_of_range(packet), None)
    if problem is not None:
        raise FieldRangeError(problem)
    ext = packet.extension
    first = 0x80 | (0x20 if packet.padding else 0) | (0x10 if ext else 0) | len(packet.csrcs)
    second = (0x80 if packet.marker else 0) | packet.payload_type
    parts = [_HEADER.pack(first, second, packet.sequence, packet.timestamp, packet.ssrc)]
    parts.append(struct.pack(f"!{len(packet.csrcs)}I", *packet.csrcs))
    if ext is not None:
        parts += [_EXTENSION.pack(ext.profile, len(ext.data) // 4), ext.data]
    parts.append(packet.payload)
    if packet.padding:
        parts.append(bytes(packet.padding - 1) + bytes((packet.padding,)))
    return b"".join(parts)


def _signed(delta: int, modulus: int) -> int:
    """A modular difference read as the nearest signed value (-modulus/2 .. modulus/2 - 1)."""
    return (delta + modulus // 2) % modulus - modulus // 2


@dataclass(frozen=True, slots=True)
class StreamSnapshot:
    """The numbering state of a stream we send: what :class:`RtpStreamState` needs to go on."""

    ssrc: int
    clock_rate: int
    last_seq: int
    last_ts: int
    last_time: float | None  # monotonic send time of the newest packet, None before any
    step: int  # one packet's length in timestamp units, as last seen


class RtpStreamState:
    """The numbering of one stream we send, kept one stream when its source changes.

    The caller's leg first hears prompts from our generator, then the agent's phone: two
    sources, each numbering from its own random start (RFC 3550 §5.1). Passed through, each
    change would look to the caller's phone like a jump of thousands of packets. So every
    packet goes out under our SSRC with the source's sequence and timestamp shifted by offsets
    (mod 2^16, mod 2^32). On a change of source (a new SSRC, or :meth:`new_source`) the offsets
    are chosen again: the sequence follows on by one, the timestamp advances by the time that
    passed since the last packet (at least that packet's length), and the marker bit is set, as
    at the start of a talkspurt (RFC 3551 §4.1), so the phone re-syncs its playout.
    """

    def __init__(self, ssrc: int, sequence: int, timestamp: int, clock_rate: int = 8000) -> None:
        """Start values come from the session's seeded generator (random, RFC 3550 §5.1)."""
        self.ssrc, self.clock_rate = ssrc, clock_rate
        self._source: int | None = None
        self._seq_offset = self._ts_offset = 0
        self._last_seq, self._last_ts = (sequence - 1) % _SEQ_MOD, timestamp
        self._last_time: float | None = None  # send time of the newest packet so far
        self._step = 0  # one packet's length in timestamp units, as last seen

    def new_source(self) -> None:
        """Re-anchor on the next packet even if its SSRC is the same (a prompt that restarts)."""
        self._source = None

    def snapshot(self) -> StreamSnapshot:
        """Where the stream is, for another process to carry it on (:meth:`resumed`)."""
        return StreamSnapshot(
            self.ssrc, self.clock_rate, self._last_seq, self._last_ts, self._last_time, self._step
        )

    @classmethod
    def resumed(cls, snapshot: StreamSnapshot) -> "RtpStreamState":
        """The stream of ``snapshot``, its next packet a change of source (marker, re-anchored).

        A prompt is played by the media process while the call's process keeps the socket;
        whichever sends next carries on the other's numbering, so the phone sees one stream.
        ``last_time`` is on the monotonic clock, which both processes share.
        """
        state = cls(snapshot.ssrc, 0, 0, snapshot.clock_rate)
        state._last_seq, state._last_ts = snapshot.last_seq, snapshot.last_ts
        state._last_time, state._step = snapshot.last_time, snapshot.step
        return state

    def rewrite(self, packet: RtpPacket, now: float) -> RtpPacket:
        """``packet`` as it goes out, ``now`` being its send time in seconds."""
        sequence, timestamp, marker = self.stamp(
            packet.ssrc, packet.sequence, packet.timestamp, packet.marker, now
        )
        return RtpPacket(
            packet.payload_type, sequence, timestamp, self.ssrc, packet.payload, marker,
            packet.csrcs, packet.extension, packet.padding,
        )  # fmt: skip

    def stamp(
        self, ssrc: int, sequence: int, timestamp: int, marker: bool, now: float
    ) -> tuple[int, int, bool]:
        """The sequence number, timestamp and marker of a source's packet as it goes out.

        :meth:`rewrite` without the packets: the session's send path calls this for every
        packet, and building two frozen packets per frame was a tenth of its time.
        """
        switched = ssrc != self._source
        if switched:
            self._anchor(ssrc, sequence, timestamp, now)
        sequence = (sequence + self._seq_offset) % _SEQ_MOD
        timestamp = (timestamp + self._ts_offset) % _TS_MOD
        newer = (sequence - self._last_seq) % _SEQ_MOD
        if 0 < newer < _SEQ_MOD // 2:  # not a late packet
            step = _signed(timestamp - self._last_ts, _TS_MOD)
            if newer == 1 and step > 0 and not marker and not switched:  # not after a gap
                self._step = step
            self._last_seq, self._last_ts, self._last_time = sequence, timestamp, now
        return sequence, timestamp, marker or switched

    def datagram(  # noqa: PLR0917 - a packet's fields, positional: this runs for every packet sent
        self,
        payload_type: int,
        sequence: int,
        timestamp: int,
        ssrc: int,
        payload: bytes,
        marker: bool,
        now: float,
    ) -> bytes:
        """A source's packet, given as its fields, re-stamped (:meth:`stamp`) and packed.

        The send path (the call process's sessions, the media process's lent streams) runs this
        50 times a second per call, and ``build_rtp``'s generality (CSRCs, extension, padding, a
        range check of every field) cost as much as the send itself; so did building an
        ``RtpPacket`` for our frame and another re-stamped one. What we send has no CSRC,
        extension or padding, and ``stamp`` keeps sequence and timestamp in range: only the
        payload type, from the SDP, is checked.
        """
        sequence, timestamp, marker = self.stamp(ssrc, sequence, timestamp, marker, now)
        if payload_type > 0x7F:
            raise FieldRangeError(f"payload type {payload_type} outside 0..127")
        second = payload_type | 0x80 if marker else payload_type
        return _HEADER.pack(_VERSION_2, second, sequence, timestamp, self.ssrc) + payload

    def _anchor(self, ssrc: int, sequence: int, timestamp: int, now: float) -> None:
        self._source = ssrc
        jump = 0
        if self._last_time is not None:
            jump = max(round((now - self._last_time) * self.clock_rate), self._step, 1)
        self._seq_offset = (self._last_seq + 1 - sequence) % _SEQ_MOD
        self._ts_offset = (self._last_ts + jump - timestamp) % _TS_MOD


@dataclass(frozen=True, slots=True)
class ReceptionReport:
    """The figures of a receiver report block (RFC 3550 §6.4.1) for one interval."""

    fraction_lost: int  # lost in the interval / expected, in 1/256 (A.3)
    cumulative_lost: int  # since the start, clamped to the 24-bit signed field
    highest_sequence: int  # extended: cycles of 2^16 plus the highest sequence seen
    jitter: int  # interarrival jitter in timestamp units (A.8)


class RtpReceptionStats:
    """Loss and jitter of one received source (RFC 3550 A.1, A.3, A.8), times as arguments.

    A.1's probation of a new source is left out (our SDP names the source), its other checks
    kept: a jump of more than ``MAX_DROPOUT`` ahead is taken as a restart only when the next
    packet confirms it, and packets up to ``MAX_MISORDER`` behind count as late, not as a wrap.
    """

    MAX_DROPOUT = 3000
    MAX_MISORDER = 100

    def __init__(self, clock_rate: int = 8000) -> None:
        self.clock_rate = clock_rate
        self.jitter = 0.0
        self.received = 0
        self._started = False
        self._base = self._max = self._cycles = self._received_prior = self._expected_prior = 0
        self._bad: int | None = None  # the sequence that would confirm a jump (A.1 bad_seq)
        self._previous: tuple[float, int] | None = None  # arrival and timestamp of the last packet

    def _restart(self, sequence: int) -> None:
        self._base = self._max = sequence
        self._cycles = self.received = self._received_prior = self._expected_prior = 0
        self._bad = None

    @property
    def expected(self) -> int:
        """Packets the source sent since the first one we received (A.3)."""
        return self._cycles + self._max - self._base + 1 if self._started else 0

    @property
    def lost(self) -> int:
        """Expected minus received; duplicates can make it negative (A.3)."""
        return self.expected - self.received

    def on_packet(self, sequence: int, timestamp: int, arrival: float) -> bool:
        """Count one packet; False when it is a jump awaiting confirmation and was not counted."""
        if not self._started:
            self._started = True
            self._restart(sequence)
        delta = (sequence - self._max) % _SEQ_MOD
        if delta < self.MAX_DROPOUT:
            self._cycles += _SEQ_MOD if sequence < self._max else 0
            self._max = sequence
        elif delta <= _SEQ_MOD - self.MAX_MISORDER:
            if sequence != self._bad:
                self._bad = (sequence + 1) % _SEQ_MOD
                return False
            self._restart(sequence)  # two in a row: the source restarted its numbering
        self.received += 1
        self._update_jitter(timestamp, arrival)
        return True

    def _update_jitter(self, timestamp: int, arrival: float) -> None:
        if self._previous is not None:
            last_arrival, last_timestamp = self._previous
            sent = _signed(timestamp - last_timestamp, _TS_MOD)
            transit_change = (arrival - last_arrival) * self.clock_rate - sent
            self.jitter += (abs(transit_change) - self.jitter) / 16
        self._previous = (arrival, timestamp)

    def report(self) -> ReceptionReport:
        """The report block's figures; closes the interval that ``fraction_lost`` covers."""
        expected, received = self.expected, self.received
        expected_interval = expected - self._expected_prior
        lost_interval = expected_interval - (received - self._received_prior)
        self._expected_prior, self._received_prior = expected, received
        fraction = 0
        if expected_interval and lost_interval > 0:
            fraction = min(255, (lost_interval << 8) // expected_interval)  # an 8-bit field
        cumulative = max(-0x800000, min(0x7FFFFF, self.lost))
        return ReceptionReport(fraction, cumulative, self._cycles + self._max, int(self.jitter))
