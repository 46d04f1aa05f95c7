"""Three-way calls: each bare-socket phone hears the sum of the others, never itself.

The phones send constant levels (1000, 2000, 4000): every sum of some of them is a distinct
level, so the level a phone hears says exactly whose audio it holds.
"""

import asyncio
import itertools
import struct
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from statistics import fmean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.core.media.dtmf import DtmfReceiver, digit_packets
from callfloor.core.media.rtp import RtpPacket
from callfloor.core.sip.offer_answer import PCMA, PCMU, Codec
from callfloor.server.media import MediaStateError
from callfloor.server.media.conference import Conference, mix_heard, mix_others
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession
from callfloor.server.media.tracks import DECODERS, ENCODERS
from tests.server.media.conftest import HOST, Phone, closing, leg, until

TOLERANCE = 300  # G.711 is lossy; sums of the levels used are 1000 apart


def constant(level: int) -> bytes:
    """20 ms of 16-bit PCM at one level."""
    return struct.pack("<160h", *[level] * 160)


@dataclass
class Party:
    """A phone and our leg negotiated with it."""

    phone: Phone
    session: RtpSession
    codec: Codec
    talking: list["asyncio.Task[None]"] = field(default_factory=list)

    def levels(self, since: int = 0) -> list[float]:
        """The mean sample of each packet received, from the ``since``-th on."""
        decode = DECODERS[self.codec.encoding]
        return [fmean(struct.unpack("<160h", decode(p.payload))) for p in self.phone.packets[since:]]

    def talk(self, level: int, seconds: float = 2.5) -> None:
        """Send ``level`` every 20 ms, on an absolute schedule as a phone's sound card would."""
        self.talking.append(asyncio.ensure_future(self._talk(level, seconds)))

    async def _talk(self, level: int, seconds: float) -> None:
        loop, payload = asyncio.get_running_loop(), ENCODERS[self.codec.encoding](constant(level))
        start = loop.time()
        for n in range(round(seconds / 0.02)):
            packet = RtpPacket(self.codec.payload_type, n, 160 * n, id(self) & 0xFFFF, payload)
            self.phone.send_rtp(self.session.local_port, [packet])
            await asyncio.sleep(max(0.0, start + (n + 1) * 0.02 - loop.time()))


@asynccontextmanager
async def parties(*codecs: Codec) -> AsyncIterator[list[Party]]:
    """One phone and one leg per codec; all closed at the end, the ports released."""
    ports = PortAllocator()
    phones = [await Phone.open() for _ in codecs]
    sessions = [await leg(ports, phone.port, codec) for phone, codec in zip(phones, codecs, strict=True)]
    everyone = [Party(*args) for args in zip(phones, sessions, codecs, strict=True)]
    async with closing(*sessions, *phones):
        try:
            yield everyone
        finally:
            for party in everyone:
                for task in party.talking:
                    task.cancel()
            await asyncio.gather(*(t for p in everyone for t in p.talking), return_exceptions=True)
    assert ports.lent == frozenset()


def near(level: float, expected: float) -> bool:
    return abs(level - expected) <= TOLERANCE


def heard_only(levels: Sequence[float], allowed: Sequence[int]) -> bool:
    """Every packet's level is one of ``allowed`` (a sum of the others, 0 for a frame not yet in)."""
    return all(any(near(level, a) for a in allowed) for level in levels)


def mostly(levels: Sequence[float], expected: int) -> bool:
    """Most packets (all but the start and a late frame or two) are at ``expected``."""
    return len(levels) > 5 and sum(near(level, expected) for level in levels) >= 0.8 * len(levels)


