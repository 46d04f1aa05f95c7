"""The registrar's Digest policy and the trunk's answers, with plain values and no mocks."""

import random
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.sip import auth, digest
from callfloor.core.sip.auth import (
    COMPATIBLE,
    OFFERED,
    Challenger,
    NonceCounts,
    Verdict,
    VerdictKind,
    authorization,
)
from callfloor.core.sip.digest import DigestAlgorithm, DigestHeader, DigestParseError, ha1, parse_digest

SECRET = b"0123456789abcdef-cluster-secret"
REALM = "acme.callfloor.test"
URI = "sip:acme.callfloor.test"
NOW = 1_700_000_000.0
PASSWORD = "s3cret"
MD5, SHA256 = DigestAlgorithm.MD5, DigestAlgorithm.SHA256


def _stored(password: str, username: str = "1001", realm: str = REALM) -> dict[DigestAlgorithm, str]:
    """What storage keeps for an agent: HA1 for both algorithms, never the password."""
    return {a: ha1(username, realm, password, a) for a in DigestAlgorithm}


def _challenger(**options: Any) -> Challenger:
    options.setdefault("order", OFFERED)  # both challenges, RFC 8760 order, unless a test says otherwise
    return Challenger(SECRET, random.Random(7), **options)


def _answer(
    challenges: list[str], password: str = PASSWORD, *, nc: int = 1, method: str = "REGISTER"
) -> DigestHeader:
    return parse_digest(authorization(challenges, method, URI, "1001", password, cnonce="c0ffee", nc=nc))


def _verify(challenger: Challenger, credentials: DigestHeader, now: float = NOW, **kw: Any) -> Verdict:
    stored = kw.pop("stored", _stored(PASSWORD))
    return challenger.verify(credentials, kw.pop("method", "REGISTER"), stored, now, realm=REALM, **kw)


@pytest.mark.parametrize("algorithm", [MD5, SHA256])
def test_round_trip_client_to_server(algorithm: DigestAlgorithm) -> None:
    challenger = _challenger()
    offered = [v for v in challenger.challenge(REALM, NOW) if f"algorithm={algorithm}" in v]
    credentials = _answer(offered)
    assert credentials.get("algorithm") == algorithm.value
    assert _verify(challenger, credentials, NOW + 10) == Verdict(VerdictKind.OK, "1001", "ok")


def test_challenges_offer_sha256_first_then_md5_with_one_nonce() -> None:
    sha, md5 = (parse_digest(v) for v in _challenger().challenge(REALM, NOW))
    assert (sha.get("algorithm"), md5.get("algorithm")) == ("SHA-256", "MD5")
    assert sha.get("nonce") == md5.get("nonce")
    assert sha.get("qop") == md5.get("qop") == "auth"
    assert sha.get("opaque") and sha.get("stale") is None


def test_client_prefers_sha256_whatever_the_order() -> None:
    challenges = _challenger().challenge(REALM, NOW)
    assert _answer(challenges[::-1]).get("algorithm") == "SHA-256"


def test_same_seed_same_challenges_and_other_nodes_verify_them() -> None:
    assert _challenger().challenge(REALM, NOW) == _challenger().challenge(REALM, NOW)
    credentials = _answer(_challenger().challenge(REALM, NOW))
    other_node = Challenger(SECRET, random.Random(99), order=OFFERED)
    assert _verify(other_node, credentials).ok


def test_wrong_password_is_wrong() -> None:
    challenger = _challenger()
    credentials = _answer(challenger.challenge(REALM, NOW), "guess")
    assert _verify(challenger, credentials) == Verdict(VerdictKind.WRONG, "1001", "response mismatch")


def _traced(run: Callable[[], Verdict]) -> tuple[Verdict, list[tuple[str, int]]]:
    """The verdict, and every line run in the auth and digest modules on the way to it."""
    watched = {auth.__file__, digest.__file__}
    lines: list[tuple[str, int]] = []

    def tracer(frame: FrameType, event: str, _arg: object) -> Any:
        if frame.f_code.co_filename not in watched:
            return None
        if event == "line":
            lines.append((frame.f_code.co_name, frame.f_lineno))
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        verdict = run()
    finally:
        sys.settrace(previous)
    return verdict, lines


