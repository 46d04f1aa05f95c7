"""Answering-machine detection: verdicts on synthetic signals, the stream's clock, and the accuracy
on the recorded samples of tests/data/amd (synthetic calls: see its README)."""

import math
import random
import struct
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.core.config import Locale
from callfloor.core.media import CodecError
from callfloor.core.media.amd import (
    AmdError,
    AmdReason,
    AmdResult,
    AmdSettings,
    AmdVerdict,
    AnsweringMachineDetector,
)
from callfloor.core.media.g711 import ulaw_decode
from callfloor.testing.ulaw_wav import read_ulaw_wav

RATE = 8000
FRAME = 160
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "amd"


# --- signals ---------------------------------------------------------------------------------


def _period(seed: int) -> list[float]:
    """One 50-sample period of a voiced sound at 160 Hz: 20 harmonics at 1/k, random phases."""
    rng = random.Random(seed)
    phases = [rng.uniform(0, 2 * math.pi) for _ in range(20)]
    return [
        sum(math.sin(2 * math.pi * k * n / 50 + phases[k - 1]) / k for k in range(1, 21)) for n in range(50)
    ]


def voice(seconds: float, dbfs: float = -20.0, seed: int = 1) -> list[float]:
    """A vowel-like sound whose loudness swells and fades at 4 Hz (syllables), never silent."""
    period = _period(seed)
    rms = math.sqrt(sum(v * v for v in period) / len(period))
    gain = 32768 * 10 ** (dbfs / 20) / rms
    count = round(seconds * RATE)
    return [gain * period[n % 50] * (0.8 + 0.2 * math.sin(2 * math.pi * 4 * n / RATE)) for n in range(count)]


def silence(seconds: float) -> list[float]:
    return [0.0] * round(seconds * RATE)


def hiss(seconds: float, dbfs: float, seed: int = 7) -> list[float]:
    rng = random.Random(seed)
    rms = 32768 * 10 ** (dbfs / 20)
    return [rng.gauss(0.0, rms) for _ in range(round(seconds * RATE))]


def tone(seconds: float, hertz: float = 1000.0, dbfs: float = -15.0) -> list[float]:
    peak = 32768 * 10 ** (dbfs / 20) * math.sqrt(2)
    return [peak * math.sin(2 * math.pi * hertz * n / RATE) for n in range(round(seconds * RATE))]


def mixed(*signals: Sequence[float]) -> list[float]:
    length = max(len(s) for s in signals)
    return [sum(s[i] for s in signals if i < len(s)) for i in range(length)]


def pcm(signal: Sequence[float]) -> bytes:
    return struct.pack(f"<{len(signal)}h", *(max(-32768, min(32767, round(v))) for v in signal))


def run(
    signal: Sequence[float], amd: AmdSettings | None = None, start: float = 0.0, frame: int = FRAME
) -> tuple[AnsweringMachineDetector, list[AmdResult]]:
    """Feed the signal frame by frame from ``start``; the detector and the result after each frame."""
    detector = AnsweringMachineDetector(amd, start=start)
    data = pcm(signal)
    results = [
        detector.feed(data[i : i + 2 * frame], start + i / 2 / RATE) for i in range(0, len(data), 2 * frame)
    ]
    return detector, results


# --- verdicts on synthetic signals ------------------------------------------------------------


def test_silence_is_undecided_to_the_end_of_the_window_then_notsure() -> None:
    _, results = run(silence(5.0))
    assert all(r.verdict is AmdVerdict.UNDECIDED for r in results[:199])
    final = results[199]  # the frame that ends at 4.00 s
    assert (final.verdict, final.reason) == (AmdVerdict.NOTSURE, AmdReason.NO_SPEECH)
    assert final.decided_at == pytest.approx(4.0)
    assert final.after_s == pytest.approx(4.0)


def test_a_short_greeting_then_silence_is_a_person_soon_after_it_ends() -> None:
    # "Allô ?" from 0.3 s to 0.8 s: a person, 0.8 s after the greeting ends.
    detector, results = run(silence(0.3) + voice(0.5) + silence(3.0))
    assert detector.result.verdict is AmdVerdict.HUMAN
    assert detector.result.reason is AmdReason.SILENCE_AFTER_GREETING
    assert detector.result.decided_at == pytest.approx(1.6, abs=0.021)
    assert all(r.verdict is AmdVerdict.UNDECIDED for r in results if (r.decided_at or 9.0) < 1.58)
    assert detector.result.greeting_s == pytest.approx(0.5, abs=0.021)
    assert detector.result.words == 1


