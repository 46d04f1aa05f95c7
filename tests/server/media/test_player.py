"""Prompts and music on hold: paced at 20 ms on an absolute schedule, encoded once, skipping not bursting."""

import asyncio
import functools
import statistics
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

from callfloor.core.media.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from callfloor.core.sip.offer_answer import PCMA, PCMU, Codec
from callfloor.server.media import MediaStateError, PromptError
from callfloor.server.media.player import FrameClock, PromptPlayer, prompt_frames
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession
from tests.server.media.conftest import HOST, Phone, closing, leg, rms, sine, until, wired, write_wav


def span(values: list[int], modulus: int) -> list[int]:
    """Each value minus the first, modulo ``modulus``."""
    return [(v - values[0]) % modulus for v in values]


@pytest.mark.parametrize(
    ("codec", "encode", "decode"), [(PCMU, ulaw_encode, ulaw_decode), (PCMA, alaw_encode, alaw_decode)]
)
def test_a_second_of_prompt_is_fifty_paced_packets(
    tmp_path: Path, codec: Codec, encode: Callable[[bytes], bytes], decode: Callable[[bytes], bytes]
) -> None:
    pcm = sine(1.0)
    prompt = write_wav(tmp_path / "welcome.wav", pcm)

    async def main() -> None:
        async with wired(codec) as (phone, session):
            done = asyncio.Event()
            PromptPlayer(session).play([prompt], on_done=done.set)
            await asyncio.wait_for(done.wait(), 3)
            got = await phone.wait_for(50)
            await asyncio.sleep(0.06)
            assert len(phone.arrivals) == 50
            assert {p.payload_type for p in got} == {codec.payload_type}
            assert span([p.sequence for p in got], 2**16) == list(range(50))
            assert span([p.timestamp for p in got], 2**32) == list(range(0, 8000, 160))
            assert [p.marker for p in got] == [True] + [False] * 49
            gaps = [b - a for a, b in pairwise(phone.times)]
            assert 0.015 < statistics.median(gaps) < 0.025
            assert max(gaps) < 0.15
            assert 0.9 < phone.times[-1] - phone.times[0] < 1.1  # no drift over the second
            received = b"".join(p.payload for p in got)
            assert received == encode(pcm)  # the prompt, frame by frame, in order
            assert abs(rms(decode(received)) - rms(pcm)) < 0.05 * rms(pcm)  # a tone, not silence

    asyncio.run(main())


def test_music_on_hold_loops_without_a_seam_until_stopped(tmp_path: Path) -> None:
    music = write_wav(tmp_path / "moh.wav", sine(0.1, 220))  # five frames, played round and round

    async def main() -> None:
        async with wired() as (phone, session):
            player = PromptPlayer(session)
            player.play([music], loop=True)
            got = await phone.wait_for(12)
            assert span([p.sequence for p in got], 2**16) == list(range(len(got)))
            assert [p.marker for p in got[:12]] == [True] + [False] * 11
            assert [p.payload for p in got[5:10]] == [p.payload for p in got[:5]]
            player.stop()
            assert not player.playing
            count = len(phone.arrivals)
            await asyncio.sleep(0.1)
            assert len(phone.arrivals) <= count + 1  # one may have been on its way

    asyncio.run(main())


def test_prompts_play_one_after_the_other_then_on_done(tmp_path: Path) -> None:
    first = write_wav(tmp_path / "one.wav", sine(0.1))
    second = write_wav(tmp_path / "two.wav", sine(0.21, 880))  # 10.5 frames: the last is padded

    async def main() -> None:
        async with wired() as (phone, session):
            calls: list[str] = []
            player = PromptPlayer(session)
            player.play([first, second], on_done=lambda: calls.append("done"))
            await until(lambda: calls == ["done"])
            got = await phone.wait_for(16)
            assert len(got) == 5 + 11
            assert got[-1].payload.endswith(b"\xff" * 40)  # µ-law silence after the prompt's end
            assert not player.playing

    asyncio.run(main())


def test_prompts_are_encoded_once_per_codec(tmp_path: Path) -> None:
    prompt = write_wav(tmp_path / "cached.wav", sine(0.1))
    assert prompt_frames(prompt, PCMU) is prompt_frames(prompt, PCMU)
    assert prompt_frames(prompt, PCMA) is not prompt_frames(prompt, PCMU)
    assert [len(frame) for frame in prompt_frames(prompt, PCMA)] == [160] * 5


