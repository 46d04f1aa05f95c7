"""Time agents spend in each state: in total, per agent and per interval.

An agent is in the state of its last agent entry until its next one (see LogEntry); time is
counted from ``since`` only (the simulator's warm-up) and a logged-out agent's time not at all.

Theory of operation. Per agent we keep the open state and the seconds of closed ones, so a
read-out at ``now`` adds the open span without touching anything. Per interval, splitting a span
over every interval it crosses would cost a loop as long as the span (a pause over lunch crosses
four 15-minute intervals); instead each state change is a *step*: the number of agents in state
s goes up or down by one at time t. In the interval i = [a, b) holding t, the step is worth
``delta * (b - t)`` seconds, and ``delta * interval_s`` in every later interval. So each interval
stores the sum of its steps (``rate``) and of their worth in it (``area``), in O(1) per entry;
a read-out runs a prefix sum over the intervals, closing the open states at ``now`` on the side.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from callfloor.core.kpi import OutOfOrderError
from callfloor.core.log import AgentEventType

#: States an agent can take on an interaction, and those in which it is there to take one.
# Tuples, not sets: float sums depend on order, and a set's order on the process's hash seed.
_WORKING: Final = (AgentEventType.BUSY, AgentEventType.WRAP_UP)
_AVAILABLE: Final = (*_WORKING, AgentEventType.READY, AgentEventType.RESERVED)

_LOGGED_OUT: Final = AgentEventType.LOGGED_OUT  # a static under mypyc, not a class lookup

StateTimes = dict[AgentEventType, float]


def occupancy(state_time_s: Mapping[AgentEventType, float]) -> float | None:
    """(busy + wrap_up) / (ready + reserved + busy + wrap_up); paused time is left out of both."""
    available = sum(state_time_s.get(state, 0.0) for state in _AVAILABLE)
    if available <= 0:
        return None
    return sum(state_time_s.get(state, 0.0) for state in _WORKING) / available


_Open = tuple[AgentEventType, float]  # the state, and when it began as logged (before clamping to ``since``)


@dataclass(slots=True)
class _Step:
    rate: int = 0
    area: float = 0.0


class AgentStateTime:
    """State time of every agent, fed with agent entries in time order per agent."""

    def __init__(self, since: float, interval_s: float) -> None:
        self.since = since
        self.interval_s = interval_s
        self._open: dict[str, _Open] = {}
        self._closed: dict[str, StateTimes] = {}
        self._steps: dict[int, dict[AgentEventType, _Step]] = {}
        self._last_at: dict[str, float] = {}

    def change(self, agent: str, state: AgentEventType, at: float) -> None:
        """``agent`` enters ``state`` at ``at``; the state it was in ends there."""
        last_at = self._last_at.get(agent, -math.inf)
        if at < last_at:
            raise OutOfOrderError(f"agent {agent!r} entered {state} at {at}, after an entry at {last_at}")
        self._last_at[agent] = at
        since = self.since
        clamped = since if since > at else at  # max(at, since), without the call: once per entry
        closed = self._closed.get(agent)
        if closed is None:
            closed = self._closed[agent] = {}
        previous = self._open.pop(agent, None)
        opens = state is not _LOGGED_OUT
        if previous is None and not opens:
            return
        # The step down of the state that ends and the step up of the one that begins fall in
        # the same interval: find it once.
        index = math.floor(clamped / self.interval_s)
        worth = (index + 1) * self.interval_s - clamped
        steps = self._steps.get(index)
        if steps is None:
            steps = self._steps[index] = {}
        if previous is not None:
            old, old_at = previous
            span = clamped - (since if since > old_at else old_at)
            if span > 0:  # a state left before ``since`` (or at once) leaves no zero behind
                closed[old] = closed.get(old, 0.0) + span
            _bump(steps, old, -1, worth)
        if opens:
            self._open[agent] = (state, at)
            _bump(steps, state, +1, worth)

    def check_now(self, now: float) -> None:
        """Refuse a read-out before the last agent entry: its open span would be negative."""
        latest = max(self._last_at.values(), default=-math.inf)
        if now < latest:
            raise OutOfOrderError(f"read-out at {now}, before the agent entry at {latest}")

    def per_agent(self, now: float) -> dict[str, StateTimes]:
        """Seconds per state of each agent seen, the open state counted up to ``now``."""
        self.check_now(now)
        times = {agent: dict(closed) for agent, closed in self._closed.items()}
        clamped = max(now, self.since)
        for agent, (state, at) in self._open.items():
            span = clamped - max(at, self.since)
            times[agent][state] = times[agent].get(state, 0.0) + span
        return times

    def total(self, now: float) -> StateTimes:
        """Seconds per state summed over all agents, up to ``now``."""
        return _sum(self.per_agent(now).values())

    def per_interval(self, now: float) -> dict[int, StateTimes]:
        """Seconds per state in each interval index (start = index * interval_s) with any time."""
        self.check_now(now)
        closing: dict[int, dict[AgentEventType, _Step]] = {}
        for state, _ in self._open.values():
            self._step(closing, state, max(now, self.since), -1)
        rates: dict[AgentEventType, int] = {}
        result: dict[int, StateTimes] = {}
        indexes = self._steps.keys() | closing.keys()
        for index in range(min(indexes, default=0), max(indexes, default=-1) + 1):
            times = self._interval(rates, self._steps.get(index, {}), closing.get(index, {}))
            if any(seconds > 0 for seconds in times.values()):
                result[index] = times
        return result

    def _interval(
        self,
        rates: dict[AgentEventType, int],
        *steps: Mapping[AgentEventType, _Step],
    ) -> StateTimes:
        # Agents already in each state at the interval's start, plus the worth of its own steps;
        # then its steps join the rates for the intervals after it.
        times = {state: rate * self.interval_s for state, rate in rates.items() if rate}
        for state_steps in steps:
            for state, step in state_steps.items():
                times[state] = times.get(state, 0.0) + step.area
                rates[state] = rates.get(state, 0) + step.rate
        return times

    def _step(
        self, steps: dict[int, dict[AgentEventType, _Step]], state: AgentEventType, at: float, delta: int
    ) -> None:
        index = math.floor(at / self.interval_s)
        states = steps.get(index)
        if states is None:
            states = steps[index] = {}
        _bump(states, state, delta, (index + 1) * self.interval_s - at)


def _bump(steps: dict[AgentEventType, _Step], state: AgentEventType, delta: int, worth: float) -> None:
    """A step of ``delta`` agents in ``state``, worth ``worth`` seconds in its own interval."""
    step = steps.get(state)
    if step is None:  # not setdefault: that would build a step for every entry
        step = steps[state] = _Step()
    step.rate += delta
    step.area += delta * worth


def _sum(times: Iterable[Mapping[AgentEventType, float]]) -> StateTimes:
    total: StateTimes = {}
    for agent_times in times:
        for state, seconds in agent_times.items():
            total[state] = total.get(state, 0.0) + seconds
    return total
