"""The registrar: digest first (no enumeration), then bindings with expiry, as RFC 3261 §10.3 says."""

import random

from callfloor.core.sip.auth import OFFERED, Challenger, authorization
from callfloor.core.sip.digest import DigestAlgorithm, ha1
from callfloor.core.sip.message import Request
from callfloor.core.sip.parser import parse_datagram
from callfloor.core.sip.registrar import Registrar

REALM = "demo"
SECRET = "sip-secret-1001"
HA1S = {a: ha1("1001", REALM, SECRET, a) for a in DigestAlgorithm}
PHONE = ("127.0.0.1", 5070, "udp")


def register(
    cseq: int,
    *,
    contact: str = "<sip:1001@127.0.0.1:5070>",
    expires: str | None = None,
    user: str = "1001",
    call_id: str = "reg1",
    auth: str | None = None,
) -> Request:
    lines = [
        "REGISTER sip:127.0.0.1 SIP/2.0",
        f"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKr{cseq}{call_id}",
        f"From: <sip:{user}@127.0.0.1>;tag=ph1",
        f"To: <sip:{user}@127.0.0.1>",
        f"Call-ID: {call_id}",
        f"CSeq: {cseq} REGISTER",
        f"Contact: {contact}",
    ]
    lines += [f"Expires: {expires}"] if expires is not None else []
    lines += [f"Authorization: {auth}"] if auth else []
    request = parse_datagram(("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n").encode())
    assert isinstance(request, Request)
    return request


def registrar() -> Registrar:
    challenger = Challenger(b"0123456789abcdef-test", random.Random(3))
    return Registrar(REALM, challenger, lambda user: HA1S if user == "1001" else None, min_expires=60)


def authenticated(
    reg: Registrar, now: float, *, password: str = SECRET, user: str = "1001", **fields: object
) -> Request:
    first = reg.register(register(1, user=user, **fields), PHONE, now)  # type: ignore[arg-type]
    assert first.status == 401
    challenges = first.headers.get_all("WWW-Authenticate")
    auth = authorization(challenges, "REGISTER", "sip:127.0.0.1", user, password, cnonce="c0ffee")
    return register(2, user=user, auth=auth, **fields)  # type: ignore[arg-type]


def test_challenges_md5_by_default_and_rfc8760_order_on_request() -> None:
    response = registrar().register(register(1), PHONE, 0)
    assert response.status == 401
    (only,) = response.headers.get_all("WWW-Authenticate")
    assert "algorithm=MD5" in only and 'realm="demo"' in only and 'qop="auth"' in only
    strict = Registrar(REALM, Challenger(b"0123456789abcdef-test", random.Random(3), order=OFFERED), HA1S.get)
    values = strict.register(register(1), PHONE, 0).headers.get_all("WWW-Authenticate")
    assert ["algorithm=SHA-256" in values[0], "algorithm=MD5" in values[1]] == [True, True]


def test_sha256_credentials_register() -> None:
    strict = Registrar(
        REALM,
        Challenger(b"0123456789abcdef-test", random.Random(3), order=OFFERED),
        lambda user: HA1S if user == "1001" else None,
    )
    challenges = strict.register(register(1), PHONE, 0).headers.get_all("WWW-Authenticate")
    auth = authorization(challenges, "REGISTER", "sip:127.0.0.1", "1001", SECRET, cnonce="abc")
    assert "algorithm=SHA-256" in auth
    assert strict.register(register(2, auth=auth), PHONE, 1).status == 200


def test_register_with_digest_then_bindings_expire() -> None:
    reg = registrar()
    ok = reg.register(authenticated(reg, 10, expires="120"), PHONE, 11)
    assert ok.status == 200
    assert ok.headers.get("Contact") == "<sip:1001@127.0.0.1:5070>;expires=120"
    (binding,) = reg.contacts("1001", 12)
    assert binding.peer == PHONE and binding.contact == "sip:1001@127.0.0.1:5070"
    assert reg.contacts("1001", 131) == []
    assert [b.aor for b in reg.expire(131)] == ["1001"]


def test_unknown_extension_and_wrong_password_look_alike() -> None:
    reg = registrar()
    wrong = reg.register(authenticated(reg, 0, password="nope-nope"), PHONE, 1)
    unknown = reg.register(authenticated(reg, 0, user="1999"), PHONE, 1)
    assert wrong.status == unknown.status == 401
    assert reg.contacts("1001", 2) == [] and reg.contacts("1999", 2) == []


def test_cannot_register_someone_elses_extension() -> None:
    reg = registrar()
    request = authenticated(reg, 0)
    request.headers.set("To", "<sip:1002@127.0.0.1>")
    assert reg.register(request, PHONE, 1).status == 403


def test_too_brief_interval_and_star_removal() -> None:
    reg = registrar()
    brief = reg.register(authenticated(reg, 0, expires="10"), PHONE, 1)
    assert brief.status == 423 and brief.headers.get("Min-Expires") == "60"
    assert reg.register(authenticated(reg, 2, call_id="reg2"), PHONE, 3).status == 200
    assert len(reg.contacts("1001", 4)) == 1
    bad_star = reg.register(authenticated(reg, 5, call_id="reg3", contact="*"), PHONE, 6)
    assert bad_star.status == 400
    star = reg.register(authenticated(reg, 7, call_id="reg4", contact="*", expires="0"), PHONE, 8)
    assert star.status == 200 and reg.contacts("1001", 9) == []


def test_several_phones_per_extension_and_out_of_order_refresh() -> None:
    reg = registrar()
    assert reg.register(authenticated(reg, 0), PHONE, 1).status == 200
    desk = authenticated(reg, 2, call_id="desk", contact="<sip:1001@127.0.0.1:5080>")
    assert reg.register(desk, ("127.0.0.1", 5080, "udp"), 3).status == 200
    assert {b.contact for b in reg.contacts("1001", 4)} == {
        "sip:1001@127.0.0.1:5070",
        "sip:1001@127.0.0.1:5080",
    }
    assert reg.register(desk, ("127.0.0.1", 5080, "udp"), 5).status in (
        401,
        500,
    )  # replayed: refused either way


def test_an_invite_is_authenticated_with_its_own_method() -> None:
    """The digest response hashes the method (RFC 7616 §3.4.1): an INVITE's is not a REGISTER's."""
    reg = registrar()
    invite = register(1)
    invite.method = "INVITE"
    challenges = reg.authenticate(invite, 0).headers.get_all("WWW-Authenticate")  # type: ignore[union-attr]
    for method, expected in (("INVITE", "1001"), ("REGISTER", 401)):
        auth = authorization(challenges, method, "sip:127.0.0.1", "1001", SECRET, cnonce=f"c-{method}")
        signed = register(2, auth=auth)
        signed.method = "INVITE"
        answer = reg.authenticate(signed, 1)
        assert (answer if isinstance(answer, str) else answer.status) == expected
