"""Running a scenario through the real floor on a heap clock.

The driver plays the world around the floor: callers arrive (Poisson, seeded), wait with
limited patience, talk for a drawn handle time; agents pick up when rung. Everything the floor
logs goes to a :class:`KpiFold`, the same fold a live wallboard uses. Four independent random
streams (arrivals, handle times, patience, routing) keep one change from reshuffling the rest.

``days`` runs consecutive days on one clock, each day starting with an empty floor; callers who
arrive in a day's warm-up are left out of the KPIs (agent time is counted from the first day's
warm-up end).

``on_log`` lets a bench watch the floor as it runs: it is called with the day's floor and each
log entry, warm-up included, once the event that made the entry is applied (so the floor's state
is the one a live driver would see then). It must not change the floor.
"""

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from callfloor.core.acd import AcdError
from callfloor.core.actions import Action, Append, Bridge, Ring
from callfloor.core.events import (
    AgentAnswered,
    AgentHungUp,
    AgentLoggedIn,
    AgentLoggedOut,
    CallerHungUp,
    InteractionArrived,
)
from callfloor.core.floor import Floor
from callfloor.core.kpi.figures import KpiSnapshot
from callfloor.core.kpi.fold import KpiFold, KpiSettings
from callfloor.core.kpi.service_level import QueueKpiSettings
from callfloor.core.log import LogEntry
from callfloor.sim.scenario import Scenario

DAY_S: Final = 86_400.0
# Kinds of the world's events; Final, so that mypyc compiles them as constants.
ARRIVAL: Final = 0
PATIENCE: Final = 1
ANSWER: Final = 2
HANGUP: Final = 3


@dataclass(frozen=True, slots=True)
class SimResult:
    """What a run produced: the KPIs and how much was simulated."""

    kpis: KpiSnapshot
    interactions: int
    end_s: float


def kpi_settings(scenario: Scenario) -> KpiSettings:
    """The KPI definitions the scenario's queues ask for; totals use the first queue's."""
    queues = {
        q.name: QueueKpiSettings(q.service_level_s, q.short_abandon_s, q.service_level_definition)
        for q in scenario.queues
    }
    return KpiSettings(
        default=queues[scenario.queues[0].name],
        queues=queues,
        interval_s=scenario.interval_minutes * 60.0,
        since=scenario.warmup_hours * 3600.0,
    )


