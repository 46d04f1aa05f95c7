"""SIP messages the SIP tests share."""

from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.parser import parse_datagram

INVITE = (
    b"INVITE sip:0800100100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKabc\r\n"
    b"From: <sip:caller@127.0.0.1>;tag=1\r\nTo: <sip:0800100100@127.0.0.1>\r\nCall-ID: c1\r\n"
    b"CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
)


def invite() -> Request:
    request = parse_datagram(INVITE)
    assert isinstance(request, Request)
    return request


def options() -> Request:
    request = parse_datagram(INVITE.replace(b"INVITE", b"OPTIONS"))
    assert isinstance(request, Request)
    return request


def response(status: int, request: Request, to_tag: str | None = "as1") -> Response:
    reply = Response(status=status, reason="X")
    for name in ("Via", "From", "Call-ID", "CSeq"):
        reply.headers.add(name, request.headers.get(name) or "")
    reply.headers.add("To", (request.headers.get("To") or "") + (f";tag={to_tag}" if to_tag else ""))
    return reply
