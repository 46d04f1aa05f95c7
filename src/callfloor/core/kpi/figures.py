"""The figures a KPI read-out gives, and the tallies that accumulate them.

A :class:`Tally` is the mutable counters of one bucket (the totals, a queue, an interval, a
queue in an interval); the fold feeds it in O(1) per entry and turns it into a frozen
:class:`Kpis` when read. Keeping only sums, counts and a max, never the waits themselves, is what
lets a wallboard fold a whole day without its memory or its reads growing with the log.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from callfloor.core.config import ServiceLevelDefinition
from callfloor.core.kpi.agent_time import occupancy
from callfloor.core.kpi.service_level import QueueKpiSettings, ServiceLevelCounts, service_level
from callfloor.core.log import AgentEventType


@dataclass(frozen=True, slots=True)
class Kpis:
    """The inbound figures of one bucket; rates are shares in [0, 1], times are seconds.

    A figure with nothing to compute it from is None, never 0. The field names are printed as
    JSON by the simulator and read by users' scripts: add fields, never rename them.
    """

    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    abandon_rate: float | None
    service_level: float | None
    service_level_definition: ServiceLevelDefinition
    service_level_threshold_s: float | None
    asa_s: float | None
    avg_wait_s: float | None
    p_wait: float | None
    aht_s: float | None
    occupancy: float | None
    max_wait_s: float | None
    calls_per_agent: float | None
    callbacks_requested: int
    overflowed: int

    def as_dict(self) -> dict[str, float | int | str | None]:
        """The figures by name, in field order, ready for JSON."""
        values: dict[str, float | int | str | None] = {f.name: getattr(self, f.name) for f in fields(self)}
        values["service_level_definition"] = str(self.service_level_definition)
        return values


@dataclass(frozen=True, slots=True)
class AgentKpis:
    """One agent's figures; ``state_time_s`` holds the seconds spent in each state while logged in."""

    answered: int
    completed: int
    aht_s: float | None
    occupancy: float | None
    state_time_s: Mapping[AgentEventType, float]

    def as_dict(self) -> dict[str, float | int | None]:
        """The figures by name, state times as ``<state>_s`` (``ready_s``, ``busy_s``…)."""
        values: dict[str, float | int | None] = {
            "answered": self.answered,
            "completed": self.completed,
            "aht_s": self.aht_s,
            "occupancy": self.occupancy,
        }
        values.update({f"{state}_s": seconds for state, seconds in self.state_time_s.items()})
        return values


@dataclass(frozen=True, slots=True)
class IntervalKpis:
    """The figures of one interval [start, start + interval_s); queues with no data are absent."""

    start: float
    totals: Kpis
    per_queue: Mapping[str, Kpis]


@dataclass(frozen=True, slots=True)
class KpiSnapshot:
    """Every read-out of a fold at one ``now``, as a wallboard or a report shows them together."""

    now: float
    totals: Kpis
    per_queue: Mapping[str, Kpis]
    per_agent: Mapping[str, AgentKpis]
    per_interval: tuple[IntervalKpis, ...]


def _mean(total: float, count: int) -> float | None:
    return total / count if count else None


@dataclass(slots=True)
class Tally:
    """Counters of one bucket; each interaction is judged with the settings of its own queue."""

    offered: int = 0
    answered: int = 0
    answered_within: int = 0
    abandoned: int = 0
    abandoned_within: int = 0
    short_abandoned: int = 0
    waited: int = 0  # answered or abandoned with a wait > 0, for p_wait
    answered_wait_s: float = 0.0
    abandoned_wait_s: float = 0.0
    max_wait_s: float | None = None
    completed: int = 0
    handle_s: float = 0.0
    callbacks_requested: int = 0
    overflowed: int = 0
    agents: set[str] = field(default_factory=set)
    thresholds: set[float] = field(default_factory=set)

    def offer(self, settings: QueueKpiSettings) -> None:
        """Count an offer; its queue's T joins the thresholds this bucket was judged with."""
        self.offered += 1
        self.thresholds.add(settings.service_level_s)

    def answer(self, wait_s: float, agent: str, settings: QueueKpiSettings) -> None:
        """Count an answer after ``wait_s`` by ``agent``."""
        self.answered += 1
        self.answered_within += settings.within_threshold(wait_s)
        self.answered_wait_s += wait_s
        self.agents.add(agent)
        self._wait(wait_s, settings.service_level_s)

    def abandon(self, wait_s: float, settings: QueueKpiSettings) -> None:
        """Count an abandon after ``wait_s``."""
        self.abandoned += 1
        self.abandoned_within += settings.within_threshold(wait_s)
        self.short_abandoned += settings.is_short_abandon(wait_s)
        self.abandoned_wait_s += wait_s
        self._wait(wait_s, settings.service_level_s)

    def _wait(self, wait_s: float, threshold_s: float) -> None:
        self.waited += wait_s > 0
        longest = self.max_wait_s
        if longest is None or wait_s > longest:  # max(longest, wait_s) keeps longest on a tie
            self.max_wait_s = wait_s
        self.thresholds.add(threshold_s)

    def complete(self, handle_s: float) -> None:
        """Count a completed interaction and its handle time (talk + wrap-up)."""
        self.completed += 1
        self.handle_s += handle_s

    def kpis(self, settings: QueueKpiSettings, occupancy: float | None) -> Kpis:
        """The figures, with the bucket's definition and (where there is one) threshold."""
        outcomes = self.answered + self.abandoned
        return Kpis(
            offered=self.offered,
            answered=self.answered,
            abandoned=self.abandoned,
            short_abandoned=self.short_abandoned,
            abandon_rate=_mean(self.abandoned, self.offered),
            service_level=service_level(settings.definition, self._counts()),
            service_level_definition=settings.definition,
            service_level_threshold_s=self._threshold(settings),
            asa_s=_mean(self.answered_wait_s, self.answered),
            avg_wait_s=_mean(self.answered_wait_s + self.abandoned_wait_s, outcomes),
            p_wait=_mean(self.waited, outcomes),
            aht_s=_mean(self.handle_s, self.completed),
            occupancy=occupancy,
            max_wait_s=self.max_wait_s,
            calls_per_agent=_mean(self.answered, len(self.agents)),
            callbacks_requested=self.callbacks_requested,
            overflowed=self.overflowed,
        )

    def _counts(self) -> ServiceLevelCounts:
        return ServiceLevelCounts(
            self.offered, self.answered, self.answered_within, self.abandoned_within, self.short_abandoned
        )

    def _threshold(self, settings: QueueKpiSettings) -> float | None:
        # One T for the whole bucket, or None: a mix of thresholds has no single T to print.
        if not self.thresholds:
            return settings.service_level_s
        return next(iter(self.thresholds)) if len(self.thresholds) == 1 else None


@dataclass(slots=True)
class AgentTally:
    """Counters of one agent's interactions."""

    answered: int = 0
    completed: int = 0
    handle_s: float = 0.0

    def kpis(self, state_time_s: Mapping[AgentEventType, float]) -> AgentKpis:
        """The agent's figures, given the time it spent in each state."""
        return AgentKpis(
            answered=self.answered,
            completed=self.completed,
            aht_s=_mean(self.handle_s, self.completed),
            occupancy=occupancy(state_time_s),
            state_time_s=state_time_s,
        )
