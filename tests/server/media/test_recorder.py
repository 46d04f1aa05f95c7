"""Call recording: both legs to WAV on 20 ms ticks, mono or stereo, with silent pauses."""

import asyncio
import struct
import wave
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from callfloor.core.sip.offer_answer import PCMA, PCMU
from callfloor.server.media.player import PromptPlayer
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.recorder import Recorder
from callfloor.server.media.session import RtpSession
from tests.server.media.conftest import (
    HOST,
    Phone,
    audio_packets,
    closing,
    negotiated,
    rms,
    sine,
    until,
    write_wav,
)


@dataclass
class RecordedCall:
    """Legs ``a`` (caller, PCMU) and ``b`` (agent, PCMA), each fed by a far phone that plays prompts."""

    a: RtpSession
    b: RtpSession
    caller: PromptPlayer
    agent: PromptPlayer

    async def play(self, player: PromptPlayer, prompt: Path) -> None:
        done = asyncio.Event()
        player.play([prompt], on_done=done.set)
        await asyncio.wait_for(done.wait(), 5)


@asynccontextmanager
async def recorded_call() -> AsyncIterator[RecordedCall]:
    ports = PortAllocator()
    a, b, caller, agent = [await RtpSession.open(HOST, ports) for _ in range(4)]
    for ours, theirs, codec in ((a, caller, PCMU), (b, agent, PCMA)):
        ours.set_remote(negotiated(theirs.local_port, codec))
        theirs.set_remote(negotiated(ours.local_port, codec))
    call = RecordedCall(a, b, PromptPlayer(caller), PromptPlayer(agent))
    async with closing(a, b, caller, agent):
        try:
            yield call
        finally:
            call.caller.stop()
            call.agent.stop()
    assert ports.lent == frozenset()


def read(path: Path) -> tuple[wave._wave_params, bytes]:
    with wave.open(str(path), "rb") as wav:
        return wav.getparams(), wav.readframes(wav.getnframes())


def channel(pcm: bytes, index: int, channels: int = 2) -> bytes:
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)[index::channels]
    return struct.pack(f"<{len(samples)}h", *samples)


def seconds(pcm: bytes, start: float, end: float, channels: int = 1) -> bytes:
    """The samples between ``start`` and ``end`` seconds."""
    step = 2 * channels
    return pcm[round(start * 8000) * step : round(end * 8000) * step]


def test_mono_recording_mixes_both_legs_for_the_call_s_length(tmp_path: Path) -> None:
    hello, answer = (
        write_wav(tmp_path / "caller.wav", sine(0.6)),
        write_wav(tmp_path / "agent.wav", sine(0.4, 660)),
    )

    async def main() -> None:
        async with recorded_call() as call:
            recorder = Recorder(call.a, call.b, tmp_path / "call.wav")
            started = asyncio.get_running_loop().time()
            await asyncio.gather(call.play(call.caller, hello), call.play(call.agent, answer))
            await asyncio.sleep(0.1)
            recorder.close()
            elapsed = asyncio.get_running_loop().time() - started
            recorder.close()  # twice: nothing more
            params, pcm = read(tmp_path / "call.wav")
            assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 8000)
            assert params.nframes == recorder.frames * 160
            assert abs(params.nframes / 8000 - elapsed) < 0.1  # the wall-clock length of the call
            assert rms(seconds(pcm, 0.1, 0.35)) > 0.9 * rms(sine(0.5))  # both legs at once: louder than one
            assert rms(seconds(pcm, 0.5, 0.6)) > 1000  # the caller alone
            assert recorder.pauses == []

    asyncio.run(main())


def test_stereo_keeps_the_caller_left_and_a_silent_agent_silent(tmp_path: Path) -> None:
    hello = write_wav(tmp_path / "caller.wav", sine(0.5))

    async def main() -> None:
        async with recorded_call() as call:
            recorder = Recorder(call.a, call.b, tmp_path / "call.wav", stereo=True)
            await call.play(call.caller, hello)
            await asyncio.sleep(0.05)
            recorder.close()
            params, pcm = read(tmp_path / "call.wav")
            assert params.nchannels == 2
            assert params.nframes >= 0.5 * 8000
            left, right = channel(pcm, 0), channel(pcm, 1)
            assert abs(rms(left) - rms(sine(0.5))) < 0.15 * rms(sine(0.5))  # the whole prompt, unshifted
            assert right == bytes(len(right))

    asyncio.run(main())


def test_a_voicemail_records_the_caller_alone_and_ignores_stereo(tmp_path: Path) -> None:
    hello, answer = (
        write_wav(tmp_path / "caller.wav", sine(0.5)),
        write_wav(tmp_path / "agent.wav", sine(0.5, 660)),
    )

    async def main() -> None:
        async with recorded_call() as call:
            recorder = Recorder(call.a, None, tmp_path / "message.wav", stereo=True)
            await asyncio.gather(call.play(call.caller, hello), call.play(call.agent, answer))
            await asyncio.sleep(0.05)
            recorder.close()
            params, pcm = read(tmp_path / "message.wav")
            assert (params.nchannels, recorder.stereo, recorder.backlog[1]) == (1, False, 0)
            assert params.nframes == recorder.frames * 160 >= 0.5 * 8000
            # The caller's prompt only, not mixed with the agent's leg: as loud as one sine.
            assert abs(rms(seconds(pcm, 0.1, 0.4)) - rms(sine(0.5))) < 0.15 * rms(sine(0.5))

    asyncio.run(main())


