"""The cues of answering-machine detection counted frame by frame, and the settings' checks."""

import pytest

from callfloor.core.media.amd_rules import AmdError, AmdReason, AmdSettings, Cadence
from callfloor.core.media.amd_signal import Tone

FRAME = 160  # 20 ms at 8 kHz
LOUD = -20.0


def frames(cadence: Cadence, voiced: bool, count: int, dbfs: float = LOUD) -> list[object]:
    """``count`` frames of voice or silence; what each one returned."""
    if voiced:
        return [cadence.voice(FRAME, None, dbfs) for _ in range(count)]
    return [cadence.silence(FRAME) for _ in range(count)]


def test_a_run_shorter_than_a_word_is_a_click() -> None:
    cadence = Cadence(AmdSettings())
    frames(cadence, True, 4)  # 80 ms < min_word_s
    frames(cadence, False, 15)
    assert cadence.words == 0
    assert cadence.silence_needed() is None  # no greeting yet: silence decides nothing


def test_a_word_then_silence_decides_a_person_at_the_exact_sample() -> None:
    cadence = Cadence(AmdSettings())
    frames(cadence, True, 10)
    assert cadence.words == 1
    assert cadence.silence_needed() == 6400  # 0.8 s at 8 kHz
    assert frames(cadence, False, 39)[-1] is None
    assert cadence.silence(4000) == (AmdReason.SILENCE_AFTER_GREETING, 160)


def test_a_click_in_the_silence_after_a_greeting_does_not_start_it_again() -> None:
    cadence = Cadence(AmdSettings())
    frames(cadence, True, 10)
    frames(cadence, False, 20)
    frames(cadence, True, 2)
    assert cadence.silence_needed() == 6400 - 20 * FRAME


def test_words_are_split_at_pauses_of_200_ms_not_at_short_dips() -> None:
    cadence = Cadence(AmdSettings())
    for _ in range(3):
        frames(cadence, True, 10)
        frames(cadence, False, 5)  # 100 ms: the same word goes on
    assert cadence.words == 1
    frames(cadence, False, 5)  # 200 ms in all
    frames(cadence, True, 10)
    assert cadence.words == 2


def test_voice_past_the_greeting_length_is_a_machine() -> None:
    cadence = Cadence(AmdSettings())
    results = frames(cadence, True, 75)
    assert results[:74] == [None] * 74
    assert results[74] is AmdReason.LONG_GREETING


def test_a_voice_far_louder_than_the_room_starts_the_greeting_again() -> None:
    cadence = Cadence(AmdSettings())
    frames(cadence, True, 50, dbfs=-42.0)  # 1 s of a television
    frames(cadence, True, 1, dbfs=-20.0)
    assert cadence.words == 1
    assert cadence.greeting_s == pytest.approx(0.02)


def test_a_word_whose_vowel_is_louder_than_its_first_consonant_is_no_restart() -> None:
    cadence = Cadence(AmdSettings())
    frames(cadence, True, 5, dbfs=-45.0)
    frames(cadence, True, 10, dbfs=-15.0)
    assert cadence.greeting_s == pytest.approx(0.3)


def test_a_steady_tone_for_160_ms_is_a_beep() -> None:
    cadence = Cadence(AmdSettings())
    beep = Tone(1000.0, 0.01)
    results = [cadence.voice(FRAME, beep, LOUD) for _ in range(8)]
    assert results[-1] is AmdReason.BEEP
    assert AmdReason.BEEP not in results[:-1]


@pytest.mark.parametrize(
    ("second", "dbfs"),
    [
        (Tone(1100.0, 0.01), LOUD),  # another note
        (Tone(1000.0, 0.5), LOUD),  # not pure
        (Tone(1000.0, 0.01), LOUD + 6.0),  # swelling, as a vowel does
        (Tone(200.0, 0.01), LOUD),  # under the band
    ],
)
def test_a_tone_that_changes_starts_counting_again(second: Tone, dbfs: float) -> None:
    cadence = Cadence(AmdSettings())
    first = Tone(1000.0, 0.01)
    results = [cadence.voice(FRAME, first, LOUD) for _ in range(5)]
    results += [cadence.voice(FRAME, second, dbfs)]
    results += [cadence.voice(FRAME, first, LOUD) for _ in range(5)]
    assert AmdReason.BEEP not in results


@pytest.mark.parametrize(
    "changes",
    [
        {"analysis_window_s": 0.0},
        {"greeting_s": -1.0},
        {"max_words": 0},
        {"beep_min_hz": 2000.0, "beep_max_hz": 1000.0},
        {"beep_max_hz": 4000.0},
    ],
)
def test_settings_that_cannot_work_are_refused(changes: dict[str, float]) -> None:
    with pytest.raises(AmdError):
        AmdSettings(**changes)  # type: ignore[arg-type]


def test_levels_may_be_negative() -> None:
    assert AmdSettings(min_voice_dbfs=-60.0, noise_ceiling_dbfs=-30.0).min_voice_dbfs == -60.0
