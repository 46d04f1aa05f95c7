"""Erlang B, C and A, and the smallest number of agents that meets a service-level target.

Theory of operation. Calls arrive as a Poisson stream (λ per second), talk plus wrap-up is
exponential with mean AHT (μ = 1/AHT), and the offered traffic is A = λ·AHT Erlangs.

- **Erlang B** (M/M/n/n; Cooper, *Introduction to Queueing Theory*, 2nd ed. 1981): the share
  of calls blocked when there is no queue. It is computed by the recurrence B(0) = 1,
  B(k) = A·B(k−1) / (k + A·B(k−1)), never by A^n/n!, which overflows near n = 170; the
  recurrence stays in [0, 1] for thousands of agents.
- **Erlang C** (M/M/n, Cooper 1981): infinitely patient callers. C = n·B / (n − A·(1 − B)),
  service level SL(T) = 1 − C·exp(−(n − A)·T/AHT), ASA = C·AHT / (n − A), occupancy A/n. With
  A ≥ n the queue grows without end: ``erlang_c`` returns 1 and the metrics are flagged
  unstable (ASA infinite, service level 0) rather than raising, so a planner can print them.
- **Erlang A** (M/M/n+M, Palm's model; Mandelbaum & Zeltyn 2007, "The Palm/Erlang-A queue, with
  applications to call centers"): each waiting caller hangs up after an exponential patience
  of mean 1/θ. The state is the number of callers in the system; with n + j of them the chain
  leaves downwards at rate n·μ + j·θ, so π(n+j) = π(n)·Π_{i≤j} λ/(nμ + iθ). Those terms are
  summed in log space, relative to their largest, and cut when they fall below e^−46 of it:
  no overflow with hundreds of agents. The tagged caller's own wait is exact, not simulated:
  finding j callers ahead, the head of the queue moves at rates nμ + iθ (i = j … 0), so with
  a = nμ/θ the virtual wait V (wait until answered, were he patient) is V = −ln(U)/θ with
  U ~ Beta(a, j + 1) (Rényi's representation of exponential order statistics). He is answered
  when his patience outlasts V, probability E[e^−θV] = E[U], hence
  P(answered within T | j) = a/(a+j+1) · (1 − I_x(a+1, j+1)), x = e^−θT, and for an integer
  second shape the regularised incomplete beta is a finite negative-binomial sum,
  I_x(a+1, j+1) = Σ_{k≤j} C(a+k, k)·x^(a+1)·(1−x)^k, summed in log space with all terms
  positive. The mean wait of an answered caller, given j, is Σ_{k=1..j+1} 1/(nμ + kθ).

Definitions used (tenants may report others): service level is *answered within T / offered*,
so a caller who hangs up, even before T, counts against it; ASA is the mean wait of answered
calls, counting those answered at once as 0; abandon rate is abandoned / offered; occupancy is
carried traffic per agent, A·(1 − abandon rate)/n.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from callfloor.core.staffing import InvalidParameterError, TargetUnreachableError

SECONDS_PER_HOUR = 3600.0
MAX_AGENTS = 1_000_000
_NEGLIGIBLE = -46.0  # natural log: terms below e^-46 ≈ 1e-20 of the largest do not count
_MAX_QUEUE_TERMS = 5_000_000


class QueueModel(StrEnum):
    """Which formula sized the queue."""

    ERLANG_C = "erlang_c"
    ERLANG_A = "erlang_a"


@dataclass(frozen=True, slots=True)
class QueueMetrics:
    """What callers see, in steady state, with ``agents`` on the phones."""

    agents: int
    traffic_erlangs: float
    p_wait: float
    service_level: float
    asa_s: float
    occupancy: float
    abandon_rate: float = 0.0

    @property
    def stable(self) -> bool:
        """False when callers are never answered in finite time (Erlang C with A ≥ n, no agent)."""
        return math.isfinite(self.asa_s)


@dataclass(frozen=True, slots=True)
class StaffingResult:
    """Agents on the phones, head count to schedule once shrinkage is taken, and the metrics."""

    agents: int
    scheduled: int
    model: QueueModel
    metrics: QueueMetrics


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidParameterError(message)


def _check_queue(servers: int, traffic_erlangs: float) -> None:
    _require(servers >= 0, f"servers must be >= 0, got {servers}")
    _require(0 <= traffic_erlangs < math.inf, f"traffic must be finite and >= 0, got {traffic_erlangs}")


def erlang_b(servers: int, traffic_erlangs: float) -> float:
    """Blocking probability of M/M/n/n (Erlang B, Cooper 1981), by the stable recurrence."""
    _check_queue(servers, traffic_erlangs)
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = traffic_erlangs * blocking / (k + traffic_erlangs * blocking)
    return blocking


def erlang_c(servers: int, traffic_erlangs: float) -> float:
    """Probability that a caller waits in M/M/n (Erlang C); 1 when A ≥ n, the queue being unstable."""
    if traffic_erlangs >= servers:
        _check_queue(servers, traffic_erlangs)
        return 1.0
    blocking = erlang_b(servers, traffic_erlangs)
    return min(1.0, servers * blocking / (servers - traffic_erlangs * (1.0 - blocking)))


def _idle(agents: int) -> QueueMetrics:
    return QueueMetrics(agents, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)


def erlang_c_metrics(agents: int, traffic_erlangs: float, aht_s: float, target_t_s: float) -> QueueMetrics:
    """P(wait), SL within ``target_t_s``, ASA and occupancy of M/M/n (Erlang C, Cooper 1981)."""
    _require(aht_s > 0 and target_t_s >= 0, "aht_s must be > 0 and target_t_s >= 0")
    p_wait = erlang_c(agents, traffic_erlangs)
    if traffic_erlangs == 0:
        return _idle(agents)
    if traffic_erlangs >= agents:
        return QueueMetrics(agents, traffic_erlangs, 1.0, 0.0, math.inf, 1.0 if agents else 0.0)
    spare = agents - traffic_erlangs
    service_level = 1.0 - p_wait * math.exp(-spare * target_t_s / aht_s)
    occupancy = traffic_erlangs / agents
    return QueueMetrics(agents, traffic_erlangs, p_wait, service_level, p_wait * aht_s / spare, occupancy)


def _log_queue_terms(a: float, g: float) -> list[float]:
    """ln of π(n+j)/π(n) for j = 0, 1, … with a = nμ/θ and g = λ/θ, until negligible."""
    terms, peak, log_g = [0.0], 0.0, math.log(g)
    while len(terms) < _MAX_QUEUE_TERMS:
        j = len(terms)
        term = terms[-1] + log_g - math.log(a + j)
        if g < a + j and term < peak + _NEGLIGIBLE:  # past the mode the terms only shrink
            return terms
        terms.append(term)
        peak = max(peak, term)
    raise TargetUnreachableError(
        f"more than {_MAX_QUEUE_TERMS} callers in queue: patience too long for so few agents"
    )


def _log_sum_exp(logs: list[float]) -> float:
    peak = max(logs)
    return peak + math.log(math.fsum(math.exp(v - peak) for v in logs))


def _p_wait_a(agents: int, traffic: float, log_queue_sum: float) -> float:
    """P(all agents busy) = B·S / (1 − B + B·S), S = Σ π(n+j)/π(n), without overflow."""
    blocking = erlang_b(agents, traffic)
    if blocking == 0.0:
        return 0.0
    log_ratio = math.log1p(-blocking) - math.log(blocking) - log_queue_sum
    return 1.0 / (1.0 + math.exp(min(log_ratio, 700.0)))


def _answered_within(a: float, theta_t: float, count: int) -> list[float]:
    """1 − I_x(a+1, j+1) for j < ``count``, x = e^−θT: the negative-binomial sum in log space."""
    one_minus_x = -math.expm1(-theta_t)
    if one_minus_x == 0.0:  # T so short that nobody who waits is answered within it
        return [0.0] * count
    log_x1 = math.log(one_minus_x)
    log_term, cumulative, result = -(a + 1.0) * theta_t, 0.0, []
    for k in range(count):
        if k:
            log_term += math.log(a + k) - math.log(k) + log_x1
        cumulative += math.exp(log_term)
        result.append(max(0.0, 1.0 - cumulative))
    return result


def erlang_a_metrics(
    agents: int, traffic_erlangs: float, aht_s: float, patience_s: float, target_t_s: float
) -> QueueMetrics:
    """P(wait), P(abandon), SL, ASA and occupancy of M/M/n+M (Erlang A, Mandelbaum & Zeltyn 2007)."""
    _require(aht_s > 0 and target_t_s >= 0, "aht_s must be > 0 and target_t_s >= 0")
    _require(0 < patience_s < math.inf, f"patience_s must be finite and > 0, got {patience_s}")
    _check_queue(agents, traffic_erlangs)
    if traffic_erlangs == 0:
        return _idle(agents)
    if agents == 0:
        return QueueMetrics(0, traffic_erlangs, 1.0, 0.0, math.inf, 0.0, 1.0)
    a, g = agents * patience_s / aht_s, traffic_erlangs * patience_s / aht_s
    logs = _log_queue_terms(a, g)
    log_sum = _log_sum_exp(logs)
    p_wait = _p_wait_a(agents, traffic_erlangs, log_sum)
    within = _answered_within(a, target_t_s / patience_s, len(logs))
    abandoned = answered_within = waited = wait_s = 0.0
    for j, log_term in enumerate(logs):
        weight, answered = math.exp(log_term - log_sum), a / (a + j + 1)
        wait_s += 1.0 / (agents / aht_s + (j + 1) / patience_s)  # Σ_{k≤j+1} 1/(nμ + kθ)
        abandoned += weight * (1.0 - answered)
        answered_within += weight * answered * within[j]
        waited += weight * answered * wait_s
    abandon_rate = p_wait * abandoned
    asa_s = p_wait * waited / (1.0 - abandon_rate)
    service_level = min(1.0, 1.0 - p_wait + p_wait * answered_within)
    occupancy = min(1.0, traffic_erlangs * (1.0 - abandon_rate) / agents)  # rounding can pass 1
    return QueueMetrics(agents, traffic_erlangs, p_wait, service_level, asa_s, occupancy, abandon_rate)


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Head count to schedule so that ``agents`` remain after shrinkage (breaks, training, absence)."""
    _require(0 <= shrinkage < 1, f"shrinkage must be in [0, 1), got {shrinkage}")
    return math.ceil(round(agents / (1.0 - shrinkage), 9))  # 7 / 0.7 is 10.000000000000002 in floats


