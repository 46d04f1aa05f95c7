"""SIP and SIPS URIs (RFC 3261 §19.1) and the name-addr / addr-spec forms that carry them.

Only ``sip:`` and ``sips:`` URIs are taken apart; any other scheme (``tel:``, or one nobody
knows, RFC 4475 §3.1.2.2) is kept whole, so that the decision — 416 Unsupported URI Scheme,
or routing a ``tel:`` number — is the caller's, not the parser's. Escapes are kept as they are:
``%00`` in a user part is not a terminator (RFC 4475 §3.1.1.4).
"""

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache

from callfloor.core.sip import ParseError
from callfloor.core.sip.grammar import (
    WHITESPACE,
    format_params,
    is_token,
    parse_params,
    quote,
    quoted_end,
    unquote,
)

_HOSTNAME = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?$"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")


@dataclass(frozen=True, slots=True)
class Uri:
    """A URI; for ``sip``/``sips`` its parts, otherwise ``opaque`` holds everything after the colon."""

    scheme: str
    user: str | None = None
    password: str | None = None
    host: str = ""
    port: int | None = None
    params: dict[str, str | None] = field(default_factory=dict)
    headers: str | None = None
    opaque: str | None = None

    @property
    def is_sip(self) -> bool:
        """True for sip: and sips: URIs."""
        return self.opaque is None

    def __str__(self) -> str:
        if self.opaque is not None:
            return f"{self.scheme}:{self.opaque}"
        userinfo = ""
        if self.user is not None:
            userinfo = self.user + (f":{self.password}" if self.password is not None else "") + "@"
        port = f":{self.port}" if self.port is not None else ""
        headers = f"?{self.headers}" if self.headers is not None else ""
        return f"{self.scheme}:{userinfo}{self.host}{port}{format_params(self.params)}{headers}"


# Parsers of header values are memoised: the same From, To, Via and URIs come back in every
# message of a dialog and are read several times per message (checks, transactions, dialogs).
# What they return is frozen and shared, so nobody may change it (its params dicts included).
PARSED_VALUES_KEPT = 4096


@lru_cache(maxsize=PARSED_VALUES_KEPT)
def parse_uri(text: str) -> Uri:
    """Parse a URI; whitespace anywhere in it is an error (RFC 4475 §3.1.2.5)."""
    if not text or any(c in text for c in WHITESPACE + "\r\n<>"):
        raise ParseError(f"bad URI {text!r}")
    scheme, colon, rest = text.partition(":")
    if not colon or not _SCHEME.match(scheme):
        raise ParseError(f"bad URI scheme in {text!r}")
    if scheme.lower() not in ("sip", "sips"):
        if not rest:
            raise ParseError(f"empty URI {text!r}")
        return Uri(scheme.lower(), opaque=rest)
    return _parse_sip(scheme.lower(), rest)


def _parse_sip(scheme: str, rest: str) -> Uri:
    user = password = None
    at = rest.rfind("@")
    if at >= 0:  # '@' cannot appear unescaped after the host, so the last one ends the userinfo
        userinfo, rest = rest[:at], rest[at + 1 :]
        user, colon, pw = userinfo.partition(":")
        password = pw if colon else None
        if not user:
            raise ParseError("empty user part")
    rest, qmark, headers = rest.partition("?")
    hostport, _, params_text = rest.partition(";")
    host, port = _hostport(hostport)
    params = parse_params(";" + params_text) if params_text else {}
    return Uri(scheme, user, password, host, port, params, headers if qmark else None)


def _hostport(text: str) -> tuple[str, int | None]:
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ParseError("unterminated IPv6 reference")
        try:
            ipaddress.IPv6Address(text[1:end])
        except ValueError:
            raise ParseError(f"bad IPv6 address {text[1:end]!r}") from None
        host, port_text = text[: end + 1], text[end + 1 :]
        if port_text and not port_text.startswith(":"):
            raise ParseError(f"bad host {text!r}")
        port_text = port_text[1:]
    else:
        host, _, port_text = text.partition(":")
        if not _HOSTNAME.match(host):
            raise ParseError(f"bad host {host!r}")
    if not port_text:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ParseError(f"bad port {port_text!r}")
    return host, int(port_text)


@dataclass(frozen=True, slots=True)
class NameAddr:
    """A From, To, Contact, Route… value: optional display name, URI, header parameters."""

    uri: Uri
    display: str | None = None
    params: dict[str, str | None] = field(default_factory=dict)

    @property
    def tag(self) -> str | None:
        """The ``tag`` parameter (dialog identification, RFC 3261 §19.3)."""
        return self.params.get("tag")

    def __str__(self) -> str:
        display = f"{quote(self.display)} " if self.display is not None else ""
        return f"{display}<{self.uri}>{format_params(self.params)}"


@lru_cache(maxsize=PARSED_VALUES_KEPT)
def parse_name_addr(text: str) -> NameAddr:
    """Parse ``name-addr`` or ``addr-spec`` followed by header parameters (RFC 3261 §20.10)."""
    text = text.strip(WHITESPACE)
    display: str | None = None
    if text.startswith('"'):
        end = quoted_end(text, 0)
        display, text = unquote(text[:end]), text[end:].lstrip(WHITESPACE)
        if not text.startswith("<"):
            raise ParseError("a quoted display name must be followed by <URI>")
    lt = text.find("<")
    if lt >= 0:
        words = text[:lt].split()
        if display is None and words:
            if not all(is_token(w) for w in words):
                raise ParseError(f"display name must be tokens or quoted: {text[:lt].strip()!r}")
            display = " ".join(words)
        gt = text.find(">", lt)
        if gt < 0:
            raise ParseError("unterminated <URI>")
        return NameAddr(parse_uri(text[lt + 1 : gt]), display, parse_params(text[gt + 1 :]))
    uri_text, semi, params = text.partition(";")
    if any(c in uri_text for c in ",?"):  # RFC 3261 §20: such a URI must be in angle brackets
        raise ParseError(f"URI with ',' or '?' must be enclosed in <>: {uri_text!r}")
    return NameAddr(parse_uri(uri_text.strip(WHITESPACE)), None, parse_params(semi + params))
