"""The attempt cap over a sliding window, and the cool-down after a refusal, at their exact edges."""

from datetime import datetime, timedelta

import pytest

from callfloor.core.compliance.frequency import attempt_cap, refusal_cooldown
from callfloor.core.compliance.model import AttemptFacts, History, Outcome
from callfloor.core.compliance.profiles import FR
from tests.core.compliance.facts import CONSUMER, PROSPECTING, paris

CAP, COOLDOWN = FR.rules[2], FR.rules[3]
WINDOW = timedelta(days=30)


def facts(*attempts: datetime, refused: datetime | None = None) -> AttemptFacts:
    return AttemptFacts(PROSPECTING, CONSUMER, History(tuple(attempts), refused))


@pytest.mark.parametrize(
    ("attempts", "at", "outcome", "not_before"),
    [
        ((), paris(2026, 7, 10, 11), Outcome.PASSED, None),
        ((paris(2026, 7, 6, 10),) * 3, paris(2026, 7, 10, 11), Outcome.PASSED, None),
        ((paris(2026, 7, 6, 10),) * 4, paris(2026, 7, 10, 11), Outcome.DEFERRED, paris(2026, 8, 5, 10)),
        ((paris(2026, 7, 6, 10),) * 4, paris(2026, 8, 5, 10), Outcome.PASSED, None),  # it leaves exactly then
        ((paris(2026, 7, 6, 10),) * 4, paris(2026, 8, 5, 9, 59), Outcome.DEFERRED, paris(2026, 8, 5, 10)),
        # Six in the window: the third oldest must leave for the count to fall to three.
        (tuple(paris(2026, 7, d, 10) for d in (1, 2, 3, 6, 7, 8)), paris(2026, 7, 9, 11), Outcome.DEFERRED,
         paris(2026, 8, 2, 10)),
        # Unordered history, and one that already left the window.
        ((paris(2026, 7, 8, 10), paris(2026, 5, 1, 10), paris(2026, 7, 6, 10), paris(2026, 7, 7, 10),
          paris(2026, 7, 9, 10)), paris(2026, 7, 10, 11), Outcome.DEFERRED, paris(2026, 8, 5, 10)),
    ],
)  # fmt: skip
def test_attempt_cap(
    attempts: tuple[datetime, ...], at: datetime, outcome: Outcome, not_before: datetime | None
) -> None:
    decision = attempt_cap(CAP, facts(*attempts), at)
    assert (decision.outcome, decision.not_before) == (outcome, not_before)


def test_the_cap_says_how_many() -> None:
    decision = attempt_cap(CAP, facts(*(paris(2026, 7, 6, 10),) * 4), paris(2026, 7, 10, 11))
    assert "déjà 4 tentatives sur 30 jours glissants (maximum 4)" in decision.reason_fr
    assert "already 4 attempts in the last 30 days (at most 4)" in decision.reason_en


@pytest.mark.parametrize(
    ("refused", "at", "outcome"),
    [
        (None, paris(2026, 7, 10, 11), Outcome.PASSED),
        (paris(2026, 7, 1, 15), paris(2026, 7, 10, 11), Outcome.DEFERRED),
        (paris(2026, 7, 1, 15), paris(2026, 8, 30, 14, 59), Outcome.DEFERRED),
        (paris(2026, 7, 1, 15), paris(2026, 8, 30, 15), Outcome.PASSED),  # 60 full days
    ],
)
def test_refusal_cooldown(refused: datetime | None, at: datetime, outcome: Outcome) -> None:
    decision = refusal_cooldown(COOLDOWN, facts(refused=refused), at)
    assert decision.outcome is outcome
    if outcome is Outcome.DEFERRED:
        assert decision.not_before == paris(2026, 8, 30, 15)
        assert "60" in decision.reason_fr and "60" in decision.reason_en
