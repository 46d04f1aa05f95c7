"""One leg's RTP session against a bare-socket phone on loopback."""

import asyncio
from itertools import pairwise

import pytest

from callfloor.core.media.dtmf import DtmfReceiver, digit_packets
from callfloor.core.media.rtp import RtpPacket, build_rtp
from callfloor.core.sip.offer_answer import PCMA, Codec
from callfloor.core.sip.sdp import Direction
from callfloor.server.media import MediaStateError
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession
from tests.server.media.conftest import HOST, Phone, audio_packets, closing, leg, negotiated, until, wired

FRAME = bytes(range(160))


def digit_rtp(digit: str, timestamp: int, first_sequence: int, payload_type: int = 101) -> list[RtpPacket]:
    """A phone's packets for one key press, as RFC 4733 §2.5.1 has it send them."""
    return [
        RtpPacket(payload_type, first_sequence + i, timestamp, 0xD7F, event.payload, event.marker)
        for i, event in enumerate(digit_packets(digit))
    ]


def test_sends_one_numbered_stream_to_the_negotiated_address() -> None:
    async def main() -> None:
        async with wired(PCMA) as (phone, session):
            for _ in range(3):
                session.send_audio(FRAME)
            got = await phone.wait_for(3)
            assert [p.payload_type for p in got] == [8, 8, 8]
            assert [p.payload for p in got] == [FRAME] * 3
            assert len({p.ssrc for p in got}) == 1
            assert [(p.sequence - got[0].sequence) % 65536 for p in got] == [0, 1, 2]
            assert [(p.timestamp - got[0].timestamp) % 2**32 for p in got] == [0, 160, 320]
            assert [p.marker for p in got] == [True, False, False]  # the start of a talkspurt

    asyncio.run(main())


def test_incoming_audio_reaches_on_audio_and_the_statistics() -> None:
    async def main() -> None:
        async with wired() as (phone, session):
            heard: list[bytes] = []
            session.on_audio = lambda payload, packet: heard.append(payload)
            sent = audio_packets(6)
            phone.send_rtp(session.local_port, sent[:4] + sent[5:])  # the fifth is lost
            await until(lambda: len(heard) == 5)
            assert heard == [p.payload for p in sent[:4] + sent[5:]]
            assert (session.stats.received, session.stats.expected, session.stats.lost) == (5, 6, 1)

    asyncio.run(main())


def test_malformed_datagrams_are_counted_and_dropped() -> None:
    async def main() -> None:
        async with wired() as (phone, session):
            heard: list[bytes] = []
            session.on_audio = lambda payload, packet: heard.append(payload)
            good = build_rtp(audio_packets(1)[0])
            junk = [b"hello", bytes(20), good[:7], bytes([0x8F]) + good[1:40]]  # short, v0, CSRCs

            bad_event = RtpPacket(101, 1, 1, 0x1234, b"\x05\x0a")  # telephone-event is 4 octets
            for datagram in [*junk, build_rtp(bad_event), good]:
                phone.send(datagram, session.local_port)
            await until(lambda: len(heard) >= 1)
            assert heard == [audio_packets(1)[0].payload]
            assert session.malformed == len(junk) + 1

    asyncio.run(main())


def test_payload_types_not_negotiated_are_counted_not_delivered() -> None:
    async def main() -> None:
        async with wired() as (phone, session):  # PCMU and telephone-event 101
            heard: list[bytes] = []
            session.on_audio = lambda payload, packet: heard.append(payload)
            comfort_noise, pcma = audio_packets(2, payload_type=13), audio_packets(2, payload_type=8)
            phone.send_rtp(session.local_port, comfort_noise + pcma + audio_packets(1))
            await until(lambda: len(heard) == 1)
            assert session.unexpected == 4

    asyncio.run(main())


def test_latches_onto_the_address_packets_come_from() -> None:
    async def main() -> None:
        # The SDP names an address the phone does not send from: its private one, behind NAT.
        described, phone, stranger = await Phone.open(), await Phone.open(), await Phone.open()
        session = await leg(PortAllocator(), described.port)
        heard: list[bytes] = []
        session.on_audio = lambda payload, packet: heard.append(payload)
        async with closing(session, described, phone, stranger):
            assert session.remote == (HOST, described.port)
            phone.send_rtp(session.local_port, audio_packets(1))
            await until(lambda: len(heard) == 1)
            assert session.remote == (HOST, phone.port)
            session.send_audio(FRAME)
            await phone.wait_for(1)
            # Someone else who found the port cannot take the call's media over.
            stranger.send_rtp(session.local_port, audio_packets(2, ssrc=666))
            await until(lambda: session.strays == 2)
            assert session.remote == (HOST, phone.port)
            assert len(heard) == 1
            assert described.arrivals == []

    asyncio.run(main())


