"""HA1, the request-digest and the Digest header syntax, checked against RFC 2617 and RFC 7616 examples."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.sip import ParseError
from callfloor.core.sip.digest import (
    DigestAlgorithm,
    DigestHeader,
    DigestParseError,
    format_challenge,
    format_credentials,
    ha1,
    parse_algorithm,
    parse_digest,
    read_credentials,
)
from callfloor.core.sip.grammar import TOKEN_CHARS


def _response(algorithm: str, ha1_hex: str, nonce: str, cnonce: str, method: str, uri: str) -> str:
    h = getattr(hashlib, algorithm)
    ha2 = h(f"{method}:{uri}".encode()).hexdigest()
    return h(f"{ha1_hex}:{nonce}:00000001:{cnonce}:auth:{ha2}".encode()).hexdigest()


def test_rfc2617_md5_example() -> None:
    # RFC 2617 §3.5: Mufasa / "Circle Of Life" in testrealm@host.com.
    key = ha1("Mufasa", "testrealm@host.com", "Circle Of Life", DigestAlgorithm.MD5)
    response = _response(
        "md5", key, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "0a4f113b", "GET", "/dir/index.html"
    )
    assert response == "6629fae49393a05397450978507c4ef1"


def test_rfc7616_sha256_example() -> None:
    # RFC 7616 §3.9.1: Mufasa / "Circle of Life" in http-auth@example.org.
    key = ha1("Mufasa", "http-auth@example.org", "Circle of Life", DigestAlgorithm.SHA256)
    response = _response(
        "sha256",
        key,
        "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        "GET",
        "/dir/index.html",
    )
    assert response == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"


def test_lengths_and_case() -> None:
    assert len(ha1("1001", "demo", "secret", DigestAlgorithm.MD5)) == 32
    assert len(ha1("1001", "demo", "secret", DigestAlgorithm.SHA256)) == 64
    assert ha1("1001", "demo", "secret", DigestAlgorithm.MD5).islower()


# --- Header values: RFC 3261 §25.1 grammar, through parse_digest and format_* ---

RFC2617_CREDENTIALS = (
    'Digest username="Mufasa",\r\n'
    '     realm="testrealm@host.com",\r\n'
    '     nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",\r\n'
    '     uri="/dir/index.html",\r\n'
    "     qop=auth,\r\n"
    "     nc=00000001,\r\n"
    '     cnonce="0a4f113b",\r\n'
    '     response="6629fae49393a05397450978507c4ef1",\r\n'
    '     opaque="5ccc069c403ebaf9f0171e9517f40e41"'
)
RFC7616_CREDENTIALS = (
    'Digest username="Mufasa",\r\n'
    '    realm="http-auth@example.org",\r\n'
    '    uri="/dir/index.html",\r\n'
    "    algorithm=SHA-256,\r\n"
    '    nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",\r\n'
    "    nc=00000001,\r\n"
    '    cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",\r\n'
    "    qop=auth,\r\n"
    '    response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",\r\n'
    '    opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'
)


@pytest.mark.parametrize(
    ("text", "password"),
    [(RFC2617_CREDENTIALS, "Circle Of Life"), (RFC7616_CREDENTIALS, "Circle of Life")],
    ids=["rfc2617-md5", "rfc7616-sha256"],
)
def test_rfc_credentials_parse_and_check(text: str, password: str) -> None:
    credentials = read_credentials(parse_digest(text))
    key = ha1(credentials.username, credentials.realm, password, credentials.algorithm)
    assert credentials.expected_response(key, "GET") == credentials.response
    assert credentials.expected_response(key, "POST") != credentials.response
    assert credentials.count == 1


def test_parse_keeps_order_lowercases_names_and_keeps_unknown_ones() -> None:
    header = parse_digest('dIgEsT  ReAlm = "a b" ,NONCE=x1 , x-Vendor="\\"q\\\\" ,\tstale=TRUE')
    assert header.params == (("realm", "a b"), ("nonce", "x1"), ("x-vendor", '"q\\'), ("stale", "TRUE"))
    assert header.get("Realm") == "a b"
    assert header.get("opaque") is None


def test_parse_accepts_folded_lines_and_utf8() -> None:
    header = parse_digest('Digest username="Jérôme",\r\n\trealm="centre d\'appels"')
    assert header.get("username") == "Jérôme"
    assert header.get("realm") == "centre d'appels"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Digest",
        "Digest ",
        "Basic realm=x",
        "Digestrealm=x",
        "Digest,realm=x",
        "Digest realm=x,",
        "Digest realm=x,,nonce=y",
        "Digest realm",
        "Digest realm=",
        'Digest realm="x',
        'Digest realm="x\\',
        'Digest realm="x" nonce=y',
        'Digest realm="a\x00b"',
        'Digest realm="a\\\nb"',
        'Digest realm="a\udcffb"',
        'Digest realm="a\\éb"',
        "Digest realm=x, REALM=y",
        "Digest realm=a/b",
        "Digest realm=x\r\nnonce=y",
    ],
)
def test_malformed_values_are_400(text: str) -> None:
    with pytest.raises(DigestParseError) as caught:
        parse_digest(text)
    assert caught.value.status == 400
    assert isinstance(caught.value, ParseError)


def test_builders_quote_by_field_kind() -> None:
    header = DigestHeader((("realm", "r"), ("qop", "auth"), ("algorithm", "MD5"), ("nc", "00000001")))
    assert format_challenge(header) == 'Digest realm="r", qop="auth", algorithm=MD5, nc="00000001"'
    assert format_credentials(header) == 'Digest realm="r", qop=auth, algorithm=MD5, nc=00000001'


@pytest.mark.parametrize(
    "params",
    [(), (("realm", "a"), ("realm", "b")), (("Realm", "a"),), (("re alm", "a"),), (("realm", "a\r\n"),)],
)
def test_header_refuses_what_it_could_not_write(params: tuple[tuple[str, str], ...]) -> None:
    with pytest.raises(ValueError, match="auth-param"):
        DigestHeader(params)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"qop": None}, "RFC 2069"),
        ({"qop": "auth-int"}, "qop=auth"),
        ({"nc": "1"}, "qop=auth"),
        ({"nc": "0000000g"}, "qop=auth"),
        ({"nc": "00000000"}, "qop=auth"),
        ({"cnonce": ""}, "qop=auth"),
        ({"uri": ""}, "empty digest uri"),
        ({"nonce": None}, "missing nonce"),
        ({"response": None}, "missing response"),
        ({"algorithm": "MD5-sess"}, "unsupported"),
    ],
)
def test_read_credentials_names_what_is_wrong(change: dict[str, str | None], reason: str) -> None:
    params = dict(parse_digest(RFC2617_CREDENTIALS).params) | change
    header = DigestHeader(tuple((k, v) for k, v in params.items() if v is not None))
    with pytest.raises(DigestParseError, match=reason):
        read_credentials(header)


def test_rfc2069_form_only_when_allowed() -> None:
    params = tuple((k, v) for k, v in parse_digest(RFC2617_CREDENTIALS).params if k not in {"qop", "nc"})
    credentials = read_credentials(DigestHeader(params), allow_rfc2069=True)
    assert credentials.qop is None
    assert credentials.count == 0
    assert credentials.algorithm is DigestAlgorithm.MD5


def test_algorithm_names_ignore_case() -> None:
    assert parse_algorithm("sha-256") is DigestAlgorithm.SHA256
    assert parse_algorithm(None) is DigestAlgorithm.MD5
    assert parse_algorithm("SHA-512-256") is None


# --- Property tests: the parser never fails but with DigestParseError, and round-trips ---

_GRAMMAR_CHARS = st.sampled_from(list("Digest DIGEST =\"\\,\t\r\n;:/a1-.!%*_+`'~é\x00\x7f\udcff"))
_ANY_CHAR = st.characters(exclude_categories=())
_NAMES = st.text(st.sampled_from(sorted(TOKEN_CHARS)), min_size=1, max_size=12).map(str.lower)
_VALUES = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), max_size=30)
_PARAMS = st.lists(st.tuples(_NAMES, _VALUES), min_size=1, max_size=8, unique_by=lambda p: p[0])


def _parses_or_400(text: str) -> None:
    status: int | None = 0
    try:
        parse_digest(text)
    except DigestParseError as exc:
        status = exc.status
    assert status in {0, 400}


@given(st.text(st.one_of(_GRAMMAR_CHARS, _ANY_CHAR), max_size=80))
def test_arbitrary_text_parses_or_raises_parse_error(text: str) -> None:
    _parses_or_400(text)
    _parses_or_400("Digest " + text)


@given(_PARAMS, st.sampled_from([", ", " ,", "\t,\t", ",\r\n "]), st.sampled_from(["=", " = ", "\t="]))
def test_arbitrary_param_lists_parse_whatever_the_spacing(
    params: list[tuple[str, str]], comma: str, equal: str
) -> None:
    written = [(n, format_challenge(DigestHeader((("x", v),))).removeprefix("Digest x=")) for n, v in params]
    text = "Digest " + comma.join(f"{n.upper()}{equal}{v}" for n, v in written)
    assert parse_digest(text) == DigestHeader(tuple(params))


@given(_PARAMS)
def test_build_then_parse_gives_back_the_same(params: list[tuple[str, str]]) -> None:
    header = DigestHeader(tuple(params))
    assert parse_digest(format_challenge(header)) == header
    assert parse_digest(format_credentials(header)) == header
