"""Prompts played by the media process on a socket the call process lends it: a real second process.

What the phone must not notice: packets come from the session's own port, paced at 20 ms, and
the numbering goes on as one stream when the call process takes its socket back.
"""

import asyncio
import os
import signal
import socket
import statistics
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from itertools import pairwise
from pathlib import Path

import pytest

from callfloor.core.media.g711 import ulaw_encode
from callfloor.core.media.rtp import RtpPacket
from callfloor.server.media import PromptError
from callfloor.server.media.offload import MediaProcess, RemotePlayer
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession
from tests.server.media.conftest import HOST, Phone, closing, negotiated, sine, until, wired, write_wav


@asynccontextmanager
async def media_process() -> AsyncIterator[MediaProcess]:
    media = MediaProcess.start()
    try:
        yield media
    finally:
        await media.aclose()
        assert media.process is not None
        assert media.process.poll() is not None  # the worker is gone with its channel


def relayed(sequence: int, payload: bytes = b"\x7f" * 160) -> RtpPacket:
    """A packet from another leg (the agent's phone), as the bridge hands it over."""
    return RtpPacket(0, sequence, 1000 + 160 * sequence, 0xABCDEF, payload)


def test_a_prompt_from_the_media_process_is_paced_and_comes_from_the_session_port(tmp_path: Path) -> None:
    pcm = sine(1.0)
    prompt = write_wav(tmp_path / "welcome.wav", pcm)

    async def main() -> None:
        async with media_process() as media, wired() as (phone, session):
            sources: list[int] = []
            original = phone.datagram_received
            phone.datagram_received = lambda data, addr: (sources.append(addr[1]), original(data, addr))  # type: ignore[method-assign]
            done = asyncio.Event()
            player = media.player(session)
            assert isinstance(player, RemotePlayer)
            player.play([prompt], on_done=done.set)
            assert player.playing
            await asyncio.wait_for(done.wait(), 5)
            got = await phone.wait_for(50)
            assert not player.playing
            assert len(got) == 50
            assert set(sources) == {session.local_port}  # symmetric RTP: the socket is the session's
            assert [(p.sequence - got[0].sequence) % 2**16 for p in got] == list(range(50))
            assert [(p.timestamp - got[0].timestamp) % 2**32 for p in got] == list(range(0, 8000, 160))
            assert [p.marker for p in got] == [True] + [False] * 49
            assert {p.ssrc for p in got} == {got[0].ssrc}
            assert b"".join(p.payload for p in got) == ulaw_encode(pcm)
            gaps = [b - a for a, b in pairwise(phone.times)]
            assert 0.015 < statistics.median(gaps) < 0.025
            assert 0.9 < phone.times[-1] - phone.times[0] < 1.1
            assert session.sent == 50  # told with the end of the prompt

            # The bridge starts: the call process sends again, under the same SSRC, numbering on.
            assert session.lent
            session.forward_audio(b"\x7f" * 160, relayed(1))  # lost: it asks for the stream back
            await until(lambda: not session.lent)
            session.forward_audio(b"\x7f" * 160, relayed(2))
            after = (await phone.wait_for(51))[-1]
            assert after.ssrc == got[0].ssrc
            assert after.sequence == (got[-1].sequence + 1) % 2**16
            assert after.marker  # a new source: the phone re-syncs its playout
            assert 0 < (after.timestamp - got[-1].timestamp) % 2**32 < 8000  # on by the time that passed
            assert session.sent == 51
            assert media.loans == 0

    asyncio.run(main())


def test_a_stopped_prompt_stops_sending_and_never_reports_done(tmp_path: Path) -> None:
    prompt = write_wav(tmp_path / "long.wav", sine(3.0))

    async def main() -> None:
        async with media_process() as media, wired() as (phone, session):
            calls: list[str] = []
            player = media.player(session)
            player.play([prompt], on_done=lambda: calls.append("done"))
            await phone.wait_for(10)
            player.stop()
            await asyncio.sleep(0.1)
            count = len(phone.arrivals)
            assert count < 30
            await asyncio.sleep(0.3)
            assert len(phone.arrivals) == count
            assert calls == []
            assert session.sent == count  # the media process told how far it got

    asyncio.run(main())


