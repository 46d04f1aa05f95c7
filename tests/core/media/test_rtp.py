"""RTP packets, the numbering of a relayed stream, and the loss and jitter counters."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.media import FieldRangeError, RtpParseError
from callfloor.core.media.rtp import (
    HeaderExtension,
    ReceptionReport,
    RtpPacket,
    RtpReceptionStats,
    RtpStreamState,
    build_rtp,
    parse_rtp,
)

# V=2, M=1, PT=0 (PCMU), sequence 0x1234, timestamp 0xDEADBEEF, SSRC 0x01020304, 4 octets.
SIMPLE = bytes.fromhex("80801234deadbeef01020304") + b"\xff" * 4


def test_parse_fixed_header() -> None:
    assert parse_rtp(SIMPLE) == RtpPacket(0, 0x1234, 0xDEADBEEF, 0x01020304, b"\xff" * 4, marker=True)


def test_build_fixed_header() -> None:
    assert build_rtp(RtpPacket(0, 0x1234, 0xDEADBEEF, 0x01020304, b"\xff" * 4, marker=True)) == SIMPLE


def test_csrcs_extension_and_padding_are_taken_off_the_payload() -> None:
    data = (
        bytes.fromhex("b2 08 0001 00000002 00000003")  # V=2 P X CC=2, PT 8
        + bytes.fromhex("0000000a 0000000b")  # CSRCs
        + bytes.fromhex("bede 0002 10aa0000 00000000")  # RFC 8285 one-byte extension, 2 words
        + b"audio"
        + b"\x00\x00\x03"  # 3 octets of padding, the last one counting them
    )
    packet = parse_rtp(data)
    assert packet.payload == b"audio"
    assert packet.csrcs == (10, 11)
    assert packet.extension == HeaderExtension(0xBEDE, bytes.fromhex("10aa000000000000"))
    assert packet.padding == 3
    assert build_rtp(packet) == data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "shorter"),
        (SIMPLE[:11], "shorter"),
        (b"\x40" + SIMPLE[1:], "version 1"),
        (b"\x00" + SIMPLE[1:], "version 0"),
        (b"\xc0" + SIMPLE[1:], "version 3"),
        (b"\x81" + SIMPLE[1:12], "CSRC"),  # one CSRC announced, none there
        (b"\x8f" + SIMPLE[1:] + bytes(40), "CSRC"),  # 15 announced, 11 there
        (b"\x90" + SIMPLE[1:12] + b"\xbe\xde", "extension"),  # extension header cut short
        (b"\x90" + SIMPLE[1:12] + b"\xbe\xde\x00\x02" + bytes(4), "extension"),  # 2 words, 1 there
        (b"\xa0" + SIMPLE[1:] + b"\x06", "padding"),  # 6 octets of padding, 5 after the header
        (b"\xa0" + SIMPLE[1:] + b"\x00", "padding"),  # a padding count of zero
        (b"\xa0" + SIMPLE[1:12], "padding"),  # P set on a bare header: the count is the SSRC's
    ],
)
def test_malformed_packets(data: bytes, reason: str) -> None:
    with pytest.raises(RtpParseError, match=reason):
        parse_rtp(data)


def test_padding_may_fill_everything_after_the_header() -> None:
    assert parse_rtp(b"\xa0" + SIMPLE[1:12] + b"\x00\x02").payload == b""


@pytest.mark.parametrize(
    "packet",
    [
        RtpPacket(128, 0, 0, 0),
        RtpPacket(0, 65536, 0, 0),
        RtpPacket(0, 0, 1 << 32, 0),
        RtpPacket(0, 0, 0, -1),
        RtpPacket(0, 0, 0, 0, csrcs=tuple(range(16))),
        RtpPacket(0, 0, 0, 0, csrcs=(1 << 32,)),
        RtpPacket(0, 0, 0, 0, extension=HeaderExtension(0, b"abc")),
        RtpPacket(0, 0, 0, 0, extension=HeaderExtension(65536)),
        RtpPacket(0, 0, 0, 0, padding=256),
    ],
)
def test_build_refuses_values_the_fields_cannot_hold(packet: RtpPacket) -> None:
    with pytest.raises(FieldRangeError):
        build_rtp(packet)


U32 = st.integers(0, (1 << 32) - 1)
words = st.binary(max_size=64).map(lambda b: b[: len(b) // 4 * 4])
packets = st.builds(
    RtpPacket,
    payload_type=st.integers(0, 127),
    sequence=st.integers(0, 65535),
    timestamp=U32,
    ssrc=U32,
    payload=st.binary(max_size=200),
    marker=st.booleans(),
    csrcs=st.lists(U32, max_size=15).map(tuple),
    extension=st.none() | st.builds(HeaderExtension, st.integers(0, 65535), words),
    padding=st.integers(0, 255),
)
# Arbitrary octets, and arbitrary octets that at least claim version 2, to get past the first check.
datagrams = st.binary(max_size=120) | st.binary(min_size=1, max_size=120).map(
    lambda b: bytes((0x80 | b[0] & 0x3F,)) + b[1:]
)


@given(packets)
def test_build_then_parse_gives_the_packet_back(packet: RtpPacket) -> None:
    assert parse_rtp(build_rtp(packet)) == packet


@given(datagrams)
def test_parse_of_any_bytes_raises_nothing_but_rtp_parse_error(data: bytes) -> None:
    try:
        packet = parse_rtp(data)
    except RtpParseError:
        return
    # What parsed builds back to the same octets, but for the padding's filler (ours is zeros).
    unpadded = len(data) - packet.padding
    assert build_rtp(packet)[:unpadded] == data[:unpadded]
    assert len(build_rtp(packet)) == len(data)


def source_packets(ssrc: int, sequence: int, timestamp: int, count: int, step: int = 160) -> list[RtpPacket]:
    return [
        RtpPacket(0, (sequence + i) % 65536, (timestamp + i * step) % (1 << 32), ssrc, b"\xff" * 160)
        for i in range(count)
    ]


def send(state: RtpStreamState, packets: list[RtpPacket], start: float) -> list[RtpPacket]:
    """Packets sent every 20 ms from ``start``."""
    return [state.rewrite(p, start + i * 0.02) for i, p in enumerate(packets)]


def test_first_source_is_renumbered_under_our_ssrc() -> None:
    state = RtpStreamState(ssrc=0xCAFE, sequence=1000, timestamp=50_000)
    out = send(state, source_packets(0x1111, 7, 900, 3), start=0.0)
    assert [(p.ssrc, p.sequence, p.timestamp, p.marker) for p in out] == [
        (0xCAFE, 1000, 50_000, True),
        (0xCAFE, 1001, 50_160, False),
        (0xCAFE, 1002, 50_320, False),
    ]


def test_change_of_source_continues_the_sequence_and_jumps_the_timestamp_by_the_time_passed() -> None:
    state = RtpStreamState(ssrc=0xCAFE, sequence=1000, timestamp=50_000)
    send(state, source_packets(0x1111, 7, 900, 3), start=0.0)  # the prompt; last sent at 0.04
    out = send(state, source_packets(0x2222, 40_000, 123_456, 2), start=1.04)  # the agent, 1 s on
    assert [(p.sequence, p.timestamp, p.marker) for p in out] == [(1003, 58_320, True), (1004, 58_480, False)]


def test_timestamp_moves_at_least_one_packet_on_a_quick_change() -> None:
    state = RtpStreamState(ssrc=1, sequence=0, timestamp=0)
    send(state, source_packets(0x1111, 0, 0, 2), start=0.0)
    out = state.rewrite(source_packets(0x2222, 500, 9, 1)[0], now=0.021)
    assert (out.sequence, out.timestamp) == (2, 320)


def test_sequence_and_timestamp_wrap_around() -> None:
    state = RtpStreamState(ssrc=1, sequence=65534, timestamp=(1 << 32) - 320)
    out = send(state, source_packets(0x1111, 10, 10, 4), start=0.0)
    assert [(p.sequence, p.timestamp) for p in out] == [
        (65534, 2**32 - 320),
        (65535, 2**32 - 160),
        (0, 0),
        (1, 160),
    ]
    out = send(state, source_packets(0x2222, 65535, 2**32 - 80, 2), start=1.06)  # the source wraps too
    assert [(p.sequence, p.timestamp) for p in out] == [(2, 8160), (3, 8320)]


def test_late_packet_keeps_its_place_and_does_not_rewind_the_stream() -> None:
    state = RtpStreamState(ssrc=1, sequence=100, timestamp=0)
    first, second, third = source_packets(0x1111, 0, 0, 3)
    state.rewrite(first, 0.0)
    state.rewrite(third, 0.04)
    assert state.rewrite(second, 0.045).sequence == 101
    switched = state.rewrite(source_packets(0x2222, 0, 0, 1)[0], 0.06)
    assert (switched.sequence, switched.timestamp) == (103, 480)


def test_new_source_re_anchors_the_same_ssrc() -> None:
    state = RtpStreamState(ssrc=1, sequence=0, timestamp=0)
    send(state, source_packets(0x1111, 500, 7000, 2), start=0.0)
    state.new_source()
    out = state.rewrite(source_packets(0x1111, 0, 0, 1)[0], now=0.04)  # the prompt restarts at 0
    assert (out.sequence, out.timestamp, out.marker) == (2, 320, True)


def receive(stats: RtpReceptionStats, sequences: list[int], step: int = 160, every: float = 0.02) -> None:
    for i, sequence in enumerate(sequences):
        stats.on_packet(sequence, (sequence * step) % (1 << 32), i * every)


def test_no_loss_no_jitter() -> None:
    stats = RtpReceptionStats()
    receive(stats, list(range(100, 150)))
    assert stats.report() == ReceptionReport(0, 0, 149, 0)


def test_loss_over_the_interval_and_in_total() -> None:
    stats = RtpReceptionStats()
    receive(stats, [0, 1, 2, 5, 6, 7, 8, 9])  # 3 and 4 lost: 2 of 10
    report = stats.report()
    assert (report.fraction_lost, report.cumulative_lost, report.highest_sequence) == (2 * 256 // 10, 2, 9)
    receive(stats, [10, 11])
    assert stats.report().fraction_lost == 0  # the new interval lost nothing


def test_sequence_wrap_counts_a_cycle() -> None:
    stats = RtpReceptionStats()
    receive(stats, [*range(65530, 65536), *range(6)])
    report = stats.report()
    assert (report.highest_sequence, report.cumulative_lost, stats.expected) == (65536 + 5, 0, 12)


def test_late_packet_is_counted_without_a_cycle() -> None:
    stats = RtpReceptionStats()
    receive(stats, [10, 11, 13, 12, 14])
    assert (stats.report().highest_sequence, stats.lost) == (14, 0)


def test_duplicates_make_loss_negative() -> None:
    stats = RtpReceptionStats()
    receive(stats, [1, 2, 2, 3])
    assert stats.report().cumulative_lost == -1


def test_a_jump_is_a_restart_only_when_the_next_packet_confirms_it() -> None:
    stats = RtpReceptionStats()
    receive(stats, [100, 101])
    assert stats.on_packet(40_000, 0, 0.1) is False  # a stray packet: not counted
    assert stats.on_packet(102, 0, 0.12) is True
    assert stats.on_packet(50_000, 0, 0.14) is False
    assert stats.on_packet(50_001, 0, 0.16) is True  # confirmed: the source restarted
    assert (stats.expected, stats.received) == (1, 1)


def test_cumulative_loss_is_clamped_to_24_bits() -> None:
    stats = RtpReceptionStats()
    receive(stats, [(i * 2999) % 65536 for i in range(3000)], step=0)
    assert stats.report().cumulative_lost == 0x7FFFFF


def test_jitter_follows_rfc_3550_a8() -> None:
    stats = RtpReceptionStats()
    stats.on_packet(0, 0, 0.0)
    stats.on_packet(1, 160, 0.030)  # 10 ms (80 units) late: J = 80 / 16
    assert stats.jitter == pytest.approx(5.0)
    stats.on_packet(2, 320, 0.040)  # back on time: D = 80 again
    assert stats.jitter == pytest.approx(5.0 + (80 - 5.0) / 16)


def test_jitter_across_the_timestamp_wrap() -> None:
    stats = RtpReceptionStats()
    stats.on_packet(0, (1 << 32) - 160, 0.0)
    stats.on_packet(1, 0, 0.02)
    assert stats.jitter == 0
