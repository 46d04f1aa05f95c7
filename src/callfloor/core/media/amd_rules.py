"""The cues of answering-machine detection and their parameters: words, greeting, silence, beep.

:class:`Cadence` is told, frame by frame, voice or silence (and whether a voiced frame is one
pure tone); it counts what ``app_amd`` counts and names the cue that settles the question
(:class:`AmdReason`). Durations are kept in samples at 8 kHz, integers, so that seventy-five
20 ms frames make exactly 1.5 s and a threshold is met on the frame that reaches it, not one
frame later by a rounding error. The clock, the window and the verdict are
:mod:`callfloor.core.media.amd`'s.
"""

import math
from collections import deque
from dataclasses import dataclass, fields
from enum import StrEnum

from callfloor.core.media import MediaError
from callfloor.core.media.amd_signal import RATE, Tone


class AmdError(MediaError):
    """Settings that cannot work (a duration that is not positive, an empty band), or a frame
    whose timestamp is not a number."""


@dataclass(frozen=True, slots=True)
class AmdSettings:
    """The detector's parameters, per campaign; durations in seconds, levels in dBFS.

    ``app_amd``'s values are kept for ``min_word_s``, ``greeting_s`` and
    ``after_greeting_silence_s``; the others are explained one by one, and were checked on the
    recorded samples of tests/data/amd (bench/amd_accuracy.py).
    """

    #: NOTSURE after this long (app_amd: 5 s): a person must be connected quickly, and a
    #: machine's greeting has given itself away well before 4 s.
    analysis_window_s: float = 4.0
    #: A run of voice shorter than this is a click, not a word (app_amd: 100 ms).
    min_word_s: float = 0.1
    #: A silence this long ends a word. app_amd's 50 ms splits syllables ("Oui, allô ?" makes
    #: three words); 200 ms splits at the pauses between words and phrases.
    between_words_s: float = 0.2
    #: More voice than this in the greeting is a machine (app_amd: 1.5 s).
    greeting_s: float = 1.5
    #: This many words is a machine. app_amd's 2 or 3 counts syllables; a person's answer
    #: ("Allô ? … Oui, allô ?") can make three or four of ours.
    max_words: int = 5
    #: This much silence after a greeting decides a person (app_amd: 0.8 s).
    after_greeting_silence_s: float = 0.8
    #: A frame is voice when this far above the line's noise floor.
    voice_margin_db: float = 10.0
    #: The noise floor is the quietest frame of this last stretch.
    noise_window_s: float = 1.5
    #: ...and never louder than this, or a voice heard from the first frame would be the floor.
    noise_ceiling_dbfs: float = -35.0
    #: Nothing quieter than this is voice, even on a silent line (app_amd: amplitude 256, -40).
    min_voice_dbfs: float = -50.0
    #: Nor is anything this far under the loudest voice heard: that is the room, not the callee.
    #: A voice's own vowels stay within about 15 dB of its loudest; talk in the room 20 dB under
    #: the callee (the samples' babble) stays out, where 25 dB let it in.
    voice_range_db: float = 20.0
    #: Voice this much louder than all heard up to 0.3 s before is the callee's: what came
    #: before was the room (a television, people talking), and the greeting starts again.
    restart_db: float = 10.0
    #: A steady pure tone this long is a voicemail beep. Beeps last 0.2-1 s; no speech or music
    #: of the samples holds one for more than 3 frames (0.06 s).
    beep_s: float = 0.16
    #: The frequencies a beep may have.
    beep_min_hz: float = 300.0
    beep_max_hz: float = 3400.0
    #: The most of a frame's power that one sine may leave unexplained: about 1/SNR for a beep
    #: on a line with white noise (0.1 at 10 dB), a little more in coloured noise; a frame of
    #: speech scores 0.1 at the very least, and seldom under 0.3.
    beep_max_residual: float = 0.2
    #: How far a beep's frequency may wander from its first frame, as a share of it.
    beep_drift: float = 0.02
    #: How far a beep's level may move from one frame to the next.
    beep_step_db: float = 2.0

    def __post_init__(self) -> None:
        """Refuse values that cannot work, naming the field."""
        for item in fields(self):
            value = getattr(self, item.name)
            if not item.name.endswith("dbfs") and value <= 0:
                raise AmdError(f"AMD setting {item.name} must be positive, not {value}")
        if self.beep_min_hz >= self.beep_max_hz or self.beep_max_hz >= RATE / 2:
            band = f"{self.beep_min_hz}-{self.beep_max_hz} Hz"
            raise AmdError(f"AMD beep band {band} is empty or reaches 4 kHz")


class AmdReason(StrEnum):
    """The cue that gave the verdict."""

    SILENCE_AFTER_GREETING = "silence_after_greeting"  # HUMAN
    LONG_GREETING = "long_greeting"  # MACHINE
    MANY_WORDS = "many_words"  # MACHINE
    BEEP = "beep"  # MACHINE
    NO_SPEECH = "no_speech"  # NOTSURE: not a word heard in the window
    WINDOW_ENDED = "window_ended"  # NOTSURE: heard something that settled nothing


