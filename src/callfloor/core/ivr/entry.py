"""What a ``collect`` node accepts: digits of the right length, matching its pattern, passing its check.

The checks a tenant may ask for by name are in :data:`CHECKS`; the flow checker refuses others.
"""

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from callfloor.core.ivr.nodes import Collect

#: The longest entry a collect node may ask for: more than any customer, order or card number.
MAX_DIGITS = 32


def luhn(digits: str) -> bool:
    """The Luhn check (ISO/IEC 7812-1 annex B): card numbers, SIRET, many customer numbers."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


CHECKS: Mapping[str, Callable[[str], bool]] = MappingProxyType({"luhn": luhn})


def accepts(node: Collect, entry: str) -> bool:
    """Whether ``entry`` (the keys typed, terminator left out) is a valid answer to ``node``."""
    if not (entry.isascii() and entry.isdigit() and node.min_length <= len(entry) <= node.max_length):
        return False
    if node.pattern is not None and re.fullmatch(node.pattern, entry) is None:
        return False
    check = CHECKS.get(node.check) if node.check is not None else None
    return check is None or check(entry)


def entry_problems(node: Collect) -> list[tuple[str, str]]:
    """What is wrong with a collect node's settings, as (field, message) pairs."""
    problems = []
    if not 1 <= node.min_length <= MAX_DIGITS:
        problems.append(("min_length", f"from 1 to {MAX_DIGITS} digits"))
    if not 1 <= node.max_length <= MAX_DIGITS:
        problems.append(("max_length", f"from 1 to {MAX_DIGITS} digits"))
    elif node.min_length > node.max_length:
        problems.append(("max_length", f"less than min_length ({node.min_length})"))
    if node.terminator is not None and node.terminator not in ("#", "*"):
        problems.append(("terminator", "'#' or '*' (or none), a key that is not a digit"))
    if node.pattern is not None:
        try:
            re.compile(node.pattern)
        except re.error as exc:
            problems.append(("pattern", f"not a regular expression: {exc}"))
    if node.check is not None and node.check not in CHECKS:
        problems.append(("check", f"unknown check {node.check!r}; there is {', '.join(CHECKS)}"))
    if not node.variable.isidentifier():
        problems.append(("variable", "a name: letters, digits and _"))
    return problems
