"""The abandon-rate cap: 3 % of answered calls over 30 days, counted exactly."""

import pytest

from callfloor.core.compliance import InvalidFacts
from callfloor.core.compliance.abandon import NO_RULE, check_abandon_rate
from callfloor.core.compliance.model import Outcome, Purpose
from callfloor.core.compliance.profiles import FR, US


@pytest.mark.parametrize(
    ("answered", "abandoned", "expected", "shown"),
    [
        (1000, 30, Outcome.PASSED, "3.0%"),  # 3.0 %: at the cap, predictive dialing may go on
        (1000, 31, Outcome.BLOCKED, "3.1%"),
        (100, 3, Outcome.PASSED, "3.0%"),
        (100, 4, Outcome.BLOCKED, "4.0%"),
        (33, 1, Outcome.BLOCKED, "3.0%"),  # 3.03 %: above, though it rounds to 3.0
        (0, 0, Outcome.PASSED, "0.0%"),
        (250_000, 7_500, Outcome.PASSED, "3.0%"),
    ],
)
def test_us_cap(answered: int, abandoned: int, expected: Outcome, shown: str) -> None:
    decision = check_abandon_rate(US, answered, abandoned)
    assert (decision.rule_id, decision.outcome) == ("us.tsr.abandon", expected)
    assert shown in decision.reason_en
    assert shown.replace(".", ",").replace("%", " %") in decision.reason_fr
    if expected is Outcome.BLOCKED:
        assert "predictive dialing must stop" in decision.reason_en


def test_purposes_and_profiles_without_a_cap() -> None:
    assert check_abandon_rate(US, 100, 10, Purpose.SURVEY).outcome is Outcome.NOT_APPLICABLE
    assert check_abandon_rate(US, 100, 10, Purpose.PROSPECTING).outcome is Outcome.BLOCKED
    french = check_abandon_rate(FR, 100, 10)
    assert (french.rule_id, french.outcome) == (NO_RULE, Outcome.NOT_APPLICABLE)


@pytest.mark.parametrize(("answered", "abandoned"), [(10, 11), (-1, 0), (10, -1)])
def test_impossible_counts(answered: int, abandoned: int) -> None:
    with pytest.raises(InvalidFacts):
        check_abandon_rate(US, answered, abandoned)