@pytest.mark.parametrize("algorithm", [MD5, SHA256])
def test_unknown_user_takes_the_wrong_password_path(algorithm: DigestAlgorithm) -> None:
    challenger = _challenger()
    offered = [v for v in challenger.challenge(REALM, NOW) if f"algorithm={algorithm}" in v]
    credentials = _answer(offered, "guess")
    wrong, wrong_lines = _traced(lambda: _verify(challenger, credentials))
    unknown, unknown_lines = _traced(lambda: _verify(challenger, credentials, stored=None))
    assert unknown == wrong
    assert wrong.kind is VerdictKind.WRONG
    assert unknown_lines == wrong_lines
    assert {"verify", "expected_response", "digest_response"} <= {name for name, _ in wrong_lines}


def test_user_without_ha1_for_the_algorithm_is_wrong() -> None:
    challenger = _challenger()
    credentials = _answer(challenger.challenge(REALM, NOW))  # SHA-256
    only_md5 = {MD5: _stored(PASSWORD)[MD5]}
    assert _verify(challenger, credentials, stored=only_md5).kind is VerdictKind.WRONG


def test_stale_nonce_then_stale_challenge_then_ok() -> None:
    challenger = _challenger()
    credentials = _answer(challenger.challenge(REALM, NOW))
    late = NOW + 300.5
    assert _verify(challenger, credentials, late) == Verdict(VerdictKind.STALE, "1001", "nonce expired")
    again = challenger.challenge(REALM, late, stale=True)
    assert all(parse_digest(v).get("stale") == "true" for v in again)
    assert _verify(challenger, _answer(again), late + 1).ok


def test_stale_nonce_with_wrong_password_is_just_wrong() -> None:
    challenger = _challenger()
    credentials = _answer(challenger.challenge(REALM, NOW), "guess")
    assert _verify(challenger, credentials, NOW + 3600).kind is VerdictKind.WRONG


def test_nonce_lifetime_is_configurable() -> None:
    challenger = _challenger(nonce_lifetime_s=30)
    credentials = _answer(challenger.challenge(REALM, NOW))
    assert _verify(challenger, credentials, NOW + 31).kind is VerdictKind.STALE


def _with(credentials: DigestHeader, **changes: str) -> DigestHeader:
    return DigestHeader(tuple({**dict(credentials.params), **changes}.items()))


def _nonce(challenge: str) -> str:
    return parse_digest(challenge).get("nonce") or ""


def test_tampered_or_foreign_nonce_is_refused() -> None:
    challenger = _challenger()
    challenge = challenger.challenge(REALM, NOW)[0]
    nonce = _nonce(challenge)
    tampered = nonce[:10] + ("A" if nonce[10] != "A" else "B") + nonce[11:]
    foreign = _nonce(Challenger(b"another-secret-of-16-bytes", random.Random(7)).challenge(REALM, NOW)[0])
    for other in (tampered, nonce[:-1], nonce + "A", "é" * 54, "", foreign):
        # A client holding the password signs whatever nonce it is given.
        forged = _answer([challenge.replace(nonce, other)])
        verdict = _verify(challenger, forged)
        assert verdict == Verdict(VerdictKind.WRONG, "1001", "nonce not issued by us"), other


def test_padding_bits_respelling_of_a_nonce_is_refused() -> None:
    challenger = _challenger()
    challenge = challenger.challenge(REALM, NOW)[0]
    nonce = _nonce(challenge)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    respelled = nonce[:-1] + alphabet[alphabet.index(nonce[-1]) ^ 1]
    verdict = _verify(challenger, _answer([challenge.replace(nonce, respelled)]))
    assert verdict.kind is VerdictKind.WRONG


