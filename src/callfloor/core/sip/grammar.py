"""The small pieces of RFC 3261 §25 grammar every header parser needs.

Splitting on separators has to respect quoted strings (with backslash escapes) and angle
brackets, and parameters tolerate linear white space around ``;`` and ``=`` (SEMI and EQUAL
are ``SWS ";" SWS``), which is where most hand-written SIP parsers go wrong (RFC 4475 §3.1.1.1).
"""

import re

from callfloor.core.sip import ParseError

TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~")
WHITESPACE = " \t"
# The same set as a pattern: one C-level match instead of a Python test per character.
_TOKEN = re.compile(r"[a-zA-Z0-9\-.!%*_+`'~]+")
_NESTING = frozenset('"<>')  # what makes a separator not count


def is_token(text: str) -> bool:
    """True for a non-empty RFC 3261 token."""
    return _TOKEN.fullmatch(text) is not None


def quoted_end(text: str, start: int) -> int:
    """Index just past the quoted string opening at ``text[start] == '"'``."""
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        i += 1
    raise ParseError("unbalanced quotes")


def split_outside(text: str, separator: str) -> list[str]:
    """Split on ``separator`` where it is outside quoted strings and angle brackets."""
    if separator not in text:
        return [text]
    if _NESTING.isdisjoint(text):  # most values: nothing to step over, str.split agrees
        return text.split(separator)
    parts, start, i, depth = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == '"':
            i = quoted_end(text, i)
            continue
        if c == "<":
            depth += 1
        elif c == ">":
            depth = max(0, depth - 1)
        elif c == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def parse_params(text: str) -> dict[str, str | None]:
    """``;name=value;flag`` (the leading ``;`` included) to an ordered dict, names lowercased.

    An empty parameter (``;;``) or a name that is not a token is a parse error.
    """
    params: dict[str, str | None] = {}
    if not text.strip():
        return params
    pieces = split_outside(text, ";")
    if pieces[0].strip():
        raise ParseError(f"unexpected text before parameters: {pieces[0].strip()!r}")
    for piece in pieces[1:]:
        name, eq, value = piece.partition("=")
        name = name.strip()
        if not is_token(name):
            raise ParseError(f"bad parameter {piece.strip()!r}")
        if eq:
            value = value.strip()
            if not value or not (is_token(value) or _is_quoted(value) or _is_host_like(value)):
                raise ParseError(f"bad value for parameter {name!r}")
            params[name.lower()] = value
        else:
            params[name.lower()] = None
    return params


def format_params(params: dict[str, str | None]) -> str:
    """The ``;name=value`` text of a parameter dict."""
    return "".join(f";{k}" if v is None else f";{k}={v}" for k, v in params.items())


def unquote(text: str) -> str:
    """The content of a quoted string, escapes resolved."""
    if not _is_quoted(text):
        return text
    out, i = [], 1
    while i < len(text) - 1:
        if text[i] == "\\" and i + 1 < len(text) - 1:
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


def quote(text: str) -> str:
    """``text`` as a quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _is_quoted(text: str) -> bool:
    return len(text) >= 2 and text[0] == '"' and quoted_end(text, 0) == len(text)


def _is_host_like(text: str) -> bool:
    # IPv6 references ("received=[2001:db8::1]") and host:port values are gen-values too.
    return (text.startswith("[") and text.endswith("]")) or all(c in TOKEN_CHARS or c in ":[]" for c in text)
