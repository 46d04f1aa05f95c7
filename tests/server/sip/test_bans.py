"""Addresses that fail authentication again and again, or flood us, are ignored for a while."""

from collections.abc import Hashable

from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.transfer import ImportReport
from callfloor.server.sip.directory import Directory
from callfloor.server.sip.endpoint import SipEndpoint
from tests.backends import ON_SQLITE

pytestmark = ON_SQLITE  # signalling and media: SQLite only, see tests.backends

ATTACKER = ("udp", "192.0.2.66", 5060)  # TEST-NET-1: never sent to, only named
REGISTER = (
    "REGISTER sip:demo SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.66:5060;branch=z9hG4bK{n}\r\n"
    "From: <sip:1001@demo>;tag=a{n}\r\nTo: <sip:1001@demo>\r\nCall-ID: brute{n}\r\nCSeq: 1 REGISTER\r\n"
    "Contact: <sip:1001@192.0.2.66:5060>\r\n{auth}Content-Length: 0\r\n\r\n"
)
BAD_AUTH = (
    'Authorization: Digest username="1001", realm="demo", nonce="x", uri="sip:demo", '
    'response="00000000000000000000000000000000", algorithm=MD5, qop=auth, nc=00000001, cnonce="c"\r\n'
)


def endpoint(sessions: sessionmaker[Session]) -> tuple[SipEndpoint, list[tuple[bytes, Hashable]]]:
    sent: list[tuple[bytes, Hashable]] = []
    sip = SipEndpoint(Directory(sessions, "demo"), "secret", sessions=sessions, trusted="")
    sip.send = lambda data, peer: sent.append((data, peer))
    return sip, sent


def test_ten_failed_authentications_ban_the_address(
    sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    sip, sent = endpoint(sessions)
    sip.receive(REGISTER.format(n=0, auth="").encode(), ATTACKER, False, 0.0)
    assert sent[-1][0].startswith(b"SIP/2.0 401")  # a first try without credentials is no failure
    for n in range(1, 11):
        sip.receive(REGISTER.format(n=n, auth=BAD_AUTH).encode(), ATTACKER, False, float(n))
    assert len(sent) == 11 and all(d.startswith(b"SIP/2.0 401") for d, _ in sent)
    assert set(sip.bans(11.0)) == {"192.0.2.66"}
    sip.receive(REGISTER.format(n=99, auth="").encode(), ATTACKER, False, 12.0)
    assert len(sent) == 11  # ignored while banned
    sip.receive(REGISTER.format(n=100, auth="").encode(), ATTACKER, False, 11.0 + 300)
    assert len(sent) == 12  # the ban ran out


def test_a_flood_bans_the_address_but_not_a_trusted_trunk(
    sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    sip, sent = endpoint(sessions)
    options = REGISTER.replace("REGISTER", "OPTIONS")
    for n in range(150):
        sip.receive(options.format(n=n, auth="").encode(), ATTACKER, False, 1.0 + n / 1000)
    assert len(sent) < 100 and "192.0.2.66" in sip.bans(1.2)
    trunk = SipEndpoint(Directory(sessions, "demo"), "secret", sessions=sessions, trusted="192.0.2.0/24")
    answered: list[bytes] = []
    trunk.send = lambda data, peer: answered.append(data)
    for n in range(150):
        trunk.receive(options.format(n=n, auth="").encode(), ATTACKER, False, 1.0 + n / 1000)
    assert len(answered) == 150 and trunk.bans(1.2) == {}
