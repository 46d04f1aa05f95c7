"""SIP requests and responses, and their wire form.

Header values are text decoded as UTF-8 with ``surrogateescape``, so any byte a peer sent comes
back out unchanged when the message is forwarded or logged (RFC 4475 §3.1.1.2 puts NUL, BEL and
non-UTF-8 octets in header values). ``Content-Length`` is always written from the body.
"""

from dataclasses import dataclass, field

from callfloor.core.sip import ParseError
from callfloor.core.sip.headers import CSeq, Headers, Via, parse_cseq, parse_via
from callfloor.core.sip.uri import NameAddr, parse_name_addr

ENCODING = "utf-8"
ERRORS = "surrogateescape"


@dataclass(slots=True)
class _Message:
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    def via(self) -> list[Via]:
        """Every Via, topmost first."""
        return [parse_via(v) for v in self.headers.values("Via")]

    def cseq(self) -> CSeq:
        """The CSeq."""
        return parse_cseq(self._required("CSeq"))

    def from_(self) -> NameAddr:
        """The From header."""
        return parse_name_addr(self._required("From"))

    def to(self) -> NameAddr:
        """The To header."""
        return parse_name_addr(self._required("To"))

    @property
    def call_id(self) -> str:
        """The Call-ID."""
        return self._required("Call-ID").strip()

    def contacts(self) -> list[NameAddr] | None:
        """The Contact values; None for ``Contact: *`` (remove all bindings)."""
        values = self.headers.values("Contact")
        if values == ["*"]:
            return None
        return [parse_name_addr(v) for v in values]

    def _required(self, name: str) -> str:
        value = self.headers.get(name)
        if value is None:
            raise ParseError(f"missing {name}")
        return value

    def _header_bytes(self) -> bytes:
        lines = [f"{name}: {value}\r\n" for name, value in self.headers if name != "Content-Length"]
        lines.append(f"Content-Length: {len(self.body)}\r\n\r\n")
        return "".join(lines).encode(ENCODING, ERRORS)


@dataclass(slots=True)
class Request(_Message):
    """A SIP request."""

    method: str = "OPTIONS"
    uri: str = ""
    version: str = "SIP/2.0"

    def to_bytes(self) -> bytes:
        """The wire form."""
        start = f"{self.method} {self.uri} {self.version}\r\n".encode(ENCODING, ERRORS)
        return start + self._header_bytes() + self.body


@dataclass(slots=True)
class Response(_Message):
    """A SIP response."""

    status: int = 200
    reason: str = "OK"
    version: str = "SIP/2.0"

    def to_bytes(self) -> bytes:
        """The wire form."""
        start = f"{self.version} {self.status} {self.reason}\r\n".encode(ENCODING, ERRORS)
        return start + self._header_bytes() + self.body


Message = Request | Response