def test_a_prompt_asked_for_while_the_stream_comes_back_plays_after_it(tmp_path: Path) -> None:
    music = write_wav(tmp_path / "moh.wav", sine(0.1, 220))
    chime = write_wav(tmp_path / "chime.wav", sine(0.2, 880))

    async def main() -> None:
        async with media_process() as media, wired() as (phone, session):
            player = media.player(session)
            player.play([music], loop=True)
            await phone.wait_for(12)  # more than the five frames of the music: it loops
            player.stop()
            session.forward_audio(b"\x7f" * 160, relayed(1))  # reclaim asked for
            done = asyncio.Event()
            player.play([chime], on_done=done.set)  # before the stream is back
            await asyncio.wait_for(done.wait(), 5)
            await asyncio.sleep(0.05)
            packets = phone.packets
            numbers = [(p.sequence - packets[0].sequence) % 2**16 for p in packets]
            assert numbers == list(range(len(packets)))  # one stream, gapless, across the handover
            assert len({p.ssrc for p in packets}) == 1
            assert all(p.payload != b"\x7f" * 160 for p in packets)  # the relayed frame: the handover's loss
            assert media.returns == 1
            assert session.lent  # lent again for the chime

    asyncio.run(main())


def test_the_media_process_follows_the_peer_to_its_new_address(tmp_path: Path) -> None:
    music = write_wav(tmp_path / "moh.wav", sine(0.2, 220))

    async def main() -> None:
        async with media_process() as media, wired() as (first, session):
            second = await Phone.open()
            async with closing(second):
                player = media.player(session)
                player.play([music], loop=True)
                await first.wait_for(5)
                session.set_remote(negotiated(second.port))  # a re-INVITE moved the call
                await second.wait_for(5)
                count = len(first.arrivals)
                await asyncio.sleep(0.1)
                assert len(first.arrivals) <= count + 1  # a frame may have crossed the message
                player.stop()

    asyncio.run(main())


def test_prompts_play_in_the_call_process_when_the_media_process_dies(tmp_path: Path) -> None:
    music = write_wav(tmp_path / "moh.wav", sine(0.1, 220))

    async def main() -> None:
        async with media_process() as media, wired() as (phone, session):
            player = media.player(session)
            player.play([music], loop=True)
            await phone.wait_for(5)
            assert media.process is not None
            os.kill(media.process.pid, signal.SIGKILL)
            await until(lambda: not media.alive)
            assert not session.lent
            count = len(phone.arrivals)
            await phone.wait_for(count + 10)  # the music goes on, from here
            assert player.playing
            player.stop()
            assert not media.player(session).playing

    asyncio.run(main())


def test_a_bad_prompt_raises_in_the_call_process(tmp_path: Path) -> None:
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"not a wave file")

    async def main() -> None:
        async with media_process() as media, wired() as (_, session):
            with pytest.raises(PromptError):
                media.player(session).play([broken])
            with pytest.raises(PromptError):
                media.player(session).play([tmp_path / "missing.wav"])
            assert not session.lent

    asyncio.run(main())


def test_a_closed_session_port_is_free_again(tmp_path: Path) -> None:
    """The media process closes its copy of the socket too, or the port would stay bound."""
    music = write_wav(tmp_path / "moh.wav", sine(0.1, 220))

    async def main() -> None:
        ports, phone = PortAllocator(), await Phone.open()
        async with media_process() as media, closing(phone):
            session = await RtpSession.open(HOST, ports)
            session.set_remote(negotiated(phone.port))
            media.player(session).play([music], loop=True)
            await phone.wait_for(3)
            port = session.local_port
            session.close()
            assert media.loans == 0

            def free() -> bool:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                    try:
                        probe.bind((HOST, port))
                    except OSError:
                        return False
                    return True

            await until(free)
            count = len(phone.arrivals)
            await asyncio.sleep(0.1)
            assert len(phone.arrivals) <= count + 1

    asyncio.run(main())