def test_two_short_bursts_with_a_pause_are_a_person() -> None:
    detector, _ = run(voice(0.4) + silence(0.6) + voice(0.4, seed=2) + silence(2.0))
    assert detector.result.verdict is AmdVerdict.HUMAN
    assert detector.result.decided_at == pytest.approx(1.4 + 0.8, abs=0.021)
    assert detector.result.words == 2


def test_a_long_continuous_voice_is_a_machine_as_soon_as_it_passes_the_greeting_length() -> None:
    detector, _ = run(silence(0.2) + voice(4.0))
    assert (detector.result.verdict, detector.result.reason) == (AmdVerdict.MACHINE, AmdReason.LONG_GREETING)
    assert detector.result.decided_at == pytest.approx(0.2 + 1.5, abs=0.021)


def test_many_short_words_are_a_machine() -> None:
    words = [part for i in range(6) for part in (voice(0.15, seed=i), silence(0.3))]
    detector, _ = run([value for part in words for value in part])
    assert (detector.result.verdict, detector.result.reason) == (AmdVerdict.MACHINE, AmdReason.MANY_WORDS)
    assert detector.result.words == 5
    assert detector.result.decided_at == pytest.approx(4 * 0.45 + 0.1, abs=0.021)


@pytest.mark.parametrize("hertz", [440.0, 1000.0, 1400.0, 2000.0])
def test_a_beep_is_a_machine(hertz: float) -> None:
    detector, _ = run(silence(0.4) + tone(0.5, hertz) + silence(3.0))
    assert (detector.result.verdict, detector.result.reason) == (AmdVerdict.MACHINE, AmdReason.BEEP)
    assert detector.result.decided_at == pytest.approx(0.4 + 0.16, abs=0.021)


def test_a_beep_on_a_noisy_line_is_a_machine() -> None:
    detector, _ = run(mixed(silence(0.4) + tone(0.5, 1000.0, -20.0), hiss(4.0, -38.0)))
    assert detector.result.reason is AmdReason.BEEP


def test_hiss_is_not_voice() -> None:
    # A fixed threshold of -50 dBFS would hear one endless word in -40 dBFS hiss.
    detector, _ = run(mixed(silence(0.5) + voice(0.5, -18.0), hiss(4.0, -40.0)))
    assert detector.result.verdict is AmdVerdict.HUMAN


def test_a_greeting_heard_from_the_first_frame_counts() -> None:
    detector, _ = run(voice(2.0))
    assert detector.result.reason is AmdReason.LONG_GREETING
    assert detector.result.decided_at == pytest.approx(1.5, abs=0.021)


def _room_then_callee() -> list[float]:
    """Talk in the room 25 dB under the callee, in bursts, then the callee's short "Allô ?"."""
    room = [value for i in range(6) for value in voice(0.22, -42.0, seed=10 + i) + silence(0.08)]
    return room + voice(0.6, -17.0) + silence(2.2)


def test_talk_in_the_room_before_the_callee_does_not_count_in_the_greeting() -> None:
    detector, _ = run(_room_then_callee())
    assert detector.result.verdict is AmdVerdict.HUMAN
    assert detector.result.greeting_s < 0.7


def test_without_the_restart_rule_the_room_makes_a_machine() -> None:
    detector, _ = run(_room_then_callee(), AmdSettings(restart_db=200.0))
    assert detector.result.verdict is AmdVerdict.MACHINE


# --- the stream's clock ---------------------------------------------------------------------


def test_times_are_on_the_frames_clock() -> None:
    detector, _ = run(silence(0.3) + voice(0.5) + silence(2.0), start=1000.0)
    assert detector.result.decided_at == pytest.approx(1001.6, abs=0.021)
    assert detector.result.after_s == pytest.approx(1.6, abs=0.021)