def test_nonce_of_another_realm_is_refused() -> None:
    challenger = _challenger()
    theirs = _nonce(challenger.challenge("other.callfloor.test", NOW)[0])
    ours = challenger.challenge(REALM, NOW)[0]
    credentials = _answer([ours.replace(_nonce(ours), theirs)])
    assert _verify(challenger, credentials).reason == "nonce not issued by us"


def test_wrong_realm_or_opaque_is_refused() -> None:
    challenger = _challenger()
    credentials = _answer(challenger.challenge(REALM, NOW))
    elsewhere = challenger.verify(credentials, "REGISTER", _stored(PASSWORD), NOW, realm="other.test")
    assert elsewhere == Verdict(VerdictKind.WRONG, "1001", "credentials for another realm")
    assert _verify(challenger, _with(credentials, opaque="x")).kind is VerdictKind.WRONG
    without_opaque = DigestHeader(tuple(p for p in credentials.params if p[0] != "opaque"))
    assert _verify(challenger, without_opaque).ok


def test_nonce_count_replay_is_refused() -> None:
    challenger = _challenger()
    challenges = challenger.challenge(REALM, NOW)
    first = _answer(challenges)
    assert _verify(challenger, first).ok
    assert _verify(challenger, first) == Verdict(VerdictKind.STALE, "1001", "nonce count replayed")
    assert _verify(challenger, _answer(challenges, nc=3)).ok
    assert _verify(challenger, _answer(challenges, nc=2)).kind is VerdictKind.STALE


def test_response_is_bound_to_the_method() -> None:
    challenger = _challenger()
    credentials = _answer(challenger.challenge(REALM, NOW), method="INVITE")
    assert _verify(challenger, credentials, method="REGISTER").kind is VerdictKind.WRONG
    assert _verify(challenger, credentials, method="INVITE").ok


def test_malformed_credentials() -> None:
    challenger = _challenger()
    credentials = _answer(challenger.challenge(REALM, NOW))
    no_qop = DigestHeader(tuple(p for p in credentials.params if p[0] != "qop"))
    assert _verify(challenger, no_qop) == Verdict(
        VerdictKind.MALFORMED, "1001", "no qop: RFC 2069 responses are not accepted"
    )
    assert _verify(challenger, _with(credentials, algorithm="SHA-512-256")).kind is VerdictKind.MALFORMED


def test_rfc2069_responses_when_allowed_are_single_use() -> None:
    challenger = _challenger(allow_rfc2069=True)
    without_qop = [v.replace(', qop="auth"', "") for v in challenger.challenge(REALM, NOW)]
    credentials = _answer(without_qop)
    assert credentials.get("qop") is None and credentials.get("nc") is None
    assert _verify(challenger, credentials).ok
    assert _verify(challenger, credentials).kind is VerdictKind.STALE
    assert _verify(_challenger(), credentials).kind is VerdictKind.MALFORMED


_FIELDS = st.sampled_from(
    ["username", "realm", "nonce", "uri", "response", "algorithm", "qop", "nc", "cnonce", "opaque"]
)
_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), max_size=70)


@given(
    st.dictionaries(
        _FIELDS, st.one_of(_TEXT, st.sampled_from([REALM, "auth", "00000001", "SHA-256"])), min_size=1
    )
)
def test_verify_never_raises_and_never_lets_garbage_in(fields: dict[str, str]) -> None:
    verdict = _verify(_challenger(), DigestHeader(tuple(fields.items())))
    assert verdict.kind is not VerdictKind.OK


# --- The trunk side, against the RFCs' own challenges ---

RFC7616_CHALLENGES = [
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    'Basic realm="http-auth@example.org"',
]


