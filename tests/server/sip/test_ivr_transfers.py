"""A flow's transfer to an outside number or to an agent's extension, with real peers: sipp dials
3950, whose flow is one ``transfer`` node (and a ``fallback`` hangup, "desole"); the number is
answered by sipp playing the provider's trunk (or refused 486), the agent by baresip (or not
registered, paused, never picking up). Answered, callfloor bridges the two legs until one hangs
up; refused, the flow goes on at its fallback."""

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.transfer import import_center
from callfloor.core.acd.model import AgentState
from callfloor.core.events import AgentPaused
from callfloor.server.sip.ivr_transfers import IvrTransfers
from callfloor.storage.models import InteractionEvent
from callfloor.storage.passwords import Passwords
from callfloor.yamlfile import parse_yaml
from tests.backends import ON_SQLITE
from tests.server.conftest import LiveSip
from tests.server.sip.keyed_caller import KeyedCaller
from tests.server.sip.phones import Floor
from tests.server.sip.test_callbacks import _customer, _record
from tests.server.sip.test_calls import DATA, wait_for
from tests.server.sip.test_outbound import _agent_state, _errors, _free_port
from tests.server.sip.test_transfers import log_of

pytestmark = ON_SQLITE  # signalling and media: SQLite only, see tests.backends

DIALED = "3950"
NUMBER = "+33612345678"  # the flow's target, as the trunk is asked to dial it


def _flow(sessions: sessionmaker[Session], passwords: Passwords, transfer: str) -> None:
    """The demo tenant's number 3950 leads to a flow whose start is ``transfer`` (a YAML node)."""
    center = (
        "ivr_flows:\n"
        f"  - {{name: poste, start: transfert, nodes: {{transfert: {transfer}, desole: {{type: hangup}}}}}}\n"
        f"numbers: [{{number: '{DIALED}', flow: poste}}]\n"
    )
    with sessions.begin() as session:
        import_center(session, "demo", parse_yaml(center, "center.yaml"), passwords)


