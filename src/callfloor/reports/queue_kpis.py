"""A queue's KPIs over a stored period, day by day, folded from the interaction log.

The log is read back as the core's entries and folded by :class:`~callfloor.core.kpi.fold.KpiFold`,
as the wallboard folds today's: offered, answered, abandoned (short abandons apart), the service
level with the queue's definition and threshold, ASA and AHT. An interaction counts on the local
day (the tenant's zone) on which it first entered a queue, as the fold puts it in the interval of
its first enqueue; entries are read up to :data:`TAIL` past the period so that the calls it began
are counted to their end (their handle time). An interaction whose first enqueue the log does not
show (it began before the period) is left out.

The same fold gives the queue's figures per :data:`INTERVAL_S` (the staffing forecast's
intervals, ``callfloor staff``), and :mod:`.queue_agents` the figures of the agents who took
the queue's calls.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callfloor.core.config import ServiceLevelDefinition
from callfloor.core.kpi import KpiError
from callfloor.core.kpi.figures import Kpis, Tally
from callfloor.core.kpi.fold import KpiFold, KpiSettings
from callfloor.core.kpi.service_level import QueueKpiSettings
from callfloor.core.log import AgentEventType, InteractionEventType, LogEntry
from callfloor.core.schedule.local_days import midnight
from callfloor.reports import PeriodError
from callfloor.reports.queue_agents import LEAD, AgentLine, fold_agents
from callfloor.storage.models import Queue
from callfloor.storage.repositories import InteractionLog, log_entry

#: The longest period one report folds (a quarter): the log of every day is read at once.
MAX_DAYS: Final = 92
#: How long after the period its last calls may still be going on (talk, hold and wrap-up).
TAIL: Final = timedelta(hours=6)
#: The length of an interval of the report (seconds): half an hour, as staffing plans are made.
INTERVAL_S: Final = 1800
#: Entries whose ``wait_s`` runs from the interaction's first enqueue (unless after a transfer).
_WAITED: Final = frozenset({
    InteractionEventType.ANSWERED, InteractionEventType.ABANDONED,
    InteractionEventType.CALLBACK_REQUESTED, InteractionEventType.TRANSFERRED,
})  # fmt: skip
_READ: Final = frozenset(InteractionEventType) | frozenset(AgentEventType)  # what the folds take


@dataclass(frozen=True, slots=True)
class DayKpis:
    """One local day's figures of the queue."""

    day: date
    kpis: Kpis


@dataclass(frozen=True, slots=True)
class IntervalLine:
    """One interval's figures of the queue; ``start`` is local (the tenant's zone)."""

    start: datetime
    kpis: Kpis


@dataclass(frozen=True, slots=True)
class QueueKpis:
    """A queue's figures over ``[first, last]`` (local days): each day, zeros included, and the whole;
    each interval in which a call of the queue first entered it; each agent who took its calls."""

    queue: str
    first: date
    last: date
    days: tuple[DayKpis, ...]
    total: Kpis
    intervals: tuple[IntervalLine, ...] = ()
    agents: tuple[AgentLine, ...] = ()


def period_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local midnight that begins ``first`` and the one that ends ``last``, in UTC."""
    if last < first:
        raise PeriodError(f"the period ends ({last}) before it begins ({first})")
    if (last - first).days >= MAX_DAYS:
        raise PeriodError(f"a report covers {MAX_DAYS} days at most")
    return midnight(first, zone), midnight(last + timedelta(days=1), zone)


def queue_settings(queue: Queue) -> QueueKpiSettings:
    """What the queue is judged by: its threshold T, short-abandon limit and service-level definition."""
    return QueueKpiSettings(
        queue.service_level_s, queue.short_abandon_s, ServiceLevelDefinition(queue.service_level_definition)
    )


def first_entered(entries: Iterable[LogEntry]) -> dict[str, float]:
    """When each interaction first entered a queue, as far as ``entries`` show it."""
    firsts: dict[str, float] = {}
    for entry in entries:
        if entry.interaction is None:
            continue
        if entry.type is InteractionEventType.ENQUEUED:
            began = entry.at
        elif entry.type in _WAITED and entry.wait_s is not None and entry.reason != "transfer":
            began = entry.at - entry.wait_s
        else:
            continue
        firsts[entry.interaction] = min(began, firsts.get(entry.interaction, began))
    return firsts


def queue_kpis(session: Session, queue: Queue, first: date, last: date, zone: ZoneInfo) -> QueueKpis:
    """The figures of ``queue`` (read in its tenant) for the local days ``first`` to ``last``."""
    start, end = period_bounds(first, last, zone)
    rows = InteractionLog(session, queue.tenant_id).between(start - LEAD, end + TAIL)
    entries = [log_entry(row) for row in rows if row.type in _READ]
    return fold_days(entries, queue.name, queue_settings(queue), first=first, last=last, zone=zone)


def fold_days(
    entries: Sequence[LogEntry],
    queue: str,
    settings: QueueKpiSettings,
    *,
    first: date,
    last: date,
    zone: ZoneInfo,
) -> QueueKpis:
    """``entries`` folded per local day of their interaction's first enqueue, per interval and over
    the period; agent entries give the agents' occupancy (see :mod:`.queue_agents`)."""
    start, end = (moment.timestamp() for moment in period_bounds(first, last, zone))
    fold_settings = KpiSettings(queues={queue: settings}, interval_s=INTERVAL_S)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    per_day = {day: KpiFold(fold_settings) for day in days}
    whole = KpiFold(fold_settings)
    firsts = first_entered(entries)
    calls = []  # the queue's own entries of the period's interactions, for its agents
    for entry in entries:
        began = firsts.get(entry.interaction or "")
        if began is None or not start <= began < end:
            continue
        for fold in (whole, per_day[datetime.fromtimestamp(began, zone).date()]):
            try:
                fold.add(entry)
            except KpiError:  # a malformed row: one entry less, not the report
                continue
        if entry.queue == queue:
            calls.append(entry)
    empty = Tally().kpis(settings, None)
    return QueueKpis(
        queue=queue, first=first, last=last,
        days=tuple(DayKpis(day, per_day[day].per_queue(end).get(queue, empty)) for day in days),
        total=whole.per_queue(end).get(queue, empty),
        intervals=tuple(
            IntervalLine(datetime.fromtimestamp(line.start, zone), line.per_queue[queue])
            for line in whole.per_interval(end) if queue in line.per_queue
        ),
        agents=fold_agents(calls, entries, fold_settings, start=start, end=end),
    )  # fmt: skip
