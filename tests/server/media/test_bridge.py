"""The bridge between a caller's leg and an agent's leg, with bare-socket phones on both ends."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from callfloor.core.media.dtmf import DtmfReceiver, digit_packets
from callfloor.core.media.g711 import alaw_to_ulaw, ulaw_to_alaw
from callfloor.core.media.rtp import RtpPacket
from callfloor.core.sip.offer_answer import PCMA, PCMU, Codec
from callfloor.server.media.bridge import Bridge
from callfloor.server.media.player import PromptPlayer, prompt_frames
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession
from tests.server.media.conftest import Phone, audio_packets, closing, leg, negotiated, sine, until, write_wav


@dataclass
class Call:
    """A caller's phone on leg ``a`` and an agent's phone on leg ``b``, and the bridge between."""

    caller: Phone
    agent: Phone
    a: RtpSession
    b: RtpSession
    bridge: Bridge


@asynccontextmanager
async def bridged(agent_codec: Codec = PCMA, agent_event: int | None = 96) -> AsyncIterator[Call]:
    """The caller on PCMU with telephone-event 101, the agent on ``agent_codec``."""
    ports = PortAllocator()
    caller, agent = await Phone.open(), await Phone.open()
    a = await leg(ports, caller.port, PCMU)
    b = await leg(ports, agent.port, agent_codec, telephone_event=agent_event)
    call = Call(caller, agent, a, b, Bridge(a, b))
    async with closing(a, b, caller, agent):
        try:
            yield call
        finally:
            call.bridge.stop()
    assert ports.lent == frozenset()


def numbered(packets: list[RtpPacket]) -> list[int]:
    return [(p.sequence - packets[0].sequence) % 2**16 for p in packets]


def test_audio_is_relayed_both_ways_and_transcoded() -> None:
    async def main() -> None:
        async with bridged() as call:
            call.bridge.start()
            from_caller, from_agent = (
                audio_packets(5, ssrc=1),
                audio_packets(5, ssrc=2, first=40, payload_type=8),
            )
            call.caller.send_rtp(call.a.local_port, from_caller)
            call.agent.send_rtp(call.b.local_port, from_agent)
            to_agent, to_caller = await call.agent.wait_for(5), await call.caller.wait_for(5)
            assert [p.payload for p in to_agent] == [ulaw_to_alaw(p.payload) for p in from_caller]
            assert [p.payload for p in to_caller] == [alaw_to_ulaw(p.payload) for p in from_agent]
            assert {p.payload_type for p in to_agent} == {8}
            assert {p.payload_type for p in to_caller} == {0}
            assert numbered(to_agent) == numbered(to_caller) == [0, 1, 2, 3, 4]
            assert [(p.timestamp - to_agent[0].timestamp) % 2**32 for p in to_agent] == [
                0,
                160,
                320,
                480,
                640,
            ]

    asyncio.run(main())


def test_same_codec_payloads_pass_untouched() -> None:
    async def main() -> None:
        async with bridged(agent_codec=PCMU) as call:
            call.bridge.start()
            sent = audio_packets(3)
            call.caller.send_rtp(call.a.local_port, sent)
            assert [p.payload for p in await call.agent.wait_for(3)] == [p.payload for p in sent]

    asyncio.run(main())


def test_numbering_stays_continuous_from_prompt_to_bridge_to_prompt(tmp_path: Path) -> None:
    prompt = write_wav(tmp_path / "please-hold.wav", sine(0.1))  # five frames

    async def main() -> None:
        async with bridged() as call:
            player = PromptPlayer(call.a)
            try:
                done = asyncio.Event()
                player.play([prompt], on_done=done.set)
                await asyncio.wait_for(done.wait(), 2)
                call.bridge.start()
                call.agent.send_rtp(call.b.local_port, audio_packets(5, ssrc=77, first=9000, payload_type=8))
                await call.caller.wait_for(10)
                call.bridge.stop()
                done.clear()
                player.play([prompt], on_done=done.set)
                await asyncio.wait_for(done.wait(), 2)
                heard = await call.caller.wait_for(15)
                assert len({p.ssrc for p in heard}) == 1  # one stream for the caller's phone
                assert numbered(heard) == list(range(15))  # no jump at either switch
                assert [i for i, p in enumerate(heard) if p.marker] == [0, 5, 10]  # re-sync at each
                steps = [(b.timestamp - a.timestamp) % 2**32 for a, b in pairwise(heard)]
                assert all(0 < step < 2**31 for step in steps)  # time only goes forward
            finally:
                player.stop()

    asyncio.run(main())


def test_digits_are_forwarded_as_rfc_4733_under_the_other_payload_type() -> None:
    async def main() -> None:
        async with bridged(agent_event=96) as call:
            digits: list[str] = []
            call.a.on_digit = digits.append
            call.bridge.start()
            events = [
                RtpPacket(101, 500 + i, 4000, 1, e.payload, e.marker)
                for i, e in enumerate(digit_packets("9"))
            ]
            call.caller.send_rtp(call.a.local_port, events)
            got = await call.agent.wait_for(len(events))
            assert {p.payload_type for p in got} == {96}
            receiver = DtmfReceiver()
            assert [d.digit for p in got for d in receiver.on_packet(p.timestamp, p.payload)] == ["9"]
            await until(lambda: digits == ["9"])  # the floor hears it too

    asyncio.run(main())


def test_no_digits_go_to_a_leg_without_telephone_event() -> None:
    async def main() -> None:
        async with bridged(agent_event=None) as call:
            call.bridge.start()
            events = [
                RtpPacket(101, 7 + i, 800, 1, e.payload, e.marker) for i, e in enumerate(digit_packets("3"))
            ]
            call.caller.send_rtp(call.a.local_port, [*events, *audio_packets(1, ssrc=1)])
            got = await call.agent.wait_for(1)
            await asyncio.sleep(0.05)
            assert [p.payload_type for p in got] == [8]  # the audio, and nothing else

    asyncio.run(main())


def test_stopping_leaves_both_legs_open_for_a_prompt(tmp_path: Path) -> None:
    prompt = write_wav(tmp_path / "survey.wav", sine(0.06))

    async def main() -> None:
        async with bridged() as call:
            call.bridge.start()
            call.bridge.start()  # twice: still one relay per direction
            call.caller.send_rtp(call.a.local_port, audio_packets(2, ssrc=1))
            await call.agent.wait_for(2)
            call.bridge.stop()
            assert not call.bridge.running
            call.caller.send_rtp(call.a.local_port, audio_packets(2, ssrc=1, first=1002))
            await asyncio.sleep(0.05)
            assert len(call.agent.arrivals) == 2
            assert not call.a.closed and not call.b.closed
            done = asyncio.Event()
            PromptPlayer(call.b).play([prompt], on_done=done.set)
            await asyncio.wait_for(done.wait(), 2)
            assert numbered(await call.agent.wait_for(5)) == [0, 1, 2, 3, 4]

    asyncio.run(main())


def test_a_prompt_on_a_bridged_leg_is_heard_whole(tmp_path: Path) -> None:
    whisper = write_wav(tmp_path / "whisper.wav", sine(0.2))  # ten frames, to the agent only

    async def main() -> None:
        async with bridged() as call:
            call.bridge.start()
            done = asyncio.Event()
            PromptPlayer(call.b).play([whisper], on_done=done.set)
            for first in range(1000, 1015):  # the caller talks all along, and on after it
                call.caller.send_rtp(call.a.local_port, audio_packets(1, ssrc=5, first=first))
                await asyncio.sleep(0.02)
            await asyncio.wait_for(done.wait(), 2)
            await asyncio.sleep(0.03)
            heard = call.agent.packets
            frames = list(prompt_frames(whisper, PCMA))
            start = next(i for i, p in enumerate(heard) if p.payload == frames[0])
            assert [p.payload for p in heard[start : start + 10]] == frames  # not interleaved
            assert heard[start].marker
            after = heard[start + 10 :]
            assert after, "the caller is heard again once the whisper is over"
            assert after[0].marker
            assert numbered(heard) == list(range(len(heard)))

    asyncio.run(main())


def test_bridging_two_sessions_of_callfloor() -> None:
    async def main() -> None:
        ports = PortAllocator()
        phone = await Phone.open()
        a, b = await RtpSession.open("127.0.0.1", ports), await leg(ports, phone.port)
        far = await RtpSession.open("127.0.0.1", ports)  # another B2BUA's leg calling ours
        far.set_remote(negotiated(a.local_port))
        a.set_remote(negotiated(far.local_port))
        bridge = Bridge(a, b)
        async with closing(a, b, far, phone):
            bridge.start()
            far.send_audio(bytes(160))
            assert len(await phone.wait_for(1)) == 1
            bridge.stop()

    asyncio.run(main())