def _first_meeting(
    evaluate: Callable[[int], QueueMetrics], meets: Callable[[QueueMetrics], bool], low: int, guess: int
) -> QueueMetrics:
    """The metrics at the smallest n > ``low`` that meets, ``low`` being known to fail.

    Gallops up or down from ``guess``, then bisects: O(log n) evaluations, given that the
    criterion is monotone in n (more agents never lower the service level).
    """
    high, step = max(guess, low + 1), 1
    while not meets(found := evaluate(high)):
        low, high, step = high, high + step, step * 2
        _require_reachable(high)
    step = 1
    while high - step > low and meets(candidate := evaluate(high - step)):
        high, found, step = high - step, candidate, step * 2
    low = max(low, high - step)
    while high - low > 1:
        middle = (low + high) // 2
        if meets(candidate := evaluate(middle)):
            high, found = middle, candidate
        else:
            low = middle
    return found


def _require_reachable(agents: int) -> None:
    if agents > MAX_AGENTS:
        raise TargetUnreachableError(f"no head count up to {MAX_AGENTS} agents meets the target")


def _check_plan(
    calls_per_hour: float,
    aht_s: float,
    target_sl: float,
    target_t_s: float,
    *,
    patience_s: float | None,
    max_occupancy: float | None,
) -> None:
    _require(0 <= calls_per_hour < math.inf, f"calls_per_hour must be finite and >= 0, got {calls_per_hour}")
    _require(0 < aht_s < math.inf, f"aht_s must be finite and > 0, got {aht_s}")
    _require(0 < target_sl < 1, f"target_sl must be in (0, 1), got {target_sl}")
    _require(0 <= target_t_s < math.inf, f"target_t_s must be finite and >= 0, got {target_t_s}")
    _require(patience_s is None or 0 < patience_s < math.inf, f"patience_s must be > 0, got {patience_s}")
    _require(
        max_occupancy is None or 0 < max_occupancy <= 1,
        f"max_occupancy must be in (0, 1], got {max_occupancy}",
    )


