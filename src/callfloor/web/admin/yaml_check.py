"""YAML typed in an admin page, read back with each problem at its line.

The specs say what is wrong by field (``nodes.menu.options.2``, ``pages.accueil.choices.0.next``);
people write YAML and look for lines. The console's YAML editors (IVR flows, call scripts,
surveys) answer with ``{"line": n, "message": "where: what"}`` problems, sorted by line, so the
browser shows them the same way everywhere.
"""

from typing import Any

import yaml
from pydantic_core import ErrorDetails

from callfloor.yamlfile import Location, YamlDocument, YamlFileError, parse_yaml

#: One problem of a text: its 1-based line and what is wrong there.
LineProblem = dict[str, Any]


def as_yaml(data: Any) -> str:
    """``data`` as people write it: keys in the given order, accents as they are."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def read_mapping(text: str, what: str, expected: str) -> YamlDocument | list[LineProblem]:
    """The document ``text`` holds, or its problems: bad syntax, duplicate keys, not a mapping
    (``expected`` says what it should hold)."""
    try:
        doc = parse_yaml(text, what)
    except YamlFileError as exc:
        return [_split(line) for line in exc.problems]
    if not isinstance(doc.data, dict):
        return [{"line": 1, "message": expected}]
    return doc


def at_line(doc: YamlDocument, loc: Location, message: str) -> LineProblem:
    """A problem of the value at ``loc``, on the line of the text that holds it (or its parent)."""
    found = _in_text(doc.data, loc)
    shown = (*found, loc[-1]) if loc and found[-1:] != loc[-1:] else found  # a missing field is named
    where = ".".join(str(p) for p in shown)
    return {"line": doc.line(found), "message": f"{where}: {message}" if where else message}


def validation_lines(doc: YamlDocument, errors: list[ErrorDetails]) -> list[LineProblem]:
    """Each pydantic error at its line."""
    return by_line([at_line(doc, tuple(e["loc"]), said(e)) for e in errors])


def said(error: ErrorDetails) -> str:
    """A pydantic error's message, without the "Value error, " a validator's ValueError gets."""
    return error["msg"].removeprefix("Value error, ")


def by_line(problems: list[LineProblem]) -> list[LineProblem]:
    """``problems`` in the order of the text."""
    return sorted(problems, key=lambda p: int(p["line"]))


def _in_text(data: Any, loc: Location) -> Location:
    """``loc`` without the parts the text does not hold (pydantic adds a union's tag: ``nodes.x.menu.y``)."""
    kept: list[str | int] = []
    for part in loc:
        if isinstance(data, dict) and str(part) in {str(k) for k in data}:
            data = next(v for k, v in data.items() if str(k) == str(part))
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(data, dict | list):
            continue
        kept.append(part)
    return tuple(kept)


def _split(problem: str) -> LineProblem:
    """``flow:12: message`` as its line and message."""
    _path, line, message = problem.split(":", 2)
    return {"line": int(line) if line.isdigit() else 1, "message": message.strip()}
