"""Predictive pacing: the expected drops, the headroom, and the properties of the dial count."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.dialer.pacing import PacingInput
from callfloor.core.dialer.predictive import (
    drop_headroom,
    expected_excess,
    observed_drop_rate,
    predictive_calls,
    remaining_work_s,
    safe_calls,
)
from callfloor.core.dialer.settings import DialerSettings, DialingMode

SETTINGS = DialerSettings(mode=DialingMode.PREDICTIVE)


def binomial_excess(n: int, p: float, k: int) -> float:
    return sum(math.comb(n, a) * p**a * (1 - p) ** (n - a) * (a - k) for a in range(k + 1, n + 1))


@pytest.mark.parametrize(("n", "p", "k"), [(60, 0.3, 20), (70, 0.3, 20), (40, 0.25, 8), (100, 0.1, 12)])
def test_expected_excess_is_close_to_the_exact_binomial_one(n: int, p: float, k: int) -> None:
    approx = expected_excess(n * p, n * p * (1 - p), k)
    assert approx == pytest.approx(binomial_excess(n, p, k), abs=0.12)


def test_expected_excess_without_variance_is_the_plain_overflow() -> None:
    assert expected_excess(5.0, 0.0, 3) == 2.0
    assert expected_excess(2.0, 0.0, 3) == 0.0


def test_headroom_is_whole_under_half_the_target_and_none_near_it() -> None:
    assert drop_headroom(0.0, 0.03) == 1.0
    assert drop_headroom(0.015, 0.03) == 1.0
    assert drop_headroom(0.021, 0.03) == pytest.approx(0.5)
    assert drop_headroom(0.027, 0.03) == 0.0
    assert drop_headroom(0.2, 0.03) == 0.0


def test_the_window_counts_for_its_answers_against_the_day() -> None:
    assert observed_drop_rate(0.02, 0.10, 0) == 0.02  # an empty window says nothing
    assert observed_drop_rate(0.02, 0.10, 100) == pytest.approx(0.06)
    assert observed_drop_rate(0.04, 0.0, 300) == 0.04  # never better than the day


def test_remaining_work_counts_the_wrap_up_after_the_talk() -> None:
    assert remaining_work_s(100.0, 180.0, 15.0, talking=True) == 95.0
    assert remaining_work_s(400.0, 180.0, 15.0, talking=True) == 15.0  # overdue: the wrap-up is left
    assert remaining_work_s(14.0, 180.0, 15.0, talking=False) == 1.0


def state(**values: float) -> PacingInput:
    defaults: dict[str, float] = {
        "free": 0, "soon_free": 0, "staffed": 20, "in_flight": 0, "expected_answers": 0.0, "waiting": 0,
        "answer_rate": 0.3, "answer_rate_var": 0.0001,
    }  # fmt: skip
    return PacingInput(**{**defaults, **values})  # type: ignore[arg-type]


def test_a_floor_of_free_agents_gets_about_one_answer_per_agent() -> None:
    calls = predictive_calls(SETTINGS, state(free=20))
    assert 50 <= calls <= 70  # 20 / 0.3 = 67 expected to answer 20; a margin for the variance
    assert predictive_calls(SETTINGS, state(free=20, drop_rate_day=0.05)) == 20  # progressive, pooled


def test_nobody_free_or_about_to_be_means_no_call() -> None:
    assert predictive_calls(SETTINGS, state(free=0, soon_free=0)) == 0
    assert predictive_calls(SETTINGS, state(free=2, waiting=2)) == 0


def test_calls_in_flight_count_against_the_agents() -> None:
    alone = predictive_calls(SETTINGS, state(free=5))
    covered = predictive_calls(SETTINGS, state(free=5, in_flight=10, expected_answers=3.0))
    assert covered < alone


paces = st.builds(
    PacingInput,
    free=st.integers(0, 60),
    soon_free=st.integers(0, 20),
    staffed=st.integers(0, 80),
    in_flight=st.integers(0, 300),
    expected_answers=st.floats(0, 100),
    waiting=st.integers(0, 10),
    answer_rate=st.floats(0.01, 1.0),
    answer_rate_var=st.floats(0, 0.05),
    drop_rate_day=st.floats(0, 1),
    drop_rate_window=st.floats(0, 1),
    window_answered=st.integers(0, 1000),
)


@given(paces)
def test_the_dial_count_is_never_negative_nor_unbounded(pace: PacingInput) -> None:
    calls = predictive_calls(SETTINGS, pace)
    assert calls >= 0
    assert calls <= max(safe_calls(pace), math.floor(SETTINGS.max_lines_per_agent * max(pace.staffed, 1)))


@given(paces, st.floats(0, 1), st.floats(0, 1))
def test_a_worse_drop_rate_never_gives_more_calls(
    pace: PacingInput, more_day: float, more_window: float
) -> None:
    worse = PacingInput(
        **{
            **{f: getattr(pace, f) for f in PacingInput.__dataclass_fields__},
            "drop_rate_day": min(1.0, pace.drop_rate_day + more_day),
            "drop_rate_window": min(1.0, pace.drop_rate_window + more_window),
        }
    )
    assert predictive_calls(SETTINGS, worse) <= predictive_calls(SETTINGS, pace)


@given(paces)
def test_above_the_target_the_dialer_falls_back_to_calls_that_cannot_drop(pace: PacingInput) -> None:
    over = PacingInput(
        **{**{f: getattr(pace, f) for f in PacingInput.__dataclass_fields__}, "drop_rate_day": 0.031}
    )
    assert predictive_calls(SETTINGS, over) == safe_calls(over)
