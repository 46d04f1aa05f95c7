"""G.711 µ-law (PCMU) and A-law (PCMA) on whole frames, by table.

Ours because ``audioop``, which did this in C, is deprecated and removed in Python 3.13
(PEP 594). PCM is 16-bit signed little-endian, as in the prompts' WAV files.

The quantiser is ITU-T G.711 (11/88) as its reference code, ITU-T G.191 ``g711.c``, applies it
to 16-bit samples: µ-law keeps the 14 most significant bits, A-law the 13, and a negative
sample is quantised by its one's complement ``~x``, so -1 to -4 are µ-law's "negative zero"
(0x7F). Decoder outputs are the values of G.711 Tables 1 and 2 scaled to 16 bits (µ-law ×4, at
most ±32124; A-law ×8, at most ±32256).

A B2BUA may transcode 500 streams at 50 packets/s, so nothing here loops in Python per sample:
decoding is two ``bytes.translate`` calls (low and high octet of each sample) interleaved by
slice assignment; encoding gathers from a 64 KiB table, one entry per 16-bit sample, through
``operator.itemgetter``, the fastest C-level gather in the standard library; µ-law↔A-law is
one ``translate``. Measured on CPython 3.11 for a 20 ms frame (160 samples): encode about
3.4 µs, decode about 0.8 µs, the two about 4.4 µs, µ-law↔A-law about 0.15 µs.
"""

import struct
from functools import lru_cache
from operator import itemgetter

from callfloor.core.media import CodecError

# G.711 Table 3: µ-law decoder output value number (0-127) → A-law one (1-128). Not the same
# as decoding then encoding: the tables are chosen so that µ-A-µ changes only numbers 0, 2…14
# and A-µ-A only 26, 28, 30, 32, 45, 47, 63 and 80, by one (the notes to Tables 3 and 4).
_TABLE_3: tuple[int, ...] = (
    *(1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 10, 11, 12, 13, 14, 15, 16),
    *(17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 29, 31, 33, 34, 35, 36, 37, 38, 39, 40),
    *(41, 42, 43, 44, 46, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62),
    *range(64, 80),
    *range(81, 129),
)
# G.711 Table 4: A-law decoder output value number (1-128) → µ-law one (0-127).
_TABLE_4: tuple[int, ...] = (
    *(1, 3, 5, 7, 9, 11, 13, 15, *range(16, 32), 32, 32, 33, 33, 34, 34, 35, 35),
    *(*range(36, 48), 48, 48, 49, 49, *range(50, 64), 64, *range(64, 80), 79),
    *range(80, 128),
)


def _ulaw_output(n: int) -> int:
    """µ-law decoder output for value number n (G.711 Table 2a), in 16-bit units."""
    exponent, mantissa = divmod(n, 16)
    return 4 * (((2 * mantissa + 33) << exponent) - 33)


def _alaw_output(n: int) -> int:
    """A-law decoder output for value number n + 1 (G.711 Table 1a), in 16-bit units."""
    exponent, mantissa = divmod(n, 16)
    return 8 * (2 * mantissa + 1 if exponent == 0 else (2 * mantissa + 33) << (exponent - 1))


def _ulaw_decision(n: int) -> int:
    """Smallest 16-bit magnitude coded as value number n (G.711 Table 2a decision values)."""
    exponent, mantissa = divmod(n, 16)
    return 0 if n == 0 else 4 * (((2 * mantissa + 32) << exponent) - 33)


def _alaw_decision(n: int) -> int:
    """Smallest 16-bit magnitude coded as value number n + 1 (G.711 Table 1a decision values)."""
    exponent, mantissa = divmod(n, 16)
    return 16 * mantissa if exponent == 0 else (16 + mantissa) << (exponent + 3)


def _decode_tables(output: list[int]) -> tuple[bytes, bytes]:
    """Low and high octets of each code's 16-bit output, as two ``translate`` tables."""
    return bytes(v & 0xFF for v in output), bytes((v >> 8) & 0xFF for v in output)


