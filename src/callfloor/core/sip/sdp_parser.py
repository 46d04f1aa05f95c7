"""Parsing SDP text into :mod:`callfloor.core.sip.sdp`'s model (RFC 8866 §5, §9).

Strict about structure (``v=`` first, each line in its place, mandatory lines present, known
address types), liberal about line ends and white space, as the model's docstring explains.
Every problem is an :class:`~callfloor.core.sip.sdp.SdpError` with status 400.
"""

import ipaddress
import re
from dataclasses import replace
from itertools import pairwise
from typing import TypeVar

from callfloor.core.sip.sdp import (
    Attribute,
    Bandwidth,
    Connection,
    Direction,
    Format,
    MediaDescription,
    Origin,
    RtpMap,
    SdpError,
    SessionDescription,
    Timing,
)

_TOKEN_CHARS = r"[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+"  # noqa: S105 - the token of RFC 8866 §9, no secret
_TOKEN = re.compile(_TOKEN_CHARS)
_PROTO = re.compile(r"[0-9A-Za-z_.\-]+(/[0-9A-Za-z_.\-]+)*")
_HOST = re.compile(r"[0-9A-Za-z_\-]+(\.[0-9A-Za-z_\-]+)*\.?")
_MULTICAST = re.compile(r"[0-9]{1,3}(/[0-9]{1,3})?")  # /ttl[/count] (RFC 8866 §5.7)
_RTPMAP = re.compile(rf"([0-9]{{1,3}}) +({_TOKEN_CHARS})/([0-9]{{1,9}})(?:/([0-9]{{1,3}}))?")
_DECIMAL = re.compile(r"[0-9]{1,6}(\.[0-9]{1,6})?")
_DIGITS = re.compile(r"[0-9]{1,20}")
_REPEAT = re.compile(r"[0-9]+[dhms]?( +[0-9]+[dhms]?){2,}")  # RFC 8866 §5.10
_ZONE = re.compile(r"[0-9]+ +-?[0-9]+[dhms]?( +[0-9]+ +-?[0-9]+[dhms]?)*")  # RFC 8866 §5.11
_SESSION_ORDER = "vosiuepcbtrzka"  # RFC 8866 §5
_MEDIA_ORDER = "micbka"
_ONCE = frozenset("vosiuczkm")  # c= once per media section too: see the module docstring


_T = TypeVar("_T")
_Lines = list[tuple[str, str]]
_DIRECTIONS = frozenset(Direction)


def parse_sdp(data: bytes | str) -> SessionDescription:
    """The description in an INVITE, 18x/200 or ACK body; :class:`SdpError` (400) says what is wrong."""
    lines = _split_lines(data)
    if not lines or lines[0][0] != "v":
        raise SdpError("an SDP starts with v= (RFC 8866 §5)")
    cuts = [i for i, (kind, _) in enumerate(lines) if kind == "m"] + [len(lines)]
    media = tuple(_media(lines[start:end]) for start, end in pairwise(cuts))
    session = _session(lines[: cuts[0]], media)
    for m in media:
        if m.port != 0 and session.connection_for(m) is None:
            raise SdpError(f"no c= for the {m.media} stream (RFC 8866 §5.7)")
    return session


def _split_lines(data: bytes | str) -> _Lines:
    try:
        text = data.decode() if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise SdpError("an SDP is UTF-8 text (RFC 8866 §5)") from None
    raw = text.split("\n")
    while raw and not raw[-1].strip():
        raw.pop()
    lines = [line.rstrip() for line in raw]  # CRLF or LF, trailing white space: both seen in the wild
    for line in lines:
        if len(line) < 2 or line[1] != "=" or not "a" <= line[0] <= "z" or "\r" in line or "\0" in line:
            raise SdpError(f"{line[:40]!r} is not a <type>=<value> line (RFC 8866 §5)")
    return [(line[0], line[2:]) for line in lines]


def _check_order(lines: _Lines, order: str) -> None:
    position = -1
    for kind, value in lines:
        index = order.find(kind)
        again = index == position and kind in _ONCE
        back = index < position and not (kind == "t" and order[position] == "r")
        stray = kind == "r" and order[position] not in "tr"  # a repeat belongs to a t= line
        if index < 0 or again or back or stray:
            raise SdpError(f"{kind}={value[:40]} is out of place (RFC 8866 §5)")
        position = index


def _by_kind(lines: _Lines) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for kind, value in lines:
        found.setdefault(kind, []).append(value)
    return found


def _one(found: dict[str, list[str]], kind: str) -> str | None:
    values = found.get(kind)
    return values[0] if values else None


