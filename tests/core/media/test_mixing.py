"""Mixing two legs with saturation, and interleaving them into stereo."""

from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.media import CodecError
from callfloor.core.media.mixing import interleave, mix


def pcm(*samples: int) -> bytes:
    return array("h", samples).tobytes()


def samples(data: bytes) -> list[int]:
    return array("h", data).tolist()


def test_sum_of_quiet_samples() -> None:
    assert samples(mix(pcm(0, 1, -1, 1000, -1000), pcm(0, 2, -2, -999, 999))) == [0, 3, -3, 1, -1]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (32767, 32767, 32767),
        (-32768, -32768, -32768),
        (30000, 2767, 32767),  # exactly full scale: no clipping
        (30000, 2768, 32767),  # one over
        (-30000, -2768, -32768),
        (-30000, -2769, -32768),
        (32767, -32768, -1),
        (20000, 20000, 32767),
        (-20000, -20000, -32768),
    ],
)
def test_saturation(a: int, b: int, expected: int) -> None:
    assert samples(mix(pcm(a), pcm(b))) == [expected]
    assert samples(mix(pcm(b), pcm(a))) == [expected]


def test_empty_frames() -> None:
    assert mix(b"", b"") == b""
    assert interleave(b"", b"") == b""


@pytest.mark.parametrize(("a", "b"), [(b"\x00\x00", b"\x00"), (b"\x00", b"\x00"), (bytes(320), bytes(318))])
def test_frames_must_pair(a: bytes, b: bytes) -> None:
    with pytest.raises(CodecError):
        mix(a, b)
    with pytest.raises(CodecError):
        interleave(a, b)


def test_interleave_layout() -> None:
    assert interleave(pcm(1, 2, 3), pcm(-1, -2, -3)) == pcm(1, -1, 2, -2, 3, -3)


frames = st.integers(0, 400).flatmap(
    lambda n: st.tuples(*[st.lists(st.integers(-32768, 32767), min_size=n, max_size=n)] * 2)
)


@given(frames)
def test_mix_is_the_saturated_sum(pair: tuple[list[int], list[int]]) -> None:
    a, b = pair
    assert samples(mix(pcm(*a), pcm(*b))) == [
        max(-32768, min(32767, x + y)) for x, y in zip(a, b, strict=True)
    ]


@given(frames)
def test_interleave_then_split(pair: tuple[list[int], list[int]]) -> None:
    stereo = samples(interleave(pcm(*pair[0]), pcm(*pair[1])))
    assert (stereo[0::2], stereo[1::2]) == pair
