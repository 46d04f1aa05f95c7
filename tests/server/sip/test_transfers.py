"""Agents' commands on a live call, with real phones: hold, blind transfer (from the API's
commands and by REFER from the phone), attended transfer, three-way conference.

The caller is sipp (``call.xml``), the agents are baresip answering at once (or sipp sending
REFER); the commands are the CallManager's methods that the API calls, run on the server's loop.
"""

import socket
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.server.sip.calls import CallControlError
from callfloor.storage.models import InteractionEvent
from tests.backends import ON_SQLITE
from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor
from tests.server.sip.test_calls import DATA, wait_for

pytestmark = ON_SQLITE  # signalling and media: SQLite only, see tests.backends


def log_of(sessions: sessionmaker[Session]) -> list[tuple[str, str | None, str | None]]:
    """(type, agent, reason) of every interaction entry, in order."""
    with sessions() as session:
        entries = session.scalars(
            select(InteractionEvent)
            .where(InteractionEvent.interaction_id.is_not(None))
            .order_by(InteractionEvent.id)
        ).all()
    return [(e.type, e.payload.get("agent"), e.payload.get("reason")) for e in entries]


def test_hold_resume_and_blind_transfer_back_to_the_queue(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    floor.agent("1001")
    floor.agent("1002")
    caller = floor.caller(14)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    with pytest.raises(CallControlError, match="not on hold"):
        floor.command("resume")
    floor.command("hold")
    call = floor.until(lambda c: c.state == "held")
    assert call.player.playing and call.bridge is not None and not call.bridge.running  # music, not the agent
    with pytest.raises(CallControlError, match="on hold already"):
        floor.command("hold")
    time.sleep(1)
    floor.command("resume")
    call = floor.until(lambda c: c.state == "talking")
    assert not call.player.playing and call.bridge is not None and call.bridge.running
    with pytest.raises(CallControlError, match="Refused"):
        floor.command("transfer", queue="nowhere")
    floor.command("transfer", queue="accueil")  # round robin: 1002 is next
    call = floor.until(lambda c: c.state == "talking" and c.agent == "1002")
    assert call.caller.rtp.stats.received > 0
    caller.wait(timeout=30)
    assert caller.returncode == 0
    assert wait_for(lambda: live_sip.call(lambda: not live_sip.endpoint.calls.calls), 5)
    live_sip.committed()
    assert log_of(sessions) == [
        ("enqueued", None, None),
        ("offered", "1001", None),
        ("answered", "1001", None),
        ("held", "1001", None),
        ("resumed", "1001", None),
        ("transferred", "1001", "agent"),
        ("completed", "1001", "transfer"),
        ("enqueued", None, "transfer"),
        ("offered", "1002", None),
        ("answered", "1002", "transfer"),
        ("completed", "1002", None),
    ]
    live_sip.committed()  # the group commit writes within 20 ms
    with sessions() as session:
        first = session.scalars(select(InteractionEvent).where(InteractionEvent.type == "completed")).first()
        assert first is not None and first.payload["hold_s"] >= 1


def sipp_phone(
    live: LiveSip, extension: str, scenario: str, tmp_path: Path, *extra: str
) -> subprocess.Popen[bytes]:
    """sipp as ``extension``'s phone (a UAS running ``scenario``), registered from its port."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    phone = subprocess.Popen(
        ["sipp", "-i", "127.0.0.1", "-p", str(port), "-m", "1", "-sf", str(DATA / "sipp" / scenario),
         "-timeout", "40s", "-timeout_error", "-nostdin", "-trace_err", *extra],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    register = [
        "sipp", f"127.0.0.1:{live.port}", "-i", "127.0.0.1", "-p", "0", "-m", "1", "-s", extension,
        "-au", extension, "-ap", live.passwords[extension], "-set", "contact_port", str(port),
        "-sf", str(DATA / "sipp" / "register_contact.xml"), "-timeout", "15s", "-timeout_error", "-nostdin",
    ]  # fmt: skip
    assert (
        subprocess.run(register, cwd=tmp_path, capture_output=True, timeout=30, check=False).returncode == 0
    )
    return phone


def test_refer_from_the_agents_phone_is_a_blind_transfer(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    # Agent 1001's phone is sipp: it answers, then REFERs the caller to agent 1002.
    phone = sipp_phone(live_sip, "1001", "refer_agent.xml", tmp_path, "-set", "refer_to", "1002")
    floor.processes.append(phone)
    floor.agent("1002")
    caller = floor.caller(8)
    floor.until(lambda c: c.state == "talking" and c.agent == "1002", 20)
    phone.wait(timeout=20)
    assert phone.returncode == 0, "".join(
        p.read_text(errors="replace") for p in tmp_path.glob("refer*errors.log")
    )
    caller.wait(timeout=30)
    assert caller.returncode == 0
    assert wait_for(lambda: live_sip.call(lambda: not live_sip.endpoint.calls.calls), 5)
    live_sip.committed()
    steps = log_of(sessions)
    assert steps[:7] == [
        ("enqueued", None, None),
        ("offered", "1001", None),
        ("answered", "1001", None),
        ("transferred", "1001", "agent"),
        ("completed", "1001", "transfer"),
        ("offered", "1002", None),
        ("answered", "1002", "transfer"),
    ]


def test_attended_transfer_through_a_conference(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    for extension in ("1001", "1002", "1003"):
        floor.agent(extension)
    caller = floor.caller(16)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    with pytest.raises(CallControlError, match="not available"):
        floor.command("consult", "1005")  # no phone registered: not on the floor
    with pytest.raises(CallControlError, match="No consulted agent"):
        floor.command("complete_transfer")
    floor.command("consult", "1003")
    call = floor.until(lambda c: c.state == "consulting" and c.consult is not None and c.consult.answered)
    assert call.held and call.player.playing  # the caller hears music while the agents talk
    assert call.consult_bridge is not None and call.consult_bridge.running
    agents = live_sip.call(
        lambda: {a: r.state.value for a, r in live_sip.endpoint.floor(1).floor.acd.agents.items()}
    )
    assert isinstance(agents, dict) and agents["1003"] == "paused"  # consulted: offered nothing meanwhile
    time.sleep(1)
    floor.command("conference")
    call = floor.until(lambda c: c.state == "conference")
    assert call.conference is not None and len(call.conference.participants) == 3 and not call.held
    time.sleep(1)
    received = live_sip.call(
        lambda: [leg.rtp.stats.received for leg in (call.caller, call.agent_leg, call.consult)]
    )
    assert isinstance(received, list) and all(n > 0 for n in received), received
    floor.command("complete_transfer")
    call = floor.until(lambda c: c.state == "talking" and c.agent == "1003")
    assert call.conference is None and call.bridge is not None and call.bridge.running
    caller.wait(timeout=30)
    assert caller.returncode == 0
    assert wait_for(lambda: live_sip.call(lambda: not live_sip.endpoint.calls.calls), 5)
    live_sip.committed()
    steps = log_of(sessions)
    assert steps == [
        ("enqueued", None, None),
        ("offered", "1001", None),
        ("answered", "1001", None),
        ("held", "1001", None),
        ("resumed", "1001", None),  # the conference took the caller off hold
        ("transferred", "1001", "agent"),
        ("completed", "1001", "transfer"),
        ("offered", "1003", None),
        ("answered", "1003", "transfer"),
        ("completed", "1003", None),
    ]


def test_a_consultation_given_up_brings_the_caller_back(floor: Floor, live_sip: LiveSip) -> None:
    for extension in ("1001", "1002"):
        floor.agent(extension)
    caller = floor.caller(8)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    floor.command("consult", "1002")
    floor.until(lambda c: c.consult is not None and c.consult.answered)
    floor.command("cancel_consult")
    call = floor.until(lambda c: c.state == "talking")
    assert call.agent == "1001" and call.bridge is not None and call.bridge.running
    agents = live_sip.call(
        lambda: {a: r.state.value for a, r in live_sip.endpoint.floor(1).floor.acd.agents.items()}
    )
    assert isinstance(agents, dict) and agents["1002"] == "ready"
    caller.wait(timeout=30)
    assert caller.returncode == 0


def test_attended_transfer_to_a_queue_consults_the_agent_it_would_ring(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    floor.agent("1001")
    floor.agent("1003")  # sav 9; no ventes skill
    caller = floor.caller(16)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    with pytest.raises(CallControlError, match="No agent of queue ventes is ready: transfer blind") as none:
        floor.command("consult_queue", "ventes")  # its one agent on the floor is 1001, on this call
    assert (none.value.status, none.value.error_id) == (409, "no_agent_ready")
    assert "transférez en aveugle" in none.value.fr
    with pytest.raises(CallControlError, match="No such queue"):
        floor.command("consult_queue", "nowhere")
    call = floor.call()
    assert call.state == "talking" and not call.held and call.consult is None  # nothing happened
    floor.command("consult_queue", "sav")
    call = floor.until(lambda c: c.state == "consulting" and c.consult is not None and c.consult.answered)
    assert call.consulted == "1003" and call.held and call.player.playing
    assert call.consult_bridge is not None and call.consult_bridge.running  # the two agents talk
    agents = live_sip.call(
        lambda: {a: (r.state.value, r.reason) for a, r in live_sip.endpoint.floor(1).floor.acd.agents.items()}
    )
    assert isinstance(agents, dict) and agents["1003"] == ("paused", "consult")
    floor.command("complete_transfer")
    call = floor.until(lambda c: c.state == "talking" and c.agent == "1003")
    assert call.bridge is not None and call.bridge.running and not call.held and call.consult is None
    assert call.queue == "accueil"  # an agent transfer: the call keeps its queue
    time.sleep(1)
    leg = call.agent_leg
    assert leg is not None and leg.agent == "1003"
    assert live_sip.call(lambda: call.caller.rtp.stats.received > 0 and leg.rtp.stats.received > 0)
    agents = live_sip.call(
        lambda: {a: r.state.value for a, r in live_sip.endpoint.floor(1).floor.acd.agents.items()}
    )
    assert isinstance(agents, dict) and agents["1001"] == "ready" and agents["1003"] == "busy"
    caller.wait(timeout=30)
    assert caller.returncode == 0
    assert wait_for(lambda: live_sip.call(lambda: not live_sip.endpoint.calls.calls), 5)
    live_sip.committed()
    assert log_of(sessions) == [
        ("enqueued", None, None),
        ("offered", "1001", None),
        ("answered", "1001", None),
        ("held", "1001", None),
        ("transferred", "1001", "agent"),
        ("completed", "1001", "transfer"),
        ("offered", "1003", None),
        ("answered", "1003", "transfer"),
        ("completed", "1003", None),
    ]
