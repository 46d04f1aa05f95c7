"""Prompts and music on hold, sent one 20 ms frame at a time on a clock shared by every player.

*Pacing.* A phone plays what arrives at the rate of its timestamps; packets that come in
bursts overflow its jitter buffer, packets that drift late empty it. So frames leave on an
absolute schedule, start + n × 20 ms, each timer armed with ``loop.call_at`` for the next slot:
a late tick does not push the ones after it back, as ``sleep(0.02)`` in a loop would. When
the loop falls more than :attr:`FrameClock.MAX_CATCH_UP` frames behind (a stalled process, a
long garbage collection), the clock skips to the present instead of sending the backlog as a
burst: each player carries on from where its prompt was, its stream re-anchored at the new
time with the marker bit set (RFC 3551 §4.1), so the phone hears a pause, not a lost word.

*One timer for all.* 500 players with a timer each would be 25,000 timer callbacks a second,
each going through the loop's heap. A :class:`FrameClock` per event loop (:meth:`FrameClock.shared`)
sends the frames of a quarter of its players every 5 ms instead; recorders tick on it too.
Measured by ``bench/rtp_streams.py``: 500 players take 34 % of a core this way, 49 % with a
timer each, and the timers-each design falls apart first as streams are added.

*Prompts* are 8 kHz mono 16-bit WAV files (ARCHITECTURE.md, "Telephony"), read with the
standard ``wave`` module and encoded once per codec (G.711, :mod:`callfloor.core.media.g711`)
into ready-made 160-octet frames, cached by path, codec and modification time; a player's
tick is then a list lookup and a send.
"""

import asyncio
import logging
import wave
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from weakref import WeakKeyDictionary

from callfloor.core.media.g711 import alaw_encode, ulaw_encode
from callfloor.core.sip.offer_answer import Codec
from callfloor.server.media import MediaStateError, PromptError

log = logging.getLogger(__name__)

FRAME_SECONDS = 0.02  # RFC 3551 §4.2: packets of 20 ms unless a=ptime says otherwise
FRAME_SAMPLES = 160  # at 8,000 Hz
_ENCODERS: dict[str, tuple[Callable[[bytes], bytes], int]] = {
    "PCMU": (ulaw_encode, 0xFF),  # encoder, and the code of silence to pad the last frame
    "PCMA": (alaw_encode, 0xD5),
}


class Outgoing(Protocol):
    """The stream a player sends on: an :class:`~.session.RtpSession`, or its loan in the media process."""

    @property
    def codec(self) -> Codec | None:
        """The negotiated codec, None before the answer."""

    @property
    def closed(self) -> bool:
        """Whether nothing may be sent any more."""

    def new_source(self) -> None:
        """A new talkspurt: marker bit, timestamps re-anchored."""

    def send_audio(self, payload: bytes) -> None:
        """One 20 ms frame in the codec."""


class Player(Protocol):
    """What a call plays prompts through: a :class:`PromptPlayer`, or the media process (:mod:`.offload`)."""

    @property
    def playing(self) -> bool:
        """Whether frames are being sent."""

    def play(
        self, paths: Sequence[Path], *, loop: bool = False, on_done: Callable[[], None] | None = None
    ) -> None:
        """Play ``paths`` in turn, replacing what was playing; ``on_done`` after the last frame."""

    def stop(self) -> None:
        """Stop sending."""


class Ticking(Protocol):
    """What a :class:`FrameClock` drives: a player, a recorder."""

    def tick(self, skipped: int) -> None:
        """One 20 ms slot; ``skipped`` slots were passed over just before it (0 normally)."""


class FrameClock:
    """Ticks every member once per 20 ms on an absolute schedule, with one timer for all of them.

    Members are spread over ``phases`` groups ticked ``period / phases`` apart, the newest in
    the smallest group: 500 players do not all send in one burst, which would leave the last
    of them some 10 ms behind its slot, and a phone's jitter buffer sees even spacing.
    """

    MAX_CATCH_UP = 3  # frames late the clock still sends, back to back, before skipping

    def __init__(self, period: float = FRAME_SECONDS, phases: int = 4) -> None:
        self.period, self.phases = period, phases
        self.due = 0.0  # when the tick being run was due; lateness is loop.time() - due
        self.skipped = 0  # frames passed over since the clock was made, summed over the groups
        self._groups: list[dict[Ticking, None]] = [{} for _ in range(phases)]  # ordered sets
        self._phase: dict[Ticking, int] = {}
        self._last: list[int | None] = [None] * phases  # slot of each group's last tick
        self._loop: asyncio.AbstractEventLoop | None = None  # only while ticking
        self._timer: asyncio.TimerHandle | None = None
        self._ticking = False
        self._start, self._slot = 0.0, 0  # slot n is due at start + n × period / phases

    @classmethod
    def shared(cls) -> "FrameClock":
        """The running loop's clock, made on first use."""
        loop = asyncio.get_running_loop()
        clock = _SHARED.get(loop)
        if clock is None:
            clock = _SHARED[loop] = cls()
        return clock

    def add(self, member: Ticking) -> None:
        """Tick ``member`` from its group's next slot on (at once if the clock was idle)."""
        if member in self._phase:
            return
        phase = min(range(self.phases), key=lambda k: len(self._groups[k]))
        if not self._groups[phase]:
            self._last[phase] = None  # nothing was skipped for a group that was empty
        self._groups[phase][member], self._phase[member] = None, phase
        if self._timer is None and not self._ticking:
            self._loop = asyncio.get_running_loop()
            self._start, self._slot = self._loop.time() - phase * self.period / self.phases, phase
            self._timer = self._loop.call_at(self._start + phase * self.period / self.phases, self._tick)

    def discard(self, member: Ticking) -> None:
        """Stop ticking ``member``; the clock stops with its last member."""
        phase = self._phase.pop(member, None)
        if phase is not None:
            del self._groups[phase][member]
        if not self._phase and self._timer is not None:
            self._timer.cancel()
            self._timer = self._loop = None

    def _tick(self) -> None:
        loop, self._timer, self._ticking = self._loop, None, True
        assert loop is not None  # noqa: S101 - armed only while running
        self.due = self._start + self._slot * self.period / self.phases
        behind = int((loop.time() - self.due) / self.period)  # whole frames
        if behind > self.MAX_CATCH_UP:
            self._slot += behind * self.phases  # to the present, in the same phase
        phase = self._slot % self.phases
        group, last, self._last[phase] = self._groups[phase], self._last[phase], self._slot
        skipped = 0 if last is None or not group else (self._slot - last) // self.phases - 1
        self.skipped += skipped
        for member in list(group):
            if member not in group:
                continue  # discarded by another member's tick
            try:
                member.tick(skipped)
            except Exception:  # one broken member must not silence the others; logged in full
                log.exception("media clock member %r failed", member)
        self._ticking = False
        self._slot += 1
        if self._phase:  # members added during the tick stay on the same grid
            self._timer = loop.call_at(self._start + self._slot * self.period / self.phases, self._tick)
        else:
            self._loop = None