def test_a_silent_source_may_be_replaced_and_a_re_invite_learns_again() -> None:
    async def main() -> None:
        phone, moved = await Phone.open(), await Phone.open()
        session = await leg(PortAllocator(), phone.port)
        session.relatch_after = 0.1
        heard: list[int] = []
        session.on_audio = lambda payload, packet: heard.append(packet.ssrc)
        async with closing(session, phone, moved):
            phone.send_rtp(session.local_port, audio_packets(1, ssrc=1))
            await until(lambda: len(heard) == 1)
            await asyncio.sleep(0.15)  # the phone's NAT binding changed: it now sends from elsewhere
            moved.send_rtp(session.local_port, audio_packets(1, ssrc=1, first=1001))
            await until(lambda: len(heard) == 2)
            assert session.remote == (HOST, moved.port)
            session.set_remote(negotiated(phone.port))  # a re-INVITE: the first sender latches
            phone.send_rtp(session.local_port, audio_packets(1, ssrc=1, first=1002))
            await until(lambda: len(heard) == 3)
            assert session.remote == (HOST, phone.port)
            assert session.strays == 0

    asyncio.run(main())


def test_each_key_press_is_reported_once() -> None:
    async def main() -> None:
        async with wired() as (phone, session):
            digits: list[str] = []
            session.on_digit = digits.append
            five, hash_key = digit_rtp("5", 8000, 10), digit_rtp("#", 16000, 20)
            phone.send_rtp(session.local_port, five + five[-1:] + hash_key)  # an end packet twice more
            await until(lambda: len(digits) == 2)
            await asyncio.sleep(0.05)
            assert digits == ["5", "#"]

    asyncio.run(main())


def test_send_dtmf_sends_rfc_4733_packets_in_the_same_stream() -> None:
    async def main() -> None:
        async with wired() as (phone, session):
            session.send_audio(FRAME)
            session.send_audio(FRAME)
            session.send_dtmf("7")
            got = await phone.wait_for(2 + len(digit_packets("7")))
            events = [p for p in got if p.payload_type == 101]
            assert len(events) == len(digit_packets("7"))
            assert [(p.sequence - got[0].sequence) % 65536 for p in got] == list(range(len(got)))
            assert len({p.timestamp for p in events}) == 1  # all of a digit carry its start (§2.5.1.2)
            assert [p.marker for p in events] == [True] + [False] * (len(events) - 1)
            receiver = DtmfReceiver()
            heard = [d.digit for p in events for d in receiver.on_packet(p.timestamp, p.payload)]
            assert heard == ["7"]

    asyncio.run(main())


def test_digits_need_telephone_event_and_a_codec_we_carry() -> None:
    async def main() -> None:
        async with wired(telephone_event=None) as (_, session):
            with pytest.raises(MediaStateError):
                session.send_dtmf("1")
            with pytest.raises(MediaStateError):
                session.set_remote(negotiated(9, Codec("G722", 8000, 9)))

    asyncio.run(main())


def test_new_source_keeps_the_numbering_and_sets_the_marker() -> None:
    async def main() -> None:
        async with wired() as (phone, session):
            for index in range(6):
                if index == 3:
                    session.new_source()
                session.send_audio(FRAME)
            got = await phone.wait_for(6)
            assert [(p.sequence - got[0].sequence) % 65536 for p in got] == list(range(6))
            assert [p.marker for p in got] == [True, False, False, True, False, False]
            steps = [(b.timestamp - a.timestamp) % 2**32 for a, b in pairwise(got)]
            assert all(step >= 160 for step in steps)

    asyncio.run(main())


def test_nothing_is_sent_to_a_peer_that_holds_us_or_after_close() -> None:
    async def main() -> None:
        async with wired(direction=Direction.RECVONLY) as (phone, session):
            session.send_audio(FRAME)
            session.set_remote(negotiated(phone.port))  # off hold
            session.send_audio(FRAME)
            first = await phone.wait_for(1)
            session.close()
            session.send_audio(FRAME)
            await asyncio.sleep(0.05)
            assert len(phone.arrivals) == 1
            assert first[0].marker

    asyncio.run(main())


def test_sessions_talk_to_each_other() -> None:
    async def main() -> None:
        ports = PortAllocator()
        caller, callee = await RtpSession.open(HOST, ports), await RtpSession.open(HOST, ports)
        caller.set_remote(negotiated(callee.local_port))
        callee.set_remote(negotiated(caller.local_port))
        heard: list[bytes] = []
        digits: list[str] = []
        callee.on_audio = lambda payload, packet: heard.append(payload)
        callee.on_digit = digits.append
        async with closing(caller, callee):
            caller.send_audio(FRAME)
            caller.send_dtmf("*")
            await until(lambda: digits == ["*"] and heard == [FRAME])
            assert len(ports.lent) == 2
        assert ports.lent == frozenset()

    asyncio.run(main())