def test_frames_that_stop_coming_are_silence_and_the_deadline_says_when_it_decides() -> None:
    detector, _ = run(silence(0.3) + voice(0.5))
    assert detector.result.verdict is AmdVerdict.UNDECIDED
    deadline = detector.next_deadline()
    assert deadline == pytest.approx(1.6)
    assert detector.on_deadline(1.2).verdict is AmdVerdict.UNDECIDED
    result = detector.on_deadline(1.6)
    assert result.verdict is AmdVerdict.HUMAN
    assert result.decided_at == pytest.approx(1.6)
    assert detector.next_deadline() is None


def test_before_any_word_the_deadline_is_the_end_of_the_window() -> None:
    assert AnsweringMachineDetector(start=10.0).next_deadline() == pytest.approx(14.0)
    assert AnsweringMachineDetector().next_deadline() is None  # no audio, no start yet
    detector = AnsweringMachineDetector(start=10.0)
    assert detector.on_deadline(14.0).reason is AmdReason.NO_SPEECH


def test_a_gap_between_frames_is_silence() -> None:
    detector = AnsweringMachineDetector()
    burst = pcm(voice(0.5))
    for i in range(25):
        detector.feed(burst[i * 320 : (i + 1) * 320], i * 0.02)
    result = detector.feed(pcm(silence(0.02)), 3.0)  # the next packet comes 2.5 s later
    assert result.verdict is AmdVerdict.HUMAN
    assert result.decided_at == pytest.approx(1.3)


def test_a_late_or_repeated_frame_is_ignored() -> None:
    frames = pcm(voice(0.4))
    detector = AnsweringMachineDetector()
    for i in range(20):
        detector.feed(frames[i * 320 : (i + 1) * 320], i * 0.02)
    before = detector.next_deadline()
    detector.feed(frames[:320], 0.1)
    assert detector.next_deadline() == before


def test_frames_of_10_or_30_ms_give_the_same_verdict() -> None:
    signal = silence(0.3) + voice(0.5) + silence(2.0)
    for frame in (80, 240):
        detector, _ = run(signal, frame=frame)
        assert detector.result.verdict is AmdVerdict.HUMAN
        assert detector.result.decided_at == pytest.approx(1.6, abs=0.031)


def test_the_verdict_is_final() -> None:
    detector, _ = run(silence(0.3) + voice(0.5) + silence(1.0))
    verdict = detector.result
    data = pcm(voice(3.0))
    assert all(detector.feed(data[i : i + 320], 1.6 + i / 16000) is verdict for i in range(0, len(data), 320))
    assert detector.on_deadline(10.0) is verdict


def test_odd_pcm_and_a_timestamp_that_is_no_number_are_refused() -> None:
    detector = AnsweringMachineDetector()
    with pytest.raises(CodecError):
        detector.feed(b"\x00\x00\x00", 0.0)
    with pytest.raises(AmdError):
        detector.feed(bytes(320), math.nan)


@pytest.mark.parametrize("reason", [None, *AmdReason])
def test_every_reason_reads_in_french_and_english(reason: AmdReason | None) -> None:
    result = AmdResult(AmdVerdict.MACHINE, reason, 2.0, 2.0, 1.5, 3)
    french, english = result.explain(Locale.FR), result.explain(Locale.EN)
    assert french and english and french != english
    assert "{" not in french + english


# --- properties -----------------------------------------------------------------------------

