"""How many pooled calls to place now: the power and predictive modes, and the cap on both.

Preview and progressive modes place no pooled calls: the engine asks for one lead per ready
agent and holds the agent for it (the agent sees the preview, or waits while the call rings),
so a person who answers always finds their agent and those modes never drop a call. Power and
predictive modes place calls for the pool of agents: whoever is free when a person answers
takes the call, and a person nobody takes within 2 seconds is dropped.

:class:`PacingInput` is what the pacing sees of the campaign at one moment; :func:`pooled_calls`
turns it into a number of calls, never below 0 and never above :func:`line_cap`;
:func:`count_agents` and :func:`read_campaign` build it from the engine's records.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from callfloor.core.dialer.estimates import Estimates
from callfloor.core.dialer.figures import FigureKeeper
from callfloor.core.dialer.predictive import predictive_calls, remaining_work_s
from callfloor.core.dialer.records import AgentRecord, CallRecord
from callfloor.core.dialer.settings import DialerSettings, DialingMode
from callfloor.core.dialer.states import UNANSWERED, AgentState

A = AgentState


@dataclass(frozen=True, slots=True)
class PacingInput:
    """The campaign as the pacing sees it now.

    ``free``: ready agents no call is held for; ``soon_free``: agents talking or in wrap-up who
    should be free by the time a call placed now is answered; ``staffed``: agents on the
    campaign and not away; ``in_flight``: pooled calls not answered yet, of which persons are
    expected to answer ``expected_answers``; ``waiting``: persons who answered and wait for an
    agent. ``answer_rate`` and its uncertainty ``answer_rate_var`` (the variance of the
    estimate) are those of a new attempt; the drop rates are over the day and the rolling
    window, which holds ``window_answered`` persons answered.
    """

    free: int
    soon_free: int
    staffed: int
    in_flight: int
    expected_answers: float
    waiting: int
    answer_rate: float
    answer_rate_var: float = 0.0
    drop_rate_day: float = 0.0
    drop_rate_window: float = 0.0
    window_answered: int = 0


def line_cap(settings: DialerSettings, state: PacingInput) -> int:
    """The most new pooled calls allowed: ``max_lines_per_agent`` per staffed agent in flight."""
    return max(0, math.floor(settings.max_lines_per_agent * state.staffed) - state.in_flight)


def power_calls(settings: DialerSettings, state: PacingInput) -> int:
    """Power mode: keep ``power_ratio`` calls in flight per free agent."""
    return max(0, math.floor(settings.power_ratio * state.free) - state.in_flight - state.waiting)


def pooled_calls(settings: DialerSettings, state: PacingInput) -> int:
    """New pooled calls to place now (0 in preview and progressive modes)."""
    if settings.mode is DialingMode.POWER:
        wanted = power_calls(settings, state)
    elif settings.mode is DialingMode.PREDICTIVE:
        wanted = predictive_calls(settings, state)
    else:
        return 0
    return min(wanted, line_cap(settings, state))


@dataclass(frozen=True, slots=True)
class AgentCounts:
    """The agents part of :class:`PacingInput`, read first: with nobody free, nothing else is."""

    free: int
    soon_free: int
    staffed: int


def count_agents(
    agents: Iterable[AgentRecord], now: float, talk_s: float, wrap_s: float, horizon_s: float
) -> AgentCounts:
    """Agents free, soon free (their expected remaining work within ``horizon_s``), and staffed."""
    free = staffed = soon = 0
    for agent in agents:
        state = agent.state
        if state is A.READY:
            free += 1
        elif state is A.TALKING or state is A.WRAP_UP:
            if agent.after is None:  # not leaving after this call
                remaining = remaining_work_s(now - agent.since, talk_s, wrap_s, talking=state is A.TALKING)
                soon += remaining <= horizon_s
        elif state is not A.RESERVED:
            continue
        staffed += 1
    return AgentCounts(free, soon, staffed)


def read_campaign(
    now: float,
    agents: AgentCounts,
    calls: Iterable[CallRecord],
    *,
    waiting: int,
    estimates: Estimates,
    keeper: FigureKeeper,
) -> PacingInput:
    """The campaign as the pacing sees it now: agents, pooled calls in flight, estimates, drops."""
    estimates.settle(now)
    p = estimates.answer_rate()
    pooled = [c.dialed_at for c in calls if c.agent is None and c.state in UNANSWERED]
    return PacingInput(
        free=agents.free,
        soon_free=agents.soon_free,
        staffed=agents.staffed,
        in_flight=len(pooled),
        expected_answers=sum(estimates.answers_later(now - dialed_at, p) for dialed_at in pooled),
        waiting=waiting,
        answer_rate=p,
        answer_rate_var=estimates.answer_rate_var(),
        drop_rate_day=keeper.drop_rate(),
        drop_rate_window=keeper.window_drop_rate(now),
        window_answered=keeper.window_answered(now),
    )
