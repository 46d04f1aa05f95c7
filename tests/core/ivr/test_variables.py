"""Condition rules over a session's variables: text comparisons, integer ones, presence."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.ivr.variables import Comparison, Rule, Value, integer, matches, rule_problem, text

VARIABLES: dict[str, Value] = {"order": "00042", "vip": True, "language": "en", "tries": 3}


@pytest.mark.parametrize(
    ("variable", "comparison", "value", "expected"),
    [
        ("order", Comparison.EQUALS, "00042", True),
        ("order", Comparison.EQUALS, 42, False),  # as text: "00042" is not "42"
        ("tries", Comparison.EQUALS, "3", True),  # a YAML string and an integer variable
        ("vip", Comparison.EQUALS, True, True),
        ("vip", Comparison.EQUALS, "true", True),
        ("vip", Comparison.EQUALS, 1, False),  # a boolean is not the integer 1
        ("vip", Comparison.NOT_EQUALS, False, True),
        ("language", Comparison.IN, ("fr", "en"), True),
        ("language", Comparison.IN, ("fr",), False),
        ("order", Comparison.GREATER_THAN, 41, True),  # collected digits compare as integers
        ("order", Comparison.LESS_THAN, 42, False),
        ("language", Comparison.GREATER_THAN, 1, False),  # not an integer: matches neither way
        ("language", Comparison.LESS_THAN, 1, False),
        ("vip", Comparison.GREATER_THAN, 0, False),
        ("missing", Comparison.NOT_EQUALS, "x", False),  # an absent variable matches only present: false
        ("missing", Comparison.PRESENT, False, True),
        ("order", Comparison.PRESENT, True, True),
        ("order", Comparison.PRESENT, False, False),
    ],
)
def test_rules_compare_as_documented(
    variable: str, comparison: Comparison, value: Value, expected: bool
) -> None:
    assert matches(Rule(variable, comparison, value, "next"), VARIABLES) is expected


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (Rule("x", Comparison.IN, ("a",), "n"), None),
        (Rule("x", Comparison.IN, (), "n"), "'in' takes a list of values"),
        (Rule("x", Comparison.EQUALS, ("a",), "n"), "'equals' takes one value, not a list"),
        (Rule("x", Comparison.PRESENT, 1, "n"), "'present' takes true or false"),
        (Rule("x", Comparison.LESS_THAN, "12", "n"), None),
        (Rule("x", Comparison.LESS_THAN, True, "n"), "'less_than' takes an integer"),
        (Rule("", Comparison.EQUALS, 1, "n"), "a rule needs its variable"),
    ],
)
def test_a_rule_that_cannot_work_says_why(rule: Rule, problem: str | None) -> None:
    assert rule_problem(rule) == problem


VALUES = st.one_of(st.booleans(), st.integers(-(10**6), 10**6), st.text(max_size=8))


@given(VALUES, VALUES)
def test_equals_and_not_equals_always_disagree_and_match_the_text(actual: Value, expected: Value) -> None:
    variables = {"v": actual}
    equal = matches(Rule("v", Comparison.EQUALS, expected, "n"), variables)
    assert equal is not matches(Rule("v", Comparison.NOT_EQUALS, expected, "n"), variables)
    assert equal is (text(actual) == text(expected))


@given(st.integers(-(10**9), 10**9))
def test_an_integer_reads_back_from_its_text(number: int) -> None:
    assert integer(str(number)) == number
    assert integer(number) == number
