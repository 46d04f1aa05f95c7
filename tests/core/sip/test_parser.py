"""The SIP parser against the RFC 4475 torture messages, stream framing, and fuzzing."""

import contextlib
import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callfloor.core.sip import ParseError
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.parser import StreamFramer, parse_datagram

TORTURE = Path(__file__).parents[2] / "data" / "sip-torture"
INDEX = list(csv.DictReader((TORTURE / "index.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t"))
# The answer each rejected request gets; responses are dropped (None).
STATUS = {"invalid/badvers.dat": 505, "invalid/scalarlg.dat": None, "invalid/bigcode.dat": None}


def torture(name: str) -> bytes:
    return (TORTURE / name).read_bytes()


def test_the_copied_messages_are_byte_exact() -> None:
    import hashlib

    for row in INDEX:
        assert hashlib.sha256(torture(row["file"])).hexdigest() == row["sha256"], row["file"]
    assert len(INDEX) == 49


@pytest.mark.parametrize("row", INDEX, ids=[r["file"] for r in INDEX])
def test_torture_message_handled_as_rfc4475_says(row: dict[str, str]) -> None:
    data = torture(row["file"])
    if row["parser"] == "reject":
        with pytest.raises(ParseError) as info:
            parse_datagram(data)
        assert info.value.status == STATUS.get(row["file"], 400), info.value.reason
        return
    try:
        message = parse_datagram(data)
    except ParseError:
        assert row["parser"] == "either"
        return
    again = parse_datagram(message.to_bytes())  # what we would forward parses the same
    assert again.headers.get_all("Call-ID") == message.headers.get_all("Call-ID")
    assert again.body == message.body
    assert type(again) is type(message)


def test_tortuous_invite_values() -> None:
    message = parse_datagram(torture("valid/wsinv.dat"))
    assert isinstance(message, Request) and message.method == "INVITE"
    assert message.to().tag == "1918181833n"
    assert message.from_().display == 'J Rosenberg \\"'
    assert message.from_().tag == "98asjd8"
    assert message.headers.get("Max-Forwards") == "0068"
    assert (message.cseq().number, message.cseq().method) == (9, "INVITE")
    vias = message.via()
    assert [(v.transport, v.host, v.branch) for v in vias] == [
        ("UDP", "192.0.2.2", "390skdjuw"),
        ("TCP", "spindle.example.com", "z9hG4bK9ikj8"),
        ("UDP", "192.168.255.111", "z9hG4bK30239"),
    ]
    (contact,) = message.contacts() or []
    assert contact.display == 'Quoted string ""' and contact.params == {
        "newparam": "newvalue",
        "secondparam": None,
        "q": "0.33",
    }
    assert message.headers.get("Subject") == ""
    assert message.headers.get("NewFangledHeader") == "newfangled value continued newfangled value"
    assert len(message.body) == 150


def test_framing_and_uri_details() -> None:
    dblreq = parse_datagram(torture("valid/dblreq.dat"))
    assert isinstance(dblreq, Request) and dblreq.method == "REGISTER" and dblreq.body == b""
    semi = parse_datagram(torture("valid/semiuri.dat"))
    assert isinstance(semi, Request)
    from callfloor.core.sip.uri import parse_uri

    assert parse_uri(semi.uri).user == "user;par=u%40example.net"
    escnull = parse_datagram(torture("valid/escnull.dat"))
    assert [c.uri.user for c in escnull.contacts() or []] == ["%00", "%00%00"]
    mpart = parse_datagram(torture("valid/mpart01.dat"))
    assert len(mpart.body) == 553 and b"\x00" in mpart.body
    noreason = parse_datagram(torture("valid/noreason.dat"))
    assert isinstance(noreason, Response) and (noreason.status, noreason.reason) == (100, "")
    unreason = parse_datagram(torture("valid/unreason.dat"))
    assert isinstance(unreason, Response) and unreason.reason.startswith("= 2**3 * 5**2 ")
    intmeth = parse_datagram(torture("valid/intmeth.dat"))
    assert intmeth.to_bytes().startswith(b"!interesting-Method0123456789_*+`.%indeed'~ sip:")
    assert "\x00" in intmeth.to().display  # quoted NUL kept, bytes survive the round trip
    assert parse_datagram(intmeth.to_bytes()).headers == intmeth.headers


def test_stream_framing_waits_for_the_whole_message() -> None:
    data = torture("valid/wsinv.dat") + b"\r\n\r\n" + torture("valid/esc01.dat")
    framer = StreamFramer()
    got = []
    for i in range(len(data)):
        got += framer.feed(data[i : i + 1])
    assert [m.call_id for m in got] == [
        parse_datagram(torture(n)).call_id for n in ("valid/wsinv.dat", "valid/esc01.dat")
    ]
    framer = StreamFramer()
    assert framer.feed(torture("invalid/clerr.dat")) == []  # over TCP: wait for the rest
    with pytest.raises(ParseError):
        StreamFramer().feed(torture("invalid/inv2543.dat"))  # no Content-Length on a stream


def test_oversized_messages_are_refused() -> None:
    start, rest = torture("valid/esc01.dat").split(b"\r\n", 1)
    big = start + b"\r\nX-Pad: " + b"a" * 70_000 + b"\r\n" + rest
    with pytest.raises(ParseError) as info:
        parse_datagram(big)
    assert info.value.status == 513


VALID = [torture(r["file"]) for r in INDEX if r["parser"] == "accept"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_datagram(data)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(VALID),
    edits=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 8), st.binary(max_size=6)), max_size=4),
)
def test_mutated_messages_never_crash(base: bytes, edits: list[tuple[int, int, bytes]]) -> None:
    data = bytearray(base)
    for offset, removed, inserted in edits:
        position = offset % (len(data) + 1)
        data[position : position + removed] = inserted
    try:
        message = parse_datagram(bytes(data))
    except ParseError:
        return
    parse_datagram(message.to_bytes())  # anything accepted serialises to something accepted


@pytest.mark.parametrize("row", [r for r in INDEX if r["parser"] == "reject"], ids=lambda r: r["file"])
def test_rejected_requests_get_an_answer_when_they_can(row: dict[str, str]) -> None:
    from callfloor.core.sip.parser import error_response

    data = torture(row["file"])
    with pytest.raises(ParseError) as info:
        parse_datagram(data)
    answer = error_response(data, info.value, "Bad Request")
    if info.value.status is None or row["file"] == "invalid/insuf.dat":  # responses, or no To/From
        assert answer is None
        return
    assert answer is not None and answer.status == info.value.status
    assert answer.headers.get_all("Via") == [v for v in answer.headers.get_all("Via") if v]
    assert b"Content-Length: 0" in answer.to_bytes()
