"""A session's variables, and the rules of ``condition`` nodes that read them.

Variables are what the flow knows of the call: the driver seeds ``caller`` (E.164, absent when
the number is withheld), ``called`` and ``language``; ``hours`` sets ``closure`` (and
``holiday``), ``lookup`` sets ``caller_known``, ``vip`` and the contact's fields, ``collect``
the digits it was told to keep, ``set`` anything. They are the screen-pop data the agent sees.

Values compare as text for ``equals``, ``not_equals`` and ``in`` (a collected ``"42"`` equals
a YAML ``42``; booleans are ``true``/``false``), and as integers for ``greater_than`` and
``less_than`` (a value that is not an integer matches neither). A rule on an absent variable
matches only ``present: false``.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

Value = str | int | bool
_INTEGER = re.compile(r"-?[0-9]{1,18}")


class Comparison(StrEnum):
    """How a rule compares its variable with its value."""

    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    IN = "in"
    GREATER_THAN = "greater_than"
    LESS_THAN = "less_than"
    PRESENT = "present"


@dataclass(frozen=True, slots=True)
class Rule:
    """``variable`` ``test`` ``value`` leads to ``next``; ``in`` takes a tuple of values."""

    variable: str
    test: Comparison
    value: Value | tuple[Value, ...]
    next: str


def matches(rule: Rule, variables: Mapping[str, Value]) -> bool:
    """Whether the variables satisfy ``rule``."""
    if rule.test is Comparison.PRESENT:
        return (rule.variable in variables) == rule.value
    if rule.variable not in variables:
        return False
    actual = variables[rule.variable]
    if rule.test is Comparison.IN:
        values = rule.value if isinstance(rule.value, tuple) else (rule.value,)
        return any(text(actual) == text(v) for v in values)
    if isinstance(rule.value, tuple):
        return False  # only ``in`` takes a list (the checker says so)
    if rule.test in (Comparison.EQUALS, Comparison.NOT_EQUALS):
        return (text(actual) == text(rule.value)) == (rule.test is Comparison.EQUALS)
    left, right = integer(actual), integer(rule.value)
    if left is None or right is None:
        return False
    return left > right if rule.test is Comparison.GREATER_THAN else left < right


def text(value: Value) -> str:
    """A value as the text it compares as (``true``/``false`` for booleans, as YAML writes them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def integer(value: Value) -> int | None:
    """A value as an integer, if it is one (a boolean is not; collected digits are)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if _INTEGER.fullmatch(value) else None


def rule_problem(rule: Rule) -> str | None:
    """What is wrong with ``rule``'s value for its test, if anything."""
    if not rule.variable:
        return "a rule needs its variable"
    if rule.test is Comparison.IN:
        return None if isinstance(rule.value, tuple) and rule.value else "'in' takes a list of values"
    if isinstance(rule.value, tuple):
        return f"{rule.test.value!r} takes one value, not a list"
    if rule.test is Comparison.PRESENT and not isinstance(rule.value, bool):
        return "'present' takes true or false"
    if rule.test in (Comparison.GREATER_THAN, Comparison.LESS_THAN) and integer(rule.value) is None:
        return f"{rule.test.value!r} takes an integer"
    return None
