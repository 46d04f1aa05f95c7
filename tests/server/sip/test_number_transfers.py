"""An agent's transfer to an outside number, blind or attended, with real peers: sipp calls the
demo's 3900, baresip (agent 1001) answers (or sipp, as a phone that hangs up), and the agent
transfers the caller to a mobile number; sipp plays the provider's trunk and the customer behind
it (answering after a digest challenge, busy, ringing for ever, or hanging up).

Blind: answered, the caller and the number talk until the caller hangs up; busy, the caller
hears goodbye and is hung up. Either way the agent is free as soon as they transfer.
Attended: the caller is held while the agent talks to the number; completed, the caller talks to
it and the agent's part ends as in a blind transfer; cancelled, refused, unanswered or hung up
on, the agent has the caller back."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callfloor.api.app import create_app
from callfloor.core.acd.model import AgentState
from callfloor.server.sip.calls import Call, CallControlError
from callfloor.server.sip.ivr_transfers import Handover
from callfloor.server.sip.number_transfers import failure, transfer_number
from callfloor.settings import Settings
from tests.backends import ON_SQLITE
from tests.server.conftest import LiveSip
from tests.server.sip.desk_phones import sipp_phone
from tests.server.sip.keyed_caller import KeyedCaller
from tests.server.sip.phones import Floor
from tests.server.sip.test_callbacks import _customer
from tests.server.sip.test_calls import wait_for
from tests.server.sip.test_ivr_transfers import _sent_to_trunk
from tests.server.sip.test_outbound import _agent_state, _errors
from tests.server.sip.test_transfers import log_of
from tests.tenants import Platform2, bearer

pytestmark = ON_SQLITE  # signalling and media: SQLite only, see tests.backends

TRANSFERRED = [
    ("enqueued", None, None), ("offered", "1001", None), ("answered", "1001", None),
    ("transferred", "1001", "number"), ("completed", "1001", None),
]  # fmt: skip


CONSULTED_THEN_TRANSFERRED = [
    ("enqueued", None, None), ("offered", "1001", None), ("answered", "1001", None),
    ("held", "1001", None), ("transferred", "1001", "number"), ("completed", "1001", None),
]  # fmt: skip
CONSULTED_THEN_BACK = [
    ("enqueued", None, None), ("offered", "1001", None), ("answered", "1001", None),
    ("held", "1001", None), ("resumed", "1001", None), ("completed", "1001", None),
]  # fmt: skip
AGENT = "agent1001@demo.example"


def _over(live: LiveSip) -> bool:
    return bool(live.call(lambda: not live.endpoint.calls.calls))


def _handover(live: LiveSip, call: Call) -> Handover:
    """The call's transfer to a number (blind, or attended once completed)."""
    handover = live.call(lambda: live.endpoint.calls._number_transfers.handovers[call.id])
    assert isinstance(handover, Handover)
    return handover


def _no_transfer_left(live: LiveSip) -> bool:
    """No call, no transfer to a number, no leg of one."""

    def empty() -> bool:
        numbers = live.endpoint.calls._number_transfers
        return not live.endpoint.calls.calls and (
            numbers is None or not (numbers.handovers or len(numbers.legs))
        )

    return bool(live.call(empty))


@pytest.fixture
def api(settings: Settings, engine: Engine, live_sip: LiveSip) -> Iterator[TestClient]:
    app = create_app(settings, engine)
    app.state.sip = live_sip.endpoint
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def _consulting(floor: Floor) -> Call:
    """The caller held, the number consulted answered and talking to the agent."""
    call = floor.until(lambda c: c.state == "consulting" and c.consult is not None and c.consult.answered)
    assert call.held and call.player.playing  # the caller hears music meanwhile
    bridge = call.consult_bridge
    assert bridge is not None and bridge.running and call.agent_leg is not None and call.consult is not None
    assert (bridge.a, bridge.b) == (call.agent_leg.rtp, call.consult.rtp)  # the agent and the far end
    return call


