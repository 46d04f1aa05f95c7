"""Service level: the share of interactions handled within a threshold T, five ways.

Vendors disagree on what the ratio is taken over (abandons in or out, short abandons in or out,
abandons within T good or bad), so the definition is a tenant setting and every report prints the
one it used beside the figure (ARCHITECTURE.md, "Interactions and the event log"). This module
holds the arithmetic, as one pure function from counters, and the per-queue settings that tune
it; counting interactions into those counters is the fold's job.
"""

from collections.abc import Callable
from dataclasses import dataclass

from callfloor.core.config import ServiceLevelDefinition
from callfloor.core.kpi import KpiSettingsError


@dataclass(frozen=True, slots=True)
class QueueKpiSettings:
    """How one queue's interactions are judged.

    ``service_level_s`` is T; ``short_abandon_s`` is the wait up to which an abandon counts as
    short (a caller who hung up before anyone could reasonably answer, often a misdial).
    """

    service_level_s: float = 20.0
    short_abandon_s: float = 5.0
    definition: ServiceLevelDefinition = ServiceLevelDefinition.OFFERED

    def __post_init__(self) -> None:
        if self.service_level_s < 0 or self.short_abandon_s < 0:
            raise KpiSettingsError("service_level_s and short_abandon_s must be >= 0")

    def within_threshold(self, wait_s: float) -> bool:
        """Whether a wait counts as "within T"; inclusive, as a caller answered at exactly T is."""
        return wait_s <= self.service_level_s

    def is_short_abandon(self, wait_s: float) -> bool:
        """Whether an abandon is short; inclusive, so a 5 s limit makes a 5.0 s abandon short."""
        return wait_s <= self.short_abandon_s


@dataclass(frozen=True, slots=True)
class ServiceLevelCounts:
    """The counters every definition draws on, for one bucket (a queue, an interval, the totals).

    ``answered_within`` and ``abandoned_within`` are judged against T of the queue where each
    interaction was answered or abandoned.
    """

    offered: int
    answered: int
    answered_within: int
    abandoned_within: int
    short_abandoned: int


_Ratio = Callable[[ServiceLevelCounts], tuple[int, int]]

#: Numerator and denominator of each definition (see ServiceLevelDefinition in core/config.py).
_RATIOS: dict[ServiceLevelDefinition, _Ratio] = {
    ServiceLevelDefinition.OFFERED: lambda c: (c.answered_within, c.offered),
    ServiceLevelDefinition.ANSWERED: lambda c: (c.answered_within, c.answered),
    ServiceLevelDefinition.EXCLUDE_SHORT: lambda c: (c.answered_within, c.offered - c.short_abandoned),
    ServiceLevelDefinition.EXCLUDE_ABANDONED_T: lambda c: (
        c.answered_within,
        c.offered - c.abandoned_within,
    ),
    ServiceLevelDefinition.ABANDON_POSITIVE: lambda c: (
        c.answered_within + c.abandoned_within,
        c.offered,
    ),
}


def service_level(definition: ServiceLevelDefinition, counts: ServiceLevelCounts) -> float | None:
    """The service level as a share in [0, 1], or None when nothing is there to judge.

    A zero denominator means "no data", not "0 %" (an empty night interval must not drag a
    daily average down), hence None. A negative one only comes from counters of a log cut in the
    middle of interactions, and is "no data" too.
    """
    numerator, denominator = _RATIOS[definition](counts)
    if denominator <= 0:
        return None
    return numerator / denominator
