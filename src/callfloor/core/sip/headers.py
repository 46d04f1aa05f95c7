"""Header fields: an ordered, case-insensitive multimap, and the typed views the core needs.

Names are matched case-insensitively and compact forms (``v``, ``f``, ``t``, ``m``, ``i``, ``l``…,
RFC 3261 §7.3.3) are expanded on the way in, so ``v:`` and ``VIA:`` are both Via. Values stay
text until asked for: ``via()``, ``cseq()`` and friends parse on demand, and the parser calls
them once up front for the headers every transaction depends on.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from callfloor.core.sip import ParseError
from callfloor.core.sip.grammar import format_params, is_token, parse_params, split_outside
from callfloor.core.sip.uri import PARSED_VALUES_KEPT, parse_uri  # a Via's sent-by is a URI's hostport

COMPACT = {
    "a": "Accept-Contact", "b": "Referred-By", "c": "Content-Type", "d": "Request-Disposition",
    "e": "Content-Encoding", "f": "From", "i": "Call-ID", "j": "Reject-Contact", "k": "Supported",
    "l": "Content-Length", "m": "Contact", "o": "Event", "r": "Refer-To", "s": "Subject", "t": "To",
    "u": "Allow-Events", "v": "Via", "x": "Session-Expires", "y": "Identity",
}  # fmt: skip
_CANONICAL = {
    name.lower(): name
    for name in (
        *COMPACT.values(), "Accept", "Allow", "Authorization", "Call-Info", "CSeq", "Date", "Expires",
        "Max-Forwards", "Min-Expires", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Require",
        "Record-Route", "Require", "Retry-After", "Route", "Server", "Unsupported", "User-Agent",
        "Warning", "WWW-Authenticate", "RAck", "RSeq", "Replaces",
    )
}  # fmt: skip
#: Headers whose value may be a comma-separated list (RFC 3261 §7.3.1).
LIST_HEADERS = frozenset(
    {"via", "contact", "route", "record-route", "allow", "supported", "require", "proxy-require",
     "unsupported", "accept", "accept-encoding", "accept-language", "allow-events", "warning"}
)  # fmt: skip
#: Headers that appear at most once in a message.
SINGLE_HEADERS = frozenset(
    {"to", "from", "call-id", "cseq", "max-forwards", "content-length", "content-type"}
)
MAX_CSEQ = 2**31 - 1  # RFC 3261 §8.1.1.5


@lru_cache(maxsize=1024)
def canonical(name: str) -> str:
    """The header's canonical spelling (compact forms expanded)."""
    lower = name.lower()
    if lower in COMPACT:
        return COMPACT[lower]
    return _CANONICAL.get(lower, name)


@lru_cache(maxsize=1024)
def _key(name: str) -> str:
    """What a name is matched on: its canonical spelling, lower-cased."""
    return canonical(name).lower()


class Headers:
    """Ordered header fields; lookups ignore case."""

    __slots__ = ("_items", "_keys")

    def __init__(self, items: list[tuple[str, str]] | None = None) -> None:
        self._items: list[tuple[str, str]] = [(canonical(n), v) for n, v in items or []]
        self._keys = [_key(n) for n, _ in self._items]  # beside each field, what lookups match

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Headers) and self._items == other._items

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"

    def get(self, name: str) -> str | None:
        """The first field's value, or None."""
        key = _key(name)
        for index, field_key in enumerate(self._keys):
            if field_key == key:
                return self._items[index][1]
        return None

    def get_all(self, name: str) -> list[str]:
        """Every field's raw value, in order."""
        key = _key(name)
        return [self._items[i][1] for i, field_key in enumerate(self._keys) if field_key == key]

    def values(self, name: str) -> list[str]:
        """Every value, comma-separated lists split apart (for list headers)."""
        raw = self.get_all(name)
        if _key(name) not in LIST_HEADERS:
            return raw
        return [part.strip() for value in raw for part in split_outside(value, ",")]

    def add(self, name: str, value: str) -> None:
        """Append a field."""
        self._items.append((canonical(name), value))
        self._keys.append(_key(name))

    def set(self, name: str, value: str) -> None:
        """Replace every field of this name by one (in the first one's place)."""
        key = _key(name)
        index = self._keys.index(key) if key in self._keys else len(self._items)
        self.remove(name)
        self._items.insert(index, (canonical(name), value))
        self._keys.insert(index, key)

    def remove(self, name: str) -> None:
        """Remove every field of this name."""
        key = _key(name)
        kept = [i for i, field_key in enumerate(self._keys) if field_key != key]
        self._items = [self._items[i] for i in kept]
        self._keys = [self._keys[i] for i in kept]

    def copy(self) -> "Headers":
        """An independent copy."""
        return Headers(list(self._items))


_VIA = re.compile(
    r"^SIP\s*/\s*(?P<version>[^\s/]+)\s*/\s*(?P<transport>[^\s;/]+)\s+(?P<sent_by>[^;]+?)\s*(?P<params>;.*)?$",
    re.S,
)


@dataclass(frozen=True, slots=True)
class Via:
    """One Via value (RFC 3261 §20.42)."""

    transport: str
    host: str
    port: int | None = None
    params: dict[str, str | None] = field(default_factory=dict)
    version: str = "2.0"

    @property
    def branch(self) -> str | None:
        """The branch parameter: the transaction id when it starts with the magic cookie."""
        return self.params.get("branch")

    def __str__(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        return f"SIP/{self.version}/{self.transport} {self.host}{port}{format_params(self.params)}"


@lru_cache(maxsize=PARSED_VALUES_KEPT)  # memoised like uri.parse_name_addr, for the same reason
def parse_via(value: str) -> Via:
    """Parse one Via value; whitespace around ``/``, ``;`` and ``=`` is allowed."""
    match = _VIA.match(value.strip())
    if match is None:
        raise ParseError(f"bad Via {value.strip()!r}")
    if match["version"] != "2.0":
        raise ParseError(f"SIP version {match['version']} not supported", 505)
    if not is_token(match["transport"]):
        raise ParseError(f"bad Via transport {match['transport']!r}")
    host_uri = parse_uri("sip:" + match["sent_by"].strip())
    return Via(match["transport"].upper(), host_uri.host, host_uri.port, parse_params(match["params"] or ""))


@dataclass(frozen=True, slots=True)
class CSeq:
    """Command sequence: a number and the method (RFC 3261 §20.16)."""

    number: int
    method: str

    def __str__(self) -> str:
        return f"{self.number} {self.method}"


@lru_cache(maxsize=PARSED_VALUES_KEPT)
def parse_cseq(value: str) -> CSeq:
    """Parse a CSeq value; the number must fit in 31 bits."""
    parts = value.split()
    if len(parts) != 2 or not parts[0].isdigit() or not is_token(parts[1]):
        raise ParseError(f"bad CSeq {value!r}")
    number = int(parts[0])
    if number > MAX_CSEQ:
        raise ParseError(f"CSeq number {parts[0]} too large")
    return CSeq(number, parts[1])
