"""An agent's blind transfer to an outside number, with real peers: sipp calls the demo's 3900,
baresip (agent 1001) answers, and the agent transfers the caller to a mobile number; sipp plays
the provider's trunk and the customer behind it (answering after a digest challenge, or busy).
Answered, the caller and the number talk until the caller hangs up; busy, the caller hears
goodbye and is hung up. Either way the agent is free as soon as they transfer."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.acd.model import AgentState
from callfloor.server.sip.calls import CallControlError
from callfloor.server.sip.number_transfers import transfer_number
from tests.server.conftest import LiveSip
from tests.server.sip.keyed_caller import KeyedCaller
from tests.server.sip.phones import Floor
from tests.server.sip.test_callbacks import _customer
from tests.server.sip.test_calls import wait_for
from tests.server.sip.test_ivr_transfers import _sent_to_trunk
from tests.server.sip.test_outbound import _agent_state, _errors
from tests.server.sip.test_transfers import log_of

TRANSFERRED = [
    ("enqueued", None, None), ("offered", "1001", None), ("answered", "1001", None),
    ("transferred", "1001", "number"), ("completed", "1001", None),
]  # fmt: skip


def _over(live: LiveSip) -> bool:
    return bool(live.call(lambda: not live.endpoint.calls.calls))


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
    handoff = live_sip.call(lambda: live_sip.endpoint.calls._number_transfers.handoffs[call.id])
    assert wait_for(lambda: handoff.leg.rtp.stats.received > 50, 5)  # the far end's audio comes
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
