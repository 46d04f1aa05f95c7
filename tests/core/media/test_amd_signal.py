"""What AMD measures in a frame: level, the best single sine, the noise floor, voice or not."""

import math
import random
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.media import CodecError
from callfloor.core.media.amd_signal import NoiseFloor, VoiceActivity, level_dbfs, pure_tone, samples
from callfloor.core.media.g711 import ulaw_decode, ulaw_encode


def pcm(values: list[float]) -> bytes:
    return struct.pack(f"<{len(values)}h", *(max(-32768, min(32767, round(v))) for v in values))


def sine(hertz: float, amplitude: float, count: int = 160) -> list[float]:
    return [amplitude * math.sin(2 * math.pi * hertz * n / 8000 + 0.3) for n in range(count)]


def white(rms: float, count: int = 160, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [rng.gauss(0.0, rms) for _ in range(count)]


def test_samples_are_little_endian_and_whole() -> None:
    assert list(samples(b"\x01\x00\xff\xff\x00\x80")) == [1, -1, -32768]
    with pytest.raises(CodecError):
        samples(b"\x00\x00\x00")


def test_level_of_a_full_scale_sine_is_minus_3_dbfs() -> None:
    assert level_dbfs(samples(pcm(sine(1000, 32767)))) == pytest.approx(-3.01, abs=0.05)
    assert level_dbfs(samples(pcm(sine(1000, 3277)))) == pytest.approx(-23.0, abs=0.1)


def test_silence_and_an_empty_frame_are_minus_100_dbfs() -> None:
    assert level_dbfs(samples(bytes(320))) == pytest.approx(-100.0)
    assert level_dbfs(samples(b"")) == pytest.approx(-100.0)


@pytest.mark.parametrize("hertz", [400.0, 850.0, 1000.0, 1400.0, 2000.0, 3000.0])
def test_a_beep_through_mu_law_is_found_at_its_frequency(hertz: float) -> None:
    frame = samples(ulaw_decode(ulaw_encode(pcm(sine(hertz, 8000)))))
    tone = pure_tone(frame)
    assert tone is not None
    assert tone.hertz == pytest.approx(hertz, rel=0.005)
    assert tone.residual < 0.01


def test_a_beep_in_noise_leaves_about_one_over_its_snr() -> None:
    # 20 dB: the noise is a hundredth of the sine's power.
    signal = [s + n for s, n in zip(sine(1000, 8000), white(8000 / math.sqrt(2) / 10), strict=True)]
    tone = pure_tone(samples(pcm(signal)))
    assert tone is not None
    assert 0.005 < tone.residual < 0.2  # the noise's share, and a frequency fitted 1 % off
    assert tone.hertz == pytest.approx(1000, rel=0.02)


def test_noise_and_a_chord_are_not_pure_tones() -> None:
    noise = pure_tone(samples(pcm(white(3000))))
    chord = pure_tone(samples(pcm([a + b for a, b in zip(sine(440, 6000), sine(1320, 5000), strict=True)])))
    assert noise is not None and noise.residual > 0.5
    assert chord is not None and chord.residual > 0.3


def test_a_dtmf_digit_is_not_a_beep() -> None:
    # "5": 770 Hz and 1336 Hz at equal levels (ITU-T Q.23).
    digit = pure_tone(samples(pcm([a + b for a, b in zip(sine(770, 6000), sine(1336, 6000), strict=True)])))
    assert digit is not None and digit.residual > 0.3


def test_no_tone_in_silence_or_a_frame_too_short() -> None:
    assert pure_tone(samples(bytes(320))) is None
    assert pure_tone(samples(pcm([100.0] * 5))) is None


@given(st.binary(min_size=0, max_size=640).map(lambda b: b[: len(b) // 2 * 2]))
def test_any_frame_gives_a_level_and_a_tone_in_range(data: bytes) -> None:
    values = samples(data)
    assert -100.0 <= level_dbfs(values) <= 0.1
    tone = pure_tone(values)
    if tone is not None:
        assert 0.0 <= tone.residual <= 1.0
        assert 0.0 <= tone.hertz <= 4000.0


def test_noise_floor_is_the_quietest_level_of_the_window() -> None:
    floor = NoiseFloor(window_s=1.0)
    assert floor.update(0.02, -40.0) == -40.0
    assert floor.update(0.04, -20.0) == -40.0
    assert floor.update(0.5, -30.0) == -40.0
    assert floor.update(1.02, -25.0) == -30.0  # the -40 of 0.02 s has left the window
    assert floor.update(2.03, -10.0) == -10.0


def test_voice_is_judged_against_the_line_noise_not_a_fixed_level() -> None:
    activity = VoiceActivity(
        window_s=1.5, margin_db=10.0, ceiling_dbfs=-35.0, minimum_dbfs=-50.0, range_db=20.0
    )
    hiss = [activity.is_voice(0.02 * (i + 1), -42.0 + (i % 3) * 0.5) for i in range(50)]
    assert not any(hiss)  # louder than a fixed -50 dBFS, but steady: the line's noise
    assert activity.is_voice(1.02, -25.0)


def test_a_voice_from_the_first_frame_is_voice() -> None:
    activity = VoiceActivity(
        window_s=1.5, margin_db=10.0, ceiling_dbfs=-35.0, minimum_dbfs=-50.0, range_db=20.0
    )
    assert all(activity.is_voice(0.02 * (i + 1), -18.0) for i in range(20))


def test_far_under_the_loudest_voice_is_the_room() -> None:
    activity = VoiceActivity(
        window_s=1.5, margin_db=10.0, ceiling_dbfs=-35.0, minimum_dbfs=-50.0, range_db=20.0
    )
    assert activity.is_voice(0.02, -75.0) is False
    assert activity.is_voice(0.04, -40.0)  # the room, before the callee speaks: voice for now
    assert all(activity.is_voice(0.06 + 0.02 * i, -15.0) for i in range(3))
    assert not activity.is_voice(0.2, -40.0)  # 25 dB under the callee
    assert activity.is_voice(0.22, -30.0)


def test_a_click_does_not_raise_the_loudest_voice() -> None:
    activity = VoiceActivity(
        window_s=1.5, margin_db=10.0, ceiling_dbfs=-35.0, minimum_dbfs=-50.0, range_db=20.0
    )
    activity.is_voice(0.02, -75.0)
    assert activity.is_voice(0.04, -3.0)  # one frame: the handset knocked on pick-up
    assert activity.is_voice(0.06, -30.0)
    assert activity.is_voice(0.08, -30.0)
