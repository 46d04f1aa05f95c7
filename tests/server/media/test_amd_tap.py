"""Answering-machine detection on a live leg: a bare-socket phone talks synthetic speech into a session."""

import asyncio
from dataclasses import dataclass, field

import pytest

from callfloor.core.media.amd import AmdReason, AmdResult, AmdSettings, AmdVerdict
from callfloor.core.media.rtp import RtpPacket
from callfloor.core.sip.offer_answer import PCMA, PCMU, Codec
from callfloor.server.media.amd_tap import PLAYOUT_S, AmdTap
from callfloor.server.media.session import RtpSession
from callfloor.server.media.tracks import ENCODERS
from tests.core.media.test_amd import pcm, silence, voice
from tests.server.media.conftest import Phone, until, wired

FRAME_OCTETS = 320  # 20 ms of 16-bit PCM


@dataclass
class Heard:
    """The verdicts a tap handed over, with the loop's time of each."""

    verdicts: list[tuple[AmdResult, float]] = field(default_factory=list)

    def __call__(self, result: AmdResult) -> None:
        self.verdicts.append((result, asyncio.get_running_loop().time()))


async def talk(
    phone: Phone, session: RtpSession, signal: bytes, *, ssrc: int = 0x5EED, first: int = 7000
) -> None:
    """``signal`` (16-bit PCM) in the session's codec, one packet every 20 ms of the loop's clock."""
    assert session.codec is not None
    encode, loop = ENCODERS[session.codec.encoding], asyncio.get_running_loop()
    start = loop.time()
    for i in range(0, len(signal) // FRAME_OCTETS):
        payload = encode(signal[i * FRAME_OCTETS : (i + 1) * FRAME_OCTETS])
        packet = RtpPacket(
            session.codec.payload_type, first + i, 3_000_000 + 160 * (first + i), ssrc, payload
        )
        phone.send_rtp(session.local_port, [packet])
        await asyncio.sleep(max(0.0, start + (i + 1) * 0.02 - loop.time()))


#: How late a verdict may come on a loaded machine (CI shares two cores with the live SIP tests):
#: the audio is paced in real time, so a busy loop delays what is heard, never advances it.
LATE_S = 0.5


def on_time(measured: float, expected: float) -> None:
    """Not before ``expected`` (less the packets' jitter), and not much after it."""
    assert expected - 0.06 <= measured <= expected + LATE_S, (measured, expected)


@pytest.mark.parametrize("codec", [PCMU, PCMA])
def test_a_long_greeting_is_a_machine_told_once_then_the_tap_stops(codec: Codec) -> None:
    async def main() -> None:
        async with wired(codec) as (phone, session):
            heard = Heard()
            tap = AmdTap(session, heard)
            await talk(phone, session, pcm(silence(0.2) + voice(2.2)))
            await asyncio.sleep(0.9)  # past any deadline: nothing more is said
            ((result, _),) = heard.verdicts
            assert (result.verdict, result.reason) == (AmdVerdict.MACHINE, AmdReason.LONG_GREETING)
            assert result.after_s is not None
            on_time(result.after_s, 0.2 + 1.5 + PLAYOUT_S)
            assert not tap.listening

    asyncio.run(main())


def test_a_short_greeting_then_no_packet_is_a_person_when_the_timer_says_so() -> None:
    async def main() -> None:
        async with wired() as (phone, session):
            heard = Heard()
            tap = AmdTap(session, heard)
            await talk(phone, session, pcm(silence(0.3) + voice(0.5)))  # "Allô ?", then the phone is quiet
            spoken = asyncio.get_running_loop().time()
            await until(lambda: bool(heard.verdicts), 3.0)
            ((result, at),) = heard.verdicts
            assert (result.verdict, result.reason) == (AmdVerdict.HUMAN, AmdReason.SILENCE_AFTER_GREETING)
            assert result.decided_at == pytest.approx(at, abs=0.01)  # on the loop's clock
            on_time(at - spoken, 0.8 + PLAYOUT_S)
            assert result.greeting_s == pytest.approx(0.5, abs=0.03)
            assert not tap.listening

    asyncio.run(main())


def test_a_silent_line_is_notsure_at_the_end_of_the_window_and_no_later() -> None:
    async def main() -> None:
        async with wired() as (phone, session):
            heard = Heard()
            AmdTap(session, heard, AmdSettings(analysis_window_s=1.0))
            start = asyncio.get_running_loop().time()
            await talk(phone, session, pcm(silence(0.4)))  # digital silence, then nothing
            await until(lambda: bool(heard.verdicts), 2.0)
            ((result, at),) = heard.verdicts
            assert (result.verdict, result.reason) == (AmdVerdict.NOTSURE, AmdReason.NO_SPEECH)
            on_time(at - start, 1.0)

    asyncio.run(main())


def test_a_new_source_goes_on_where_the_first_stopped() -> None:
    # 0.8 s of greeting from one SSRC, then 0.9 s more from another with unrelated timestamps
    # (the carrier switched streams): one greeting of 1.7 s, a machine.
    async def main() -> None:
        async with wired() as (phone, session):
            heard = Heard()
            AmdTap(session, heard)
            await talk(phone, session, pcm(voice(0.8)))
            await talk(phone, session, pcm(voice(0.9, seed=2)), ssrc=0xB0B, first=20)
            ((result, _),) = heard.verdicts
            assert (result.verdict, result.reason) == (AmdVerdict.MACHINE, AmdReason.LONG_GREETING)

    asyncio.run(main())


def test_a_stopped_tap_says_nothing_and_hears_nothing() -> None:
    async def main() -> None:
        async with wired() as (phone, session):
            heard = Heard()
            tap = AmdTap(session, heard, AmdSettings(analysis_window_s=0.5))
            await talk(phone, session, pcm(voice(0.3)))
            tap.stop()
            tap.stop()
            await talk(phone, session, pcm(voice(2.0)))
            await asyncio.sleep(0.3)  # past the window
            assert heard.verdicts == []
            assert tap.detector.result.verdict is AmdVerdict.UNDECIDED

    asyncio.run(main())