# How far back "heard before" reaches for restart_db: longer than a syllable's onset, which
# rises by 20 dB or more in 50-100 ms and must not restart the greeting at every word.
_RESTART_LAG_S = 0.3


def _samples(seconds: float) -> int:
    return round(seconds * RATE)


class Cadence:
    """Words, greeting and silences counted as app_amd counts them, plus the beep."""

    def __init__(self, settings: AmdSettings) -> None:
        self._settings = settings
        self._min_word = _samples(settings.min_word_s)
        self._between_words = _samples(settings.between_words_s)
        self._greeting = _samples(settings.greeting_s)
        self._after_greeting = _samples(settings.after_greeting_silence_s)
        self.words = 0
        self.greeting = 0  # samples of voice in the greeting, from its first word
        self._in_word = False
        self._voice_run = 0  # voice since the last pause of between_words_s (short dips included)
        self._quiet_run = 0  # silence since the last voiced frame
        self._silence_run = 0  # silence since the last word's voice; a click does not reset it
        self._clock = 0  # samples heard
        self._reference = -math.inf  # the loudest voice of over _RESTART_LAG_S ago, or at the last restart
        self._reference_voice = 0  # samples of voice that reference was taken over
        self._recent: deque[tuple[int, int, float]] = deque()  # voiced frames since: (clock, samples, dBFS)
        self._beep = Beep(settings)

    @property
    def greeting_s(self) -> float:
        """Seconds of voice heard in the greeting."""
        return self.greeting / RATE

    def voice(self, count: int, tone: Tone | None, dbfs: float) -> AmdReason | None:
        """A voiced frame of ``count`` samples at ``dbfs``; the cue it meets, if any."""
        self._quiet_run = 0
        if self._beep.heard(count, tone, dbfs):
            return AmdReason.BEEP
        self._restart_if_louder(count, dbfs)
        self._voice_run += count
        if self._in_word:
            self.greeting += count
        elif self._voice_run >= self._min_word:
            self._in_word = True
            self.words += 1
            self.greeting += self._voice_run
        else:
            return None  # too short yet to be a word: maybe a click
        self._silence_run = 0
        if self.greeting >= self._greeting:
            return AmdReason.LONG_GREETING
        return AmdReason.MANY_WORDS if self.words >= self._settings.max_words else None

    def silence(self, count: int) -> tuple[AmdReason, int] | None:
        """``count`` samples of silence; the cue met, and how many samples in it was met."""
        self._beep.heard(count, None, -math.inf)
        self._clock += count
        self._quiet_run += count
        if self._quiet_run >= self._between_words:
            self._in_word, self._voice_run = False, 0
        before, self._silence_run = self._silence_run, self._silence_run + count
        if self.words and self._silence_run >= self._after_greeting:
            return AmdReason.SILENCE_AFTER_GREETING, max(0, self._after_greeting - before)
        return None

    def silence_needed(self) -> int | None:
        """Samples of silence still needed to decide a person; None before any word."""
        return max(0, self._after_greeting - self._silence_run) if self.words else None

    def _restart_if_louder(self, count: int, dbfs: float) -> None:
        """Start the greeting again if this frame is ``restart_db`` over the voice heard before."""
        lag = _samples(_RESTART_LAG_S)
        while self._recent and self._recent[0][0] <= self._clock - lag:
            _, earlier_count, earlier_dbfs = self._recent.popleft()
            self._reference = max(self._reference, earlier_dbfs)
            self._reference_voice += earlier_count
        # Only against a reference heard for the lag at least: a word's own first syllable is
        # no room noise, however much quieter than its vowel.
        if (
            self.words
            and self._reference_voice >= lag
            and dbfs >= self._reference + self._settings.restart_db
        ):
            # This frame is plainly voice: the callee's first word, in progress.
            self.words, self.greeting, self._in_word, self._voice_run = 1, 0, True, 0
            self._reference, self._reference_voice = dbfs, lag
            self._recent.clear()
        self._recent.append((self._clock, count, dbfs))
        self._clock += count


class Beep:
    """One steady pure tone for ``beep_s``: the same frequency and level frame after frame."""

    def __init__(self, settings: AmdSettings) -> None:
        self._settings = settings
        self._length = _samples(settings.beep_s)
        self._run = 0
        self._hertz = 0.0
        self._dbfs = 0.0

    def heard(self, count: int, tone: Tone | None, dbfs: float) -> bool:
        """Take a frame (``tone`` None for silence); whether the tone has now lasted ``beep_s``."""
        s = self._settings
        if (
            tone is None
            or tone.residual > s.beep_max_residual
            or not s.beep_min_hz <= tone.hertz <= s.beep_max_hz
        ):
            self._run = 0
            return False
        steady = (
            abs(tone.hertz - self._hertz) <= s.beep_drift * self._hertz
            and abs(dbfs - self._dbfs) <= s.beep_step_db
        )
        if not (self._run and steady):
            self._run, self._hertz = 0, tone.hertz  # a new tone, or speech gliding through
        self._run += count
        self._dbfs = dbfs
        return self._run >= self._length