def _session(lines: _Lines, media: tuple[MediaDescription, ...]) -> SessionDescription:
    _check_order(lines, _SESSION_ORDER)
    found = _by_kind(lines)
    missing = [kind for kind in "vost" if kind not in found]
    if missing:
        raise SdpError(f"missing {missing[0]}= line: v=, o=, s= and t= are mandatory (RFC 8866 §5)")
    _int(found["v"][0], 0, "v=")  # version 0 is the only one (RFC 8866 §5.1)
    direction, attributes = _split_direction(found.get("a", []))
    return SessionDescription(
        origin=_origin(found["o"][0]),
        session_name=found["s"][0],
        information=_one(found, "i"),
        uri=_one(found, "u"),
        emails=tuple(found.get("e", ())),
        phones=tuple(found.get("p", ())),
        connection=_connection(_one(found, "c")),
        bandwidths=tuple(_bandwidth(b) for b in found.get("b", ())),
        timing=_timing(lines),
        zone=_checked(_ZONE, _one(found, "z"), "z="),
        key=_one(found, "k"),
        direction=direction,
        attributes=attributes,
        media=media,
    )


def _media(lines: _Lines) -> MediaDescription:
    _check_order(lines, _MEDIA_ORDER)
    found = _by_kind(lines)
    media, port, count, proto, names = _media_line(found["m"][0])
    direction, attributes = _split_direction(found.get("a", []))
    formats, ptime, others = _media_attributes(names, attributes)
    return MediaDescription(
        media=media,
        port=port,
        proto=proto,
        formats=formats,
        port_count=count,
        title=_one(found, "i"),
        connection=_connection(_one(found, "c")),
        bandwidths=tuple(_bandwidth(b) for b in found.get("b", ())),
        key=_one(found, "k"),
        ptime=ptime,
        direction=direction,
        attributes=others,
    )


def _int(text: str, high: int, what: str, low: int = 0) -> int:
    if not _DIGITS.fullmatch(text) or not low <= int(text) <= high:
        raise SdpError(f"{what} {text[:20]!r} is not a number from {low} to {high}")
    return int(text)


def _fields(value: str, count: int, what: str) -> list[str]:
    fields = value.split()
    if len(fields) != count:
        raise SdpError(f"{what}{value[:60]} should have {count} fields (RFC 8866 §5)")
    return fields


def _checked(pattern: re.Pattern[str], value: str | None, what: str) -> str | None:
    if value is not None and not pattern.fullmatch(value):
        raise SdpError(f"{what}{value[:40]} is malformed (RFC 8866 §5)")
    return value


def _origin(value: str) -> Origin:
    username, session_id, version, net_type, addr_type, address = _fields(value, 6, "o=")
    _check_address(net_type, addr_type, address)
    sid, sversion = _int(session_id, 10**20, "o= session id"), _int(version, 10**20, "o= version")
    return Origin(username, sid, sversion, net_type, addr_type, address)


def _connection(value: str | None) -> Connection | None:
    if value is None:
        return None
    net_type, addr_type, address = _fields(value, 3, "c=")
    _check_address(net_type, addr_type, address)
    return Connection(net_type, addr_type, address)


def _check_address(net_type: str, addr_type: str, address: str) -> None:
    """An IP literal of the stated family or a host name, with a multicast suffix (RFC 8866 §5.7)."""
    if net_type != "IN" or addr_type not in ("IP4", "IP6"):
        raise SdpError(f"{net_type} {addr_type}: only IN IP4 and IN IP6 are understood (RFC 8866 §5.7)")
    host, slash, suffix = address.partition("/")
    literal = ":" in host or all(c in "0123456789." for c in host)
    try:
        if literal:
            (ipaddress.IPv6Address if addr_type == "IP6" else ipaddress.IPv4Address)(host)
    except ValueError:
        raise SdpError(f"{address[:50]!r} is not an {addr_type} address (RFC 8866 §5.7)") from None
    if (not literal and not _HOST.fullmatch(host)) or (slash and not _MULTICAST.fullmatch(suffix)):
        raise SdpError(f"{address[:50]!r} is not an {addr_type} address (RFC 8866 §5.7)")


def _bandwidth(value: str) -> Bandwidth:
    kind, _, amount = value.partition(":")
    if not _TOKEN.fullmatch(kind):
        raise SdpError(f"b={value[:40]} is not <type>:<kbit/s> (RFC 8866 §5.8)")
    return Bandwidth(kind, _int(amount, 10**20, "b="))


def _timing(lines: _Lines) -> tuple[Timing, ...]:
    timings: list[Timing] = []
    for kind, value in lines:
        if kind == "t":
            start, stop = _fields(value, 2, "t=")
            timings.append(Timing(_int(start, 10**20, "t="), _int(stop, 10**20, "t=")))
        elif kind == "r":
            _checked(_REPEAT, value, "r=")
            timings[-1] = replace(timings[-1], repeats=(*timings[-1].repeats, value))
    return tuple(timings)


