"""RFC 4733 telephone events: the payload, the packets of a key press, and the receiver."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.media import DtmfParseError, FieldRangeError
from callfloor.core.media.dtmf import (
    EVENT_CODES,
    DtmfReceiver,
    EventPacket,
    ReceivedDigit,
    TelephoneEvent,
    build_event,
    digit_packets,
    parse_event,
)


def test_payload_layout() -> None:
    # Event 5, E set, volume 10 (-10 dBm0), 800 units (100 ms at 8 kHz): §2.3.
    assert build_event(TelephoneEvent(5, True, 10, 800)) == bytes.fromhex("058a0320")
    assert parse_event(bytes.fromhex("058a0320")) == TelephoneEvent(5, True, 10, 800)


def test_reserved_bit_is_ignored() -> None:
    assert parse_event(bytes.fromhex("0b4a0190")) == TelephoneEvent(11, False, 10, 400)


@pytest.mark.parametrize("length", [0, 3, 5, 8])
def test_payload_must_be_four_octets(length: int) -> None:
    with pytest.raises(DtmfParseError):
        parse_event(bytes(length))


@pytest.mark.parametrize(
    "event", [TelephoneEvent(256), TelephoneEvent(1, volume=64), TelephoneEvent(1, duration=65536)]
)
def test_build_refuses_values_the_fields_cannot_hold(event: TelephoneEvent) -> None:
    with pytest.raises(FieldRangeError):
        build_event(event)


@given(
    st.builds(TelephoneEvent, st.integers(0, 255), st.booleans(), st.integers(0, 63), st.integers(0, 65535))
)
def test_payload_round_trip(event: TelephoneEvent) -> None:
    assert parse_event(build_event(event)) == event


def test_event_codes() -> None:
    assert [EVENT_CODES[d] for d in "0123456789*#ABCD"] == list(range(16))
    assert EVENT_CODES["flash"] == 16


def test_packets_of_a_100_ms_digit() -> None:
    update = build_event(TelephoneEvent(EVENT_CODES["7"], False, 10, 400))
    end = build_event(TelephoneEvent(EVENT_CODES["7"], True, 10, 800))
    assert digit_packets("7") == [
        EventPacket(update, True, 400),
        EventPacket(end, False, 800),
        EventPacket(end, False, 1200),
        EventPacket(end, False, 1600),
    ]


def test_longer_digit_is_updated_every_interval() -> None:
    packets = digit_packets("#", duration=1600, volume=7, interval=400)
    events = [parse_event(p.payload) for p in packets]
    assert [p.marker for p in packets] == [True, False, False, False, False, False]
    assert [p.send_offset for p in packets] == [400, 800, 1200, 1600, 2000, 2400]
    assert [(e.end, e.duration) for e in events] == [(False, 400), (False, 800), (False, 1200)] + [
        (True, 1600)
    ] * 3
    assert {(e.event, e.volume) for e in events} == {(11, 7)}


def test_digit_shorter_than_an_interval_is_only_its_end_packets() -> None:
    packets = digit_packets("A", duration=320)
    assert [(p.marker, p.send_offset, parse_event(p.payload).end) for p in packets] == [
        (True, 320, True),
        (False, 720, True),
        (False, 1120, True),
    ]


@pytest.mark.parametrize(
    ("digit", "duration", "interval"), [("E", 800, 400), ("1", 0, 400), ("1", 65536, 400), ("1", 800, 0)]
)
def test_digit_packets_refuses_what_cannot_be_sent(digit: str, duration: int, interval: int) -> None:
    with pytest.raises(FieldRangeError):
        digit_packets(digit, duration, interval=interval)


def feed(receiver: DtmfReceiver, timestamp: int, packets: list[EventPacket]) -> list[ReceivedDigit]:
    return [digit for p in packets for digit in receiver.on_packet(timestamp, p.payload)]


def test_each_press_is_reported_once_at_its_first_end_packet() -> None:
    receiver = DtmfReceiver()
    packets = digit_packets("5")
    assert receiver.on_packet(8000, packets[0].payload) == []
    assert receiver.on_packet(8000, packets[1].payload) == [ReceivedDigit("5", 8000, 800)]
    assert feed(receiver, 8000, packets[2:]) == []  # the two retransmitted end packets


def test_the_same_key_twice_is_two_presses() -> None:
    receiver = DtmfReceiver()
    assert feed(receiver, 8000, digit_packets("1")) + feed(receiver, 16000, digit_packets("1")) == [
        ReceivedDigit("1", 8000, 800),
        ReceivedDigit("1", 16000, 800),
    ]


@pytest.mark.parametrize("digit", list(EVENT_CODES))
def test_every_offered_event_is_reported_by_name(digit: str) -> None:
    assert feed(DtmfReceiver(), 0, digit_packets(digit)) == [ReceivedDigit(digit, 0, 800)]


def test_events_not_offered_are_ignored() -> None:
    assert DtmfReceiver().on_packet(0, build_event(TelephoneEvent(70, True, 10, 800))) == []


def test_press_whose_end_packets_were_lost_is_reported_when_the_next_starts() -> None:
    receiver = DtmfReceiver()
    updates = [p for p in digit_packets("9", duration=1600) if not parse_event(p.payload).end]
    assert feed(receiver, 8000, updates) == []
    assert feed(receiver, 24000, digit_packets("0")[:1]) == [ReceivedDigit("9", 8000, 1200)]
    assert receiver.flush() == [ReceivedDigit("0", 24000, 400)]
    assert receiver.flush() == []


def test_late_update_after_the_end_is_ignored() -> None:
    receiver = DtmfReceiver()
    first, *ends = digit_packets("3")
    assert feed(receiver, 400, ends) == [ReceivedDigit("3", 400, 800)]
    assert receiver.on_packet(400, first.payload) == []
    assert receiver.flush() == []


def test_updates_out_of_order_keep_the_longest_duration() -> None:
    receiver = DtmfReceiver()
    later, earlier = digit_packets("2", duration=1600)[1], digit_packets("2", duration=1600)[0]
    feed(receiver, 0, [later, earlier])
    assert receiver.flush() == [ReceivedDigit("2", 0, 800)]
