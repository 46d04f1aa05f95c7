"""Callbacks with real peers: sipp calls the demo's 3900 and waits in the accueil queue with no
agent staffed; the caller asks to be called back (``request_callback``, as the queue's callback
dialogue will), hears the confirmation and is hung up, keeping their place. Then an agent's
phone registers (baresip; or sipp, refusing or never picking up), is rung, answers, and
callfloor calls the customer back through the tenant's trunk (sipp playing the provider and the
customer behind it): answered, the two are bridged; busy, the callback ends; not taken by the
agent, it waits for the next one."""

import subprocess
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.acd.model import AgentState, InteractionState
from callfloor.server.sip.calls import Call, CallControlError
from callfloor.storage.interactions import Interaction
from tests.backends import ON_SQLITE
from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor
from tests.server.sip.test_calls import DATA, wait_for
from tests.server.sip.test_outbound import _errors, _free_port
from tests.server.sip.test_transfers import log_of
from tests.server.sip.test_trunks import Config, listening

pytestmark = ON_SQLITE  # signalling and media: SQLite only, see tests.backends

CALLER_NUMBER = "0612345678"  # call_hung_up.xml's From
CALLED_BACK = "+33612345678"  # as the trunk is asked to dial it (E.164, no prefix)


def _customer(floor: Floor, scenario: str, seconds: float = 4) -> subprocess.Popen[bytes]:
    """sipp as the provider's trunk and the customer behind it, registered as the tenant's trunk."""
    port = _free_port()
    command = [
        "sipp", "-i", "127.0.0.1", "-p", str(port), "-mi", "127.0.0.1", "-mp", "0", "-m", "1", "-t", "u1",
        "-sf", str(DATA / "sipp" / scenario), "-d", str(int(seconds * 1000)),
        "-timeout", "90s", "-timeout_error", "-nostdin", "-trace_err", "-trace_msg",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=floor.tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    floor.processes.append(process)
    assert wait_for(lambda: listening(port, "udp"), 10), "sipp does not listen"
    trunk = Config(
        1, "operateur", "127.0.0.1", port, "trunk-secret", register=False, caller_id="+33972000000"
    )
    live = floor.live
    live.call(lambda: live.endpoint.trunks.load([trunk], live.loop.time()))
    return process


def _called_back_later(floor: Floor) -> Call:
    """A caller waiting in accueil, nobody staffed, who asks for a callback and is hung up."""
    live = floor.live
    command = [
        "sipp", f"127.0.0.1:{live.port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
        "-m", "1", "-s", "3900", "-sf", str(DATA / "sipp" / "call_hung_up.xml"),
        "-timeout", "60s", "-timeout_error", "-nostdin", "-trace_err",
    ]  # fmt: skip
    caller = subprocess.Popen(
        command, cwd=floor.tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    floor.processes.append(caller)
    call = floor.until(lambda c: c.state == "queued", 30)  # after the welcome prompt
    manager = live.endpoint.calls
    assert live.call(lambda: manager.request_callback(call, CALLER_NUMBER)) == CALLED_BACK
    assert call.state == "callback"
    assert caller.wait(timeout=40) == 0, _errors(floor.tmp_path)  # our BYE, after the confirmation
    assert wait_for(lambda: live.call(lambda: not manager.calls), 5)
    assert _state(live, call.id) is InteractionState.CALLBACK_WAITING  # no abandon: its place is kept
    return call


def _state(live: LiveSip, interaction: str) -> InteractionState | None:
    def read() -> InteractionState | None:
        record = live.endpoint.floor(1).floor.acd.interactions.get(interaction)
        return record.state if record is not None else None

    state = live.call(read)
    assert state is None or isinstance(state, InteractionState)
    return state


def _record(sessions: sessionmaker[Session], interaction: str) -> Interaction:
    def written() -> bool:
        with sessions() as session:
            return (
                session.scalars(select(Interaction).where(Interaction.interaction_id == interaction)).first()
                is not None
            )

    assert wait_for(written, 10), "the call's record was not written"
    with sessions() as session:
        return session.scalars(select(Interaction).where(Interaction.interaction_id == interaction)).one()


def _sent_to_provider(floor: Floor) -> str:
    return "".join(p.read_text(errors="replace") for p in floor.tmp_path.glob("customer_*messages.log"))


def test_a_callback_rings_the_agent_then_calls_the_customer_and_bridges_them(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    call = _called_back_later(floor)
    customer = _customer(floor, "customer_uas.xml", seconds=4)
    floor.agent("1001")  # logs in ready: the callback is theirs
    callbacks = live_sip.endpoint.callbacks
    seen: dict[str, int | bool] = {"bridged": False, "agent_rtp": 0, "customer_rtp": 0}

    def sample() -> None:
        for callback in callbacks.callbacks.values():
            attempt = callback.attempt
            if attempt is None or attempt.agent_leg is None or attempt.customer is None:
                continue
            seen["bridged"] = seen["bridged"] or attempt.bridge is not None
            seen["agent_rtp"] = max(int(seen["agent_rtp"]), attempt.agent_leg.rtp.stats.received)
            seen["customer_rtp"] = max(int(seen["customer_rtp"]), attempt.customer.rtp.stats.received)
            seen["agent_state"] = live_sip.endpoint.floor(1).floor.acd.agents["1001"].state is AgentState.BUSY

    deadline = time.monotonic() + 60
    while customer.poll() is None and time.monotonic() < deadline:
        live_sip.call(sample)
        time.sleep(0.2)
    assert customer.wait(timeout=10) == 0, _errors(floor.tmp_path)  # it hung up: our 200 to its BYE
    assert seen["bridged"] and seen["agent_state"], seen
    assert int(seen["agent_rtp"]) > 50 and int(seen["customer_rtp"]) > 50, seen  # audio both ways
    assert wait_for(lambda: live_sip.call(lambda: not callbacks.callbacks), 5)
    assert _state(live_sip, call.id) is None
    sent = _sent_to_provider(floor)
    assert f"INVITE sip:{CALLED_BACK}@127.0.0.1" in sent
    assert "From: <sip:+33972000000@127.0.0.1>" in sent  # the trunk's caller ID
    assert 'Authorization: Digest username="0972000000"' in sent
    live_sip.committed()
    assert log_of(sessions) == [
        ("enqueued", None, None),
        ("callback_requested", None, None),
        ("dialed", "1001", None),
        ("answered", "1001", "callback"),
        ("completed", "1001", None),
    ]
    row = _record(sessions, call.id)  # begun by the first call, ended by the callback's
    assert (row.number, row.direction, row.queue, row.agent) == (CALLED_BACK, "inbound", "accueil", "1001")
    assert (row.outcome, row.talk_s is not None and row.talk_s > 2) == ("completed", True)


def test_a_customer_who_does_not_answer_ends_the_callback_and_frees_the_agent(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    call = _called_back_later(floor)
    customer = _customer(floor, "customer_busy.xml")
    floor.agent("1001")
    assert customer.wait(timeout=60) == 0, _errors(floor.tmp_path)
    assert "SIP/2.0 486 Busy Here" in _sent_to_provider(floor)  # past the digest challenge
    callbacks = live_sip.endpoint.callbacks
    assert wait_for(lambda: live_sip.call(lambda: not callbacks.callbacks), 10)
    ready = lambda: live_sip.call(  # noqa: E731
        lambda: live_sip.endpoint.floor(1).floor.acd.agents["1001"].state is AgentState.READY
    )
    assert wait_for(ready, 10)  # their phone was hung up, they are free again
    live_sip.committed()
    assert log_of(sessions) == [
        ("enqueued", None, None),
        ("callback_requested", None, None),
        ("dialed", "1001", None),
        ("no_answer", "1001", "callback"),
    ]
    row = _record(sessions, call.id)
    assert (row.number, row.outcome, row.outcome_reason) == (CALLED_BACK, "callback_no_answer", "callback")


@pytest.mark.parametrize("phone", ["busy_agent.xml", "ringing_agent.xml"])  # 486; rings out (15 s)
def test_a_callback_the_agent_does_not_take_waits_for_the_next_agent(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session], phone: str
) -> None:
    call = _called_back_later(floor)
    manager = live_sip.endpoint.calls
    with pytest.raises(CallControlError, match="not waiting"):  # asked twice: refused, nothing changed
        live_sip.call(lambda: manager.request_callback(call, CALLER_NUMBER))
    customer = _customer(floor, "customer_uas.xml", seconds=2)
    busy_port = _free_port()
    busy = subprocess.Popen(  # the phone of agent 1001
        ["sipp", "-i", "127.0.0.1", "-p", str(busy_port), "-m", "1", "-sf", str(DATA / "sipp" / phone),
         "-timeout", "60s", "-timeout_error", "-nostdin", "-trace_err"],
        cwd=floor.tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    floor.processes.append(busy)
    register = [
        "sipp", f"127.0.0.1:{live_sip.port}", "-i", "127.0.0.1", "-p", "0", "-m", "1", "-s", "1001",
        "-au", "1001", "-ap", live_sip.passwords["1001"], "-set", "contact_port", str(busy_port),
        "-sf", str(DATA / "sipp" / "register_contact.xml"), "-timeout", "15s", "-timeout_error", "-nostdin",
    ]  # fmt: skip
    assert (
        subprocess.run(register, cwd=floor.tmp_path, capture_output=True, timeout=30, check=False).returncode
        == 0
    )
    assert busy.wait(timeout=60) == 0, _errors(floor.tmp_path)  # rung, and refused or withdrawn

    def paused() -> bool:
        agent = live_sip.endpoint.floor(1).floor.acd.agents["1001"]
        return (agent.state, agent.reason) == (AgentState.PAUSED, "no_answer")

    assert wait_for(lambda: live_sip.call(paused), 10)
    assert _state(live_sip, call.id) is InteractionState.CALLBACK_WAITING  # not lost
    floor.agent("1002")  # the next agent takes it
    assert customer.wait(timeout=60) == 0, _errors(floor.tmp_path)
    callbacks = live_sip.endpoint.callbacks
    assert wait_for(lambda: live_sip.call(lambda: not callbacks.callbacks), 5)
    live_sip.committed()
    assert log_of(sessions) == [
        ("enqueued", None, None),
        ("callback_requested", None, None),
        ("dialed", "1001", None),
        ("no_answer", "1001", None),  # the agent's miss, not the customer's
        ("dialed", "1002", None),
        ("answered", "1002", "callback"),
        ("completed", "1002", None),
    ]
    assert (_record(sessions, call.id).outcome, _record(sessions, call.id).agent) == ("completed", "1002")
