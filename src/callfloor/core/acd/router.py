"""Indexes for routing: per (queue, escalation step, channel) group, a heap of available agents
ordered by the queue's strategy and a heap of waiting interactions ordered by priority and age.

A decision pops the head of one heap (a new interaction finds its agent) or peeks the heads of
the agent's groups (a freed agent finds its interaction), so its cost depends on the number of
groups an agent belongs to, not on the number of agents. Entries are never removed in place:
a record's ``version`` changes instead and stale entries are dropped when they surface; a heap
that fills up with stale entries is compacted.
"""

import heapq
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from callfloor.core.acd.model import InteractionState, QueueProfile
from callfloor.core.acd.records import AgentRecord, InteractionRecord
from callfloor.core.acd.strategies import KEYS, RandomSource
from callfloor.core.config import Channel

# An agent entry is the strategy's key, flattened into the entry so that the heap compares
# floats rather than nested tuples, then a sequence number (entries never compare past it), the
# agent, and the agent's version when the entry was pushed: (*key, seq, agent, version).
AgentEntry = tuple[Any, ...]
WaitingEntry = tuple[tuple[int, float], int, InteractionRecord, int]

#: A group's agent heap is compacted when it grows past twice its size after the last
#: compaction plus this: small heaps make each pop cheap, and filtering stale entries out in
#: bulk costs less than popping them one at a time.
COMPACT_SLACK: Final = 16


class Group:
    """The agents and interactions of one queue, at one escalation step, on one channel."""

    __slots__ = (
        "agents",
        "channel",
        "compact_at",
        "members",
        "queue",
        "skills",
        "starts_s",
        "step",
        "waiting",
    )

    def __init__(
        self, queue: QueueProfile, step: int, starts_s: float, skills: Mapping[str, int], channel: Channel
    ) -> None:
        self.queue = queue
        self.step = step
        self.starts_s = starts_s
        self.skills = skills
        self.channel = channel
        self.members = 0  # agents qualified for this group
        self.agents: list[AgentEntry] = []
        self.compact_at = COMPACT_SLACK  # heap size that triggers the next compaction
        self.waiting: list[WaitingEntry] = []


