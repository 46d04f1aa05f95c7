"""The four transaction machines of RFC 3261 §17 (with RFC 6026), timer by timer."""

import pytest

from callfloor.core.sip.message import Request
from callfloor.core.sip.transaction import (
    T1,
    T2,
    Deliver,
    InviteClientTransaction,
    InviteServerTransaction,
    NonInviteClientTransaction,
    NonInviteServerTransaction,
    Send,
    State,
    Terminated,
    TimedOut,
)
from tests.core.sip.messages import invite, options, response


def fire(
    transaction: InviteClientTransaction
    | NonInviteClientTransaction
    | InviteServerTransaction
    | NonInviteServerTransaction,
    until: float,
) -> list[tuple[float, object]]:
    """Fire deadlines up to ``until``; (time, output) pairs."""
    out = []
    while (deadline := transaction.next_deadline()) is not None and deadline <= until:
        out += [(deadline, o) for o in transaction.on_deadline(deadline)]
    return out


def test_invite_client_retransmits_with_doubling_then_times_out_at_64_t1() -> None:
    ict = InviteClientTransaction(invite(), reliable=False)
    assert ict.start(0) == [Send(ict.request)]
    events = fire(ict, 40)
    sends = [t for t, o in events if isinstance(o, Send)]
    assert sends == [0.5, 1.5, 3.5, 7.5, 15.5, 31.5]  # timer A: T1, 2T1, 4T1…
    assert [type(o) for _, o in events][-2:] == [TimedOut, Terminated]
    assert events[-1][0] == 64 * T1


def test_invite_client_over_tcp_does_not_retransmit() -> None:
    ict = InviteClientTransaction(invite(), reliable=True)
    ict.start(0)
    assert [type(o) for _, o in fire(ict, 40)] == [TimedOut, Terminated]


def test_invite_client_acks_a_rejection_and_absorbs_its_retransmissions() -> None:
    ict = InviteClientTransaction(invite(), reliable=False)
    ict.start(0)
    assert ict.receive(response(180, ict.request), 0.2) == [Deliver(response(180, ict.request))]
    assert ict.state is State.PROCEEDING and "A" not in ict.timers
    busy = response(486, ict.request)
    out = ict.receive(busy, 1)
    assert isinstance(out[0], Send) and isinstance(out[0].message, Request)
    ack = out[0].message
    assert ack.method == "ACK" and ack.cseq().method == "ACK" and ack.to().tag == "as1"
    assert ack.via()[0].branch == "z9hG4bKabc"  # same branch: the ACK is part of the transaction
    assert out[1] == Deliver(busy)
    again = ict.receive(busy, 2)
    assert [type(o) for o in again] == [Send]  # ACK again, nothing to the TU
    assert [type(o) for _, o in fire(ict, 40)] == [Terminated]  # timer D, 32 s


def test_invite_client_passes_2xx_retransmissions_until_timer_m() -> None:
    ict = InviteClientTransaction(invite(), reliable=False)
    ict.start(0)
    ok = response(200, ict.request)
    assert ict.receive(ok, 1) == [Deliver(ok)]
    assert ict.state is State.ACCEPTED
    assert ict.receive(ok, 2) == [Deliver(ok)]
    assert fire(ict, 33) == [(33.0, Terminated())]


def test_non_invite_client_caps_retransmissions_at_t2() -> None:
    nict = NonInviteClientTransaction(options(), reliable=False)
    nict.start(0)
    sends = [t for t, o in fire(nict, 12) if isinstance(o, Send)]
    assert sends == [0.5, 1.5, 3.5, 7.5, 11.5]  # 0.5, 1, 2, 4, then T2 = 4
    nict.receive(response(100, nict.request, None), 12)
    assert [t for t, o in fire(nict, 20) if isinstance(o, Send)] == [15.5, 19.5]
    final = response(200, nict.request)
    assert nict.receive(final, 20) == [Deliver(final)]
    assert fire(nict, 30) == [(25.0, Terminated())]  # timer K = T4


def test_invite_server_retransmits_final_until_ack_then_waits_t4() -> None:
    ist = InviteServerTransaction(invite(), reliable=False)
    ringing = response(180, ist.request)
    assert ist.respond(ringing, 0) == [Send(ringing)]
    assert ist.receive(invite(), 0.3) == [Send(ringing)]  # retransmitted INVITE
    busy = response(486, ist.request)
    assert ist.respond(busy, 1) == [Send(busy)]
    sends = [t for t, o in fire(ist, 9) if isinstance(o, Send)]
    assert sends == [1.5, 2.5, 4.5, 8.5]  # timer G capped at T2
    ack = Request(method="ACK", uri=ist.request.uri)
    assert ist.receive(ack, 9) == []
    assert ist.state is State.CONFIRMED
    assert fire(ist, 20) == [(14.0, Terminated())]  # timer I = T4


def test_invite_server_without_ack_times_out_by_timer_h() -> None:
    ist = InviteServerTransaction(invite(), reliable=True)
    ist.respond(response(480, ist.request), 0)
    assert [type(o) for _, o in fire(ist, 40)] == [TimedOut, Terminated]


def test_invite_server_2xx_is_left_to_the_tu_and_ends_after_timer_l() -> None:
    ist = InviteServerTransaction(invite(), reliable=False)
    ok = response(200, ist.request)
    assert ist.respond(ok, 0) == [Send(ok)]
    assert ist.state is State.ACCEPTED
    assert ist.respond(ok, 0.5) == [Send(ok)]
    ack = Request(method="ACK", uri=ist.request.uri)
    assert ist.receive(ack, 0.6) == [Deliver(ack)]
    assert fire(ist, 40) == [(32.0, Terminated())]


def test_non_invite_server_answers_retransmissions_with_the_last_response() -> None:
    nist = NonInviteServerTransaction(options(), reliable=False)
    assert nist.receive(options(), 0.1) == []  # nothing sent yet: absorbed
    trying = response(100, nist.request, None)
    nist.respond(trying, 0.2)
    assert nist.receive(options(), 0.3) == [Send(trying)]
    ok = response(200, nist.request)
    assert nist.respond(ok, 0.4) == [Send(ok)]
    assert nist.receive(options(), 1) == [Send(ok)]
    assert nist.respond(response(500, nist.request), 1.1) == []  # a second final is absorbed
    assert fire(nist, 40) == [(pytest.approx(32.4), Terminated())]


def test_timer_constants() -> None:
    assert (T1, T2) == (0.5, 4.0)
