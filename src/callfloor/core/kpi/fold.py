"""KpiFold: the interaction log folded into KPIs, one entry at a time.

The fold follows the counting rules of the LogEntry contract (core/log.py):

- A queue's ``offered`` counts every ``enqueued`` in it; the totals count only those whose
  reason is not ``"overflow"`` or ``"transfer"``, since an overflowed or transferred
  interaction is one offer for the center.
- After an agent's transfer, ``answered`` and ``abandoned`` (reason ``"transfer"``) count in
  the queue it was transferred to only, with the wait since the transfer: the center's totals
  judged the caller's first wait already. Each agent's part ends with a ``completed`` (reason
  ``"transfer"`` for the transferring one), which counts everywhere: handle time is per part.
- ``answered``, ``abandoned``, ``callback_requested`` and ``transferred`` (overflow) count in the
  queue where they happen, judged with that queue's settings; so do the totals, which is why a
  totals' threshold is printed only when every queue in it shares one.
- A transfer straight to an agent (``transferred`` reason ``"agent"`` with no ``enqueued`` after
  it) is no queue's offer: its ``answered`` counts for the agent only, and an abandon while the
  transferee's phone rings counts nowhere, so that a queue never answers more than it was offered.
- An interaction's figures belong to the interval in which it was *first* enqueued (a call that
  waits across 10:15 is a 10:00 call), that is ``at - wait_s`` for entries that carry a wait.
- Entries about interactions first enqueued before ``since`` are left out (the simulator's
  warm-up); agent state time counts from ``since``.

Theory of operation. ``add`` costs a few dict look-ups: it finds when the interaction was first
enqueued (remembered from its first ``enqueued``, else derived from ``wait_s``) and updates the
tallies it counts in: the totals, its queue, its interval, and its queue in that interval.
Agent entries go to :class:`~.agent_time.AgentStateTime`. Read-outs build frozen values at a
given ``now`` and change nothing, so a wallboard may read as often as it likes.

Memory grows with the number of interactions (one float each, for ``completed`` entries that
carry no wait) and of intervals, queues and agents; a live floor starts a fold per day.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeVar

from callfloor.core.kpi import KpiSettingsError, MalformedEntryError
from callfloor.core.kpi.agent_time import AgentStateTime, occupancy
from callfloor.core.kpi.figures import AgentKpis, AgentTally, IntervalKpis, Kpis, KpiSnapshot, Tally
from callfloor.core.kpi.service_level import QueueKpiSettings
from callfloor.core.log import AgentEventType, InteractionEventType, LogEntry, LogEntryType

#: ``reason`` of the ``enqueued`` and ``transferred`` entries of an overflow (see LogEntry).
OVERFLOW: Final = "overflow"
CALLBACK: Final = "callback"
TRANSFER: Final = "transfer"
AGENT: Final = "agent"  # reason of the ``transferred`` entry of an agent's transfer (to a queue or an agent)

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class KpiSettings:
    """What a fold judges by: per-queue settings, the default for other queues and the totals."""

    default: QueueKpiSettings = field(default_factory=QueueKpiSettings)
    queues: Mapping[str, QueueKpiSettings] = field(default_factory=dict)
    interval_s: float = 900.0
    since: float = -math.inf

    def __post_init__(self) -> None:
        if not self.interval_s > 0:
            raise KpiSettingsError(f"interval_s must be > 0, not {self.interval_s}")

    def for_queue(self, queue: str) -> QueueKpiSettings:
        """The settings ``queue`` is judged with."""
        return self.queues.get(queue, self.default)


def _required(value: _T | None, entry: LogEntry, name: str) -> _T:
    if value is None:
        raise MalformedEntryError(f"{entry.type} entry at {entry.at} has no {name}")
    return value


class KpiFold:
    """KPIs of an interaction log, fed entry by entry and readable at any ``now``."""

    def __init__(self, settings: KpiSettings | None = None) -> None:
        self.settings = settings or KpiSettings()
        self._first_enqueued: dict[str, float] = {}
        self._to_agent: set[str] = set()  # handed over by an agent and not enqueued since
        self._totals = Tally()
        self._queues: dict[str, Tally] = {}
        self._intervals: dict[int, Tally] = {}
        self._interval_queues: dict[int, dict[str, Tally]] = {}
        # (interval, queue, with the totals?) -> the tallies an entry counts in, found once.
        self._counts_in: dict[tuple[int, str, bool], tuple[Tally, ...]] = {}
        self._agents: dict[str, AgentTally] = {}
        self._agent_time = AgentStateTime(self.settings.since, self.settings.interval_s)

    def add(self, entry: LogEntry) -> None:
        """Fold one entry in, in O(1); on MalformedEntryError or OutOfOrderError nothing has changed."""
        kind = entry.type
        if isinstance(kind, AgentEventType):
            self._agent_time.change(_required(entry.agent, entry, "agent"), kind, entry.at)
            return
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, entry)

    def extend(self, entries: Iterable[LogEntry]) -> None:
        """Fold entries in, in order."""
        for entry in entries:
            self.add(entry)

    # Read-outs.

    def totals(self, now: float) -> Kpis:
        """The whole floor's figures, judged with the default settings' definition."""
        state_time = self._agent_time.total(now)
        return self._totals.kpis(self.settings.default, occupancy(state_time))

    def per_queue(self, now: float) -> dict[str, Kpis]:
        """Each queue's figures (occupancy is None: agents serve several queues at once)."""
        self._agent_time.check_now(now)
        return {queue: self._queue_kpis(queue, tally) for queue, tally in sorted(self._queues.items())}

    def per_agent(self, now: float) -> dict[str, AgentKpis]:
        """Each agent's figures, its open state counted up to ``now``."""
        state_times = self._agent_time.per_agent(now)
        names = sorted(state_times.keys() | self._agents.keys())
        return {name: self._agents.get(name, AgentTally()).kpis(state_times.get(name, {})) for name in names}

    def per_interval(self, now: float) -> list[IntervalKpis]:
        """Every interval from the first with data to the last with data or agents at work."""
        state_times = self._agent_time.per_interval(now)
        indexes = self._interval_queues.keys() | state_times.keys()
        if not indexes:
            return []
        return [
            self._interval_kpis(index, occupancy(state_times.get(index, {})))
            for index in range(min(indexes), max(indexes) + 1)
        ]

    def snapshot(self, now: float) -> KpiSnapshot:
        """Every read-out at ``now`` together."""
        return KpiSnapshot(
            now=now,
            totals=self.totals(now),
            per_queue=self.per_queue(now),
            per_agent=self.per_agent(now),
            per_interval=tuple(self.per_interval(now)),
        )

    def _queue_kpis(self, queue: str, tally: Tally) -> Kpis:
        return tally.kpis(self.settings.for_queue(queue), None)

    def _interval_kpis(self, index: int, interval_occupancy: float | None) -> IntervalKpis:
        queues = self._interval_queues.get(index, {})
        return IntervalKpis(
            start=index * self.settings.interval_s,
            totals=self._intervals.get(index, Tally()).kpis(self.settings.default, interval_occupancy),
            per_queue={queue: self._queue_kpis(queue, tally) for queue, tally in sorted(queues.items())},
        )

    # Entries.

    def _on_enqueued(self, entry: LogEntry) -> None:
        interaction = _required(entry.interaction, entry, "interaction")
        queue = _required(entry.queue, entry, "queue")
        again = entry.reason in {OVERFLOW, TRANSFER}  # counted as offered before
        self._to_agent.discard(interaction)  # a transfer to a queue: offered there
        first = self._first_enqueued.get(interaction)
        if first is None:
            first = entry.at
            if not again:  # an overflow's first enqueue is elsewhere, and earlier
                self._first_enqueued[interaction] = first
        if first < self.settings.since:
            return
        settings = self.settings.for_queue(queue)
        for tally in self._tallies(first, queue, totals=not again):
            tally.offer(settings)

    def _on_answered(self, entry: LogEntry) -> None:
        agent = _required(entry.agent, entry, "agent")
        if entry.reason == CALLBACK:  # the caller's outcome was counted at callback_requested
            self._agent_tally(agent).answered += 1
            return
        if entry.reason == TRANSFER and _required(entry.interaction, entry, "interaction") in self._to_agent:
            self._agent_tally(agent).answered += 1  # straight to the agent: no queue offered it
            return
        wait_s, tallies = self._waited(entry, totals=entry.reason != TRANSFER)
        settings = self.settings.for_queue(_required(entry.queue, entry, "queue"))
        for tally in tallies:
            tally.answer(wait_s, agent, settings)
        if tallies:
            self._agent_tally(agent).answered += 1

    def _on_abandoned(self, entry: LogEntry) -> None:
        interaction = _required(entry.interaction, entry, "interaction")
        if entry.reason == TRANSFER and interaction in self._to_agent:
            self._to_agent.discard(interaction)
            self._first_enqueued.pop(interaction, None)
            return
        wait_s, tallies = self._waited(entry, totals=entry.reason != TRANSFER)
        settings = self.settings.for_queue(_required(entry.queue, entry, "queue"))
        for tally in tallies:
            tally.abandon(wait_s, settings)
        self._first_enqueued.pop(_required(entry.interaction, entry, "interaction"), None)  # its last entry

    def _on_callback_requested(self, entry: LogEntry) -> None:
        for tally in self._waited(entry)[1]:
            tally.callbacks_requested += 1

    def _on_transferred(self, entry: LogEntry) -> None:
        if entry.reason == AGENT:
            self._to_agent.add(_required(entry.interaction, entry, "interaction"))
        if entry.reason != OVERFLOW:
            return  # an agent's transfer is no inbound figure (yet): the offer was counted once
        for tally in self._waited(entry)[1]:
            tally.overflowed += 1

    def _on_completed(self, entry: LogEntry) -> None:
        interaction = _required(entry.interaction, entry, "interaction")
        queue = _required(entry.queue, entry, "queue")
        agent = _required(entry.agent, entry, "agent")
        handle_s = _required(entry.talk_s, entry, "talk_s") + _required(entry.wrap_s, entry, "wrap_s")
        if entry.reason == TRANSFER:  # one agent's part: the interaction goes on
            first = self._first_enqueued.get(interaction)
        else:
            first = self._first_enqueued.pop(interaction, None)  # its last entry: memory stays bounded
            self._to_agent.discard(interaction)
        if first is None or first < self.settings.since:
            return  # enqueued before this fold's log began, or during the warm-up
        for tally in self._tallies(first, queue, totals=True):
            tally.complete(handle_s)
        agent_tally = self._agent_tally(agent)
        agent_tally.completed += 1
        agent_tally.handle_s += handle_s

    def _agent_tally(self, agent: str) -> AgentTally:
        tally = self._agents.get(agent)
        if tally is None:  # not setdefault: that would build a tally for every entry
            tally = self._agents[agent] = AgentTally()
        return tally

    def _waited(self, entry: LogEntry, *, totals: bool = True) -> tuple[float, Sequence[Tally]]:
        """The entry's wait and the tallies it counts in (none for a warm-up interaction)."""
        interaction = _required(entry.interaction, entry, "interaction")
        queue = _required(entry.queue, entry, "queue")
        wait_s = _required(entry.wait_s, entry, "wait_s")
        first = self._first_enqueued.setdefault(interaction, entry.at - wait_s)
        if first < self.settings.since:
            return wait_s, ()
        return wait_s, self._tallies(first, queue, totals=totals)

    def _tallies(self, first: float, queue: str, *, totals: bool) -> Sequence[Tally]:
        """The queue's tallies, overall and in the interval of ``first``; the totals' if asked."""
        index = math.floor(first / self.settings.interval_s)
        tallies = self._counts_in.get((index, queue, totals))
        if tallies is None:
            queues = self._interval_queues.setdefault(index, {})
            found = [self._queues.setdefault(queue, Tally()), queues.setdefault(queue, Tally())]
            if totals:
                found += [self._totals, self._intervals.setdefault(index, Tally())]
            tallies = self._counts_in[index, queue, totals] = tuple(found)
        return tallies


_HANDLERS: Final[dict[LogEntryType, Callable[[KpiFold, LogEntry], None]]] = {
    InteractionEventType.ENQUEUED: KpiFold._on_enqueued,
    InteractionEventType.ANSWERED: KpiFold._on_answered,
    InteractionEventType.ABANDONED: KpiFold._on_abandoned,
    InteractionEventType.CALLBACK_REQUESTED: KpiFold._on_callback_requested,
    InteractionEventType.TRANSFERRED: KpiFold._on_transferred,
    InteractionEventType.COMPLETED: KpiFold._on_completed,
}