def test_client_reproduces_rfc7616_example() -> None:
    value = authorization(
        RFC7616_CHALLENGES, "GET", "/dir/index.html", "Mufasa", "Circle of Life",
        cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    )  # fmt: skip
    credentials = dict(parse_digest(value).params)
    assert credentials["response"] == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    assert credentials["algorithm"] == "SHA-256"
    assert (credentials["qop"], credentials["nc"]) == ("auth", "00000001")
    assert credentials["opaque"] == "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
    md5_only = {MD5: ha1("Mufasa", "http-auth@example.org", "Circle of Life", MD5)}
    value = authorization(
        RFC7616_CHALLENGES, "GET", "/dir/index.html", "Mufasa", md5_only,
        cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    )  # fmt: skip
    assert parse_digest(value).get("response") == "8ca523f5e9506fed4657c9700eebdbec"


def test_client_reproduces_rfc2617_example() -> None:
    challenge = (
        'Digest realm="testrealm@host.com",\r\n qop="auth,auth-int",\r\n'
        ' nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",\r\n opaque="5ccc069c403ebaf9f0171e9517f40e41"'
    )
    value = authorization(challenge, "GET", "/dir/index.html", "Mufasa", "Circle Of Life", cnonce="0a4f113b")
    assert parse_digest(value).get("response") == "6629fae49393a05397450978507c4ef1"


@pytest.mark.parametrize(
    "challenges",
    [
        [],
        ['Basic realm="x"'],
        ['Digest realm="x", nonce="n", qop="auth-int"'],
        ['Digest realm="x", nonce="n", algorithm=MD5-sess'],
        ['Digest nonce="n"'],
        ['Digest realm="x", nonce="n", algorithm=SHA-256'],  # we hold only the MD5 HA1
    ],
)
def test_client_gives_up_when_nothing_can_be_answered(challenges: list[str]) -> None:
    with pytest.raises(DigestParseError) as caught:
        authorization(challenges, "REGISTER", URI, "trunk", {MD5: "0" * 32}, cnonce="c")
    assert caught.value.status is None


def test_client_refuses_out_of_range_counts() -> None:
    with pytest.raises(ValueError, match="nc"):
        authorization(RFC7616_CHALLENGES, "REGISTER", URI, "trunk", "pw", cnonce="c", nc=0)


# --- Bounded replay memory ---


def test_nonce_counts_stay_bounded_and_never_reopen_a_replay() -> None:
    counts = NonceCounts(capacity=2, lifetime_s=300)
    assert counts.admit("a", NOW, 1, NOW)
    assert counts.admit("b", NOW + 1, 1, NOW + 1)
    assert counts.admit("c", NOW + 2, 1, NOW + 2)  # forgets "a", the least recently used
    assert len(counts) == 2
    assert not counts.admit("a", NOW, 5, NOW + 3)  # forgotten while fresh: stale, never replayable
    assert not counts.admit("z", NOW - 10, 1, NOW + 3)  # unseen but older than the floor
    assert counts.admit("b", NOW + 1, 2, NOW + 3)
    assert counts.admit("d", NOW + 4, 1, NOW + 4)  # forgets "c", since "b" was used since


def test_nonce_counts_drop_expired_entries_first() -> None:
    counts = NonceCounts(capacity=2, lifetime_s=300)
    counts.admit("old", NOW, 1, NOW)
    counts.admit("new", NOW + 400, 1, NOW + 400)  # "old" expired: dropped, the floor untouched
    assert len(counts) == 1
    assert counts.admit("older-but-unseen", NOW + 350, 1, NOW + 400)


def test_challenger_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        Challenger(b"short", random.Random(1))
    with pytest.raises(ValueError, match="positive"):
        Challenger(SECRET, random.Random(1), nonce_lifetime_s=0)
    with pytest.raises(ValueError, match="capacity"):
        Challenger(SECRET, random.Random(1), max_tracked_nonces=0)


def test_default_challenge_is_md5_alone_for_phones_that_know_nothing_else() -> None:
    (only,) = Challenger(SECRET, random.Random(7)).challenge(REALM, NOW)
    assert "algorithm=MD5" in only
    assert COMPATIBLE == (DigestAlgorithm.MD5,)
