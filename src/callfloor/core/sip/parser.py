"""Turning bytes into SIP messages: one UDP datagram, or a TCP byte stream.

What to do with a malformed message follows RFC 3261 and the handling RFC 4475 lists for each
torture message: a bad request raises :class:`ParseError` with the status to answer (400, 505
for another SIP version, 513 when too large); a bad response is dropped (status None), since
nobody answers a response. Liberal where the RFC grammar allows it (folded lines, white space
around separators, compact forms), strict where ambiguity would be dangerous (duplicated or
contradictory framing and dialog headers, LWS in the Request-URI, headers in the Request-URI).
"""

import re

from callfloor.core.sip import ParseError
from callfloor.core.sip.grammar import is_token
from callfloor.core.sip.headers import SINGLE_HEADERS, Headers, canonical
from callfloor.core.sip.message import ENCODING, ERRORS, Message, Request, Response
from callfloor.core.sip.uri import parse_uri

MAX_MESSAGE = 64 * 1024
_STATUS_LINE = re.compile(r"^SIP/(\d+\.\d+) (\d{3}) (.*)$", re.S)
_REQUEST_LINE = re.compile(r"^(\S+) (\S+) SIP/(\d+\.\d+)$")
_DATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} GMT$"
)
_REQUIRED = ("To", "From", "Call-ID", "CSeq", "Via")


def split_head(data: bytes) -> tuple[bytes, bytes] | None:
    """Header section and the rest, or None when the blank line has not arrived yet."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        index = data.find(separator)
        if index >= 0:
            return data[:index], data[index + len(separator) :]
    return None


def parse_datagram(data: bytes) -> Message:
    """One message from a UDP datagram; octets past Content-Length are ignored (RFC 3261 §18.3)."""
    if len(data) > MAX_MESSAGE:
        raise ParseError("message too large", 513)
    parts = split_head(data.lstrip(b"\r\n"))
    if parts is None:
        head, rest = data.lstrip(b"\r\n").rstrip(b"\r\n"), b""
    else:
        head, rest = parts
    message = parse_head(head)
    length = content_length(message)
    if length is None:
        message.body = rest
    elif length > len(rest):
        _fail(message, f"Content-Length {length} exceeds the {len(rest)} octets received")
    else:
        message.body = rest[:length]
    return message


def parse_head(head: bytes) -> Message:
    """Parse and check a start line and header section."""
    lines = _unfold(head.decode(ENCODING, ERRORS))
    if not lines:
        raise ParseError("empty message", None)
    message = _start(lines[0])
    try:
        message.headers = Headers([_field(line) for line in lines[1:]])
        _check(message)
    except ParseError as exc:
        _fail(message, exc.reason, exc.status)
    return message


def content_length(message: Message) -> int | None:
    """The Content-Length value, None when absent."""
    value = message.headers.get("Content-Length")
    if value is None:
        return None
    value = value.strip()
    if not value.isdigit():
        _fail(message, f"bad Content-Length {value!r}")
    return int(value)


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line[:1] in (" ", "\t") and len(lines) > 1:
            lines[-1] += " " + line.strip(" \t")
        else:
            lines.append(line)
    return lines


def _start(line: str) -> Message:
    status = _STATUS_LINE.match(line)
    if status is not None:
        if status[1] != "2.0" or not 100 <= int(status[2]) <= 699:
            raise ParseError(f"bad status line {line[:80]!r}", None)
        return Response(status=int(status[2]), reason=status[3])
    request = _REQUEST_LINE.match(line)
    if request is None:
        if line.startswith("SIP/"):
            raise ParseError(f"bad status line {line[:80]!r}", None)
        raise ParseError(f"bad request line {line[:80]!r}")
    if not is_token(request[1]):
        raise ParseError(f"bad method {request[1][:40]!r}")
    if request[3] != "2.0":
        raise ParseError(f"SIP version {request[3]} not supported", 505)
    uri = parse_uri(request[2])
    if uri.is_sip and uri.headers is not None:
        raise ParseError("a Request-URI cannot carry headers")  # RFC 3261 §19.1.5
    return Request(method=request[1], uri=request[2])


def _field(line: str) -> tuple[str, str]:
    name, colon, value = line.partition(":")
    name = name.rstrip(" \t")
    if not colon or not is_token(name):
        raise ParseError(f"bad header line {line[:80]!r}")
    return name, value.strip(" \t")


def _check(message: Message) -> None:
    headers = message.headers
    for name in SINGLE_HEADERS:
        if len(headers.get_all(name)) > 1:
            raise ParseError(f"more than one {name} header")
    for name in _REQUIRED:
        if headers.get(name) is None:
            raise ParseError(f"missing {name} header")
    cseq = message.cseq()
    if isinstance(message, Request) and cseq.method != message.method:
        raise ParseError(f"CSeq method {cseq.method} does not match {message.method}")
    message.from_(), message.to(), message.via()
    if message.headers.get("Contact") is not None:
        message.contacts()
    max_forwards = headers.get("Max-Forwards")
    if max_forwards is not None and (not max_forwards.isdigit() or int(max_forwards) > 255):
        raise ParseError(f"bad Max-Forwards {max_forwards!r}")
    date = headers.get("Date")
    if date is not None and not _DATE.match(date):
        raise ParseError(f"bad Date {date!r} (RFC 1123 in GMT required)")


def _fail(message: Message, reason: str, status: int | None = 400) -> None:
    raise ParseError(reason, None if isinstance(message, Response) else status)


class StreamFramer:
    """Cuts a TCP byte stream into messages by Content-Length (mandatory on streams, RFC 3261 §18.3).

    ``feed`` returns the complete messages; a framing error (no or bad Content-Length, an
    oversized message) raises :class:`ParseError` and the connection must be closed, since the
    next message's start can no longer be found.
    """

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> list[Message]:
        """Add received bytes; the messages now complete."""
        self._buffer += data
        messages = []
        while (message := self._next()) is not None:
            messages.append(message)
        return messages

    def _next(self) -> Message | None:
        self._buffer = self._buffer.lstrip(b"\r\n")  # keep-alive CRLFs (RFC 5626 §3.5.1)
        parts = split_head(self._buffer)
        if parts is None:
            if len(self._buffer) > MAX_MESSAGE:
                raise ParseError("header section too large", 513)
            return None
        head, rest = parts
        message = parse_head(head)
        length = content_length(message)
        if length is None:
            _fail(message, "Content-Length is mandatory on a stream")
            return None
        if len(head) + length > MAX_MESSAGE:
            _fail(message, "message too large", 513)
        if len(rest) < length:
            return None
        message.body, self._buffer = rest[:length], rest[length:]
        return message


_ECHOED = ("Via", "From", "To", "Call-ID", "CSeq")


def error_response(data: bytes, error: ParseError, reason: str) -> Response | None:
    """The response to a request that failed to parse, or None when it must be dropped.

    A response needs the request's Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2); they
    are copied as they were written, without the checks that rejected the request, and a
    message missing any of them (or a response) gets no answer at all.
    """
    if error.status is None:
        return None
    parts = split_head(data.lstrip(b"\r\n"))
    head = parts[0] if parts is not None else data
    lines = _unfold(head.decode(ENCODING, ERRORS))
    if not lines or lines[0].startswith("SIP/"):
        return None
    fields: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon and canonical(name.strip(" \t")) in _ECHOED:
            fields.append((name.strip(" \t"), value.strip(" \t")))
    response = Response(status=error.status, reason=reason, headers=Headers(fields))
    if any(response.headers.get(name) is None for name in _ECHOED):
        return None
    return response
