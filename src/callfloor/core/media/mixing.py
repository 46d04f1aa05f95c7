"""Both legs of a call into one recording frame: mixed to mono, or side by side in stereo.

A recording holds the caller and the agent (ARCHITECTURE.md, "Telephony"). Stereo keeps them
apart for quality review and speech analytics; mono halves the size. Frames are 16-bit signed
little-endian PCM, the same length on both legs (the driver aligns them and fills a lost
packet with silence).

Mixing is a sum that saturates at -32768 and 32767 instead of wrapping round, which would turn
a loud moment into a crack. With hundreds of calls recorded, a Python loop per sample (about
30 µs a frame) is too slow, so :func:`mix` adds all the samples of a frame at once in one big
integer ("SIMD within a register"): each sample is widened to a 32-bit lane and offset by 2^15
so that it is non-negative, the lanes are added, and comparisons and clamping are done lane by
lane with masks; no lane can carry into the next. About 6 µs for a 20 ms frame.
"""

from functools import lru_cache

from callfloor.core.media import CodecError


@lru_cache(maxsize=64)
def _lanes(value: int, count: int) -> int:
    """``value`` repeated in each of ``count`` 32-bit lanes."""
    return int.from_bytes(value.to_bytes(4, "little") * count, "little")


def _check(first: bytes, second: bytes) -> int:
    """The number of samples in each frame, after checking both frames can be paired."""
    if len(first) % 2 or len(first) != len(second):
        raise CodecError(
            f"two 16-bit frames of one length are needed, not {len(first)} and {len(second)} octets"
        )
    return len(first) // 2


def _widen(pcm: bytes, count: int) -> int:
    """The samples as unsigned 16-bit values in 32-bit lanes, as one integer."""
    wide = bytearray(4 * count)
    wide[0::4], wide[1::4] = pcm[0::2], pcm[1::2]
    return int.from_bytes(wide, "little")


def mix(first: bytes, second: bytes) -> bytes:
    """The sample-by-sample sum of two frames, saturated to the 16-bit range."""
    count = _check(first, second)
    bias, ones = _lanes(0x8000, count), _lanes(1, count)
    # Offset binary: x + 32768 is x's 16 bits with the top bit flipped. The sum s = a + b + 65536
    # lies in 0..131070; the result is clamp(s, 32768, 98303) - 32768, flipped back.
    total = (_widen(first, count) ^ bias) + (_widen(second, count) ^ bias)
    # Bit 31 of s + (2^31 - t) is set exactly when s >= t: a comparison in every lane at once.
    high = (((total + _lanes((1 << 31) - 98304, count)) >> 31) & ones) * 0xFFFFFFFF
    low = ((((total + _lanes((1 << 31) - 32768, count)) >> 31) & ones) ^ ones) * 0xFFFFFFFF
    keep = _lanes(0xFFFFFFFF, count) ^ (high | low)
    total = (total & keep) | (_lanes(98303, count) & high) | (_lanes(32768, count) & low)
    lanes = ((total - _lanes(32768, count)) ^ bias).to_bytes(4 * count, "little")
    out = bytearray(2 * count)
    out[0::2], out[1::2] = lanes[0::4], lanes[1::4]
    return bytes(out)


def interleave(left: bytes, right: bytes) -> bytes:
    """Two mono frames as one stereo frame (left sample, right sample, …), as WAV stores it."""
    count = _check(left, right)
    out = bytearray(4 * count)
    out[0::4], out[1::4], out[2::4], out[3::4] = left[0::2], left[1::2], right[0::2], right[1::2]
    return bytes(out)
