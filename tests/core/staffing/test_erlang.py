"""Erlang B, C and A against published figures, independent references, and their invariants."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.core.staffing import InvalidParameterError
from callfloor.core.staffing.erlang import (
    QueueModel,
    agents_needed,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    scheduled_agents,
)


def log_space_erlang_b(servers: int, traffic: float) -> float:
    """Reference: (A^n/n!) / Σ_k A^k/k!, each term through lgamma, summed relative to the largest."""
    logs = [k * math.log(traffic) - math.lgamma(k + 1) for k in range(servers + 1)]
    peak = max(logs)
    return math.exp(logs[-1] - peak) / math.fsum(math.exp(v - peak) for v in logs)


def reference_erlang_a(n: int, traffic: float, aht: float, patience: float, t: float) -> dict[str, float]:
    """Reference for small floors: the birth–death chain summed naively, the tagged caller's
    wait by uniformization of his own chain, his answered wait by first-step analysis."""
    lam, mu, theta, depth = traffic / aht, 1 / aht, 1 / patience, 400
    weights = [1.0]
    for k in range(1, n + depth):
        weights.append(weights[-1] * lam / (k * mu if k <= n else n * mu + (k - n) * theta))
    total = math.fsum(weights)
    ahead = [w / total for w in weights[n:]]  # P(an arrival finds j callers waiting), PASTA
    rates = [n * mu + i * theta for i in range(depth)]
    # Uniformization: in each tick the tagged caller advances (or is answered from i = 0) w.p. r_i/Λ
    # and hangs up w.p. θ/Λ; P(answered by t) = Σ_k Poisson(Λt, k)·P(answered within k ticks).
    big = rates[-1] + theta
    state, answered, within, k = ahead[:], 0.0, 0.0, 0
    poisson = math.exp(-big * t)
    while k < 10 * (big * t + 10):
        within += poisson * answered
        answered += state[0] * rates[0] / big
        state = [
            state[i] * (1 - (rates[i] + theta) / big) + state[i + 1] * rates[i + 1] / big
            for i in range(depth - 1)
        ]
        state.append(0.0)
        k += 1
        poisson *= big * t / k
    served, waited, p_answered, mean_wait = 1.0, 0.0, [], []
    for r in rates:  # first step: stay Exp(r+θ), then advance w.p. r/(r+θ)
        waited = r / (r + theta) * (served / (r + theta) + waited)
        served *= r / (r + theta)
        p_answered.append(served)
        mean_wait.append(waited)
    p_wait = sum(ahead)
    abandon = sum(a * (1 - s) for a, s in zip(ahead, p_answered, strict=True))
    queue = sum(j * w / total for j, w in enumerate(weights[n:]))
    return {
        "p_wait": p_wait,
        "service_level": 1 - p_wait + within,
        "abandon_rate": abandon,
        "abandon_by_flow": theta * queue / lam,  # every waiting caller leaves at rate θ
        "asa_s": sum(a * w for a, w in zip(ahead, mean_wait, strict=True)) / (1 - abandon),
    }


def test_erlang_b_published_and_exact_values() -> None:
    assert erlang_b(10, 5) == pytest.approx(0.01838, abs=5e-6)
    assert erlang_b(1, 1) == 0.5
    assert erlang_b(2, 1) == pytest.approx(0.2)
    assert erlang_b(0, 3) == 1.0
    assert erlang_b(5, 0) == 0.0


def test_erlang_c_ten_erlangs_fourteen_agents() -> None:
    metrics = erlang_c_metrics(14, 10.0, aht_s=180, target_t_s=20)
    assert metrics.p_wait == pytest.approx(0.1741, abs=5e-5)
    assert metrics.service_level == pytest.approx(0.888, abs=5e-4)
    assert metrics.asa_s == pytest.approx(7.8, abs=0.05)
    assert metrics.occupancy == pytest.approx(10 / 14)
    assert metrics.abandon_rate == 0.0
    assert metrics.stable


def test_classic_example_needs_fourteen_agents() -> None:
    """100 calls in 30 minutes, AHT 180 s, 80 % in 20 s: 13 agents reach 79.6 %, 14 reach 88.8 %."""
    result = agents_needed(200, 180, 0.8, 20)
    assert result.model == QueueModel.ERLANG_C
    assert (result.agents, result.scheduled) == (14, 14)
    assert erlang_c_metrics(13, 10.0, 180, 20).service_level == pytest.approx(0.7956, abs=5e-5)
    assert agents_needed(200, 180, 0.8, 20, shrinkage=0.3).scheduled == 20


def test_unstable_erlang_c_is_flagged_not_raised() -> None:
    assert erlang_c(10, 10.0) == 1.0
    metrics = erlang_c_metrics(10, 12.0, 180, 20)
    assert not metrics.stable
    assert (metrics.p_wait, metrics.service_level, metrics.asa_s) == (1.0, 0.0, math.inf)


@pytest.mark.parametrize(("servers", "traffic"), [(1000, 950.0), (5000, 4900.0), (300, 10.0), (2000, 2500.0)])
def test_large_floors_compute_without_overflow(servers: int, traffic: float) -> None:
    assert erlang_b(servers, traffic) == pytest.approx(log_space_erlang_b(servers, traffic), rel=1e-9)
    c = erlang_c_metrics(servers, traffic, 240, 20)
    a = erlang_a_metrics(servers, traffic, 240, 120, 20)
    for metrics in (c, a):
        assert all(math.isfinite(v) for v in (metrics.p_wait, metrics.service_level, metrics.occupancy))
        assert 0 <= metrics.p_wait <= 1
    assert 0 < a.abandon_rate < 1


def test_a_thousand_agents_for_950_erlangs() -> None:
    metrics = erlang_c_metrics(1000, 950.0, 240, 20)
    assert metrics.p_wait == pytest.approx(0.06825, abs=1e-5)
    assert agents_needed(950 * 3600 / 240, 240, 0.8, 20).agents == 963


def test_erlang_a_issue_example() -> None:
    """600 calls/h, AHT 240 s (40 Erlangs), 45 agents, mean patience 120 s."""
    metrics = erlang_a_metrics(45, 40.0, aht_s=240, patience_s=120, target_t_s=20)
    assert metrics.abandon_rate == pytest.approx(0.026, abs=5e-4)
    assert metrics.service_level == pytest.approx(0.92, abs=5e-3)
    reference = reference_erlang_a(45, 40.0, 240, 120, 20)
    for name in ("p_wait", "service_level", "abandon_rate", "asa_s"):
        assert getattr(metrics, name) == pytest.approx(reference[name], abs=1e-9), name
    assert metrics.abandon_rate == pytest.approx(reference["abandon_by_flow"], abs=1e-12)
    assert metrics.occupancy == pytest.approx(40 * (1 - metrics.abandon_rate) / 45)


@pytest.mark.parametrize(
    ("n", "traffic", "aht", "patience", "t"),
    [
        (5, 6.0, 200, 30, 15),
        (14, 10.0, 180, 600, 60),
        (3, 1.0, 100, 50, 0.5),
        (8, 12.0, 60, 5, 0),
        (2, 0.5, 300, 2000, 30),
    ],
)
def test_erlang_a_matches_the_reference_chain(
    n: int, traffic: float, aht: float, patience: float, t: float
) -> None:
    metrics = erlang_a_metrics(n, traffic, aht, patience, t)
    reference = reference_erlang_a(n, traffic, aht, patience, t)
    for name in ("p_wait", "service_level", "abandon_rate", "asa_s"):
        assert getattr(metrics, name) == pytest.approx(reference[name], abs=1e-8), name
    assert metrics.abandon_rate == pytest.approx(reference["abandon_by_flow"], abs=1e-12)


@pytest.mark.parametrize(("n", "traffic"), [(14, 10.0), (46, 40.0), (1000, 950.0)])
def test_erlang_a_tends_to_erlang_c_as_patience_grows(n: int, traffic: float) -> None:
    c = erlang_c_metrics(n, traffic, 240, 20)
    a = erlang_a_metrics(n, traffic, 240, 1e9, 20)
    assert a.abandon_rate < 1e-6
    for name in ("p_wait", "service_level", "occupancy"):
        assert getattr(a, name) == pytest.approx(getattr(c, name), abs=1e-5), name
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-4)


def test_erlang_a_sizing_and_shrinkage() -> None:
    result = agents_needed(600, 240, 0.8, 20, patience_s=120, shrinkage=0.3)
    assert result.model == QueueModel.ERLANG_A
    assert result.agents == 41
    assert result.scheduled == 59  # ceil(41 / 0.7)
    assert erlang_a_metrics(40, 40.0, 240, 120, 20).service_level < 0.8 <= result.metrics.service_level


def test_max_occupancy_adds_agents() -> None:
    result = agents_needed(600, 240, 0.8, 20, max_occupancy=0.85)
    assert result.agents == 48
    assert result.metrics.occupancy <= 0.85 < erlang_c_metrics(47, 40.0, 240, 20).occupancy


def test_no_calls_need_no_agents() -> None:
    result = agents_needed(0, 240, 0.8, 20, patience_s=60)
    assert (result.agents, result.scheduled, result.metrics.service_level) == (0, 0, 1.0)


def test_scheduled_head_count_is_not_fooled_by_float_division() -> None:
    assert scheduled_agents(7, 0.3) == 10
    assert scheduled_agents(10, 0.0) == 10
    assert scheduled_agents(10, 0.25) == 14


@pytest.mark.parametrize(
    "kwargs",
    [
        {"calls_per_hour": -1},
        {"aht_s": 0},
        {"target_sl": 1.0},
        {"target_sl": 0.0},
        {"target_t_s": -5},
        {"patience_s": 0},
        {"shrinkage": 1.0},
        {"max_occupancy": 0},
        {"aht_s": math.nan},
    ],
)
def test_rejects_nonsense_inputs(kwargs: dict[str, float]) -> None:
    args: dict[str, float] = {
        "calls_per_hour": 600,
        "aht_s": 240,
        "target_sl": 0.8,
        "target_t_s": 20,
    } | kwargs
    with pytest.raises(InvalidParameterError):
        agents_needed(**args)


floors = st.tuples(
    st.integers(1, 60),  # agents
    st.floats(0.05, 60),  # Erlangs
    st.floats(10, 600),  # AHT
    st.floats(1, 1000),  # patience
    st.floats(0, 120),  # T
)


@settings(max_examples=60, deadline=None)
@given(floors)
def test_more_agents_never_lower_the_service_level(floor: tuple[int, float, float, float, float]) -> None:
    n, traffic, aht, patience, t = floor
    a_now, a_more = (erlang_a_metrics(k, traffic, aht, patience, t) for k in (n, n + 1))
    assert a_more.service_level >= a_now.service_level - 1e-12
    assert a_more.abandon_rate <= a_now.abandon_rate + 1e-12
    c_now, c_more = (erlang_c_metrics(k, traffic, aht, t) for k in (n, n + 1))
    assert c_more.service_level >= c_now.service_level - 1e-12


@settings(max_examples=60, deadline=None)
@given(floors)
def test_probabilities_stay_probabilities(floor: tuple[int, float, float, float, float]) -> None:
    n, traffic, aht, patience, t = floor
    b, c = erlang_b(n, traffic), erlang_c(n, traffic)
    assert 0 <= b <= c <= 1
    a = erlang_a_metrics(n, traffic, aht, patience, t)
    for value in (a.p_wait, a.service_level, a.abandon_rate, a.occupancy):
        assert 0 <= value <= 1
    assert a.service_level <= n / traffic + 1e-12  # agents answer at most n/A of the calls
    assert a.abandon_rate <= a.p_wait


@settings(max_examples=40, deadline=None)
@given(
    st.floats(1, 600),
    st.floats(20, 400),
    st.floats(0.5, 0.95),
    st.floats(0, 60),
    st.none() | st.floats(5, 600),
)
def test_sizing_finds_the_smallest_head_count(
    calls: float, aht: float, target: float, t: float, patience: float | None
) -> None:
    result = agents_needed(calls, aht, target, t, patience_s=patience)
    traffic = calls * aht / 3600

    def level(n: int) -> float:
        if patience is None:
            return erlang_c_metrics(n, traffic, aht, t).service_level
        return erlang_a_metrics(n, traffic, aht, patience, t).service_level

    assert level(result.agents) >= target
    assert result.agents == 0 or level(result.agents - 1) < target
