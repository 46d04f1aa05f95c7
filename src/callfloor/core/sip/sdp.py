"""SDP session descriptions (RFC 8866, which obsoletes RFC 4566): parsed, checked and written.

Theory of operation: :func:`~callfloor.core.sip.sdp_parser.parse_sdp` cuts the body into
``<type>=<value>`` lines and walks them
against the order of RFC 8866 §5 (session lines, time lines, then one section per ``m=``). An
unknown type letter or a line out of order is refused with 400 rather than guessed at: §5 lets
a parser only ignore or reject such a description, and a B2BUA that half-understands an offer
answers nonsense. It is liberal where phones differ harmlessly: LF or CRLF, trailing white
space, runs of spaces between fields, no ``c=`` on a rejected (port 0) stream.

The attributes offer/answer reads become fields: ``rtpmap`` and ``fmtp`` hang on the
:class:`Format` of the ``m=`` line they describe, ``ptime`` and the direction (§6.7) stand alone;
every other attribute is kept as an :class:`Attribute`, in order. ``to_bytes`` writes the RFC
order back with CRLF, so ``parse_sdp(d.to_bytes()) == d``. Only ``IN IP4`` and ``IN IP6``
connections are understood (§5.7), one ``c=`` per media section: more are for layered multicast.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from callfloor.core.sip import SipError


class SdpError(SipError):
    """An SDP we cannot take; ``status`` answers the INVITE: 400 malformed, 488 nothing in common."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Direction(StrEnum):
    """Which way a stream flows, seen from the side that wrote the description (RFC 8866 §6.7)."""

    SENDRECV = "sendrecv"
    SENDONLY = "sendonly"
    RECVONLY = "recvonly"
    INACTIVE = "inactive"


@dataclass(frozen=True, slots=True)
class Origin:
    """``o=`` (RFC 8866 §5.2): who wrote the description, and which version of it this is."""

    username: str
    session_id: int
    session_version: int
    net_type: str
    addr_type: str
    address: str

    def __str__(self) -> str:
        where = f"{self.net_type} {self.addr_type} {self.address}"
        return f"{self.username} {self.session_id} {self.session_version} {where}"


@dataclass(frozen=True, slots=True)
class Connection:
    """``c=`` (RFC 8866 §5.7): where the writer of the description wants to receive media."""

    net_type: str
    addr_type: str
    address: str

    @property
    def is_null(self) -> bool:
        """``0.0.0.0``: send nothing there, the RFC 2543 way of holding (RFC 3264 §8.4)."""
        return self.address in ("0.0.0.0", "::")  # noqa: S104 - a peer's address, not a bind

    def __str__(self) -> str:
        return f"{self.net_type} {self.addr_type} {self.address}"


@dataclass(frozen=True, slots=True)
class Bandwidth:
    """``b=`` (RFC 8866 §5.8), such as ``AS:64``: kept for the peer, never enforced here."""

    type: str
    value: int

    def __str__(self) -> str:
        return f"{self.type}:{self.value}"


@dataclass(frozen=True, slots=True)
class Timing:
    """``t=`` and its ``r=`` repeats (RFC 8866 §5.9-5.10); SIP uses ``t=0 0`` (RFC 3264 §5)."""

    start: int = 0
    stop: int = 0
    repeats: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attribute:
    """``a=<name>`` (value None) or ``a=<name>:<value>`` (RFC 8866 §5.13), kept as written."""

    name: str
    value: str | None = None

    def __str__(self) -> str:
        return self.name if self.value is None else f"{self.name}:{self.value}"


@dataclass(frozen=True, slots=True)
class RtpMap:
    """``a=rtpmap`` (RFC 8866 §6.6): the encoding a payload type number stands for."""

    encoding: str
    clock_rate: int
    channels: int | None = None

    def __str__(self) -> str:
        return f"{self.encoding}/{self.clock_rate}" + (f"/{self.channels}" if self.channels else "")


# RFC 3551 §6, table 4: the audio payload types that need no rtpmap.
STATIC_PAYLOADS: Mapping[int, RtpMap] = {
    0: RtpMap("PCMU", 8000),
    3: RtpMap("GSM", 8000),
    4: RtpMap("G723", 8000),
    8: RtpMap("PCMA", 8000),
    9: RtpMap("G722", 8000),
    13: RtpMap("CN", 8000),
    18: RtpMap("G729", 8000),
}