def test_the_number_answers_and_talks_with_the_caller(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    provider = _customer(floor, "provider_uas.xml")  # answers, plays audio, waits for our BYE
    floor.agent("1001")
    caller = floor.caller(11)  # sends audio, hangs up 11 s after its answer
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    floor.command("transfer_to_number", "06 12 34 56 78")
    call = floor.until(lambda c: c.state == "transferred" and not c.player.playing, 10)  # bridged
    assert call.agent is None and call.transferred_to == "+33612345678"
    assert _agent_state(live_sip, "1001") == (AgentState.READY, None)  # free at once (no wrap-up here)
    handover = _handover(live_sip, call)
    assert handover.talking is not None
    assert wait_for(lambda: handover.talking.rtp.stats.received > 50, 5)  # the far end's audio comes
    assert caller.wait(timeout=20) == 0, _errors(floor.tmp_path)
    assert provider.wait(timeout=10) == 0, _errors(floor.tmp_path)  # it got our BYE
    assert wait_for(lambda: _over(live_sip), 5)
    assert "INVITE sip:+33612345678@127.0.0.1" in _sent_to_trunk(floor)
    live_sip.committed()
    assert log_of(sessions) == TRANSFERRED


def test_a_busy_number_leaves_the_caller_a_goodbye(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    busy = _customer(floor, "customer_busy.xml")
    floor.agent("1001")
    caller = KeyedCaller((), ends="hung_up", wait_s=30).start(live_sip.port, "3900", floor.tmp_path)
    floor.processes.append(caller)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    floor.command("transfer_to_number", "+33612345678")
    assert busy.wait(timeout=10) == 0, _errors(floor.tmp_path)
    assert caller.wait(timeout=10) == 0, _errors(floor.tmp_path)  # goodbye, then our BYE
    assert "SIP/2.0 486 Busy Here" in _sent_to_trunk(floor)
    assert wait_for(lambda: _over(live_sip), 5)
    live_sip.committed()
    assert log_of(sessions) == TRANSFERRED


def test_no_trunk_no_transfer_and_the_agent_keeps_the_caller(floor: Floor, live_sip: LiveSip) -> None:
    floor.agent("1001")
    floor.caller(6)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    with pytest.raises(CallControlError) as refused:
        floor.command("transfer_to_number", "0612345678")
    assert (refused.value.status, refused.value.error_id) == (503, "no_trunk")
    assert floor.call().state == "talking"


@pytest.mark.parametrize(
    ("dialed", "region", "e164"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 1 44 55 66 77", "FR", "+33144556677"),
        ("0800 10 01 00", "FR", "+33800100100"),  # a numéro vert: free to the caller
        ("06 12 34", "FR", None),  # too short
        ("+33 6 12 34 56 78 9", "FR", None),  # too long
        ("+1 212 736 5000", "FR", "+12127365000"),
    ],
)
def test_numbers_a_call_goes_to(dialed: str, region: str, e164: str | None) -> None:
    if e164 is None:
        with pytest.raises(CallControlError, match="Not a number"):
            transfer_number(dialed, region)
    else:
        assert transfer_number(dialed, region) == e164


@pytest.mark.parametrize("dialed", ["0899 12 34 56", "0810 12 34 56", "3900", "112", "3646", "hello"])
def test_premium_short_and_unknown_numbers_are_refused(dialed: str) -> None:
    with pytest.raises(CallControlError) as refused:
        transfer_number(dialed, "FR")
    assert (refused.value.status, refused.value.error_id) == (422, "transfer_number")


# -- attended ------------------------------------------------------------------------------------


def test_attended_the_agent_talks_to_the_number_then_hands_the_caller_over(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    provider = _customer(floor, "provider_uas.xml")  # answers, plays audio, waits for our BYE
    floor.agent("1001")
    caller = floor.caller(14)
    call = floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    agent = bearer(api, AGENT, platform.secrets[AGENT])
    url = f"/api/calls/{call.id}"
    for body, status, error in [
        ({"number": "0612345678", "agent": "1002", "mode": "attended"}, 422, "transfer_target"),
        ({"number": "0899 12 34 56", "mode": "attended"}, 422, "transfer_number"),  # premium rate
    ]:
        refused = api.post(f"{url}/transfer", json=body, headers=agent)
        assert (refused.status_code, refused.json()["error_id"]) == (status, error), refused.text

    consulting = api.post(
        f"{url}/transfer", json={"number": "06 12 34 56 78", "mode": "attended"}, headers=agent
    )
    assert consulting.status_code == 200, consulting.text
    view = consulting.json()
    assert (view["state"], view["agent"], view["consulted"], view["consulted_number"]) == (
        "consulting",
        "1001",
        None,
        "+33612345678",
    )
    early = api.post(f"{url}/transfer/complete", headers=agent)  # the number rings (after a challenge)
    assert (early.status_code, early.json()["error_id"]) == (409, "not_consulting"), early.text
    call = _consulting(floor)
    assert call.consult is not None
    assert wait_for(
        lambda: call.consult is not None and call.consult.rtp.stats.received > 50, 5
    )  # far end heard
    listed = api.get("/api/calls", headers=agent).json()
    assert [(c["state"], c["consulted_number"], c["consult_failure"]) for c in listed] == [
        ("consulting", "+33612345678", None)
    ]
    blind = api.post(f"{url}/transfer", json={"number": "0612345678"}, headers=agent)
    assert (blind.status_code, blind.json()["error_id"]) == (409, "consulting")

    done = api.post(f"{url}/transfer/complete", headers=agent)
    assert done.status_code == 200 and done.json()["state"] == "transferred", done.text
    assert api.get("/api/calls", headers=agent).json() == []  # no longer the agent's
    call = floor.until(lambda c: c.state == "transferred" and not c.player.playing)
    assert call.agent is None and call.consult is None and call.transferred_to == "+33612345678"
    handover = _handover(live_sip, call)
    assert handover.bridge is not None and handover.bridge.running and handover.talking is not None
    assert (handover.bridge.a, handover.bridge.b) == (
        call.caller.rtp,
        handover.talking.rtp,
    )  # caller and far end
    assert _agent_state(live_sip, "1001") == (AgentState.READY, None)  # the demo's queue: no wrap-up time
    assert caller.wait(timeout=20) == 0, _errors(floor.tmp_path)
    assert provider.wait(timeout=10) == 0, _errors(floor.tmp_path)  # it got our BYE
    assert wait_for(lambda: _no_transfer_left(live_sip), 5)
    live_sip.committed()
    assert log_of(sessions) == CONSULTED_THEN_TRANSFERRED


def test_attended_cancelled_the_agent_has_the_caller_back(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    provider = _customer(floor, "provider_uas.xml")
    floor.agent("1001")
    caller = floor.caller(10)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    floor.command("consult_number", "+33612345678")
    _consulting(floor)
    floor.command("cancel_consult")
    call = floor.until(lambda c: c.state == "talking")
    assert (
        call.agent == "1001" and call.bridge is not None and call.bridge.running and not call.player.playing
    )
    assert (call.consult, call.consult_number, call.consult_failure, call.consult_bridge) == (
        None,
        None,
        None,
        None,
    )
    assert provider.wait(timeout=10) == 0, _errors(floor.tmp_path)  # the far end got our BYE
    assert caller.wait(timeout=20) == 0, _errors(floor.tmp_path)
    assert wait_for(lambda: _no_transfer_left(live_sip), 5)
    live_sip.committed()
    assert log_of(sessions) == CONSULTED_THEN_BACK


def test_attended_a_busy_number_gives_the_agent_the_caller_back(floor: Floor, live_sip: LiveSip) -> None:
    busy = _customer(floor, "customer_busy.xml")
    floor.agent("1001")
    caller = floor.caller(8)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    floor.command("consult_number", "06 12 34 56 78")
    assert busy.wait(timeout=10) == 0, _errors(floor.tmp_path)
    call = floor.until(lambda c: c.state == "talking")
    assert call.consult_failure == "busy" and call.consult_number is None  # what the desk shows
    assert call.bridge is not None and call.bridge.running and not call.held
    with pytest.raises(CallControlError) as refused:
        floor.command("complete_transfer")
    assert (refused.value.status, refused.value.error_id) == (409, "not_consulting")
    assert caller.wait(timeout=20) == 0, _errors(floor.tmp_path)
    assert wait_for(lambda: _no_transfer_left(live_sip), 5)


def test_attended_a_number_that_rings_out_gives_the_agent_the_caller_back(
    floor: Floor, live_sip: LiveSip
) -> None:
    ringing = _customer(floor, "ringing_agent.xml")  # rings until CANCELled
    floor.agent("1001")
    caller = floor.caller(8)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    live_sip.call(lambda: setattr(live_sip.endpoint.calls._numbers(), "ring_timeout_s", 1.5))
    floor.command("consult_number", "06 12 34 56 78")
    assert floor.call().state == "consulting"
    call = floor.until(lambda c: c.state == "talking", 10)
    assert call.consult_failure == "no_answer" and call.bridge is not None and call.bridge.running
    assert ringing.wait(timeout=10) == 0, _errors(floor.tmp_path)  # CANCELled: 200, 487, ACK
    assert caller.wait(timeout=20) == 0, _errors(floor.tmp_path)


def test_attended_the_number_hanging_up_gives_the_agent_the_caller_back(
    floor: Floor, live_sip: LiveSip
) -> None:
    customer = _customer(floor, "customer_uas.xml", seconds=2)  # hangs up 2 s after answering
    floor.agent("1001")
    caller = floor.caller(10)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    floor.command("consult_number", "06 12 34 56 78")
    _consulting(floor)
    assert customer.wait(timeout=10) == 0, _errors(floor.tmp_path)
    call = floor.until(lambda c: c.state == "talking")
    assert call.consult_failure == "hung_up" and call.bridge is not None and call.bridge.running
    assert not call.held and not call.player.playing
    assert caller.wait(timeout=20) == 0, _errors(floor.tmp_path)
    assert wait_for(lambda: _no_transfer_left(live_sip), 5)


def test_attended_the_agent_hanging_up_completes_the_transfer(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    provider = _customer(floor, "provider_uas.xml")
    phone = sipp_phone(floor, "1001", "hangup_agent.xml")  # answers, hangs up 5 s later
    caller = floor.caller(12)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    floor.command("consult_number", "06 12 34 56 78")
    _consulting(floor)
    assert phone.wait(timeout=15) == 0, _errors(floor.tmp_path)  # its BYE answered
    call = floor.until(lambda c: c.state == "transferred" and not c.player.playing)
    handover = _handover(live_sip, call)
    assert handover.bridge is not None and handover.bridge.running and handover.bridge.a is call.caller.rtp
    assert caller.wait(timeout=20) == 0, _errors(floor.tmp_path)
    assert provider.wait(timeout=10) == 0, _errors(floor.tmp_path)
    assert wait_for(lambda: _no_transfer_left(live_sip), 5)
    live_sip.committed()
    assert log_of(sessions) == CONSULTED_THEN_TRANSFERRED


def test_attended_a_conference_with_the_number_then_the_transfer(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    provider = _customer(floor, "provider_uas.xml")
    floor.agent("1001")
    caller = floor.caller(12)
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    floor.command("consult_number", "06 12 34 56 78")
    _consulting(floor)
    floor.command("conference")
    call = floor.until(lambda c: c.state == "conference")
    assert call.conference is not None and len(call.conference.participants) == 3 and not call.held
    assert call.consult_bridge is None and call.consult_number == "+33612345678"
    before = live_sip.call(
        lambda: [leg.rtp.stats.received for leg in (call.caller, call.agent_leg, call.consult)]
    )
    assert wait_for(
        lambda: all(
            now > then
            for now, then in zip(
                live_sip.call(
                    lambda: [leg.rtp.stats.received for leg in (call.caller, call.agent_leg, call.consult)]
                ),
                before,
                strict=True,
            )
        ),
        5,
    )  # all three talk
    floor.command("complete_transfer")
    call = floor.until(lambda c: c.state == "transferred" and not c.player.playing)
    assert call.conference is None and _handover(live_sip, call).bridge is not None
    assert caller.wait(timeout=20) == 0, _errors(floor.tmp_path)
    assert provider.wait(timeout=10) == 0, _errors(floor.tmp_path)
    assert wait_for(lambda: _no_transfer_left(live_sip), 5)
    live_sip.committed()
    assert log_of(sessions) == [
        *CONSULTED_THEN_TRANSFERRED[:4],
        ("resumed", "1001", None),
        *CONSULTED_THEN_TRANSFERRED[4:],
    ]


@pytest.mark.parametrize(
    ("status", "why"),
    [(486, "busy"), (600, "busy"), (None, "no_answer"), (408, "no_answer"), (403, "refused")],
)
def test_why_a_consulted_number_did_not_take_the_call(status: int | None, why: str) -> None:
    assert failure(status) == why
