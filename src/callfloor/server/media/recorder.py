"""Both legs of a call into one WAV file, mixed to mono or side by side in stereo.

*Other voices.* A supervisor who barges in is part of the conversation: :meth:`Recorder.add_voice`
mixes a third leg's audio into the agent's side (into the one channel in mono, into the agent's
right channel in stereo: our side of the call, apart from the customer's), until
:meth:`Recorder.remove_voice`. Which voices to add is the monitor's decision
(:mod:`callfloor.server.sip.monitoring`).

*Alignment.* The two legs are separate streams with their own timing, silences and losses. The
recorder writes one 20 ms frame per tick of the shared :class:`FrameClock`, taking for each
leg the audio that arrived since (decoded from G.711 to 16-bit PCM), or silence when none did:
a leg that is quiet (silence suppression, a lost packet, a phone on mute) gives silence in
its place rather than pulling the other leg earlier, and the file's length is the call's
wall-clock length, which is what a reviewer or a dispute expects. When the loop stalls and the
clock skips slots, those slots are written too, as whatever arrived and then silence.

*Memory.* Each leg keeps at most :attr:`Recorder.MAX_BACKLOG` frames waiting; a leg that
outruns our clock (its sound card's crystal is a little fast) loses its oldest 20 ms rather
than drifting ever further from the other leg. Frames go to the file as they are made, through
``wave``'s raw writes; the header's sizes are patched once, by :meth:`Recorder.close`.

*Pauses.* Card payments must not be recorded: PCI DSS (v4.0, requirement 3.3.1.2) forbids
keeping the card verification code after authorisation, and a recording keeps what was said.
:meth:`Recorder.pause` drops both legs' audio as it arrives (and any other voice's, added before
or during the pause), writes silence in its place so the file keeps the call's timeline, and
lists the span in :attr:`Recorder.pauses` for the reviewer.
"""

import logging
import wave
from dataclasses import dataclass
from pathlib import Path

from callfloor.core.media.mixing import interleave, mix
from callfloor.server.media.player import FRAME_SECONDS, FrameClock
from callfloor.server.media.session import RtpSession
from callfloor.server.media.tracks import FRAME_OCTETS, Track

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pause:
    """A span left silent, in seconds from the start of the recording; ``end`` None while open."""

    start: float
    end: float | None = None


class Recorder:
    """Records ``a`` (the caller) and ``b`` (the agent) to ``path`` from now until :meth:`close`.

    Mono mixes both legs (:func:`mix`); stereo keeps the caller left and the agent right
    (:func:`interleave`) for quality review and speech analytics. 8 kHz, 16-bit PCM. With no
    ``b`` (a voicemail message) the file is the caller alone, in mono.
    """

    MAX_BACKLOG = 5  # frames per leg, 100 ms

    def __init__(
        self,
        a: RtpSession,
        b: RtpSession | None,
        path: Path,
        *,
        stereo: bool = False,
        clock: FrameClock | None = None,
    ) -> None:
        self.path, self.stereo = path, stereo
        self.pauses: list[Pause] = []
        self.frames = 0  # 20 ms frames written
        self._wav = wave.open(str(path), "wb")  # noqa: SIM115 - open until close(), by design
        self.stereo = stereo = stereo and b is not None
        self._wav.setnchannels(2 if stereo else 1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(8000)
        self._tracks = tuple(Track(leg, self.MAX_BACKLOG * FRAME_OCTETS) for leg in (a, b) if leg is not None)
        for track in self._tracks:
            track.session.add_tap(track)
        self._voices: dict[RtpSession, Track] = {}  # other legs on the agent's side (a barge-in)
        self._clock = clock or FrameClock.shared()
        self._clock.add(self)
        self._closed = False
        self.error: OSError | None = None  # why the recording stopped early, if it did

    @property
    def duration(self) -> float:
        """Seconds written so far."""
        return self.frames * FRAME_SECONDS

    @property
    def paused(self) -> bool:
        """Whether audio is being left out."""
        return bool(self.pauses) and self.pauses[-1].end is None

    @property
    def backlog(self) -> tuple[int, int]:
        """Octets of PCM waiting per leg (caller, agent): never more than ``MAX_BACKLOG`` frames."""
        return len(self._tracks[0].pcm), len(self._tracks[-1].pcm) if len(self._tracks) > 1 else 0

    @property
    def voices(self) -> tuple[RtpSession, ...]:
        """The other legs recorded on the agent's side, in the order they were added."""
        return tuple(self._voices)

    def add_voice(self, session: RtpSession) -> None:
        """Record ``session``'s audio too, on the agent's side, from now; adding it twice does nothing.

        While paused it is left out like the rest, from the moment it is added.
        """
        if self._closed or session in self._voices or any(t.session is session for t in self._tracks):
            return
        track = self._voices[session] = Track(session, self.MAX_BACKLOG * FRAME_OCTETS)
        track.listening = not self.paused
        session.add_tap(track)

    def remove_voice(self, session: RtpSession) -> None:
        """Stop recording ``session``'s audio; a leg not added is ignored."""
        track = self._voices.pop(session, None)
        if track is not None:
            session.remove_tap(track)

    def pause(self) -> None:
        """Leave audio out from now (a card number is about to be read); pausing twice does nothing."""
        if self.paused or self._closed:
            return
        self.pauses.append(Pause(self.duration))
        for track in (*self._tracks, *self._voices.values()):
            track.listening = False
            track.pcm.clear()

    def resume(self) -> None:
        """Record again from now; resuming when not paused does nothing."""
        if not self.paused or self._closed:
            return
        self.pauses[-1] = Pause(self.pauses[-1].start, self.duration)
        for track in (*self._tracks, *self._voices.values()):
            track.listening = True

    def tick(self, skipped: int) -> None:
        """Write this slot (and any the clock skipped) to the file."""
        try:
            for _ in range(skipped + 1):
                self._wav.writeframesraw(self._frame())
                self.frames += 1
        except OSError as exc:  # a full disk: stop this recording, said once, and keep the call
            log.error("recording %s stopped after %.2f s: %s", self.path, self.duration, exc)
            self.error = exc
            self._clock.discard(self)

    def _frame(self) -> bytes:
        """This slot's frame: each leg's audio, the other voices mixed into the agent's (the last)."""
        frames = [track.take() for track in self._tracks]
        for voice in self._voices.values():
            frame = voice.take()
            if frame.count(0) != len(frame):  # a silent voice costs nothing
                frames[-1] = mix(frames[-1], frame)
        if len(frames) == 1:
            return frames[0]
        caller, agent = frames
        return interleave(caller, agent) if self.stereo else mix(caller, agent)

    def close(self) -> None:
        """Stop recording and finish the file (its header's sizes); closing twice does nothing."""
        if self._closed:
            return
        self._closed = True
        self._clock.discard(self)
        for track in (*self._tracks, *self._voices.values()):
            track.session.remove_tap(track)
        self._voices.clear()
        if self.paused:
            self.pauses[-1] = Pause(self.pauses[-1].start, self.duration)
        self._wav.close()