class _Day:
    """One simulated day: the floor, the world's event heap, and the streams."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        day: int,
        fold: KpiFold,
        on_log: Callable[[Floor, LogEntry], None] | None = None,
    ) -> None:
        self.scenario = scenario
        self.start = day * DAY_S
        self.end = self.start + scenario.duration_hours * 3600.0
        self.warm_end = self.start + scenario.warmup_hours * 3600.0
        streams = [
            random.Random(f"{seed}/{day}/{name}")  # noqa: S311 - simulation, not secrets
            for name in ("arrivals", "handle", "patience", "route")
        ]
        self.arrival_rng, self.handle_rng, self.patience_rng, route_rng = streams
        self.fold = fold
        self.warmup_ids: set[str] = set()
        # The fold needs no on_log: apply() hands it the Append actions in its own pass over the
        # actions. A watcher's goes through the floor's, so that a day without one pays nothing.
        self.on_log = on_log
        watch = None if on_log is None else self.watch
        self.floor = Floor(scenario.queue_profiles(), scenario.agent_profiles(), route_rng, on_log=watch)
        self.handle_time = scenario.handle_time.build()
        self.patience = scenario.patience.build() if scenario.patience else None
        self.heap: list[tuple[float, int, int, str, str]] = []
        self.seq = itertools.count()
        self.connected: set[str] = set()
        self.count = 0
        self.day = day

    def watch(self, entry: LogEntry) -> None:
        """Hand one log entry to the watcher, with the floor it came from."""
        assert self.on_log is not None  # noqa: S101 - only handed to the floor with one
        self.on_log(self.floor, entry)

    def push(self, at: float, kind: int, a: str = "", b: str = "") -> None:
        heapq.heappush(self.heap, (at, next(self.seq), kind, a, b))

    def next_arrival(self, stream: int, now: float) -> None:
        arrival = self.scenario.arrivals[stream]
        peak = arrival.peak()
        if peak <= 0:
            return
        t = now
        while True:  # thinning: candidates at the peak rate, kept with probability rate(t) / peak
            t += self.arrival_rng.expovariate(peak / 3600.0)
            if t >= self.end:
                return
            if arrival.per_hour is not None or self.arrival_rng.random() * peak < arrival.rate_at(
                (t - self.start) / 3600
            ):
                self.push(t, ARRIVAL, str(stream))
                return

    def run(self, progress: Callable[[float], None] | None) -> float:
        now = self.start
        for agent in self.floor.acd.agents:
            self.apply(self.floor.handle(AgentLoggedIn(agent), now), now)
        for stream in range(len(self.scenario.arrivals)):
            self.next_arrival(stream, now)
        steps = 0
        floor, heap, next_deadline = self.floor, self.heap, self.floor.next_deadline
        while True:
            deadline = next_deadline()
            if deadline is not None and (not heap or deadline <= heap[0][0]):
                now = deadline
                self.apply(floor.on_deadline(now), now)
                continue
            if not heap:
                break
            now, _, kind, a, b = heapq.heappop(heap)
            self.step(kind, a, b, now)
            steps += 1
            if progress is not None and steps % 5000 == 0:
                progress(min(1.0, (now - self.start) / (self.end - self.start)))
        for agent in self.floor.acd.agents:
            self.apply(self.floor.handle(AgentLoggedOut(agent), now), now)
        return max(now, self.end)

    def step(self, kind: int, a: str, b: str, now: float) -> None:
        floor = self.floor
        if kind == ARRIVAL:
            stream = int(a)
            arrival = self.scenario.arrivals[stream]
            self.count += 1
            interaction = f"d{self.day}-{self.count}"
            if now < self.warm_end:
                self.warmup_ids.add(interaction)
            if self.patience is not None:
                self.push(now + self.patience.draw(self.patience_rng), PATIENCE, interaction)
            self.apply(
                floor.handle(
                    InteractionArrived(interaction, arrival.queue, arrival.channel, arrival.priority), now
                ),
                now,
            )
            self.next_arrival(stream, now)
        elif kind == ANSWER:
            try:
                actions = floor.handle(AgentAnswered(a, b), now)
            except AcdError:
                return  # the caller left, or another agent took it, while the phone rang
            self.apply(actions, now)
        elif kind == HANGUP:
            self.connected.discard(a)
            self.apply(floor.handle(AgentHungUp(a), now), now)
        elif a not in self.connected and a in floor.acd.interactions:  # PATIENCE ran out
            self.apply(floor.handle(CallerHungUp(a), now), now)

    def apply(self, actions: list[Action], now: float) -> None:
        """Fold the log entries in; a ring is answered, a bridged call hangs up, later."""
        fold, warmup_ids = self.fold, self.warmup_ids
        for action in actions:
            # Actions are never subclassed, so exact type checks do; Append, the most common, first.
            if type(action) is Append:
                if action.entry.interaction not in warmup_ids:
                    fold.add(action.entry)
            elif type(action) is Ring:
                self.push(now + self.scenario.answer_delay_s, ANSWER, action.interaction, action.agent)
            elif type(action) is Bridge:
                self.connected.add(action.interaction)
                self.push(now + self.handle_time.draw(self.handle_rng), HANGUP, action.interaction)


def simulate(
    scenario: Scenario,
    seed: int = 0,
    days: int = 1,
    progress: Callable[[float], None] | None = None,
    *,
    on_log: Callable[[Floor, LogEntry], None] | None = None,
) -> SimResult:
    """Run ``days`` days of ``scenario`` with ``seed``; the same inputs give the same result.

    ``on_log(floor, entry)``, when given, watches each day's floor (see the module docstring).
    """
    fold = KpiFold(kpi_settings(scenario))
    end, count = 0.0, 0
    for day in range(days):
        one = _Day(scenario, seed, day, fold, on_log)
        end = one.run(None if progress is None else _day_progress(progress, day, days))
        count += one.count
    if progress is not None:
        progress(1.0)
    return SimResult(fold.snapshot(end), count, end)


def _day_progress(progress: Callable[[float], None], day: int, days: int) -> Callable[[float], None]:
    return lambda fraction: progress((day + fraction) / days)