def test_each_phone_hears_the_two_others_and_never_itself() -> None:
    async def main() -> None:
        async with parties(PCMU, PCMA, PCMA) as (a, b, c):
            for party, level in ((a, 1000), (b, 2000), (c, 4000)):
                party.talk(level)
            await asyncio.sleep(0.05)
            conference = Conference([a.session, b.session, c.session])
            conference.start()
            loop = asyncio.get_running_loop()
            started = loop.time()
            await asyncio.sleep(0.5)
            for party, others in (
                (a, (0, 2000, 4000, 6000)),
                (b, (0, 1000, 4000, 5000)),
                (c, (0, 1000, 2000, 3000)),
            ):
                packets, levels = party.phone.packets, party.levels()
                assert packets[0].marker  # the mix is a new source for the phone
                assert heard_only(levels, others)  # not one packet with its own audio in it
                assert mostly(levels, others[-1])  # both others at once
                # One 20 ms frame per packet: the timestamp moves 160 samples per sequence number,
                # but where a late clock skipped slots (the marker says so: re-anchored to the
                # present), and never more than 50 packets a second (a second start would double
                # them). How many a second a busy machine manages is bench/rtp_streams.py's business.
                for before, after in itertools.pairwise(packets):
                    if not after.marker:
                        assert after.timestamp - before.timestamp == 160 * (after.sequence - before.sequence)
                steady = [t for t in party.phone.times if started + 0.1 <= t < started + 0.5]
                assert 0 < len(steady) <= 26  # 20 in 0.4 s at 50 packets a second
                assert {p.ssrc for p in packets} == {packets[0].ssrc}

            marks = [len(party.phone.arrivals) for party in (a, b, c)]
            conference.remove(c.session)
            assert conference.participants == (a.session, b.session)
            await asyncio.sleep(0.3)
            assert mostly(a.levels(marks[0] + 1), 2000)  # only B now
            assert heard_only(a.levels(marks[0] + 1), (0, 2000))
            assert heard_only(b.levels(marks[1] + 1), (0, 1000))
            assert len(c.phone.arrivals) <= marks[2] + 1  # one in flight at most

            conference.stop()
            conference.stop()  # twice: nothing more
            await asyncio.sleep(0.02)
            sent = [len(party.phone.arrivals) for party in (a, b, c)]
            await asyncio.sleep(0.15)
            assert [len(party.phone.arrivals) for party in (a, b, c)] == sent  # nothing more sent
            for party in (a, b, c):
                assert not party.session.closed  # the call goes on
                assert party.session._taps == []  # RtpSession has no public view of its taps
            a.session.send_audio(ENCODERS["PCMU"](constant(500)))  # and the leg still sends
            await a.phone.wait_for(sent[0] + 1)

    asyncio.run(main())


def test_two_loud_participants_saturate_instead_of_wrapping_round() -> None:
    async def main() -> None:
        async with parties(PCMU, PCMU, PCMA) as (a, b, c):
            a.talk(30000)
            b.talk(30000)
            conference = Conference([a.session, b.session, c.session])
            conference.start()
            await until(lambda: len(c.phone.arrivals) >= 15)
            conference.stop()
            levels = c.levels()
            assert min(levels) >= 0  # 60000 wrapped round would be -5536
            assert mostly(levels, 32256)  # A-law's loudest code
            assert mostly(a.levels(), 30000)

    asyncio.run(main())


def test_a_silent_participant_and_one_without_sdp_contribute_silence() -> None:
    async def main() -> None:
        async with parties(PCMU, PCMA, PCMU) as (a, b, c):
            ports = PortAllocator()
            unanswered = await RtpSession.open(HOST, ports)  # no set_remote: no codec yet
            async with closing(unanswered):
                a.talk(1000)
                b.talk(2000)
                conference = Conference([a.session, b.session, c.session, unanswered])
                conference.start()
                await until(lambda: len(c.phone.arrivals) >= 20)
                conference.stop()
                assert heard_only(a.levels(), (0, 2000))
                assert heard_only(b.levels(), (0, 1000))
                assert mostly(a.levels(), 2000)
                assert mostly(b.levels(), 1000)
                assert mostly(c.levels(), 3000)

    asyncio.run(main())


def test_starting_twice_mixes_once_and_a_stopped_conference_starts_again() -> None:
    async def main() -> None:
        async with parties(PCMA, PCMA) as (a, b):
            b.talk(2000)
            conference = Conference([a.session, b.session])
            conference.start()
            conference.start()
            assert conference.running
            loop = asyncio.get_running_loop()
            started = loop.time()
            await asyncio.sleep(0.32)
            steady = [t for t in a.phone.times if started + 0.1 <= t < started + 0.3]
            assert 8 <= len(steady) <= 12  # 50 a second, not 100
            conference.stop()
            assert not conference.running
            await asyncio.sleep(0.05)  # the last packet in flight
            mark = len(a.phone.arrivals)
            conference.start()
            await a.phone.wait_for(mark + 10)
            conference.stop()
            assert a.phone.packets[mark].marker  # restarted: a new source again
            assert mostly(a.levels(mark), 2000)

    asyncio.run(main())


def test_a_joining_leg_hears_everyone_and_a_hung_up_leg_leaves() -> None:
    async def main() -> None:
        async with parties(PCMU, PCMA, PCMU) as (a, b, c):
            a.talk(1000)
            b.talk(2000)
            c.talk(4000)
            conference = Conference([a.session, b.session])
            conference.start()
            await until(lambda: len(a.phone.arrivals) >= 5)
            conference.add(c.session)
            await until(lambda: len(c.phone.arrivals) >= 15)
            assert c.phone.packets[0].marker
            assert mostly(c.levels(), 3000)
            c.session.close()  # C hangs up
            await until(lambda: conference.participants == (a.session, b.session))
            mark = len(a.phone.arrivals)
            await a.phone.wait_for(mark + 10)
            conference.stop()
            assert heard_only(a.levels(mark + 1), (0, 2000))

    asyncio.run(main())


