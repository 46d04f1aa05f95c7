"""Rules and profiles as values: dates in force, unique ids, kinds, and the outcomes that let a call go."""

from datetime import date

import pytest

from callfloor.core.compliance import InvalidProfile
from callfloor.core.compliance.model import Outcome, Purpose
from callfloor.core.compliance.profiles import BUILTIN, FR, US
from callfloor.core.compliance.rules import NoParams, Profile, Rule, RuleKind

RULE = Rule("x.rule", "FR", RuleKind.DO_NOT_CALL, frozenset(Purpose), NoParams(), "example",
            in_force_from=date(2023, 3, 1), in_force_until=date(2026, 8, 11))  # fmt: skip


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (date(2023, 2, 28), False),
        (date(2023, 3, 1), True),
        (date(2026, 8, 10), True),
        (date(2026, 8, 11), False),
    ],
)
def test_dates_in_force_are_half_open(day: date, in_force: bool) -> None:
    assert RULE.in_force(day) is in_force


def test_ids_are_unique() -> None:
    with pytest.raises(InvalidProfile, match="unique"):
        Profile("X", "FR", "Europe/Paris", frozenset(), (RULE, RULE))


def test_profiles() -> None:
    assert BUILTIN == {"FR": FR, "US": US}
    assert all(rule_id.startswith("fr.") for rule_id in FR.rule_ids)
    assert "us.tsr.hours" in US.rule_ids
    assert [r.rule_id for r in US.of_kind(RuleKind.CALLING_HOURS)] == ["us.tsr.hours", "us.fdcpa.hours"]


def test_outcomes_that_let_a_call_go() -> None:
    assert {o for o in Outcome if o.allows} == {Outcome.PASSED, Outcome.EXEMPT, Outcome.NOT_APPLICABLE}