@dataclass(frozen=True, slots=True)
class Format:
    """One format of an ``m=`` line with its ``rtpmap`` and ``fmtp`` (RFC 8866 §6.6, §6.15)."""

    name: str
    rtpmap: RtpMap | None = None
    fmtp: str | None = None

    @property
    def payload_type(self) -> int | None:
        """The RTP payload type, None for a format that is not a number (``t38``, ``*``)."""
        return int(self.name) if self.name.isascii() and self.name.isdigit() else None

    def encoding(self) -> RtpMap | None:
        """The rtpmap, or the one RFC 3551 §6 assigns to a static payload type."""
        if self.rtpmap is not None or self.payload_type is None:
            return self.rtpmap
        return STATIC_PAYLOADS.get(self.payload_type)


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaDescription:
    """One ``m=`` section (RFC 8866 §5.14); port 0 is a rejected or disabled stream (RFC 3264 §6)."""

    media: str
    port: int
    proto: str
    formats: tuple[Format, ...]
    port_count: int | None = None
    title: str | None = None
    connection: Connection | None = None
    bandwidths: tuple[Bandwidth, ...] = ()
    key: str | None = None
    ptime: int | None = None
    direction: Direction | None = None
    attributes: tuple[Attribute, ...] = ()

    @property
    def rejected(self) -> bool:
        """Port 0: a stream declined in an answer or disabled in an offer (RFC 3264 §5.1, §6)."""
        return self.port == 0

    def lines(self) -> Iterator[str]:
        """The section's lines in RFC 8866 §5 order, without line ends."""
        port = f"{self.port}/{self.port_count}" if self.port_count is not None else str(self.port)
        yield f"m={self.media} {port} {self.proto} {' '.join(f.name for f in self.formats)}"
        yield from _optional("i", self.title)
        yield from _optional("c", self.connection)
        yield from (f"b={b}" for b in self.bandwidths)
        yield from _optional("k", self.key)
        for f in self.formats:
            yield from _optional("a=rtpmap", f.rtpmap and f"{f.name} {f.rtpmap}", ":")
            yield from _optional("a=fmtp", f"{f.name} {f.fmtp}" if f.fmtp is not None else None, ":")
        yield from _optional("a=ptime", self.ptime, ":")
        yield from _attribute_lines(self.attributes, self.direction)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionDescription:
    """A whole SDP body (RFC 8866 §5): session lines, then its media sections in order."""

    version: int = 0
    origin: Origin
    session_name: str
    information: str | None = None
    uri: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    connection: Connection | None = None
    bandwidths: tuple[Bandwidth, ...] = ()
    timing: tuple[Timing, ...] = (Timing(),)
    zone: str | None = None
    key: str | None = None
    direction: Direction | None = None
    attributes: tuple[Attribute, ...] = ()
    media: tuple[MediaDescription, ...] = ()

    def connection_for(self, media: MediaDescription) -> Connection | None:
        """A media-level ``c=`` overrides the session's (RFC 8866 §5.7)."""
        return media.connection or self.connection

    def direction_for(self, media: MediaDescription) -> Direction:
        """The direction that holds for ``media``, with RFC 2543 hold (``c=0.0.0.0``) read in.

        Media level overrides session level, sendrecv by default (RFC 3264 §5.1); a null
        address means "send nothing to me" (RFC 3264 §8.4), so it takes away the receiving.
        """
        stated = media.direction or self.direction or Direction.SENDRECV
        connection = self.connection_for(media)
        return _NOT_RECEIVING[stated] if connection is not None and connection.is_null else stated

    def to_bytes(self) -> bytes:
        """The body with CRLF line ends, in RFC 8866 §5 order."""
        return "".join(f"{line}\r\n" for line in self._lines()).encode()

    def _lines(self) -> Iterator[str]:
        yield f"v={self.version}"
        yield f"o={self.origin}"
        yield f"s={self.session_name or ' '}"  # RFC 8866 §5.3: a single space when there is no name
        yield from _optional("i", self.information)
        yield from _optional("u", self.uri)
        yield from (f"e={e}" for e in self.emails)
        yield from (f"p={p}" for p in self.phones)
        yield from _optional("c", self.connection)
        yield from (f"b={b}" for b in self.bandwidths)
        for t in self.timing:
            yield f"t={t.start} {t.stop}"
            yield from (f"r={r}" for r in t.repeats)
        yield from _optional("z", self.zone)
        yield from _optional("k", self.key)
        yield from _attribute_lines(self.attributes, self.direction)
        for media in self.media:
            yield from media.lines()


_NOT_RECEIVING = {
    Direction.SENDRECV: Direction.SENDONLY,
    Direction.SENDONLY: Direction.SENDONLY,
    Direction.RECVONLY: Direction.INACTIVE,
    Direction.INACTIVE: Direction.INACTIVE,
}


def _optional(kind: str, value: object | None, separator: str = "=") -> Iterator[str]:
    if value is not None:
        yield f"{kind}{separator}{value}"


def _attribute_lines(attributes: tuple[Attribute, ...], direction: Direction | None) -> Iterator[str]:
    yield from (f"a={a}" for a in attributes)
    yield from _optional("a", direction)
