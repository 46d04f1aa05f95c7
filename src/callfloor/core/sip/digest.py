"""Digest authentication values: the arithmetic and the header syntax (RFC 2617, RFC 7616, RFC 8760).

A registrar only needs HA1 = H(username ":" realm ":" password) to check a response, so the
clear SIP password is never stored: we keep HA1 for each algorithm a phone may choose.

Both ends share what is here: the hashes, and the one grammar of the ``WWW-Authenticate`` and
``Proxy-Authenticate`` challenges and the ``Authorization`` and ``Proxy-Authorization``
credentials (RFC 3261 §25.1: ``"Digest" LWS auth-param *(COMMA auth-param)``, each value a token
or a quoted string). The registrar's policy and the trunk client live in :mod:`.auth`.

Errors: :class:`DigestParseError`, a :class:`~callfloor.core.sip.ParseError`, for a value that
breaks the grammar or lacks a field; its ``status`` (400) is what to answer the request with.
"""

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from callfloor.core.sip import ParseError
from callfloor.core.sip.grammar import TOKEN_CHARS, is_token


class DigestAlgorithm(StrEnum):
    """Hash algorithms a SIP phone may ask for (RFC 8760 adds SHA-256 to SIP)."""

    MD5 = "MD5"
    SHA256 = "SHA-256"


_HASHES = {DigestAlgorithm.MD5: hashlib.md5, DigestAlgorithm.SHA256: hashlib.sha256}


def ha1(username: str, realm: str, password: str, algorithm: DigestAlgorithm) -> str:
    """HA1 in lowercase hex, as RFC 7616 §3.4.2 defines it for the non-session algorithms."""
    data = f"{username}:{realm}:{password}".encode()
    return _HASHES[algorithm](data, usedforsecurity=True).hexdigest()


def digest_response(
    algorithm: DigestAlgorithm,
    ha1_hex: str,
    *,
    nonce: str,
    method: str,
    uri: str,
    qop: str | None,
    nc: str,
    cnonce: str,
) -> str:
    """The request-digest, in lowercase hex.

    With qop it is KD(HA1, nonce:nc:cnonce:qop:HA2) (RFC 7616 §3.4.1) and HA2 = H(method:uri)
    (§3.4.3, qop=auth); without qop it is RFC 2069's KD(HA1, nonce:HA2), which RFC 2617 §3.2.2.1
    keeps for old clients and which ignores ``nc`` and ``cnonce``.
    """
    hash_ = _HASHES[algorithm]
    ha2 = hash_(f"{method}:{uri}".encode(), usedforsecurity=True).hexdigest()
    tail = f"{nonce}:{nc}:{cnonce}:{qop}:{ha2}" if qop is not None else f"{nonce}:{ha2}"
    return hash_(f"{ha1_hex}:{tail}".encode(), usedforsecurity=True).hexdigest()


class DigestParseError(ParseError):
    """A Digest challenge or credentials value that cannot be read; ``status`` is what to answer."""


_FOLD = re.compile(r"\r\n[ \t]+")  # RFC 3261 §7.3.1: a folded line reads as one SP
_WSP = " \t"
#: Parameters RFC 7616 writes as tokens (§3.3, §3.4): some phones refuse them quoted, and others
#: refuse the remaining ones bare, so a builder has to know which value is which.
_BARE_IN_CHALLENGE = frozenset({"algorithm", "stale"})
_BARE_IN_CREDENTIALS = frozenset({"algorithm", "qop", "nc", "userhash"})


