"""Predictive pacing: as many calls as the drop rate allows.

Theory of operation. A person may answer any call in flight at any moment, and may wait 2
seconds for an agent; the agents sure to take such an answer are those free now and those who
should be free within those 2 seconds (:func:`remaining_work_s`: their elapsed talk or wrap-up
against the campaign's means). Counting agents who free later, against the mean ring time of
a new call, looks right for the new call but not for the calls already ringing, whose answers
come sooner: in simulation it tripled the drops for the same occupancy. Let ``k`` be that
number, less the persons already waiting for an agent.
The answers to come, ``A``, are those of the calls in flight (each with its own chance, lower
for a call that has rung long) and of the ``n`` new calls (each with the answer rate ``p``).
Every answer beyond ``k`` is a drop, so the expected drops are ``E[max(0, A − k)]``. Taking
``A`` as normal (mean and variance of those Bernoulli trials, widened by the uncertainty of
``p`` itself, which is large early in the day), that is ``σ·φ(z) + (μ − k)·(1 − Φ(z))`` with
``z = (k + ½ − μ) / σ`` (a continuity correction).

The pacing places the largest ``n`` whose expected drops stay within an *allowed share* of its
expected answers; it tries n = 1, 2, ... and stops at the first that goes beyond, so a smaller
share never gives more calls. The allowed share is the campaign's target, scaled by
:func:`drop_headroom`: the whole target while the observed drop rate (the worse of the day and
the rolling window) is under half of it, then less and less, and nothing from 90 % of it. With
no share left the dialer still places one call per free agent not yet covered by a call in
flight, which cannot drop anyone: the campaign falls back to progressive pacing, pooled.

Answers beyond ``k`` may still be taken by an agent who frees within the 2 seconds allowed;
the estimate ignores it and errs on the safe side.
"""

import math
from typing import TYPE_CHECKING, Final

from callfloor.core.dialer.settings import DialerSettings

if TYPE_CHECKING:
    from callfloor.core.dialer.pacing import PacingInput

#: Under this share of the target drop rate, the pacing may use the whole target...
KNEE: Final = 0.5
#: ...and from this share on, nothing: calls in flight then still answer, so the day's rate
#: goes on rising a little after the pacing has let go.
CEILING: Final = 0.9
#: How many answers at the day's drop rate the window's rate is weighed with.
WINDOW_PRIOR: Final = 100
_SQRT2: Final = math.sqrt(2.0)
_SQRT2PI: Final = math.sqrt(2.0 * math.pi)


def observed_drop_rate(day: float, window: float, window_answered: int) -> float:
    """The worse of the day's rate and the window's, the window's shrunk toward the day's.

    A 30-minute window holds a few hundred answers at most, so one drop more or less moves it
    by a point; weighing it with :data:`WINDOW_PRIOR` answers at the day's rate keeps the
    pacing from lurching at every drop while still reacting to a bad half hour.
    """
    smoothed = (window * window_answered + day * WINDOW_PRIOR) / (window_answered + WINDOW_PRIOR)
    return max(day, smoothed)


def drop_headroom(observed: float, target: float) -> float:
    """The share of the target the pacing may use now, in [0, 1]: never larger for a worse rate."""
    return min(1.0, max(0.0, (CEILING * target - observed) / (target * (CEILING - KNEE))))


def expected_excess(mean: float, variance: float, k: float) -> float:
    """``E[max(0, A − k)]`` for an integer ``A`` of this mean and variance (normal approximation)."""
    if variance <= 0:
        return max(0.0, mean - k)
    sd = math.sqrt(variance)
    z = (k + 0.5 - mean) / sd
    density = math.exp(-0.5 * z * z) / _SQRT2PI
    tail = 0.5 * math.erfc(z / _SQRT2)
    return max(0.0, sd * density + (mean - k) * tail)


def safe_calls(state: "PacingInput") -> int:
    """Calls that cannot drop anyone: one per free agent not covered yet by a call or a wait."""
    return max(0, state.free - state.waiting - state.in_flight)


def predictive_calls(settings: DialerSettings, state: "PacingInput") -> int:
    """The predictive mode's new pooled calls (before the line cap)."""
    k = state.free + state.soon_free - state.waiting
    observed = observed_drop_rate(state.drop_rate_day, state.drop_rate_window, state.window_answered)
    allowed = settings.target_drop_rate * drop_headroom(observed, settings.target_drop_rate)
    p = state.answer_rate
    n = 0
    if k > 0 and allowed > 0 and p > 0:
        # Bernoulli variance of the calls in flight: each has a chance q_i, sum q_i(1 - q_i) is at
        # most sum q_i; taking the mean keeps the estimate prudent.
        relative_var = state.answer_rate_var / (p * p)
        limit = math.floor(settings.max_lines_per_agent * max(state.staffed, 1))
        while n < limit:
            mean = state.expected_answers + (n + 1) * p
            variance = state.expected_answers + (n + 1) * p * (1 - p) + mean * mean * relative_var
            if expected_excess(mean, variance, k) > allowed * mean:
                break
            n += 1
    return max(n, safe_calls(state))


def remaining_work_s(elapsed: float, talk_s: float, wrap_s: float, *, talking: bool) -> float:
    """Expected seconds until an agent talking (or in wrap-up) for ``elapsed`` is free again."""
    if talking:
        return max(0.0, talk_s - elapsed) + wrap_s
    return max(0.0, wrap_s - elapsed)
