"""A queue's figures per agent over a stored period: calls handled, average handle time, occupancy.

Folded by :class:`~callfloor.core.kpi.fold.KpiFold`, as the wallboard's agent lines are. The
calls are the queue's report's own (first enqueued in the period, :mod:`.queue_kpis`), with only
their entries in this queue, so that an agent's answers and handle time are the ones they gave
this queue. Occupancy, (busy + wrap-up) over the time ready, reserved, busy or in wrap-up, comes
from the agents' state entries of the period: it is the agent's over all their work, since an
agent serves several queues at once and a state belongs to no one queue. An agent's state at the
period's start is read from their entries of :data:`LEAD` before it; one unchanged for longer
counts from their first entry of the period.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Final

from callfloor.core.kpi import KpiError
from callfloor.core.kpi.figures import AgentKpis
from callfloor.core.kpi.fold import KpiFold, KpiSettings
from callfloor.core.log import AgentEventType, LogEntry

#: How long before the period the agents' state entries are read (their state at its start).
LEAD: Final = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class AgentLine:
    """One agent's part in a queue's period; ``agent`` is the extension the log names them by."""

    agent: str
    kpis: AgentKpis


def fold_agents(
    calls: Iterable[LogEntry], states: Iterable[LogEntry], settings: KpiSettings, *, start: float, end: float
) -> tuple[AgentLine, ...]:
    """The agents who answered or completed ``calls`` (the queue's entries of the period's
    interactions), with their figures; ``states`` are agent entries, in time order, up to ``end``."""
    fold = KpiFold(replace(settings, since=start))
    for entry in calls:
        _add(fold, entry)
    for entry in states:
        if isinstance(entry.type, AgentEventType) and entry.at < end:
            _add(fold, entry)
    return tuple(
        AgentLine(agent, kpis)
        for agent, kpis in fold.per_agent(end).items()
        if kpis.answered or kpis.completed
    )


def _add(fold: KpiFold, entry: LogEntry) -> None:
    try:
        fold.add(entry)
    except KpiError:  # a malformed or out-of-order row: one entry less, not the report
        return