@dataclass(frozen=True, slots=True)
class DigestHeader:
    """The auth-params of one Digest challenge or credentials value, in order.

    Names are lowercase, since they compare case-insensitively (RFC 7616 §3.3). Unknown ones are
    kept: a proxy passes them on, and a build-then-parse round trip gives back the same value.
    """

    params: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        names = [name for name, _ in self.params]
        if not names or len(set(names)) != len(names):
            raise ValueError("a Digest value needs one or more auth-params, each named once")
        if not all(is_token(name) and name == name.lower() for name in names):
            raise ValueError("auth-param names are lowercase tokens")
        if not all(_writable(value) for _, value in self.params):
            raise ValueError("an auth-param value cannot hold CR, LF or an undecodable byte")

    def get(self, name: str) -> str | None:
        """The value of parameter ``name`` (any case), or None when it is absent."""
        key = name.lower()
        return next((value for n, value in self.params if n == key), None)


def parse_digest(value: str) -> DigestHeader:
    """Read a challenge or credentials value (RFC 3261 §25.1; RFC 7616 §3.3 and §3.4).

    One value holds one challenge: SIP never joins these header fields with commas (RFC 3261
    §7.3.1). Linear white space is allowed around ``=`` and ``,`` (EQUAL and COMMA are SWS-padded)
    and a parameter named twice is refused, since either reading of it could be the attacker's.
    """
    text = _FOLD.sub(" ", value).strip(_WSP)
    scheme, i = _token(text, 0)
    if scheme.lower() != "digest":
        raise DigestParseError("not a Digest value")
    if i == len(text) or text[i] not in _WSP:
        raise DigestParseError("expected white space after Digest")
    params: dict[str, str] = {}
    while True:
        name, param, i = _auth_param(text, i)
        if name in params:
            raise DigestParseError(f"parameter {name!r} given twice")
        params[name] = param
        i = _skip(text, i)
        if i == len(text):
            return DigestHeader(tuple(params.items()))
        if text[i] != ",":
            raise DigestParseError(f"expected ',' at offset {i}")
        i += 1


def format_challenge(header: DigestHeader) -> str:
    """The value of a ``WWW-Authenticate`` or ``Proxy-Authenticate`` field (RFC 7616 §3.3)."""
    return _format(header, _BARE_IN_CHALLENGE)


def format_credentials(header: DigestHeader) -> str:
    """The value of an ``Authorization`` or ``Proxy-Authorization`` field (RFC 7616 §3.4)."""
    return _format(header, _BARE_IN_CREDENTIALS)


@dataclass(frozen=True, slots=True)
class DigestCredentials:
    """The fields a verifier reads from credentials, checked for presence and form (RFC 7616 §3.4)."""

    username: str
    realm: str
    nonce: str
    uri: str
    response: str
    algorithm: DigestAlgorithm
    qop: str | None
    nc: str
    cnonce: str
    opaque: str | None

    @property
    def count(self) -> int:
        """The nonce count as a number; 0 for an RFC 2069 response, which has none."""
        return int(self.nc, 16) if self.qop is not None else 0

    def expected_response(self, ha1_hex: str, method: str) -> str:
        """The response a client holding ``ha1_hex`` sends with these fields for ``method``."""
        return digest_response(
            self.algorithm,
            ha1_hex,
            nonce=self.nonce,
            method=method,
            uri=self.uri,
            qop=self.qop,
            nc=self.nc,
            cnonce=self.cnonce,
        )


def read_credentials(header: DigestHeader, *, allow_rfc2069: bool = False) -> DigestCredentials:
    """The credentials' fields, or DigestParseError (400) when one is missing or ill-formed.

    A missing algorithm means MD5 (RFC 7616 §3.4). We only offer qop=auth, so a response must use
    it, with an 8-hex-digit nc and a cnonce (§3.4); the qop-less RFC 2069 form is refused unless
    ``allow_rfc2069``, since it has no nonce count to stop replays with.
    """
    qop, nc, cnonce = header.get("qop"), header.get("nc") or "", header.get("cnonce") or ""
    if qop is None and not allow_rfc2069:
        raise DigestParseError("no qop: RFC 2069 responses are not accepted")
    if qop is not None and (qop.lower() != "auth" or not _is_count(nc) or not cnonce):
        raise DigestParseError("a response needs qop=auth with nc and cnonce")
    uri = _required(header, "uri")
    if not uri:
        raise DigestParseError("empty digest uri")
    return DigestCredentials(
        username=_required(header, "username"),
        realm=_required(header, "realm"),
        nonce=_required(header, "nonce"),
        uri=uri,
        response=_required(header, "response"),
        algorithm=_algorithm(header.get("algorithm")),
        qop=qop,
        nc=nc,
        cnonce=cnonce,
        opaque=header.get("opaque"),
    )