even_frames = st.binary(max_size=480).map(lambda data: data[: len(data) // 2 * 2])


@given(st.lists(st.tuples(even_frames, st.floats(0.0, 0.5)), max_size=120))
@settings(max_examples=150)
def test_any_frames_at_any_gaps_never_crash_and_a_verdict_is_final(frames: list[tuple[bytes, float]]) -> None:
    detector, clock, decided = AnsweringMachineDetector(), 0.0, None
    for data, gap in frames:
        result = detector.feed(data, clock + gap)
        clock += gap + len(data) / 2 / RATE
        if decided is not None:
            assert result == decided
        elif result.verdict is not AmdVerdict.UNDECIDED:
            decided = result
            assert result.decided_at is not None and result.decided_at <= clock + 1e-9


def _quiet_voice(seconds: float) -> list[float]:
    return voice(seconds, -38.0, seed=3)


def _low_hiss(seconds: float) -> list[float]:
    return hiss(seconds, -45.0)


MAKERS: dict[str, Callable[[float], list[float]]] = {
    "silence": silence,
    "voice": voice,
    "quiet voice": _quiet_voice,
    "tone": tone,
    "hiss": _low_hiss,
}


def _signal(segments: list[tuple[str, int]]) -> list[float]:
    """The segments (kind, length in frames) one after another."""
    return [value for kind, frames in segments for value in MAKERS[kind](frames * 0.02)]


SEGMENTS = st.lists(
    st.tuples(st.sampled_from(sorted(MAKERS)), st.integers(1, 60)),
    min_size=1,
    max_size=12,
)


@given(SEGMENTS)
@settings(max_examples=60)
def test_no_verdict_comes_before_the_audio_that_supports_it(segments: list[tuple[str, int]]) -> None:
    signal = _signal(segments)
    amd = AmdSettings()
    detector, _ = run(signal)
    result = detector.on_deadline(max(len(signal) / RATE, amd.analysis_window_s))
    assert result.verdict is not AmdVerdict.UNDECIDED
    assert result.after_s is not None
    least = {
        AmdReason.SILENCE_AFTER_GREETING: amd.min_word_s + amd.after_greeting_silence_s,
        AmdReason.LONG_GREETING: amd.greeting_s,
        AmdReason.MANY_WORDS: amd.max_words * amd.min_word_s + (amd.max_words - 1) * amd.between_words_s,
        AmdReason.BEEP: amd.beep_s,
        AmdReason.NO_SPEECH: amd.analysis_window_s,
        AmdReason.WINDOW_ENDED: amd.analysis_window_s,
    }
    assert result.reason is not None
    assert result.after_s >= least[result.reason] - 1e-6
    assert result.after_s <= amd.analysis_window_s + 0.02 + 1e-6


# --- accuracy on the recorded samples -------------------------------------------------------


@cache
def sample_verdicts() -> dict[str, AmdResult]:
    """Every sample through the detector with the default settings, as the live server feeds it."""
    verdicts = {}
    for wav in sorted(SAMPLES.glob("*.wav")):
        detector = AnsweringMachineDetector(start=0.0)
        data = ulaw_decode(read_ulaw_wav(wav))
        for i in range(0, len(data), 2 * FRAME):
            detector.feed(data[i : i + 2 * FRAME], i / 2 / RATE)
        verdicts[wav.stem] = detector.on_deadline(AmdSettings().analysis_window_s)
    return verdicts


def test_the_sample_set_is_there_and_balanced() -> None:
    names = list(sample_verdicts())
    people = [n for n in names if n.startswith("human_")]
    machines = [n for n in names if n.startswith("machine_")]
    assert len(people) + len(machines) == len(names) >= 60
    assert min(len(people), len(machines)) >= 25


def test_accuracy_on_the_samples_is_at_least_90_percent() -> None:
    # A NOTSURE goes to an agent: right for a person, wrong for a machine. Energy and cadence
    # detectors are reported at 80-90 % on real calls; these synthetic voices are cleaner than
    # real ones, and the set includes the cases the method cannot get right (see the next
    # test), so 90 % holds a margin under the 93.5 % measured (bench/amd_accuracy.py).
    verdicts = sample_verdicts()
    right = sum(
        (r.verdict is AmdVerdict.MACHINE) == name.startswith("machine_") for name, r in verdicts.items()
    )
    assert right / len(verdicts) >= 0.90


def test_a_person_is_taken_for_a_machine_only_when_answering_at_length() -> None:
    # The costly error: a person hung up on, or played a recorded message. The two people of the
    # set who answer with a name and a sentence (human_*_long_*) talk as long as a greeting and
    # are taken for machines, as by any cadence detector; no short answer may be.
    verdicts = sample_verdicts()
    people = {name: r for name, r in verdicts.items() if name.startswith("human_")}
    false_machines = sorted(name for name, r in people.items() if r.verdict is AmdVerdict.MACHINE)
    assert all("_long_" in name for name in false_machines), false_machines
    assert len(false_machines) / len(people) <= 0.06


def test_people_are_decided_on_average_within_2_5_s_of_the_answer() -> None:
    # HUMAN comes 0.8 s after the greeting ends (after_greeting_silence_s); before the greeting
    # come up to 1 s of silence, and the greeting itself. Measured: 2.2 s on average.
    people = [r.after_s or 0.0 for r in sample_verdicts().values() if r.verdict is AmdVerdict.HUMAN]
    assert len(people) >= 25
    assert sum(people) / len(people) <= 2.5
