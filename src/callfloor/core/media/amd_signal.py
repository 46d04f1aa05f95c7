"""What answering-machine detection measures in each frame: loudness against the line's noise,
and whether the frame is one pure tone (a voicemail beep).

*Loudness.* A frame's power in dBFS (0 dBFS: a square wave at full scale; a full-scale sine is
-3 dBFS). Whether it is voice depends on the line: a fixed threshold, as Asterisk's
``silence_threshold`` (mean amplitude 256, about -40 dBFS), hears hiss or a noisy room as one
endless word, and a noisy room is how a person who just picked up sounds. So the threshold
sits a margin above the line's own noise, estimated by *minimum statistics* (R. Martin,
"Noise power spectral density estimation based on optimal smoothing and minimum statistics",
IEEE Trans. Speech Audio Processing 9(5), 2001) in its simplest form: the quietest frame of the
last second or two. Speech pauses between syllables and words, noise does not, so the minimum
follows the noise and not the voice. A voice that starts at once, before any pause has been
heard, must still count: hence a ceiling on the floor (:class:`VoiceActivity`).

*Tones.* A pure sine obeys x[n] + x[n-2] = 2cos(ω)·x[n-1] exactly, whatever its amplitude and
phase. :func:`pure_tone` fits that recurrence to the frame with the white noise under it
(Pisarenko's harmonic decomposition for one sine: V. F. Pisarenko, "The retrieval of harmonics
from a covariance function", Geophys. J. R. Astr. Soc. 33, 1973), which gives ω without the
bias that noise puts on a plain least-squares fit, and the share of the frame's power that is
not the sine: about 1/SNR for a beep on a noisy line, near 1 for speech or noise. One fit finds
a beep at any frequency, where a bank of Goertzel filters would listen to a few (voicemail
beeps run from about 400 to 2000 Hz). A chord or a DTMF digit can fit the recurrence almost as
well as one sine, so a frame that passes is checked by a Goertzel filter at the fitted
frequency (G. Goertzel, "An algorithm for the evaluation of finite trigonometric series",
Am. Math. Monthly 65(1), 1958): the share of the frame's power really at that frequency.

Loudness and the fit are integer sums over the frame through ``map``, with no Python loop per
sample, and the fit is only made on voiced frames; only a near-tonal frame pays for the Goertzel
loop. A 4 s call costs 3-4 ms of CPU in all (bench/amd_accuracy.py), a voiced 20 ms frame at
most about 100 µs: AMD runs for the first seconds of a call only.
"""

import math
import sys
from array import array
from collections import deque
from dataclasses import dataclass
from operator import add, mul

from callfloor.core.media import CodecError

RATE = 8000  # G.711's sampling rate (ITU-T G.711 §1)
_FULL_SCALE_POWER = 32768.0**2
_POWER_FLOOR = 1e-10  # -100 dBFS: digital silence (µ-law 0xFF decodes to 0) has a level too


def samples(pcm: bytes) -> "array[int]":
    """16-bit signed little-endian PCM, as :mod:`.g711` decodes it, as integers."""
    if len(pcm) % 2:
        raise CodecError(f"16-bit PCM has an even number of octets, not {len(pcm)}")
    values = array("h", pcm)
    if sys.byteorder == "big":
        values.byteswap()
    return values


def _dot(first: "array[int] | list[int]", second: "array[int] | list[int]") -> int:
    return sum(map(mul, first, second))


def level_dbfs(values: "array[int]") -> float:
    """The frame's mean power in dB relative to full scale; -100 for silence or no samples."""
    power = _dot(values, values) / len(values) if values else 0.0
    return 10.0 * math.log10(power / _FULL_SCALE_POWER + _POWER_FLOOR)


@dataclass(frozen=True, slots=True)
class Tone:
    """The best single sine through a frame: its frequency, and the share of power it leaves."""

    hertz: float
    residual: float  # 0 for a pure sine, about 1/SNR for a sine in noise, near 1 for speech


# The fit's residual under which the frame is worth a Goertzel check (one loop per sample).
_SCREEN = 0.25