def parse_algorithm(value: str | None) -> DigestAlgorithm | None:
    """The algorithm a challenge or response names, MD5 when it names none (RFC 7616 §3.3).

    None for one we do not implement (the -sess variants, SHA-512-256). Matching ignores case,
    as phones write ``md5`` as often as ``MD5``.
    """
    if value is None:
        return DigestAlgorithm.MD5
    return next((a for a in DigestAlgorithm if a.value.lower() == value.lower()), None)


def _algorithm(value: str | None) -> DigestAlgorithm:
    algorithm = parse_algorithm(value)
    if algorithm is None:
        raise DigestParseError("unsupported digest algorithm")
    return algorithm


def _required(header: DigestHeader, name: str) -> str:
    value = header.get(name)
    if value is None:
        raise DigestParseError(f"missing {name}")
    return value


def _is_count(nc: str) -> bool:
    # nc-value = 8LHEX (RFC 7616 §3.4); the first request with a nonce sends 00000001.
    return len(nc) == 8 and all(c in "0123456789abcdefABCDEF" for c in nc) and int(nc, 16) > 0


def _format(header: DigestHeader, bare: frozenset[str]) -> str:
    items = (f"{n}={v}" if n in bare and is_token(v) else f"{n}={_quote(v)}" for n, v in header.params)
    return "Digest " + ", ".join(items)


def _quote(value: str) -> str:
    # Escape what qdtext cannot hold raw (RFC 3261 §25.1 quoted-pair); CR and LF never get here.
    return '"' + "".join("\\" + c if c in '"\\' or _is_control(c) else c for c in value) + '"'


def _auth_param(text: str, i: int) -> tuple[str, str, int]:
    name, i = _token(text, _skip(text, i))
    i = _skip(text, i)
    if i == len(text) or text[i] != "=":
        raise DigestParseError(f"expected '=' after {name!r}")
    i = _skip(text, i + 1)
    value, i = _quoted(text, i) if i < len(text) and text[i] == '"' else _token(text, i)
    return name.lower(), value, i


def _token(text: str, start: int) -> tuple[str, int]:
    end = start
    while end < len(text) and text[end] in TOKEN_CHARS:
        end += 1
    if end == start:
        raise DigestParseError(f"expected a token at offset {start}")
    return text[start:end], end


def _quoted(text: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == '"':
            return "".join(out), i + 1
        if c == "\\":  # quoted-pair: any ASCII character but CR and LF
            i += 1
            if i == len(text) or ord(text[i]) > 0x7F or text[i] in "\r\n":
                raise DigestParseError("bad escape in a quoted string")
            c = text[i]
        elif _is_control(c) or _is_undecodable(c):
            raise DigestParseError("control character in a quoted string")
        out.append(c)
        i += 1
    raise DigestParseError("unterminated quoted string")


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WSP:
        i += 1
    return i


def _is_control(c: str) -> bool:
    # qdtext allows HTAB as part of LWS, and no other control character (RFC 3261 §25.1).
    return (c < " " and c != "\t") or c == "\x7f"


def _is_undecodable(c: str) -> bool:
    # Message text is decoded with surrogateescape: a lone surrogate is a byte that was not UTF-8.
    return "\ud800" <= c <= "\udfff"


def _writable(value: str) -> bool:
    return not any(c in "\r\n" or _is_undecodable(c) for c in value)