def _split_direction(values: list[str]) -> tuple[Direction | None, tuple[Attribute, ...]]:
    """The direction attribute apart from the others; two of them contradict (RFC 3264 §5.1)."""
    attributes = [_attribute(v) for v in values]
    directions = [a for a in attributes if a.name in _DIRECTIONS]
    if len(directions) > 1 or any(a.value is not None for a in directions):
        raise SdpError("one direction attribute at most, without value (RFC 8866 §6.7)")
    others = tuple(a for a in attributes if a.name not in _DIRECTIONS)
    return (Direction(directions[0].name) if directions else None), others


def _attribute(value: str) -> Attribute:
    name, colon, rest = value.partition(":")
    if not _TOKEN.fullmatch(name):
        raise SdpError(f"a={value[:40]}: bad attribute name (RFC 8866 §5.13)")
    return Attribute(name, rest if colon else None)


def _media_line(value: str) -> tuple[str, int, int | None, str, tuple[str, ...]]:
    fields = value.split()
    if len(fields) < 4 or not _TOKEN.fullmatch(fields[0]) or not _PROTO.fullmatch(fields[2]):
        raise SdpError(f"m={value[:40]} is not <media> <port> <proto> <fmt>... (RFC 8866 §5.14)")
    media, port_text, proto, *names = fields
    if "RTP" in proto.upper().split("/"):  # RTP/AVP, RTP/SAVP, UDP/TLS/RTP/SAVPF: payload types
        names = [str(_int(name, 127, "payload type")) for name in names]
    elif not all(_TOKEN.fullmatch(name) for name in names):
        raise SdpError(f"m={value[:40]}: bad format (RFC 8866 §5.14)")
    if len(set(names)) != len(names):
        raise SdpError(f"m={value[:40]}: a format is listed twice (RFC 8866 §5.14)")
    port, slash, count = port_text.partition("/")
    port_count = _int(count, 65535, "m= port count", low=1) if slash else None
    return media, _int(port, 65535, "m= port"), port_count, proto, tuple(names)


def _media_attributes(
    names: tuple[str, ...], attributes: tuple[Attribute, ...]
) -> tuple[tuple[Format, ...], int | None, tuple[Attribute, ...]]:
    """rtpmap and fmtp hung on their formats, and ptime; the rest kept in order."""
    rtpmaps: dict[str, RtpMap] = {}
    fmtps: dict[str, str] = {}
    ptimes: list[int] = []
    others: list[Attribute] = []
    for a in attributes:
        if a.name == "rtpmap" and _claim(rtpmaps, *_rtpmap(a.value), names):
            continue
        if a.name == "fmtp" and _claim(fmtps, *_fmtp(a.value), names):
            continue
        if a.name == "ptime":
            ptimes.append(_ptime(a.value))
        else:
            others.append(a)  # including an rtpmap or fmtp for a format not on the m= line
    if len(ptimes) > 1:
        raise SdpError("a=ptime given twice (RFC 8866 §6.4)")
    formats = tuple(Format(name, rtpmaps.get(name), fmtps.get(name)) for name in names)
    return formats, (ptimes[0] if ptimes else None), tuple(others)


def _claim(table: dict[str, _T], name: str, value: _T, names: tuple[str, ...]) -> bool:
    if name not in names:
        return False
    if name in table:
        raise SdpError(f"two rtpmap or fmtp attributes for format {name} (RFC 8866 §6.6)")
    table[name] = value
    return True


def _rtpmap(value: str | None) -> tuple[str, RtpMap]:
    match = _RTPMAP.fullmatch(value or "")
    if match is None or int(match[1]) > 127 or int(match[3]) == 0 or match[4] in ("0", "00", "000"):
        raise SdpError(f"a=rtpmap:{(value or '')[:40]} is not <pt> <encoding>/<rate>[/<n>] (RFC 8866 §6.6)")
    channels = int(match[4]) if match[4] else None
    return str(int(match[1])), RtpMap(match[2], int(match[3]), channels)


def _fmtp(value: str | None) -> tuple[str, str]:
    name, _, parameters = (value or "").partition(" ")
    if not _TOKEN.fullmatch(name) or not parameters.strip():
        raise SdpError(f"a=fmtp:{(value or '')[:40]} is not <format> <parameters> (RFC 8866 §6.15)")
    return name, parameters.strip()


def _ptime(value: str | None) -> int:
    if value is None or not _DECIMAL.fullmatch(value) or round(float(value)) < 1:
        raise SdpError(f"a=ptime:{value} is not a packet time in ms (RFC 8866 §6.4)")
    return round(float(value))