def test_a_conference_has_two_to_eight_distinct_legs() -> None:
    async def main() -> None:
        async with parties(*[PCMU] * 9) as everyone:
            sessions = [party.session for party in everyone]
            with pytest.raises(MediaStateError):
                Conference(sessions[:1])
            with pytest.raises(MediaStateError):
                Conference([sessions[0], sessions[0]])
            with pytest.raises(MediaStateError):
                Conference(sessions)
            conference = Conference(sessions[:8])
            with pytest.raises(MediaStateError):
                conference.add(sessions[8])
            with pytest.raises(MediaStateError):
                conference.add(sessions[0])
            conference.remove(sessions[8])  # not in it: ignored
            assert conference.participants == tuple(sessions[:8])

    asyncio.run(main())


def test_mix_others_leaves_each_frame_out_of_its_own_sum() -> None:
    frames = [constant(1000), constant(2000), constant(4000), constant(-500)]
    assert mix_others(frames) == [constant(5500), constant(4500), constant(2500), constant(7000)]
    assert mix_others([constant(30000), constant(30000), constant(0)]) == [
        constant(30000),
        constant(30000),
        constant(32767),
    ]
    assert mix_others([constant(-30000), constant(-30000)] * 2)[0] == constant(-32768)
    assert mix_others([constant(7)]) == [constant(0)]
    assert mix_others([]) == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 32767), min_size=4, max_size=4), min_size=1, max_size=8))
def test_mix_others_is_the_clamped_sum_of_the_others(samples: list[list[int]]) -> None:
    # Of one sign, saturating sums do not depend on their order: the exact sum, clamped.
    frames = [struct.pack("<4h", *frame) for frame in samples]
    for index, mixed in enumerate(mix_others(frames)):
        others = [frame for k, frame in enumerate(samples) if k != index]
        expected = [min(32767, sum(column)) for column in zip(*others, strict=True)] if others else [0] * 4
        assert struct.unpack("<4h", mixed) == tuple(expected)


def test_mix_heard_leaves_out_who_may_not_be_heard() -> None:
    caller, agent, supervisor = constant(1000), constant(2000), constant(4000)
    frames = [caller, agent, supervisor]
    # Listening: the supervisor hears both, nobody hears the supervisor.
    assert mix_heard(frames, [None, None, frozenset()]) == [constant(2000), constant(1000), constant(3000)]
    # Whispering: only the agent (index 1) hears the supervisor.
    assert mix_heard(frames, [None, None, {1}]) == [constant(2000), constant(5000), constant(3000)]
    # Barging in: everyone hears everyone, as mix_others.
    assert mix_heard(frames, [None, None, None]) == mix_others(frames)
    # Its own index and indices out of range are ignored; two restricted frames add up.
    assert mix_heard(frames, [None, {1, 2, 7}, {0, 2}]) == [
        constant(4000),
        constant(1000),
        constant(3000),
    ]
    assert mix_heard([constant(30000), constant(30000), constant(30000)], [None, {0}, {0}]) == [
        constant(32767),  # both restricted frames, saturated
        constant(30000),
        constant(30000),
    ]
    assert mix_heard([constant(5)], [frozenset()]) == [constant(0)]
    assert mix_heard([], []) == []
    with pytest.raises(ValueError, match="audiences"):
        mix_heard(frames, [None, None])


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 8).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(0, 32767), min_size=4, max_size=4), min_size=n, max_size=n),
            st.lists(st.none() | st.frozensets(st.integers(0, n - 1)), min_size=n, max_size=n),
        )
    )
)
def test_mix_heard_is_the_clamped_sum_of_what_each_may_hear(
    case: tuple[list[list[int]], list[frozenset[int] | None]],
) -> None:
    samples, audiences = case
    frames = [struct.pack("<4h", *frame) for frame in samples]
    for index, mixed in enumerate(mix_heard(frames, audiences)):
        heard = [
            frame
            for k, frame in enumerate(samples)
            if k != index and (audiences[k] is None or index in audiences[k])  # type: ignore[operator]
        ]
        expected = [min(32767, sum(column)) for column in zip(*heard, strict=True)] if heard else [0] * 4
        assert struct.unpack("<4h", mixed) == tuple(expected)


