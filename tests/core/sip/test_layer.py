"""Matching messages to transactions: retransmissions absorbed, the TU sees each thing once."""

from pathlib import Path

from callfloor.core.sip.layer import (
    IncomingRequest,
    IncomingResponse,
    Outgoing,
    TransactionLayer,
    TransactionTimeout,
)
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.parser import parse_datagram
from tests.core.sip.messages import INVITE, response

PEER = ("127.0.0.1", 5062, "udp")


def request(data: bytes) -> Request:
    message = parse_datagram(data)
    assert isinstance(message, Request)
    return message


def drain(layer: TransactionLayer, until: float) -> list[object]:
    events: list[object] = []
    while (deadline := layer.next_deadline()) is not None and deadline <= until:
        events += layer.on_deadline(deadline)
    return events


def test_server_invite_rejected_then_acked() -> None:
    layer = TransactionLayer()
    (new,) = layer.receive(request(INVITE), PEER, False, 0)
    assert isinstance(new, IncomingRequest) and new.key is not None and new.peer == PEER
    assert layer.receive(request(INVITE), PEER, False, 0.1) == []  # retransmission before any answer
    ringing = response(180, new.request)
    assert layer.respond(new.key, ringing, 0.2) == [Outgoing(ringing, PEER)]
    assert layer.receive(request(INVITE), PEER, False, 0.3) == [Outgoing(ringing, PEER)]
    busy = response(486, new.request)
    layer.respond(new.key, busy, 1)
    assert [e for e in drain(layer, 2) if isinstance(e, Outgoing)] == [Outgoing(busy, PEER)]  # timer G
    ack = request(INVITE.replace(b"INVITE sip", b"ACK sip").replace(b"1 INVITE", b"1 ACK"))
    assert layer.receive(ack, PEER, False, 2.5) == []
    assert drain(layer, 10) == [] and len(layer) == 0  # timer I, then forgotten


def test_ack_to_a_2xx_and_cancel_reach_the_tu() -> None:
    layer = TransactionLayer()
    (new,) = layer.receive(request(INVITE), PEER, False, 0)
    assert isinstance(new, IncomingRequest) and new.key is not None
    cancel = request(INVITE.replace(b"INVITE sip", b"CANCEL sip").replace(b"1 INVITE", b"1 CANCEL"))
    (cancelled,) = layer.receive(cancel, PEER, False, 0.5)
    assert isinstance(cancelled, IncomingRequest) and cancelled.cancels == new.key
    layer.respond(new.key, response(200, new.request), 1)
    ack_2xx = request(
        INVITE.replace(b"INVITE sip", b"ACK sip")
        .replace(b"1 INVITE", b"1 ACK")
        .replace(b"z9hG4bKabc", b"z9hG4bKnew")
    )
    (ack,) = layer.receive(ack_2xx, PEER, False, 1.1)
    assert isinstance(ack, IncomingRequest) and ack.key is None


def test_client_transaction_delivers_once_and_times_out() -> None:
    layer = TransactionLayer()
    options = request(INVITE.replace(b"INVITE", b"OPTIONS"))
    key, events = layer.request(options, PEER, False, 0)
    assert events == [Outgoing(options, PEER)]
    ok = response(200, options)
    assert layer.receive(ok, PEER, False, 0.1) == [IncomingResponse(ok, key)]
    assert layer.receive(ok, PEER, False, 0.2) == []  # retransmitted final: absorbed in Completed
    stray = response(200, request(INVITE.replace(b"z9hG4bKabc", b"z9hG4bKother")))
    assert layer.receive(stray, PEER, False, 0.3) == [IncomingResponse(stray, None)]
    key2, _ = layer.request(request(INVITE.replace(b"z9hG4bKabc", b"z9hG4bKlost")), PEER, True, 1)
    events = drain(layer, 100)
    assert TransactionTimeout(key2) in events
    assert len(layer) == 0


def test_rfc2543_requests_match_without_a_branch() -> None:
    data = (Path(__file__).parents[2] / "data" / "sip-torture" / "invalid" / "inv2543.dat").read_bytes()
    layer = TransactionLayer()
    (new,) = layer.receive(request(data), PEER, False, 0)
    assert isinstance(new, IncomingRequest) and new.key is not None and new.key[0] == "s2543"
    assert layer.receive(request(data), PEER, False, 0.2) == []


def test_unknown_transaction_response_from_tu_is_ignored() -> None:
    layer = TransactionLayer()
    assert layer.respond(("s", "nope", "x:", "INVITE"), Response(status=200), 0) == []


def test_an_unreachable_peer_fails_its_client_transactions_at_once() -> None:
    layer = TransactionLayer()
    elsewhere = ("127.0.0.1", 5099, "tcp")
    lost, _ = layer.request(request(INVITE.replace(b"z9hG4bKabc", b"z9hG4bKtcp1")), PEER, True, 0)
    kept, _ = layer.request(request(INVITE.replace(b"z9hG4bKabc", b"z9hG4bKtcp2")), elsewhere, True, 0)
    layer.receive(request(INVITE.replace(b"z9hG4bKabc", b"z9hG4bKsrv")), PEER, True, 0)  # a server one
    assert layer.transport_failed(PEER) == [TransactionTimeout(lost)]
    assert len(layer) == 2  # the other peer's request and the server transaction stay
    assert layer.transport_failed(PEER) == []
    later = drain(layer, 100)
    assert TransactionTimeout(lost) not in later  # failed once, not again by its timer
    assert TransactionTimeout(kept) in later  # the reachable peer's request times out as usual
