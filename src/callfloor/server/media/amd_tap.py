"""Answering-machine detection on a live leg: the callee's RTP fed to the detector, its deadline on the loop.

The detector (:mod:`callfloor.core.media.amd`) reads no socket and no clock; :class:`AmdTap` is
its driver. A tap on the customer's leg from the 2xx on, it decodes each packet from G.711 to
16-bit PCM (as :mod:`.tracks` does) and feeds it with its media time on the loop's clock, and
keeps one loop timer on :meth:`~callfloor.core.media.amd.AnsweringMachineDetector.next_deadline`
so that silence decides even when no packet comes (silence suppression, a line gone quiet).
The verdict is handed over once; the tap then stops listening.

*Media time on the loop's clock.* The RTP timestamp (RFC 3550 §5.1) places a packet's audio in
the stream; its arrival says when that is. The first packet anchors the stream at its arrival
plus :data:`PLAYOUT_S`, as a jitter buffer would, and later packets are placed from there by
their timestamps: a packet that comes up to that much behind the first one's pace is still fed
before the timer counts its time as silence. The window is the detector's, from the answer on
the loop's clock, so a person is kept in silence no longer than ``analysis_window_s``. A new
SSRC, or a timestamp further than :data:`RESYNC_S` from where its arrival puts it (a sender that
restarted its clock), anchors again where the audio heard so far ends.
"""

import asyncio
from collections.abc import Callable

from callfloor.core.media.amd import AmdResult, AmdSettings, AmdVerdict, AnsweringMachineDetector
from callfloor.core.media.amd_signal import RATE
from callfloor.core.media.rtp import RtpPacket
from callfloor.server.media.session import RtpSession
from callfloor.server.media.tracks import DECODERS

PLAYOUT_S = 0.04  # two frames of jitter absorbed
RESYNC_S = 0.5  # a timestamp this far from its arrival is a new clock, not jitter
_SLACK_S = 0.001  # a timer may fire this much before its deadline (the loop's resolution)

VerdictHandler = Callable[[AmdResult], None]


class AmdTap:
    """Listens to ``session`` from now until the detector decides, then tells ``on_verdict`` once."""

    def __init__(
        self, session: RtpSession, on_verdict: VerdictHandler, settings: AmdSettings | None = None
    ) -> None:
        self.session, self._on_verdict = session, on_verdict
        self._loop = asyncio.get_running_loop()
        self.detector = AnsweringMachineDetector(settings, start=self._loop.time())
        self._anchor: tuple[int, int, float] | None = None  # SSRC, RTP timestamp, its loop time
        self._until = 0.0  # where the audio fed so far ends, on the loop's clock
        self._timer: asyncio.TimerHandle | None = None
        self._listening = True
        session.add_tap(self)
        self._arm()

    @property
    def listening(self) -> bool:
        """Whether the verdict is still to come (not decided, not stopped)."""
        return self._listening

    def audio(self, payload: bytes, packet: RtpPacket) -> None:
        """Decode an incoming frame and feed it at its media time."""
        codec = self.session.codec
        decode = None if codec is None else DECODERS.get(codec.encoding.upper())
        if not self._listening or decode is None:
            return
        pcm, at = decode(payload), self._media_time(packet)
        self._until = max(self._until, at + len(pcm) / 2 / RATE)
        self._settle(self.detector.feed(pcm, at))

    def event(self, packet: RtpPacket) -> None:
        """A key press says nothing of who answered."""

    def stop(self) -> None:
        """Stop listening, without a verdict (the call ended); stopping twice does nothing."""
        self._listening = False
        self.session.remove_tap(self)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _media_time(self, packet: RtpPacket) -> float:
        """Where ``packet``'s audio starts on the loop's clock (see the module docstring)."""
        expected = self._loop.time() + PLAYOUT_S
        if self._anchor is not None and self._anchor[0] == packet.ssrc:
            _, stamp, at = self._anchor
            offset = (packet.timestamp - stamp + 2**31) % 2**32 - 2**31  # signed: RFC 3550 wraps
            when = at + offset / RATE
            if abs(when - expected) <= RESYNC_S:
                return when
        at = max(expected, self._until)
        self._anchor = (packet.ssrc, packet.timestamp, at)
        return at

    def _arm(self) -> None:
        """The timer on the detector's deadline, unless one already fires no later."""
        deadline = self.detector.next_deadline()
        if deadline is None:
            return
        if self._timer is not None:
            if self._timer.when() <= deadline:
                return  # it fires first, and looks again
            self._timer.cancel()
        self._timer = self._loop.call_at(deadline, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if not self._listening:
            return
        now, deadline = self._loop.time(), self.detector.next_deadline()
        if deadline is not None and deadline - now < _SLACK_S:  # no packet came: that was silence
            self.detector.on_deadline(max(now, deadline))
        self._settle(self.detector.result)

    def _settle(self, result: AmdResult) -> None:
        """Hand the verdict over once it is given; else wait for the next deadline."""
        if result.verdict is AmdVerdict.UNDECIDED:
            self._arm()
            return
        self.stop()
        self._on_verdict(result)
