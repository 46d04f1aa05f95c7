"""Where each waiting lead sits, so that the next one to call is found in O(log n).

Theory of operation. A waiting lead has one *spot*: its due time, priority, whether it is a
scheduled callback, and the agent it is reserved for. Spots live in heaps with lazy deletion:
every placement gets a fresh sequence number, a heap item whose number is not the lead's
current one is stale and skipped when it reaches the top (and dropped when the heaps are
compacted). Tiers, in the order :meth:`LeadQueues.pop` serves them:

1. ``reserved[agent]`` — (due, -priority, seq): callbacks for that agent, only to that agent,
   until ``due + grace_s``; ``expiry`` — (due + grace_s, seq) moves the late ones to the
   campaign (the agent is away: someone else calls the person back);
2. ``callbacks`` — (due, -priority, seq): campaign callbacks, oldest due first;
3. the rest: ``waiting`` — (due, seq) until due, then ``ready`` — (-priority, due, seq):
   highest priority first, then oldest due.

Each lead moves from ``waiting`` to ``ready`` once per placement, so a pop costs O(log n)
amortized. A ``now`` earlier than a previous one (a driver's clock is never so, a property
test's may be) sends a ready lead not due yet back to ``waiting``.
"""

import heapq
from dataclasses import dataclass

Item = tuple[float, float, int, str]  # two keys, the placement's seq, the lead's id
_COMPACT_SLACK = 4  # compact when the heaps hold this many times the live spots (plus a floor)
_COMPACT_FLOOR = 1024


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a waiting lead sits: a heap item is live while its seq is its lead's spot's."""

    seq: int
    due: float
    priority: int
    callback: bool
    agent: str | None


class LeadQueues:
    """The waiting leads of a campaign, in the order they are to be called."""

    def __init__(self, grace_s: float) -> None:
        self.grace_s = grace_s
        self._spots: dict[str, Spot] = {}
        self._seq = 0
        self._stored = 0  # items in all heaps, live or stale
        self._waiting: list[Item] = []
        self._ready: list[Item] = []
        self._callbacks: list[Item] = []
        self._reserved: dict[str, list[Item]] = {}
        self._expiry: list[Item] = []

    def __len__(self) -> int:
        return len(self._spots)

    def put(self, lead_id: str, due: float, priority: int, *, callback: bool, agent: str | None) -> None:
        """Place (or move) a lead; its earlier placement, if any, turns stale."""
        self._seq += 1
        seq = self._seq
        self._spots[lead_id] = Spot(seq, due, priority, callback, agent)
        if agent is not None:
            self._push(self._reserved.setdefault(agent, []), (due, -priority, seq, lead_id))
            self._push(self._expiry, (due + self.grace_s, 0.0, seq, lead_id))
        elif callback:
            self._push(self._callbacks, (due, -priority, seq, lead_id))
        else:
            self._push(self._waiting, (due, 0.0, seq, lead_id))
        if self._stored > _COMPACT_SLACK * len(self._spots) + _COMPACT_FLOOR:
            self._compact()

    def remove(self, lead_id: str) -> Spot | None:
        """Take a lead out (its items turn stale); its spot, or None if it had none."""
        return self._spots.pop(lead_id, None)

    def pop(
        self, now: float, agent: str | None = None, *, reserved_only: bool = False
    ) -> tuple[str, Spot] | None:
        """The next lead due at ``now`` (``agent``'s callbacks first), taken out with its spot."""
        self._expire(now)
        self._promote(now)
        tiers = [self._reserved.get(agent, [])] if agent is not None else []
        if reserved_only:
            found = self._pop_due(tiers[0], now) if tiers else None
            return None if found is None else (found, self._spots.pop(found))
        for heap in (*tiers, self._callbacks):
            found = self._pop_due(heap, now)
            if found is not None:
                return found, self._spots.pop(found)
        found = self._pop_ready(now)
        return None if found is None else (found, self._spots.pop(found))

    def next_due(self, agent: str | None = None) -> float | None:
        """The earliest time :meth:`pop` may find a lead for ``agent`` (a past time: now)."""
        times = [item[0] for item in (self._top(h) for h in self._due_heaps(agent)) if item]
        ready = self._top(self._ready)
        if ready:
            times.append(ready[1])
        return min(times, default=None)

    def _due_heaps(self, agent: str | None) -> list[list[Item]]:
        heaps = [self._waiting, self._callbacks, self._expiry]
        if agent is not None and agent in self._reserved:
            heaps.append(self._reserved[agent])
        return heaps

    def _expire(self, now: float) -> None:
        """Callbacks whose agent has not taken them by ``due + grace_s`` go to the campaign."""
        while (item := self._top(self._expiry)) and item[0] <= now:
            self._drop(self._expiry)
            spot = self._spots[item[3]]
            self.put(item[3], spot.due, spot.priority, callback=spot.callback, agent=None)

    def _promote(self, now: float) -> None:
        """Leads of the rest whose due time has come move from ``waiting`` to ``ready``."""
        while (item := self._top(self._waiting)) and item[0] <= now:
            self._drop(self._waiting)
            spot = self._spots[item[3]]
            self._push(self._ready, (-spot.priority, spot.due, spot.seq, item[3]))

    def _pop_due(self, heap: list[Item], now: float) -> str | None:
        item = self._top(heap)
        if item is None or item[0] > now:
            return None
        self._drop(heap)
        return item[3]

    def _pop_ready(self, now: float) -> str | None:
        while item := self._top(self._ready):
            self._drop(self._ready)
            if item[1] <= now:
                return item[3]
            self._push(self._waiting, (item[1], 0.0, item[2], item[3]))  # now went back in time
        return None

    def _top(self, heap: list[Item]) -> Item | None:
        """The heap's first live item, stale ones before it dropped."""
        while heap:
            item = heap[0]
            if self._is_live(item):
                return item
            self._drop(heap)
        return None

    def _push(self, heap: list[Item], item: Item) -> None:
        heapq.heappush(heap, item)
        self._stored += 1

    def _drop(self, heap: list[Item]) -> None:
        heapq.heappop(heap)
        self._stored -= 1

    def _compact(self) -> None:
        """Drop every stale item (O(n), after O(n) placements: amortized O(1) each)."""
        heaps = [self._waiting, self._ready, self._callbacks, self._expiry, *self._reserved.values()]
        for heap in heaps:
            heap[:] = [item for item in heap if self._is_live(item)]
            heapq.heapify(heap)
        self._reserved = {agent: heap for agent, heap in self._reserved.items() if heap}
        self._stored = sum(len(heap) for heap in heaps)

    def _is_live(self, item: Item) -> bool:
        spot = self._spots.get(item[3])
        return spot is not None and spot.seq == item[2]
