"""A campaign with answering-machine detection dialed live: sipp as the trunk and the callee, who
plays a recorded sample of tests/data/amd (a voicemail greeting, or a person's "Oui, allô ?"),
baresip as the agent.

The floor, its clock and its leads are :mod:`tests.server.sip.campaign_floor`'s. The callee's
number says how long it stays on the line (tests/data/sipp/campaign_amd_customer.xml).
"""

import re
import struct
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.media.rtp import RtpPacket, build_rtp
from callfloor.server.campaigns import CampaignRuns
from callfloor.testing.ulaw_wav import read_ulaw_wav
from tests.backends import ON_SQLITE
from tests.server.sip.campaign_floor import attempts, campaign, leads, start
from tests.server.sip.phones import Floor
from tests.server.sip.test_callbacks import _customer
from tests.server.sip.test_calls import DATA, wait_for
from tests.server.sip.test_outbound import _errors

pytestmark = ON_SQLITE  # signalling and media: SQLite only, see tests.backends

# The detector's verdicts on them: a machine 2.4 s into the greeting; a person 1.7 s into "Oui, allô ?"
MACHINE = DATA / "amd" / "machine_fr_00_bonjour-vous-etes-bien-s_white.wav"
PERSON = DATA / "amd" / "human_fr_01_oui-allo_white.wav"
WAITS, TALKS, HANGS_UP = "+33612000005", "+33612000003", "+33612000001"  # see the sipp scenario
MESSAGE_S = 14.9  # src/callfloor/prompts/common/machine_message.wav