def test_a_paused_span_is_written_as_silence_and_listed(tmp_path: Path) -> None:
    long_prompt = write_wav(tmp_path / "caller.wav", sine(1.2))

    async def main() -> None:
        async with recorded_call() as call:
            recorder = Recorder(call.a, call.b, tmp_path / "call.wav")
            playing = asyncio.ensure_future(call.play(call.caller, long_prompt))
            await asyncio.sleep(0.4)
            recorder.pause()
            recorder.pause()  # twice: one pause
            assert recorder.paused
            await asyncio.sleep(0.4)
            recorder.resume()
            await playing
            recorder.close()
            (pause,) = recorder.pauses
            assert pause.end is not None
            assert 0.3 < pause.start < 0.6 and 0.3 < pause.end - pause.start < 0.6
            _, pcm = read(tmp_path / "call.wav")
            assert seconds(pcm, pause.start, pause.end) == bytes(2 * round((pause.end - pause.start) * 8000))
            assert rms(seconds(pcm, 0.1, pause.start - 0.05)) > 1000
            assert rms(seconds(pcm, pause.end + 0.05, pause.end + 0.3)) > 1000

    asyncio.run(main())


def test_an_open_pause_is_closed_with_the_recording(tmp_path: Path) -> None:
    async def main() -> None:
        async with recorded_call() as call:
            recorder = Recorder(call.a, call.b, tmp_path / "call.wav")
            await asyncio.sleep(0.1)
            recorder.pause()
            await asyncio.sleep(0.1)
            recorder.close()
            assert recorder.pauses[-1].end == recorder.duration

    asyncio.run(main())


def test_a_burst_does_not_pile_up_in_memory(tmp_path: Path) -> None:
    async def main() -> None:
        ports = PortAllocator()
        phone = await Phone.open()
        a, b = await RtpSession.open(HOST, ports), await RtpSession.open(HOST, ports)
        a.set_remote(negotiated(phone.port))
        b.set_remote(negotiated(phone.port))
        recorder = Recorder(a, b, tmp_path / "burst.wav")
        heard: list[int] = []
        a.on_audio = lambda payload, packet: heard.append(packet.sequence)
        async with closing(recorder, a, b, phone):
            phone.send_rtp(a.local_port, audio_packets(50))  # a second of audio at once
            await until(lambda: len(heard) == 50)
            assert recorder.backlog[0] <= Recorder.MAX_BACKLOG * 320
            assert recorder.backlog[1] == 0

    asyncio.run(main())


def test_a_barging_voice_joins_the_agent_s_side_and_pauses_with_the_call(tmp_path: Path) -> None:
    voice = write_wav(tmp_path / "supervisor.wav", sine(0.3, 1750))

    async def main() -> None:
        ports = PortAllocator()
        leg, phone = await RtpSession.open(HOST, ports), await RtpSession.open(HOST, ports)
        leg.set_remote(negotiated(phone.local_port, PCMU))
        phone.set_remote(negotiated(leg.local_port, PCMU))
        supervisor = PromptPlayer(phone)
        async with recorded_call() as call, closing(leg, phone):
            recorder = Recorder(call.a, call.b, tmp_path / "call.wav", stereo=True)
            spans: list[tuple[int, int]] = []

            async def speak() -> None:  # the span of frames it took, in the file
                start = recorder.frames
                done = asyncio.Event()
                supervisor.play([voice], on_done=done.set)
                await asyncio.wait_for(done.wait(), 5)
                await asyncio.sleep(0.06)
                spans.append((start, recorder.frames))

            await speak()  # not added yet: not recorded
            recorder.add_voice(leg)
            recorder.add_voice(leg)  # twice: once
            recorder.add_voice(call.b)  # the agent's own leg: already recorded
            assert recorder.voices == (leg,)
            await speak()  # recorded, on the agent's side
            recorder.pause()
            await speak()  # paused: left out
            recorder.resume()
            await speak()  # recorded again
            recorder.remove_voice(leg)
            recorder.remove_voice(leg)  # twice: nothing more
            await speak()  # removed: not recorded
            recorder.close()
            assert leg._taps == []  # RtpSession has no public view of its taps
            _, pcm = read(tmp_path / "call.wav")
            left, right = channel(pcm, 0), channel(pcm, 1)
            assert left == bytes(len(left))  # never the caller's side

            def loud(span: tuple[int, int]) -> bool:
                return rms(right[span[0] * 320 : span[1] * 320]) > 1000

            assert [loud(span) for span in spans] == [False, True, False, True, False]
        supervisor.stop()
        assert ports.lent == frozenset()

    asyncio.run(main())
