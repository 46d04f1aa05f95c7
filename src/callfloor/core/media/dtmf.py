"""RFC 4733 telephone events: DTMF digits carried in RTP, sent and received.

Phones and trunks send a key press as events (``telephone-event/8000`` in the SDP, events
0-16) rather than as tones in the audio, so the IVR needs no tone detector and a lossy codec
cannot blur a digit. One key press is several packets that all carry the RTP timestamp of the
moment the key went down (§2.5.1.2): the first with the marker bit, updates whose duration
grows, then the end packet sent three times (§2.5.1.4) so that losing one does not lose the
digit. The sender here gives that sequence as data, with no clock; the receiver reports each
digit once, keyed by the timestamp, however many of its packets arrive.
"""

import struct
from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

from callfloor.core.media import DtmfParseError, FieldRangeError

# RFC 4733 §3.2: the DTMF events, 0-9, *, #, A-D, and flash (hook flash, the "R" key in Europe).
EVENT_CODES: dict[str, int] = {
    **{str(d): d for d in range(10)},
    **{"*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15, "flash": 16},
}
EVENT_NAMES: dict[int, str] = {code: name for name, code in EVENT_CODES.items()}
_PAYLOAD = struct.Struct("!BBH")  # event, E R volume, duration (§2.3)
_END_REPEATS = 3  # §2.5.1.4


@dataclass(frozen=True, slots=True)
class TelephoneEvent:
    """One event report (§2.3): ``volume`` in -dBm0 (0-63), ``duration`` in timestamp units."""

    event: int
    end: bool = False
    volume: int = 10
    duration: int = 0


def parse_event(payload: bytes) -> TelephoneEvent:
    """Read the 4-octet payload; the R bit is ignored, as §2.3.3 asks of a receiver."""
    if len(payload) != _PAYLOAD.size:
        # Several events packed in one payload (§2.5.1.5) are refused rather than misread.
        raise DtmfParseError(f"a telephone-event payload is 4 octets, not {len(payload)}")
    event, flags, duration = _PAYLOAD.unpack(payload)
    return TelephoneEvent(event, bool(flags & 0x80), flags & 0x3F, duration)


def build_event(event: TelephoneEvent) -> bytes:
    """The 4-octet payload of one report."""
    if not (0 <= event.event <= 255 and 0 <= event.volume <= 63 and 0 <= event.duration <= 0xFFFF):
        raise FieldRangeError(f"{event} does not fit the telephone-event fields")
    return _PAYLOAD.pack(event.event, (0x80 if event.end else 0) | event.volume, event.duration)


class EventPacket(NamedTuple):
    """One packet of a key press; all of them carry the RTP timestamp of its start.

    ``send_offset`` is when to send it, in timestamp units after the start: the driver turns
    it into a deadline and gives each packet the stream's next sequence number.
    """

    payload: bytes
    marker: bool
    send_offset: int


def digit_packets(
    digit: str, duration: int = 800, *, volume: int = 10, interval: int = 400
) -> list[EventPacket]:
    """The packets of one key press, ``duration`` and ``interval`` in timestamp units.

    The defaults at 8 kHz: a 100 ms digit, updated every 50 ms. A report says how long the key
    has been down so far, and a duration of zero is reserved for state events (§2.3.5), so the
    first update goes out one interval in; a digit shorter than that is only its end packets.
    Events longer than the 16-bit duration need segments (§2.5.1.3), which we do not send.
    """
    if digit not in EVENT_CODES:
        raise FieldRangeError(f"{digit!r} is not a DTMF event (0-9, *, #, A-D, flash)")
    if not (0 < duration <= 0xFFFF and interval > 0):
        raise FieldRangeError(f"duration {duration} must be 1..65535 and interval {interval} positive")
    code = EVENT_CODES[digit]
    packets = [
        EventPacket(build_event(TelephoneEvent(code, False, volume, sent)), sent == interval, sent)
        for sent in range(interval, duration, interval)
    ]
    end = build_event(TelephoneEvent(code, True, volume, duration))
    end_starts = not packets  # a digit shorter than one interval: its first end packet is marked
    ends = [EventPacket(end, end_starts and i == 0, duration + i * interval) for i in range(_END_REPEATS)]
    return packets + ends


@dataclass(frozen=True, slots=True)
class ReceivedDigit:
    """A key press as the IVR wants it: which key, when it went down, for how long."""

    digit: str
    timestamp: int
    duration: int


class DtmfReceiver:
    """Reports each key press of one stream once, at its end.

    The three end packets, and any late update, carry the timestamp of a press already
    reported, so they are recognised by it. A press whose end packets were all lost is
    reported when the next press starts, or by :meth:`flush`, with the last duration seen.
    """

    def __init__(self, remembered: int = 16) -> None:
        self._reported: deque[int] = deque(maxlen=remembered)  # timestamps of recent presses
        self._pending: ReceivedDigit | None = None  # started, not ended yet

    def on_packet(self, timestamp: int, payload: bytes) -> list[ReceivedDigit]:
        """Digits completed by this packet (usually none or one); raises DtmfParseError."""
        event = parse_event(payload)
        name = EVENT_NAMES.get(event.event)
        if name is None or timestamp in self._reported:
            return []  # an event we did not offer, or a repeat of a press already reported
        done, duration, pending = [], event.duration, self._pending
        if pending is not None and pending.timestamp != timestamp:
            done.append(self._report(pending))  # a new press: the open one lost its end packets
        elif pending is not None:
            duration = max(duration, pending.duration)  # updates may arrive out of order
        current = ReceivedDigit(name, timestamp, duration)
        self._pending = None if event.end else current
        if event.end:
            done.append(self._report(current))
        return done

    def flush(self) -> list[ReceivedDigit]:
        """The press still open, if any, as if it had ended (the stream stopped, say)."""
        pending, self._pending = self._pending, None
        return [] if pending is None else [self._report(pending)]

    def _report(self, digit: ReceivedDigit) -> ReceivedDigit:
        self._reported.append(digit.timestamp)
        return digit