def _caller(floor: Floor, seconds: float) -> subprocess.Popen[bytes]:
    """sipp dialing 3950, sending 8 s of audio, hanging up after ``seconds``."""
    command = [
        "sipp", f"127.0.0.1:{floor.live.port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
        "-m", "1", "-s", DIALED, "-d", str(int(seconds * 1000)), "-sf", str(DATA / "sipp" / "call.xml"),
        "-timeout", "60s", "-timeout_error", "-nostdin", "-trace_err",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=floor.tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    floor.processes.append(process)
    return process


def _hung_up_on(floor: Floor) -> subprocess.Popen[bytes]:
    """sipp dialing 3950 and waiting, silent, for our BYE."""
    process = KeyedCaller((), ends="hung_up", wait_s=40).start(floor.live.port, DIALED, floor.tmp_path)
    floor.processes.append(process)
    return process


def _watch(live: LiveSip, process: subprocess.Popen[bytes], sample: Callable[[], None]) -> None:
    """Run ``sample`` on the server's loop every 0.2 s until ``process`` ends (60 s at most)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        live.call(sample)
        time.sleep(0.2)


@dataclass
class Seen:
    """What the server's loop showed of the call while it lasted."""

    trail: list[str] = field(default_factory=list)
    caller_at_bridge: int | None = None  # packets from the caller when the bridge was first seen
    caller_rtp: int = 0  # from the caller since
    far_rtp: int = 0  # from the far end
    to_far: int = 0  # to the far end
    agent: tuple[AgentState, str | None] | None = None  # the agent's state while they talked

    def ivr(self, live: LiveSip) -> None:
        """The IVR trail of the call in progress."""
        for call in live.endpoint.calls.calls.values():
            if call.ivr is not None:
                self.trail = list(call.ivr.trail)

    def bridge(self, live: LiveSip) -> None:
        """The trail, and what the handover in progress relayed."""
        self.ivr(live)
        for handover in live.endpoint.ivr_transfers.handovers.values():
            far = handover.talking
            if far is None or handover.bridge is None:
                continue
            caller = handover.call.caller.rtp.stats.received
            if self.caller_at_bridge is None:
                self.caller_at_bridge = caller
            self.caller_rtp = caller - self.caller_at_bridge
            self.far_rtp, self.to_far = far.rtp.stats.received, far.rtp.sent
            if far.agent is not None:  # on the loop already: the floor as it is
                record = live.endpoint.floor(1).floor.acd.agents[far.agent]
                self.agent = (record.state, record.reason)


def _entries(sessions: sessionmaker[Session]) -> list[InteractionEvent]:
    with sessions() as session:
        return list(
            session.scalars(
                select(InteractionEvent)
                .where(InteractionEvent.interaction_id.is_not(None))
                .order_by(InteractionEvent.id)
            ).all()
        )


def _sent_to_trunk(floor: Floor) -> str:
    """What the provider's sipp exchanged (only it traces its messages)."""
    return "".join(p.read_text(errors="replace") for p in floor.tmp_path.glob("*messages.log"))


def _over(live: LiveSip) -> bool:
    transfers: IvrTransfers = live.endpoint.ivr_transfers
    return bool(
        live.call(
            lambda: not live.endpoint.calls.calls and not transfers.handovers and not len(transfers.legs)
        )
    )


def test_a_number_answers_the_transfer_and_the_caller_talks_to_it_until_they_hang_up(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _flow(sessions, passwords, "{type: transfer, to: number, target: '06 12 34 56 78', fallback: desole}")
    provider = _customer(floor, "provider_uas.xml")  # answers, then waits for our BYE
    caller = _caller(floor, 9)
    seen = Seen()
    _watch(live_sip, caller, lambda: seen.bridge(live_sip))
    assert caller.wait(timeout=10) == 0, _errors(floor.tmp_path)
    assert provider.wait(timeout=10) == 0, _errors(floor.tmp_path)  # it got our BYE
    assert seen.trail == ["transfert"], seen
    assert seen.far_rtp > 50 and seen.to_far > 50 and seen.caller_rtp > 50, seen  # relayed both ways
    assert wait_for(lambda: _over(live_sip), 5)
    sent = _sent_to_trunk(floor)
    assert f"INVITE sip:{NUMBER}@127.0.0.1" in sent
    assert "From: <sip:+33972000000@127.0.0.1>" in sent  # the trunk's caller ID
    assert 'Authorization: Digest username="0972000000"' in sent
    live_sip.committed()
    entries = _entries(sessions)
    assert [(e.type, e.payload["reason"]) for e in entries] == [("ivr_ended", "transfer")]
    assert 2 < entries[0].payload["talk_s"] < 7 < entries[0].payload["talk_s"] + entries[0].payload["wait_s"]
    row = _record(sessions, entries[0].interaction_id or "")
    assert (row.number, row.outcome, row.outcome_reason) == (NUMBER, "ivr_ended", "transfer")


def test_the_number_hanging_up_hangs_up_the_caller(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _flow(sessions, passwords, "{type: transfer, to: number, target: '0612345678'}")
    far_end = _customer(floor, "customer_uas.xml", seconds=2)  # answers, hangs up 2 s later
    caller = _hung_up_on(floor)
    assert far_end.wait(timeout=30) == 0, _errors(floor.tmp_path)
    assert caller.wait(timeout=10) == 0, _errors(floor.tmp_path)  # our BYE came
    assert wait_for(lambda: _over(live_sip), 5)
    live_sip.committed()
    assert log_of(sessions) == [("ivr_ended", None, "transfer")]


@pytest.mark.parametrize(("fallback", "trail", "ending"), [
    (", fallback: desole", ["transfert", "desole"], "hangup"),  # the fallback's own goodbye
    ("", ["transfert"], "transfer_failed"),
])  # fmt: skip
def test_a_busy_number_sends_the_caller_to_the_fallback_or_to_goodbye(
    floor: Floor,
    live_sip: LiveSip,
    sessions: sessionmaker[Session],
    passwords: Passwords,
    fallback: str,
    trail: list[str],
    ending: str,
) -> None:
    _flow(sessions, passwords, f"{{type: transfer, to: number, target: '0612345678'{fallback}}}")
    busy = _customer(floor, "customer_busy.xml")
    caller = _hung_up_on(floor)
    seen = Seen()
    _watch(live_sip, caller, lambda: seen.ivr(live_sip))
    assert caller.wait(timeout=10) == 0, _errors(floor.tmp_path)  # goodbye, then our BYE
    assert busy.wait(timeout=10) == 0, _errors(floor.tmp_path)
    assert "SIP/2.0 486 Busy Here" in _sent_to_trunk(floor)
    assert seen.trail == trail
    assert wait_for(lambda: _over(live_sip), 5)
    live_sip.committed()
    assert log_of(sessions) == [("ivr_ended", None, ending)]


def test_an_agent_answers_the_extension_and_is_kept_from_the_queues_meanwhile(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _flow(sessions, passwords, "{type: transfer, to: agent, target: '1001', fallback: desole}")
    floor.agent("1001")
    caller = _caller(floor, 9)
    seen = Seen()
    _watch(live_sip, caller, lambda: seen.bridge(live_sip))
    assert caller.wait(timeout=10) == 0, _errors(floor.tmp_path)
    assert seen.agent == (AgentState.PAUSED, "direct"), seen  # no queue's call offered meanwhile
    assert seen.far_rtp > 50 and seen.to_far > 50 and seen.caller_rtp > 50, seen
    assert wait_for(lambda: _over(live_sip), 5)
    assert _agent_state(live_sip, "1001") == (AgentState.READY, None)  # and back after
    live_sip.committed()
    entries = _entries(sessions)
    assert [(e.type, e.payload["agent"], e.payload["reason"]) for e in entries] == [
        ("ivr_ended", "1001", "transfer")
    ]
    assert 2 < entries[0].payload["talk_s"] < 7


def _paused_for_lunch(floor: Floor) -> None:
    floor.agent("1001")
    live = floor.live
    live.call(lambda: live.endpoint.floor(1).handle(AgentPaused("1001", "lunch")))


@pytest.mark.parametrize("agent", ["not registered", "paused for lunch"])
def test_an_agent_who_cannot_take_the_call_sends_the_caller_to_the_fallback(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session], passwords: Passwords, agent: str
) -> None:
    _flow(sessions, passwords, "{type: transfer, to: agent, target: '1001', fallback: desole}")
    if agent == "paused for lunch":
        _paused_for_lunch(floor)
    caller = _hung_up_on(floor)
    seen = Seen()
    _watch(live_sip, caller, lambda: seen.ivr(live_sip))
    assert caller.wait(timeout=10) == 0, _errors(floor.tmp_path)
    assert seen.trail == ["transfert", "desole"]
    expected = (AgentState.PAUSED, "lunch") if agent == "paused for lunch" else (AgentState.LOGGED_OUT, None)
    assert _agent_state(live_sip, "1001") == expected  # untouched
    live_sip.committed()
    assert log_of(sessions) == [("ivr_ended", None, "hangup")]


@pytest.mark.parametrize(
    ("caller_does", "ending"),
    [
        (None, "hangup"),  # it rings out (3 s here): the fallback's goodbye, then our BYE
        ("wait:4.5", "caller_hung_up"),  # the caller hangs up while it rings (the prompt takes 2.8 s)
    ],
)
def test_a_phone_left_ringing_is_cancelled_and_the_agent_freed(
    floor: Floor,
    live_sip: LiveSip,
    sessions: sessionmaker[Session],
    passwords: Passwords,
    caller_does: str | None,
    ending: str,
) -> None:
    _flow(sessions, passwords, "{type: transfer, to: agent, target: '1001', fallback: desole}")
    live_sip.endpoint.ivr_transfers.ring_timeout_s = 3.0
    phone_port = _free_port()
    phone = subprocess.Popen(  # the phone of agent 1001: rings, never picked up
        ["sipp", "-i", "127.0.0.1", "-p", str(phone_port), "-m", "1", "-sf", str(DATA / "sipp" / "ringing_agent.xml"),
         "-timeout", "60s", "-timeout_error", "-nostdin", "-trace_err"],
        cwd=floor.tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    floor.processes.append(phone)
    register = [
        "sipp", f"127.0.0.1:{live_sip.port}", "-i", "127.0.0.1", "-p", "0", "-m", "1", "-s", "1001",
        "-au", "1001", "-ap", live_sip.passwords["1001"], "-set", "contact_port", str(phone_port),
        "-sf", str(DATA / "sipp" / "register_contact.xml"), "-timeout", "15s", "-timeout_error", "-nostdin",
    ]  # fmt: skip
    registered = subprocess.run(register, cwd=floor.tmp_path, capture_output=True, timeout=30, check=False)
    assert registered.returncode == 0
    if caller_does is None:
        caller = _hung_up_on(floor)
    else:
        caller = KeyedCaller((caller_does,)).start(live_sip.port, DIALED, floor.tmp_path)
        floor.processes.append(caller)
    seen = Seen()
    _watch(live_sip, caller, lambda: seen.ivr(live_sip))
    assert caller.wait(timeout=10) == 0, _errors(floor.tmp_path)
    assert phone.wait(timeout=10) == 0, _errors(floor.tmp_path)  # rung, then CANCELled
    assert seen.trail == (["transfert", "desole"] if caller_does is None else ["transfert"])
    assert wait_for(lambda: _over(live_sip), 5)
    assert _agent_state(live_sip, "1001") == (AgentState.READY, None)
    live_sip.committed()
    assert log_of(sessions) == [("ivr_ended", None, ending)]