def _encode_table(decision: list[int], positive: int, negative: int) -> bytes:
    """The code of every sample, indexed by the sample read as unsigned (x & 0xFFFF).

    Built from the 128 intervals between decision values rather than sample by sample: the
    magnitudes 0-32767 are runs of value numbers, the negative half is the same runs reversed,
    since ``~x`` maps -32768..-1 onto 32767..0.
    """
    ends = [*decision[1:], 32768]
    runs = b"".join(
        bytes((n,)) * (end - start) for n, (start, end) in enumerate(zip(decision, ends, strict=True))
    )
    to_code = [bytes(n ^ mask for n in range(256)) for mask in (positive, negative)]
    return runs.translate(to_code[0]) + runs[::-1].translate(to_code[1])


def _code_outputs(output: list[int], mask: int) -> list[int]:
    """The output of each of the 256 codes: bit 7 set is positive in both laws."""
    return [output[(c ^ mask) & 0x7F] * (1 if c & 0x80 else -1) for c in range(256)]


def _ulaw_to_alaw(code: int) -> int:
    """One µ-law code to A-law, through the value numbers of Table 3; the sign is kept."""
    bits = code ^ 0xFF
    return ((bits & 0x80) | (_TABLE_3[bits & 0x7F] - 1)) ^ 0xD5


def _alaw_to_ulaw(code: int) -> int:
    """One A-law code to µ-law, through the value numbers of Table 4; the sign is kept."""
    bits = code ^ 0xD5
    return ((bits & 0x80) | _TABLE_4[bits & 0x7F]) ^ 0xFF


_ULAW_OUT = [_ulaw_output(n) for n in range(128)]
_ALAW_OUT = [_alaw_output(n) for n in range(128)]
# µ-law sends the complement (code = number ^ 0xFF, sign bit set for positive); A-law inverts
# the even bits (code = number ^ 0xD5 for positive, ^ 0x55 for negative).
_ULAW_LOW, _ULAW_HIGH = _decode_tables(_code_outputs(_ULAW_OUT, 0xFF))
_ALAW_LOW, _ALAW_HIGH = _decode_tables(_code_outputs(_ALAW_OUT, 0x55))
_ULAW_ENCODE = _encode_table([_ulaw_decision(n) for n in range(128)], 0xFF, 0x7F)
_ALAW_ENCODE = _encode_table([_alaw_decision(n) for n in range(128)], 0xD5, 0x55)
_ULAW_TO_ALAW = bytes(map(_ulaw_to_alaw, range(256)))
_ALAW_TO_ULAW = bytes(map(_alaw_to_ulaw, range(256)))


@lru_cache(maxsize=64)
def _samples(count: int) -> struct.Struct:
    """Unpacks ``count`` samples as unsigned 16-bit little-endian, whatever the host order."""
    return struct.Struct(f"<{count}H")


def _encode(pcm: bytes, table: bytes) -> bytes:
    if len(pcm) % 2:
        raise CodecError(f"16-bit PCM has an even number of octets, not {len(pcm)}")
    indexes = _samples(len(pcm) // 2).unpack(pcm)
    if len(indexes) < 2:  # itemgetter of one index returns the item, not a 1-tuple
        return bytes(table[i] for i in indexes)
    return bytes(itemgetter(*indexes)(table))


def _decode(data: bytes, low: bytes, high: bytes) -> bytes:
    pcm = bytearray(2 * len(data))
    pcm[0::2] = data.translate(low)
    pcm[1::2] = data.translate(high)
    return bytes(pcm)


def ulaw_encode(pcm: bytes) -> bytes:
    """16-bit little-endian PCM to µ-law (PCMU, RTP payload type 0), one octet per sample."""
    return _encode(pcm, _ULAW_ENCODE)


def ulaw_decode(data: bytes) -> bytes:
    """µ-law to 16-bit little-endian PCM."""
    return _decode(data, _ULAW_LOW, _ULAW_HIGH)


def alaw_encode(pcm: bytes) -> bytes:
    """16-bit little-endian PCM to A-law (PCMA, RTP payload type 8), one octet per sample."""
    return _encode(pcm, _ALAW_ENCODE)


def alaw_decode(data: bytes) -> bytes:
    """A-law to 16-bit little-endian PCM."""
    return _decode(data, _ALAW_LOW, _ALAW_HIGH)


def ulaw_to_alaw(data: bytes) -> bytes:
    """µ-law to A-law by G.711 Table 3, without going through PCM (a caller on PCMU, agent on PCMA)."""
    return data.translate(_ULAW_TO_ALAW)


def alaw_to_ulaw(data: bytes) -> bytes:
    """A-law to µ-law by G.711 Table 4."""
    return data.translate(_ALAW_TO_ULAW)
