"""Contact variables put into a script's text: ``Bonjour {first_name}, votre devis {quote_number}…``.

The syntax is the least that does the job, and nothing else is ever interpreted:

- ``{name}`` (a lower-case name: letters, digits, ``_``) is replaced by the variable's value,
  written as the tenant's language writes it (:mod:`callfloor.core.scripts.values`);
- ``{{`` and ``}}`` are a brace;
- anything else stays as written: ``{x.__class__}``, ``{0}``, ``{x!r}``, ``{x:>99999}``, an
  unclosed ``{``. Unlike ``str.format``, no attribute, index, conversion or format spec is
  ever read, so a template written by a tenant cannot reach into Python objects.

A variable with no value (absent, ``None`` or empty) shows a visible placeholder,
``[first_name ?]``, so that the agent sees at once what the file lacks rather than reading
« Bonjour , » to a customer; the rendering lists the variables missing. Values are put in as
text, once: a value holding ``{other}`` is not expanded again. Escaping for HTML is the page's
business (Jinja's autoescape), not this module's.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import tzinfo

from callfloor.core.config import Locale
from callfloor.core.scripts.values import Value, format_value

#: A variable's name, as ``{name}`` writes it.
NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")
_TOKEN = re.compile(r"\{\{|\}\}|\{(" + NAME.pattern + r")\}")
_BRACES = {"{{": "{", "}}": "}"}


@dataclass(frozen=True, slots=True)
class Rendered:
    """A text with its variables put in, and those that had no value (in order of appearance)."""

    text: str
    missing: tuple[str, ...] = ()


def placeholder(name: str) -> str:
    """What stands for a variable with no value."""
    return f"[{name} ?]"


def render(
    template: str, variables: Mapping[str, Value], locale: Locale = Locale.FR, zone: tzinfo | None = None
) -> Rendered:
    """``template`` with each ``{name}`` replaced by its value in ``locale`` (datetimes in ``zone``)."""
    pieces: list[str] = []
    missing: dict[str, None] = {}
    position = 0
    for match in _TOKEN.finditer(template):
        pieces.append(template[position : match.start()])
        position = match.end()
        name = match.group(1)
        if name is None:
            pieces.append(_BRACES[match.group(0)])
            continue
        text = format_value(variables.get(name), locale, zone)
        if not text:
            missing[name] = None
            text = placeholder(name)
        pieces.append(text)
    pieces.append(template[position:])
    return Rendered("".join(pieces), tuple(missing))


def variables_in(template: str) -> tuple[str, ...]:
    """The variables ``template`` uses, once each, in order of appearance."""
    found = (m.group(1) for m in _TOKEN.finditer(template) if m.group(1) is not None)
    return tuple(dict.fromkeys(found))
