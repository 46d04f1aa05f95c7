"""Dialogs: creation on both sides, in-dialog requests, CSeq checks, target refresh."""

import pytest

from callfloor.core.sip.dialog import DialogError, DialogState, uac_dialog, uas_dialog, with_tag
from callfloor.core.sip.message import Request
from callfloor.core.sip.parser import parse_datagram
from tests.core.sip.messages import INVITE, invite, response

VIA = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnew1"


def answered(status: int, contact: str = "<sip:agent@127.0.0.1:5070>") -> tuple[Request, object]:
    request = invite()
    reply = response(status, request)
    reply.headers.add("Contact", contact)
    reply.headers.add("Record-Route", "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>")
    return request, reply


def test_uac_dialog_from_a_2xx_builds_ack_and_bye() -> None:
    request, reply = answered(200)
    dialog = uac_dialog(request, reply)  # type: ignore[arg-type]
    assert dialog.state is DialogState.CONFIRMED
    assert dialog.id == ("c1", "1", "as1")
    assert dialog.route_set == ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"]
    ack = dialog.request("ACK", via=VIA)
    assert ack.uri == "sip:agent@127.0.0.1:5070" and ack.cseq().number == 1
    bye = dialog.request("BYE", via=VIA)
    assert bye.cseq().number == 2 and bye.to().tag == "as1" and bye.from_().tag == "1"
    assert bye.headers.get_all("Route") == dialog.route_set
    assert parse_datagram(bye.to_bytes()).to_bytes() == bye.to_bytes()


def test_early_dialog_then_confirmed_with_target_refresh() -> None:
    request, ringing = answered(180)
    dialog = uac_dialog(request, ringing)  # type: ignore[arg-type]
    assert dialog.state is DialogState.EARLY
    _, ok = answered(200, "<sip:agent@127.0.0.1:5080>")
    dialog.confirm(ok)  # type: ignore[arg-type]
    assert dialog.state is DialogState.CONFIRMED and dialog.remote_target == "sip:agent@127.0.0.1:5080"
    with pytest.raises(DialogError):
        uac_dialog(request, response(180, request, to_tag=None))


def test_uas_dialog_checks_the_peers_cseq() -> None:
    data = INVITE.replace(b"Max-Forwards: 70", b"Max-Forwards: 70\r\nContact: <sip:caller@127.0.0.1:5062>")
    request = parse_datagram(data)
    assert isinstance(request, Request)
    dialog = uas_dialog(request, "our-tag")
    assert (
        dialog.local.tag == "our-tag"
        and dialog.remote_seq == 1
        and dialog.remote_target == "sip:caller@127.0.0.1:5062"
    )
    bye = parse_datagram(data.replace(b"INVITE sip", b"BYE sip").replace(b"1 INVITE", b"2 BYE"))
    assert isinstance(bye, Request)
    dialog.check_incoming(bye)
    with pytest.raises(DialogError) as info:
        dialog.check_incoming(bye)  # same CSeq again: not a retransmission at this layer
    assert info.value.status == 500
    dialog.move(DialogState.TERMINATED)
    with pytest.raises(DialogError) as gone:
        dialog.check_incoming(bye)
    assert gone.value.status == 481
    with pytest.raises(DialogError):
        dialog.move(DialogState.CONFIRMED)
    assert with_tag("<sip:x@y>", "t9") == "<sip:x@y>;tag=t9"
