"""Signalling corner cases of the caller's leg, driven by hand on a UDP socket: the 2xx
retransmitted until the ACK, no ACK at all, a CANCEL that crosses our answer."""

import struct
import time

from callfloor.core.sip.message import Request, Response
from tests.backends import ON_SQLITE
from tests.server.conftest import LiveSip
from tests.server.sip.raw import RawCaller, summary
from tests.server.sip.test_calls import wait_for

pytestmark = ON_SQLITE  # signalling and media: SQLite only, see tests.backends


def test_our_200_is_retransmitted_until_the_ack(live_sip: LiveSip) -> None:
    live_sip.call(lambda: setattr(live_sip.endpoint.calls, "t1_s", 0.1))
    with RawCaller(live_sip.port, "retransmit-1") as caller:
        caller.send(caller.invite_bytes())
        first = [caller.receive() for _ in range(2)]
        assert [summary(m) for m in first] == ["100 INVITE", "200 INVITE"]
        # No ACK yet: the same 200 comes again at 0.1, 0.3, 0.7 s (T1 doubling).
        again = caller.receive_all(0.9)
        assert [summary(m) for m in again] == ["200 INVITE"] * 3
        assert {m.to_bytes() for m in again} == {first[1].to_bytes()}
        ok = first[1]
        assert isinstance(ok, Response)
        caller.send(caller.ack_bytes(ok.to().tag or ""))
        assert caller.receive_all(1.0) == []  # ACKed: no more 200s
        assert live_sip.call(lambda: bool(live_sip.endpoint.calls.calls))  # and the call is up


def test_a_caller_who_never_acks_is_hung_up(live_sip: LiveSip) -> None:
    live_sip.call(lambda: setattr(live_sip.endpoint.calls, "ack_timeout_s", 0.5))
    live_sip.call(lambda: setattr(live_sip.endpoint.calls, "t1_s", 0.1))  # 200 again at 0.1, 0.3
    with RawCaller(live_sip.port, "noack-1") as caller:
        caller.send(caller.invite_bytes())
        messages = caller.receive_all(1.5)
        seen = [summary(m) for m in messages]
        assert seen[:2] == ["100 INVITE", "200 INVITE"]
        bye = seen.index("BYE")  # no ACK came: callfloor hangs up, after retransmitting its 200
        assert set(seen[2:bye]) == {"200 INVITE"} and set(seen[bye:]) == {"BYE"}
        request = messages[bye]
        assert isinstance(request, Request) and request.uri.startswith("sip:caller@127.0.0.1")
    assert wait_for(lambda: live_sip.call(lambda: not live_sip.endpoint.calls.calls), 5)


def test_a_cancel_before_the_answer_gets_487_and_no_call(live_sip: LiveSip) -> None:
    with RawCaller(live_sip.port, "cancel-1") as caller:
        endpoint = live_sip.endpoint
        peer = ("udp", "127.0.0.1", caller.port)

        def invite_then_cancel() -> None:  # both handled before the answer's task gets to run
            endpoint.receive(caller.invite_bytes(), peer, False, live_sip.loop.time())
            endpoint.receive(caller.cancel_bytes(), peer, False, live_sip.loop.time())

        live_sip.call(invite_then_cancel)
        messages = caller.receive_all(0.3)  # before the 487 is retransmitted (T1 = 0.5 s)
        assert sorted(summary(m) for m in messages) == ["100 INVITE", "200 CANCEL", "487 INVITE"]
        final = next(m for m in messages if summary(m) == "487 INVITE")
        assert isinstance(final, Response)
        # The 487 is retransmitted until its ACK (same branch as the INVITE), then nothing more.
        caller.send(caller.ack_bytes(final.to().tag or "", branch="z9hG4bKraw1"))
        assert [summary(m) for m in caller.receive_all(1.0)] in ([], ["487 INVITE"])
    assert live_sip.call(lambda: not live_sip.endpoint.calls.calls and not live_sip.endpoint.calls._pending)


def test_a_cancel_after_the_answer_changes_nothing(live_sip: LiveSip) -> None:
    with RawCaller(live_sip.port, "cancel-2") as caller:
        caller.send(caller.invite_bytes())
        assert [summary(caller.receive()) for _ in range(2)] == ["100 INVITE", "200 INVITE"]
        caller.send(caller.cancel_bytes())
        # The INVITE has its final answer: the CANCEL is answered (200 while the transaction
        # lingers, RFC 3261 §9.2) but has no effect: no 487, and the call stays up.
        answers = [summary(m) for m in caller.receive_all(0.4)]
        assert answers == ["200 CANCEL"]
        assert live_sip.call(lambda: bool(live_sip.endpoint.calls.calls))


def test_a_caller_whose_rtp_stops_is_hung_up(live_sip: LiveSip) -> None:
    live_sip.call(lambda: setattr(live_sip.endpoint.calls, "rtp_timeout_s", 0.6))
    with RawCaller(live_sip.port, "silent-1") as caller:
        caller.send(caller.invite_bytes())
        ok = [caller.receive() for _ in range(2)][1]
        assert isinstance(ok, Response)
        caller.send(caller.ack_bytes(ok.to().tag or ""))
        # Our RTP reaches the caller's media port, theirs never comes: after 0.6 s, a BYE.
        seen = [summary(m) for m in caller.receive_all(2.0)]
        assert "BYE" in seen
    assert wait_for(lambda: live_sip.call(lambda: not live_sip.endpoint.calls.calls), 5)


def test_a_caller_who_keeps_sending_rtp_stays(live_sip: LiveSip) -> None:
    live_sip.call(lambda: setattr(live_sip.endpoint.calls, "rtp_timeout_s", 0.6))
    with RawCaller(live_sip.port, "talking-1") as caller:
        caller.send(caller.invite_bytes())
        ok = [caller.receive() for _ in range(2)][1]
        assert isinstance(ok, Response)
        caller.send(caller.ack_bytes(ok.to().tag or ""))
        media = int(
            next(line for line in ok.body.decode().splitlines() if line.startswith("m=audio")).split()[1]
        )
        deadline = time.monotonic() + 2.0
        sequence = 0
        while time.monotonic() < deadline:  # 20 ms PCMA frames of silence, as a phone sends them
            header = struct.pack("!BBHII", 0x80, 8, sequence, sequence * 160, 0x1234)
            caller.rtp.sendto(header + b"\xd5" * 160, ("127.0.0.1", media))
            sequence += 1
            time.sleep(0.02)
        caller.sip.settimeout(0.05)
        messages = caller.receive_all(0.1)
        assert "BYE" not in [summary(m) for m in messages]
        assert live_sip.call(lambda: bool(live_sip.endpoint.calls.calls))