def pure_tone(values: "array[int]") -> Tone | None:
    """The best single sine through the frame, or None when the frame is too short or silent.

    The fit of x[n] + x[n-2] = a·x[n-1] plus white noise gives the frequency and the noise's
    share; a frame where that share is small is checked by a Goertzel filter at the frequency,
    since two tones (a chord, a DTMF digit) can fit almost as well as one.
    """
    if len(values) < 8:
        return None
    middle = values[1:-1]
    outer = list(map(add, values[2:], values[:-2]))
    energy = _dot(middle, middle)
    if energy == 0:
        return None
    cross, outer_energy = _dot(middle, outer), _dot(outer, outer)
    noise = _white_noise(energy, cross, outer_energy)
    coefficient = cross / (energy - noise) if energy > noise else 0.0  # 2cos(ω)
    residual = noise / energy
    omega = math.acos(max(-1.0, min(1.0, coefficient / 2)))
    if residual <= _SCREEN:
        residual = max(residual, 1.0 - _goertzel_share(values, omega))
    return Tone(omega * RATE / (2 * math.pi), residual)


def _white_noise(energy: int, cross: int, outer_energy: int) -> float:
    """The white noise under one sine that explains the three sums (Pisarenko's method).

    For a sine of power S (times the sample count) and white noise of power N, ``energy`` is
    S + N, ``cross`` is aS and ``outer_energy`` a²S + 2N, with a = 2cos(ω): the smaller root of
    2N² - (2·energy + outer)N + (energy·outer - cross²) = 0. Noise alone would bias a towards 0
    by S/(S + N), enough at 15 dB to move a 1 kHz beep by 20 Hz, out of a Goertzel filter's
    passband over 160 samples.
    """
    b = 2 * energy + outer_energy
    discriminant = max(0.0, b * b - 8 * (energy * outer_energy - cross * cross))
    return min(float(energy), max(0.0, (b - math.sqrt(discriminant)) / 4))


def _goertzel_share(values: "array[int]", omega: float) -> float:
    """The share of the frame's power in a sine at ``omega`` radians per sample (Goertzel)."""
    coefficient = 2 * math.cos(omega)
    previous = before = 0.0
    for value in values:
        previous, before = value + coefficient * previous - before, previous
    power = previous * previous + before * before - coefficient * previous * before
    # A sine of amplitude A gives power (N·A/2)² and energy N·A²/2: a share of 1.
    return min(1.0, 2 * power / (len(values) * _dot(values, values)))


class NoiseFloor:
    """The quietest frame level heard in the last ``window_s`` seconds (minimum statistics).

    A monotonic deque keeps the running minimum in constant time per frame: each entry is
    louder than the one before it, so the front is the minimum, and an entry that a quieter,
    newer one follows can never be the minimum again and is dropped.
    """

    def __init__(self, window_s: float) -> None:
        self._window_s = window_s
        self._levels: deque[tuple[float, float]] = deque()  # (time heard, dBFS)

    def update(self, at: float, dbfs: float) -> float:
        """Take the level of the frame ending at ``at``; the floor over the window up to it."""
        while self._levels and self._levels[-1][1] >= dbfs:
            self._levels.pop()
        self._levels.append((at, dbfs))
        while self._levels[0][0] <= at - self._window_s:
            self._levels.popleft()
        return self._levels[0][1]


class VoiceActivity:
    """Voice or not, frame by frame: louder than the line's noise, and not far under the callee.

    A frame is voice when it is ``margin_db`` over the noise floor, where the floor is capped
    at ``ceiling_dbfs`` (a voice heard from the first frame, before any pause, would otherwise
    be taken for the noise), and never under ``minimum_dbfs`` (on a digitally silent line the
    faintest click would count). Nor is it voice when ``range_db`` under the loudest voice
    heard: the callee speaks into the phone, a television or other people in the room are
    far quieter, and they come and go as speech does, so the noise floor cannot hold them.
    The loudest voice is the loudest level held for three frames, so that a click on pick-up
    does not mute what follows.
    """

    def __init__(
        self, window_s: float, margin_db: float, ceiling_dbfs: float, minimum_dbfs: float, range_db: float
    ) -> None:
        self._floor = NoiseFloor(window_s)
        self._margin_db = margin_db
        self._ceiling_dbfs = ceiling_dbfs
        self._minimum_dbfs = minimum_dbfs
        self._range_db = range_db
        self._recent: deque[float] = deque(maxlen=3)
        self._loudest = -math.inf

    def is_voice(self, at: float, dbfs: float) -> bool:
        """Whether the frame ending at ``at``, of level ``dbfs``, is the callee's voice."""
        floor = min(self._floor.update(at, dbfs), self._ceiling_dbfs)
        threshold = max(self._minimum_dbfs, floor + self._margin_db, self._loudest - self._range_db)
        self._recent.append(dbfs)
        if dbfs < threshold:
            return False
        self._loudest = max(self._loudest, min(self._recent))
        return True