class Router:
    """Routing indexes over every queue of a floor."""

    def __init__(self, queues: Iterable[QueueProfile], rng: RandomSource) -> None:
        self._rng = rng
        self._seq = itertools.count()
        self.groups: dict[tuple[str, int, Channel], Group] = {}
        # First required skill -> groups needing it; None -> groups requiring nothing.
        self._by_skill: dict[str | None, list[Group]] = {}
        for queue in queues:
            for step, (starts_s, skills) in enumerate(queue.step_skills()):
                for channel in Channel:
                    group = Group(queue, step, starts_s, skills, channel)
                    self.groups[(queue.name, step, channel)] = group
                    self._by_skill.setdefault(next(iter(sorted(skills)), None), []).append(group)

    def group(self, queue: str, step: int, channel: Channel) -> Group:
        """The group of a queue's step on a channel."""
        return self.groups[(queue, step, channel)]

    def add_agent(self, agent: AgentRecord) -> None:
        """Work out once which groups the agent qualifies for."""
        candidates = itertools.chain(
            self._by_skill.get(None, ()), *(self._by_skill.get(s, ()) for s in sorted(agent.profile.skills))
        )
        for group in candidates:
            if agent.profile.capacity.get(group.channel, 0) > 0 and agent.profile.qualifies(group.skills):
                agent.qualified.setdefault(group.channel, []).append(group)
                group.members += 1
        agent.groups = {channel: list(groups) for channel, groups in agent.qualified.items()}

    def set_left(self, agent: AgentRecord, left: frozenset[str]) -> None:
        """The agent takes offers of every group they qualify for but those of the ``left`` queues.

        Their entries in the groups they leave go stale (the version changes), so no offer of a
        left queue can reach them; the order of the groups they keep is the qualified order.
        """
        agent.left_queues = left
        agent.groups = {
            channel: [g for g in groups if g.queue.name not in left]
            for channel, groups in agent.qualified.items()
        }
        self.index_agent(agent)

    def index_agent(self, agent: AgentRecord) -> None:
        """Re-index an agent whose state changed: old entries go stale, new ones go in."""
        agent.version += 1
        version, seq, rng, push = agent.version, self._seq, self._rng, heapq.heappush
        for channel, groups in agent.groups.items():
            if agent.available(channel):
                for group in groups:
                    queue = group.queue
                    key = KEYS[queue.strategy](agent, queue.name, group.skills, rng)
                    heap = group.agents
                    push(heap, (*key, next(seq), agent, version))
                    if len(heap) > group.compact_at:
                        self._compact_agents(group)

    def pop_agent(self, group: Group) -> AgentRecord | None:
        """The best available agent of the group, taken out of the index; None when there is none."""
        heap, channel, pop = group.agents, group.channel, heapq.heappop
        while heap:
            entry = pop(heap)
            agent: AgentRecord = entry[-2]
            if agent.version == entry[-1] and agent.available(channel):
                return agent
        return None

    def peek_agents(self, group: Group) -> list[AgentRecord]:
        """Every available agent of the group, best first, as :meth:`pop_agent` would take them;
        a lookup: the heap and the records are left as they are (stale entries are skipped, not
        dropped)."""
        channel = group.channel
        valid = sorted(e for e in group.agents if e[-2].version == e[-1] and e[-2].available(channel))
        found: list[AgentRecord] = []
        for entry in valid:
            if entry[-2] not in found:
                found.append(entry[-2])
        return found

    def pop_all_agents(self, group: Group) -> list[AgentRecord]:
        """Every available agent of the group, best first (for ``ring_all``)."""
        found: list[AgentRecord] = []
        while (agent := self.pop_agent(group)) is not None:
            if agent not in found:
                found.append(agent)
        return found

    def enqueue(self, interaction: InteractionRecord, group: Group) -> None:
        """Put a waiting interaction in a group's waiting heap."""
        interaction.version += 1
        interaction.group = group
        entry = (interaction.rank(), next(self._seq), interaction, interaction.version)
        heapq.heappush(group.waiting, entry)

    def forget(self, interaction: InteractionRecord) -> None:
        """Make the interaction's waiting entries stale (it left or was offered)."""
        interaction.version += 1

    def pop_interaction(self, agent: AgentRecord, channel: Channel) -> InteractionRecord | None:
        """The best waiting interaction the agent may take on ``channel``, taken out of its heap."""
        best: Group | None = None
        best_rank: tuple[int, float] | None = None
        pop = heapq.heappop
        for group in agent.groups.get(channel, ()):
            heap = group.waiting
            while heap:  # drop stale heads; most of an agent's groups have nobody waiting
                head = heap[0]
                if _waiting_valid(head):
                    if best_rank is None or head[0] < best_rank:
                        best, best_rank = group, head[0]
                    break
                pop(heap)
        if best is None:
            return None
        interaction = heapq.heappop(best.waiting)[2]
        self.forget(interaction)
        return interaction

    def waiting(self, group: Group) -> Sequence[InteractionRecord]:
        """The group's waiting interactions, best first (O(n log n): for announcements, not routing)."""
        valid = [e for e in group.waiting if _waiting_valid(e)]
        return [e[2] for e in sorted(valid)]

    def _compact_agents(self, group: Group) -> None:
        # Drops only what pop_agent would skip, and (key, seq) orders entries totally, so the
        # agents come out in the same order either way.
        group.agents = [e for e in group.agents if e[-2].version == e[-1]]
        heapq.heapify(group.agents)
        group.compact_at = 2 * len(group.agents) + COMPACT_SLACK


def _waiting_valid(entry: WaitingEntry) -> bool:
    interaction, version = entry[2], entry[3]
    return interaction.version == version and interaction.state in _QUEUED


_QUEUED: Final = frozenset({InteractionState.WAITING, InteractionState.CALLBACK_WAITING})