def write_pcap(path: Path, sample: Path) -> None:
    """The sample's µ-law as sipp's ``play_pcap_audio`` reads it: RTP in UDP in IPv4 in Ethernet,
    one 20 ms packet every 20 ms (libpcap file format, link type 1)."""
    audio = read_ulaw_wav(sample)
    records = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i in range(len(audio) // 160):
        rtp = build_rtp(RtpPacket(0, i, 160 * i, 0x5EED, audio[160 * i : 160 * (i + 1)], marker=i == 0))
        udp = struct.pack("!HHHH", 6000, 6000, 8 + len(rtp), 0) + rtp
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0, bytes(4), bytes(4))
        frame = bytes(12) + b"\x08\x00" + ip + udp  # addresses, ports and checksums: sipp sets its own
        records.append(struct.pack("<IIII", i // 50, i % 50 * 20000, len(frame), len(frame)) + frame)
    path.write_bytes(b"".join(records))


def callee(floor: Floor, sample: Path) -> subprocess.Popen[bytes]:
    """sipp as the tenant's trunk and the one callee behind it, who plays ``sample`` once answered."""
    write_pcap(floor.tmp_path / "callee.pcap", sample)
    return _customer(floor, "campaign_amd_customer.xml")


class Watch:
    """One lead's call, its callee playing a sample, looked at on the server's loop every 0.1 s
    while the test waits."""

    def __init__(
        self, floor: Floor, runs: CampaignRuns, sessions: sessionmaker[Session], sample: Path
    ) -> None:
        self.floor, self.runs, self.sessions = floor, runs, sessions
        self.agent_rang = self.bridged = self.over = False
        self.sent = 0  # packets sent to the callee (a recorded message, or the agent's voice)
        self.callee = callee(floor, sample)
        floor.agent("1001")
        start(floor.live, runs, "1001")

    def until(self, condition: Callable[[], bool], seconds: float) -> bool:
        """Wait for ``condition``, looking at the calls meanwhile."""

        def check() -> bool:
            self.look()
            return condition()

        return wait_for(check, seconds)

    def outcomes(self, seconds: float) -> list[tuple[str, str | None]]:
        """Wait for the attempt's outcome, the call's end and the callee's; (outcome, agent) of each attempt."""
        assert self.until(lambda: len(attempts(self.sessions)) == 1, seconds), "no outcome stored"
        assert self.until(lambda: self.over, seconds), "the call is not over"
        assert self.callee.wait(timeout=10) == 0, _errors(self.floor.tmp_path)
        return [(a.outcome, a.agent) for a in attempts(self.sessions)]

    def look(self) -> None:
        """What the calls and the agents do now."""

        def read() -> tuple[bool, bool, int, bool]:
            calls = list(self.runs.calls.calls.values())
            legs = [c.customer.rtp.sent for c in calls if c.customer is not None]
            agents = [a for run in self.runs.runs.values() for a in run.dialer.agents.values()]
            rang = any(c.agent_leg is not None for c in calls) or any(a.state == "talking" for a in agents)
            return rang, any(c.bridge is not None for c in calls), max(legs, default=0), not calls

        rang, bridged, sent, over = self.floor.live.call(read)  # type: ignore[misc]
        self.agent_rang |= rang
        self.bridged |= bridged
        self.sent, self.over = max(self.sent, sent), over


def bye_after_answer(floor: Floor) -> float | None:
    """Seconds from our ACK to the BYE that sipp, the callee, received; None when we sent none."""
    log = "".join(p.read_text(errors="replace") for p in floor.tmp_path.glob("*messages.log"))
    received = {
        method: datetime.fromisoformat(stamp)
        for stamp, method in re.findall(r"-+ (\S+ \S+)\nUDP message received \[\d+\] bytes :\s+(\w+) ", log)
    }
    return (received["BYE"] - received["ACK"]).total_seconds() if "BYE" in received else None


def test_a_voicemail_greeting_is_a_machine_and_hears_the_machine_message(
    floor: Floor, runs: CampaignRuns, sessions: sessionmaker[Session]
) -> None:
    campaign(sessions, [WAITS], amd=True, machine_message=True)
    call = Watch(floor, runs, sessions, MACHINE)
    assert call.outcomes(30) == [("machine", None)]
    bye = bye_after_answer(floor)
    assert bye is not None and bye > MESSAGE_S + 1, bye  # the greeting heard, the whole message, our BYE
    assert call.sent > 50 * (MESSAGE_S - 1), call.sent
    assert not call.agent_rang and not call.bridged
    assert leads(sessions)[WAITS].last_outcome == "machine"


def test_without_the_machine_message_a_voicemail_box_is_hung_up_on(
    floor: Floor, runs: CampaignRuns, sessions: sessionmaker[Session]
) -> None:
    campaign(sessions, [WAITS], amd=True)
    call = Watch(floor, runs, sessions, MACHINE)
    assert call.outcomes(15) == [("machine", None)]
    bye = bye_after_answer(floor)
    assert bye is not None and bye < 4.0, bye  # at the verdict, 2.4 s into the greeting
    assert call.sent == 0 and not call.agent_rang


def test_a_person_who_says_allo_is_put_through_to_the_agent(
    floor: Floor, runs: CampaignRuns, sessions: sessionmaker[Session]
) -> None:
    campaign(sessions, [TALKS], amd=True, machine_message=True)
    call = Watch(floor, runs, sessions, PERSON)
    assert call.outcomes(20) == [("answered", "1001")]
    assert call.bridged and call.agent_rang  # and so the machines' checks can see a ringing agent
    assert bye_after_answer(floor) is None  # the person hung up, after talking


def test_a_callee_who_hangs_up_while_the_detector_listens_is_a_no_answer(
    floor: Floor, runs: CampaignRuns, sessions: sessionmaker[Session]
) -> None:
    campaign(sessions, [HANGS_UP], amd=True, machine_message=True)
    call = Watch(floor, runs, sessions, MACHINE)  # hangs up at 1 s, the greeting undecided until 2.4 s
    assert call.outcomes(15) == [("no_answer", None)]
    lead = leads(sessions)[HANGS_UP]
    assert (lead.status, lead.last_outcome) == ("scheduled", "no_answer")
    assert not call.agent_rang and bye_after_answer(floor) is None