def test_a_participant_heard_by_some_only_switches_live() -> None:
    async def main() -> None:
        async with parties(PCMU, PCMA, PCMU) as (caller, agent, supervisor):
            caller.talk(1000, 3.0)
            agent.talk(2000, 3.0)
            supervisor.talk(4000, 3.0)
            conference = Conference([caller.session, agent.session, supervisor.session])
            conference.set_audience(supervisor.session, [])  # listening
            assert conference.audience(supervisor.session) == frozenset()
            conference.start()

            async def period() -> tuple[list[float], list[float], list[float]]:
                marks = [len(p.phone.arrivals) for p in (caller, agent, supervisor)]
                await until(lambda: all(len(p.phone.arrivals) >= m + 12 for p, m in zip(
                    (caller, agent, supervisor), marks, strict=True)))  # fmt: skip
                # The first packets after a switch may hold a frame mixed before it.
                levels = [p.levels(m + 2) for p, m in zip((caller, agent, supervisor), marks, strict=True)]
                return levels[0], levels[1], levels[2]

            heard_by_caller, heard_by_agent, heard_by_supervisor = await period()
            assert heard_only(heard_by_caller, (0, 2000))
            assert heard_only(heard_by_agent, (0, 1000))
            assert mostly(heard_by_supervisor, 3000)

            conference.set_audience(supervisor.session, [agent.session])  # whispering to the agent
            heard_by_caller, heard_by_agent, heard_by_supervisor = await period()
            assert heard_only(heard_by_caller, (0, 2000))
            assert mostly(heard_by_agent, 5000)
            assert mostly(heard_by_supervisor, 3000)

            conference.set_audience(supervisor.session, None)  # barging in
            assert conference.audience(supervisor.session) is None
            heard_by_caller, heard_by_agent, heard_by_supervisor = await period()
            assert mostly(heard_by_caller, 6000)
            assert mostly(heard_by_agent, 5000)

            conference.set_audience(supervisor.session, [])
            conference.remove(supervisor.session)  # its audience goes with it
            assert conference.audience(supervisor.session) is None
            with pytest.raises(MediaStateError):
                conference.set_audience(supervisor.session, [])
            conference.stop()

    asyncio.run(main())


def pressed(packets: Sequence[RtpPacket], event_type: int = 101) -> list[tuple[str, int]]:
    """The key presses (and their durations) that telephone-event packets carry."""
    receiver = DtmfReceiver()
    return [
        (press.digit, press.duration)
        for p in packets
        if p.payload_type == event_type
        for press in receiver.on_packet(p.timestamp, p.payload)
    ]


def test_a_pair_s_key_presses_go_through_the_mix_and_no_one_else_s() -> None:
    async def main() -> None:
        async with parties(PCMU, PCMA, PCMU) as (caller, agent, supervisor):
            conference = Conference([caller.session, agent.session, supervisor.session])
            conference.relay_digits(caller.session, agent.session)
            conference.relay_digits(agent.session, caller.session)  # the same pair: once
            with pytest.raises(MediaStateError):
                conference.relay_digits(caller.session, caller.session)
            conference.start()
            await until(lambda: len(agent.phone.arrivals) >= 5)

            def press(party: Party, digit: str, duration: int, timestamp: int) -> None:
                events = [
                    RtpPacket(101, 900 + i, timestamp, 0x77, e.payload, e.marker)
                    for i, e in enumerate(digit_packets(digit, duration))
                ]
                party.phone.send_rtp(party.session.local_port, events)

            press(caller, "5", 1600, 8000)
            press(supervisor, "7", 800, 8000)  # not in the pair: relayed to nobody
            await until(lambda: pressed(agent.phone.packets) == [("5", 1600)])
            press(agent, "#", 800, 16000)
            await until(lambda: pressed(caller.phone.packets) == [("#", 800)])
            await asyncio.sleep(0.35)  # long enough for any press to be sent whole
            assert pressed(supervisor.phone.packets) == []
            assert pressed(agent.phone.packets) == [("5", 1600)]  # each press once, its end thrice
            for party in (caller, agent):
                packets = party.phone.packets
                assert {p.ssrc for p in packets} == {packets[0].ssrc}  # in the stream of the mix
                events = [p for p in packets if p.payload_type == 101]
                assert events[0].marker and not any(p.marker for p in events[1:])  # one press: one start
                assert len({p.timestamp for p in events}) == 1  # every packet of a press: its start

            conference.remove(agent.session)  # the pair's relay goes with the agent
            mark = len(agent.phone.arrivals)
            press(caller, "1", 800, 24000)
            await asyncio.sleep(0.35)
            assert pressed(agent.phone.packets[mark:]) == []
            conference.stop()
            for party in (caller, agent, supervisor):
                assert party.session._taps == []  # RtpSession has no public view of its taps
            with pytest.raises(MediaStateError):
                conference.relay_digits(caller.session, agent.session)  # the agent left

    asyncio.run(main())