_SHARED: "WeakKeyDictionary[asyncio.AbstractEventLoop, FrameClock]" = WeakKeyDictionary()


def prompt_frames(path: Path, codec: Codec) -> tuple[bytes, ...]:
    """``path`` encoded in ``codec`` as 20 ms frames, the last padded with silence; cached."""
    try:
        modified = path.stat().st_mtime_ns
    except OSError as exc:
        raise PromptError(f"prompt {path}: {exc.strerror}") from exc
    return _encoded(path, codec.encoding.upper(), modified)


@lru_cache(maxsize=128)
def _encoded(path: Path, encoding: str, modified: int) -> tuple[bytes, ...]:
    """The work :func:`prompt_frames` caches; ``modified`` makes an edited file a new entry."""
    if encoding not in _ENCODERS:
        raise MediaStateError(f"no prompt encoder for {encoding}")
    encode, silence = _ENCODERS[encoding]
    data = encode(_read_pcm(path))
    frames = [data[i : i + FRAME_SAMPLES] for i in range(0, len(data), FRAME_SAMPLES)]
    if frames and len(frames[-1]) < FRAME_SAMPLES:
        frames[-1] += bytes((silence,)) * (FRAME_SAMPLES - len(frames[-1]))
    return tuple(frames)


def _read_pcm(path: Path) -> bytes:
    """The samples of an 8 kHz mono 16-bit PCM WAV file; ``PromptError`` for anything else."""
    try:
        with wave.open(str(path), "rb") as wav:
            shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
            if shape != (1, 2, 8000):
                raise PromptError(f"prompt {path}: {shape[0]} channel(s), {8 * shape[1]}-bit, {shape[2]} Hz")
            return wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise PromptError(f"prompt {path} is not a PCM WAV file: {exc}") from exc


class PromptPlayer:
    """Plays prompts, or music on hold, on one session's outgoing stream."""

    def __init__(self, session: Outgoing, *, clock: FrameClock | None = None) -> None:
        """``clock`` defaults to the loop's shared one; a clock of its own is for comparisons."""
        self.session = session
        self._clock = clock or FrameClock.shared()
        self._frames: tuple[bytes, ...] = ()
        self._next = 0
        self._loop = False
        self._on_done: Callable[[], None] | None = None

    @property
    def playing(self) -> bool:
        """Whether frames are being sent."""
        return bool(self._frames)

    def play(
        self, paths: Sequence[Path], *, loop: bool = False, on_done: Callable[[], None] | None = None
    ) -> None:
        """Play ``paths`` one after the other, replacing what was playing; music on hold loops.

        Every prompt is read (or found in the cache) before the first frame goes out, so a
        bad file raises ``PromptError`` here rather than cutting a prompt short. ``on_done``
        runs when the last frame was sent, never for a looping play or after :meth:`stop`.
        """
        codec = self.session.codec
        if codec is None:
            raise MediaStateError("the session has no negotiated codec yet: call set_remote first")
        frames = tuple(frame for path in paths for frame in prompt_frames(path, codec))
        self.stop()
        if not frames:
            if on_done is not None:
                on_done()
            return
        self._frames, self._next, self._loop, self._on_done = frames, 0, loop, on_done
        self.session.new_source()  # a new prompt is a new talkspurt: marker bit, fresh timestamps
        self._clock.add(self)

    def stop(self) -> None:
        """Stop sending; the session stays open and another source may take over at once."""
        if self._frames:
            self._frames = ()
            self._clock.discard(self)
            self.session.new_source()

    def tick(self, skipped: int) -> None:
        """Send the frame of this slot (the clock calls it every 20 ms)."""
        if self.session.closed:
            self.stop()
            return
        if skipped:
            self.session.new_source()  # the clock skipped: a pause, re-anchored to the present
        self.session.send_audio(self._frames[self._next])
        self._next += 1
        if self._next < len(self._frames):
            return
        if self._loop:
            self._next = 0  # music on hold goes round without a seam: same numbering, no marker
            return
        on_done = self._on_done
        self.stop()
        if on_done is not None:
            on_done()