def test_prompts_that_are_not_8_khz_mono_16_bit_are_refused(tmp_path: Path) -> None:
    stereo = write_wav(tmp_path / "stereo.wav", sine(0.1) * 2, channels=2)
    wideband = write_wav(tmp_path / "wideband.wav", sine(0.1), rate=16000)
    not_wav = tmp_path / "notes.txt"
    not_wav.write_text("not a wave file")

    async def main() -> None:
        async with wired() as (phone, session):
            player = PromptPlayer(session)
            for bad in (stereo, wideband, not_wav, tmp_path / "missing.wav"):
                with pytest.raises(PromptError):
                    player.play([bad])
            assert not player.playing
            await asyncio.sleep(0.05)
            assert phone.arrivals == []

    asyncio.run(main())


def test_a_player_needs_a_negotiated_codec(tmp_path: Path) -> None:
    prompt = write_wav(tmp_path / "early.wav", sine(0.1))

    async def main() -> None:
        session = await RtpSession.open(HOST, PortAllocator())
        async with closing(session):
            with pytest.raises(MediaStateError):
                PromptPlayer(session).play([prompt])

    asyncio.run(main())


def test_a_stalled_loop_makes_the_player_skip_ahead_not_burst(tmp_path: Path) -> None:
    prompt = write_wav(tmp_path / "long.wav", sine(2.0))

    async def main() -> None:
        async with wired() as (phone, session):
            clock = FrameClock()
            player = PromptPlayer(session, clock=clock)
            try:
                player.play([prompt])
                await phone.wait_for(5)
                time.sleep(0.3)  # the whole loop is blocked: 15 slots go by
                await phone.wait_for(15)
                got, times = phone.packets, phone.times
                stall = max(range(1, len(times)), key=lambda i: times[i] - times[i - 1])
                assert times[stall] - times[stall - 1] > 0.25
                right_after = [t for t in times[stall:] if t - times[stall] < 0.01]
                assert len(right_after) <= 2  # not the 15 frames of the backlog at once
                assert got[stall].marker  # a pause, announced
                assert (got[stall].timestamp - got[stall - 1].timestamp) % 2**32 >= 0.25 * 8000
                assert (got[stall].sequence - got[stall - 1].sequence) % 2**16 == 1  # nothing lost
                assert got[stall].payload == prompt_frames(prompt, PCMU)[stall]  # the prompt resumes
                assert clock.skipped >= 10
            finally:
                player.stop()

    asyncio.run(main())


def test_a_player_stops_when_its_session_closes(tmp_path: Path) -> None:
    music = write_wav(tmp_path / "moh.wav", sine(0.2))

    async def main() -> None:
        async with wired() as (phone, session):
            player = PromptPlayer(session)
            player.play([music], loop=True)
            await phone.wait_for(2)
            session.close()
            await until(lambda: not player.playing, 1.0)

    asyncio.run(main())


def test_many_players_share_one_clock_and_keep_time(tmp_path: Path) -> None:
    prompt = write_wav(tmp_path / "short.wav", sine(0.4))

    async def main() -> None:
        phone = await Phone.open()
        ports = PortAllocator()
        sessions = [await leg(ports, phone.port) for _ in range(20)]
        finished: list[int] = []
        async with closing(*sessions, phone):
            for index, session in enumerate(sessions):
                PromptPlayer(session).play([prompt], on_done=functools.partial(finished.append, index))
            await until(lambda: len(finished) == 20)
            await phone.wait_for(20 * 20)
            assert sorted(finished) == list(range(20))
            by_stream: dict[int, list[int]] = {}
            for packet in phone.packets:
                by_stream.setdefault(packet.ssrc, []).append(packet.sequence)
            assert [len(sequences) for sequences in by_stream.values()] == [20] * 20

    asyncio.run(main())


def test_the_clock_spreads_its_members_and_survives_a_broken_one(caplog: pytest.LogCaptureFixture) -> None:
    class Member:
        def __init__(self, clock: FrameClock) -> None:
            self.clock, self.due = clock, list[float]()

        def tick(self, skipped: int) -> None:
            self.due.append(self.clock.due)

    class Broken:
        def tick(self, skipped: int) -> None:
            raise RuntimeError("a bug in one member")

    async def main() -> None:
        clock = FrameClock(phases=4)
        members, broken = [Member(clock) for _ in range(8)], Broken()
        for member in [broken, *members]:
            clock.add(member)
        await asyncio.sleep(0.2)
        for member in [broken, *members]:
            clock.discard(member)
        first = sorted({member.due[0] for member in members})
        assert [round((due - first[0]) * 1000, 3) for due in first] == [0, 5, 10, 15]  # four phases
        for member in members:
            assert len(member.due) >= 5
            assert {round((b - a) * 1000, 3) for a, b in pairwise(member.due)} == {20}  # an absolute grid

    asyncio.run(main())
    assert "a bug in one member" in caplog.text