def agents_needed(
    calls_per_hour: float,
    aht_s: float,
    target_sl: float,
    target_t_s: float,
    *,
    patience_s: float | None = None,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
) -> StaffingResult:
    """Fewest agents whose service level within ``target_t_s`` reaches ``target_sl``.

    Erlang C when ``patience_s`` is None, Erlang A otherwise; with ``max_occupancy`` the agents
    must also not be busier than that. The Erlang A search starts from the Erlang C answer,
    which it is close to, and never looks below target_sl·A: answered calls cannot exceed
    n/A of those offered, so fewer agents fail for certain (and cost the most to evaluate).
    """
    _check_plan(
        calls_per_hour, aht_s, target_sl, target_t_s, patience_s=patience_s, max_occupancy=max_occupancy
    )
    scheduled_agents(0, shrinkage)  # check shrinkage before searching
    model = QueueModel.ERLANG_C if patience_s is None else QueueModel.ERLANG_A
    traffic = calls_per_hour * aht_s / SECONDS_PER_HOUR

    def meets(m: QueueMetrics) -> bool:
        return m.service_level >= target_sl and (max_occupancy is None or m.occupancy <= max_occupancy)

    found = _idle(0)
    if traffic > 0:
        low = math.floor(traffic)  # Erlang C is unstable up to A agents
        found = _first_meeting(lambda n: erlang_c_metrics(n, traffic, aht_s, target_t_s), meets, low, low + 1)
    if traffic > 0 and patience_s is not None:
        low, guess = max(0, math.ceil(target_sl * traffic) - 1), found.agents
        found = _first_meeting(
            lambda n: erlang_a_metrics(n, traffic, aht_s, patience_s, target_t_s), meets, low, guess
        )
    return StaffingResult(found.agents, scheduled_agents(found.agents, shrinkage), model, found)
