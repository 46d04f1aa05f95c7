"""Answering-machine detection (détection de répondeur) on the first seconds of an answered call.

An outbound campaign may ask whether a person or a voicemail box answered, so that a machine
gets a recorded message and a person an agent (issue 8). The detector is fed the callee's audio
as the live server decodes it, 16-bit linear PCM at 8 kHz (:mod:`.g711`), one frame at a time
with the frame's timestamp, and answers UNDECIDED until a cue settles it.

*Theory of operation*, after Asterisk's ``app_amd``. Each frame is voice or silence
(:class:`.amd_signal.VoiceActivity`); runs of voice of at least ``min_word_s`` are *words*, a
silence of ``between_words_s`` ends one; the *greeting* starts with the first word. Then:

- a person picks up and says "Allô ?", "Oui ?", "Hello?", and waits: a short greeting then
  ``after_greeting_silence_s`` of silence is HUMAN. 0.8 s leaves the dialer 1.2 s to bridge an
  agent: a call is abandoned when no agent is connected "within two (2) seconds of the
  completed greeting of the person answering" (16 CFR 310.4(b)(1)(iv));
- a voicemail box talks on: ``greeting_s`` of voice in the greeting, or ``max_words`` words,
  is MACHINE; so is a beep, one steady pure tone for ``beep_s`` (a box with no greeting, or
  a short one);
- at ``analysis_window_s`` the answer is NOTSURE, and the dialer treats it as a person.

Where this departs from ``app_amd``, and why (the parameters: :class:`.amd_rules.AmdSettings`):

- voice is judged against the line's own noise, not a fixed level, and the room (a television,
  other people) is told from the callee by loudness: whatever is far under the loudest voice
  is not voice, and a voice far louder than all before starts the greeting again;
- a long silence after pick-up is not MACHINE: people answering an unknown number often wait
  for the caller to speak, and hanging up on a person is the costly mistake;
- words are split at pauses of 200 ms, not 50 ms, which split syllables.

Missing frames (packets lost, or not sent during silence) count as silence, as in ``app_amd``;
:meth:`AnsweringMachineDetector.next_deadline` gives the time at which silence would decide, so
that the driver can ask even when no packet comes. bench/amd_accuracy.py measures the accuracy
on the samples of tests/data/amd, and tests/core/media/test_amd.py holds it.

Once given, a verdict is final: later frames change nothing.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from callfloor.core.config import Locale
from callfloor.core.media.amd_rules import AmdError, AmdReason, AmdSettings, Cadence
from callfloor.core.media.amd_signal import RATE, VoiceActivity, level_dbfs, pure_tone, samples

__all__ = ["AmdError", "AmdReason", "AmdResult", "AmdSettings", "AmdVerdict", "AnsweringMachineDetector"]

_EPSILON_S = 1e-4  # timestamps closer than this are the same instant (float rounding)


class AmdVerdict(StrEnum):
    """Who answered, as far as the detector can tell."""

    UNDECIDED = "undecided"  # still listening
    HUMAN = "human"
    MACHINE = "machine"
    NOTSURE = "notsure"  # the window ended first: connect as a person


_TEXTS: Mapping[AmdReason | None, Mapping[Locale, str]] = MappingProxyType({
    None: {Locale.FR: "Analyse en cours", Locale.EN: "Listening"},
    AmdReason.SILENCE_AFTER_GREETING: {
        Locale.FR: "Personne : un bref « allô » ({greeting:.1f} s) puis le silence",
        Locale.EN: "Person: a short greeting ({greeting:.1f} s), then silence",
    },
    AmdReason.LONG_GREETING: {
        Locale.FR: "Répondeur : message d'accueil de plus de {greeting:.1f} s",
        Locale.EN: "Answering machine: a greeting longer than {greeting:.1f} s",
    },
    AmdReason.MANY_WORDS: {
        Locale.FR: "Répondeur : {words} mots d'affilée",
        Locale.EN: "Answering machine: {words} words in a row",
    },
    AmdReason.BEEP: {Locale.FR: "Répondeur : bip entendu", Locale.EN: "Answering machine: beep heard"},
    AmdReason.NO_SPEECH: {
        Locale.FR: "Incertain : rien entendu en {after:.1f} s",
        Locale.EN: "Not sure: nothing heard in {after:.1f} s",
    },
    AmdReason.WINDOW_ENDED: {
        Locale.FR: "Incertain : pas de conclusion en {after:.1f} s",
        Locale.EN: "Not sure: no conclusion in {after:.1f} s",
    },
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class AmdResult:
    """The verdict, the cue that gave it, when, and what had been heard by then."""

    verdict: AmdVerdict = AmdVerdict.UNDECIDED
    reason: AmdReason | None = None
    decided_at: float | None = None  # on the frames' clock
    after_s: float | None = None  # seconds after the start of the audio
    greeting_s: float = 0.0  # voice heard in the greeting
    words: int = 0

    def explain(self, locale: Locale) -> str:
        """The verdict's reason for a supervisor, in French or English."""
        text = _TEXTS[self.reason][locale]
        return text.format(greeting=self.greeting_s, words=self.words, after=self.after_s or 0.0)


_VERDICTS: Mapping[AmdReason, AmdVerdict] = MappingProxyType({
    AmdReason.SILENCE_AFTER_GREETING: AmdVerdict.HUMAN,
    AmdReason.LONG_GREETING: AmdVerdict.MACHINE,
    AmdReason.MANY_WORDS: AmdVerdict.MACHINE,
    AmdReason.BEEP: AmdVerdict.MACHINE,
    AmdReason.NO_SPEECH: AmdVerdict.NOTSURE,
    AmdReason.WINDOW_ENDED: AmdVerdict.NOTSURE,
})  # fmt: skip


class AnsweringMachineDetector:
    """One call's detector: feed it frames, read the verdict (see the module docstring)."""

    def __init__(self, settings: AmdSettings | None = None, start: float | None = None) -> None:
        """``start``: when the call was answered, on the frames' clock; by default the first frame's."""
        self.settings = settings or AmdSettings()
        s = self.settings
        self._activity = VoiceActivity(
            s.noise_window_s, s.voice_margin_db, s.noise_ceiling_dbfs, s.min_voice_dbfs, s.voice_range_db
        )
        self._cadence = Cadence(s)
        self._start = self._clock = start  # _clock: the end of the audio accounted for so far
        self._result = AmdResult()

    @property
    def result(self) -> AmdResult:
        """The verdict so far: UNDECIDED, or the final one."""
        return self._result

    def feed(self, pcm: bytes, timestamp: float) -> AmdResult:
        """Take one frame of 16-bit PCM that starts at ``timestamp`` (seconds); the verdict so far.

        ``timestamp`` is media time, from the RTP timestamp (RFC 3550 §5.1), not the arrival
        time: a frame that starts after the previous one ended leaves a gap, taken as silence;
        one that starts before it (a late or repeated packet) is ignored, its time already
        counted.
        """
        values = samples(pcm)
        if not math.isfinite(timestamp):
            raise AmdError(f"a frame's timestamp must be a number of seconds, not {timestamp}")
        if self._result.verdict is not AmdVerdict.UNDECIDED:
            return self._result
        if self._start is None:
            self._start = self._clock = timestamp
        clock = self._clock if self._clock is not None else timestamp
        if timestamp < clock - _EPSILON_S:
            return self._result
        if timestamp > clock + _EPSILON_S:
            self._silence(clock, timestamp)
        if self._result.verdict is AmdVerdict.UNDECIDED and values:
            end = timestamp + len(values) / RATE
            dbfs = level_dbfs(values)
            if self._activity.is_voice(end, dbfs):
                self._decide(self._cadence.voice(len(values), pure_tone(values), dbfs), end)
                self._advance(end)
            else:
                self._silence(timestamp, end)
        return self._result

    def next_deadline(self) -> float | None:
        """When silence from now on would decide (HUMAN or NOTSURE); None once decided or before audio."""
        if self._result.verdict is not AmdVerdict.UNDECIDED or self._start is None or self._clock is None:
            return None
        window_end = self._start + self.settings.analysis_window_s
        needed = self._cadence.silence_needed()
        return window_end if needed is None else min(window_end, self._clock + needed / RATE)

    def on_deadline(self, now: float) -> AmdResult:
        """No frame came until ``now``: that time was silence. The verdict so far."""
        if self._result.verdict is AmdVerdict.UNDECIDED and self._clock is not None and now > self._clock:
            self._silence(self._clock, now)
        return self._result

    def _silence(self, begin: float, end: float) -> None:
        """Silence from ``begin`` to ``end``: a person if enough of it follows a greeting in the window."""
        met = self._cadence.silence(round((end - begin) * RATE))
        if met is not None and self._start is not None:
            reason, after = met
            at = min(end, begin + after / RATE)
            if at <= self._start + self.settings.analysis_window_s + _EPSILON_S:
                self._decide(reason, at)
        self._advance(end)

    def _advance(self, now: float) -> None:
        """The clock moves to ``now``; NOTSURE if it reaches the window's end undecided."""
        self._clock = now
        if self._start is None or self._result.verdict is not AmdVerdict.UNDECIDED:
            return
        window_end = self._start + self.settings.analysis_window_s
        if now >= window_end - _EPSILON_S:
            reason = AmdReason.WINDOW_ENDED if self._cadence.words else AmdReason.NO_SPEECH
            self._decide(reason, window_end)

    def _decide(self, reason: AmdReason | None, at: float) -> None:
        if reason is None or self._start is None or self._result.verdict is not AmdVerdict.UNDECIDED:
            return
        cadence = self._cadence
        self._result = AmdResult(
            _VERDICTS[reason], reason, at, at - self._start, cadence.greeting_s, cadence.words
        )
