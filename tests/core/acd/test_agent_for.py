"""The agent a queue would give a new interaction to now (``Acd.agent_for``), asked without
routing anything: for an attended transfer to a queue ("consult to queue")."""

import copy
import random

import pytest
from hypothesis import settings
from hypothesis.stateful import invariant

from callfloor.core.acd import UnknownObjectError
from callfloor.core.acd.engine import Acd
from callfloor.core.acd.model import AgentState, QueueProfile, Step
from callfloor.core.actions import Ring
from callfloor.core.config import Channel, Strategy
from callfloor.core.events import (
    AgentAnswered,
    AgentLeftQueue,
    AgentLoggedIn,
    AgentPaused,
    AgentReady,
    InteractionArrived,
)
from tests.core.acd.helpers import Harness, agent
from tests.core.acd.test_invariants import QUEUES, FloorMachine

SALES = QueueProfile("sales", Strategy.LONGEST_IDLE, {"fr": 3})
EXPERT = QueueProfile("expert", Strategy.SKILL_LEVEL, {"fr": 8}, steps=(Step(20, {"fr": 2}),))


def floor() -> Harness:
    return Harness([SALES, EXPERT], [agent("a", {"fr": 9}), agent("b", {"fr": 5}), agent("c", {"fr": 2})])


def state_of(acd: Acd) -> object:
    """Everything a routing decision reads or changes: records, index heaps, timers, the random source."""
    agents = [
        (a.state, a.reason, a.version, a.pending_offer, a.pending_pause, dict(a.load), a.idle_since,
         a.left_queues, dict(a.last_offer), a.calls_today, {c: list(g) for c, g in a.groups.items()})
        for a in acd.agents.values()
    ]  # fmt: skip
    interactions = [
        (r.id, r.state, r.version, list(r.offered_to), r.group) for r in acd.interactions.values()
    ]
    groups = [(list(g.agents), list(g.waiting), g.compact_at) for g in acd.router.groups.values()]
    rng = acd.router._rng.getstate()  # type: ignore[attr-defined]
    return agents, interactions, groups, list(acd._timers), dict(acd._tokens), rng


def test_the_queues_strategy_picks_and_a_new_call_goes_to_the_same_agent() -> None:
    h = floor()
    h.login(0, "a")
    h.login(5, "b")
    assert h.acd.agent_for("sales", Channel.CALL) == "a"  # idle the longest
    assert h.acd.agents_for("sales", Channel.CALL) == ["a", "b"]
    assert h.acd.agent_for("expert", Channel.CALL) == "a"  # b's fr 5 is short of 8
    before = state_of(h.acd)
    assert h.acd.agent_for("sales", Channel.CALL) == "a"
    assert state_of(h.acd) == before
    out = h.at(10, InteractionArrived("i1", "sales", Channel.CALL))
    assert [(r.interaction, r.agent) for r in out if isinstance(r, Ring)] == [("i1", "a")]
    assert h.acd.agent_for("sales", Channel.CALL) == "b"  # a is reserved now
    h.at(11, AgentAnswered("i1", "a"))
    assert h.acd.agent_for("expert", Channel.CALL) is None


def test_stale_entries_paused_and_departed_agents_are_skipped_and_kept() -> None:
    h = floor()
    h.login(0, "a", "b", "c")
    for second in range(1, 6):  # each change leaves stale entries in the heaps
        h.at(second, AgentPaused("a", "lunch"), AgentReady("a"))
    h.at(7, AgentPaused("b", "lunch"))
    group = h.acd.router.group("sales", 0, Channel.CALL)
    entries = list(group.agents)
    assert any(e[-2].version != e[-1] for e in entries)
    assert h.acd.agent_for("sales", Channel.CALL) == "a"  # c (fr 2) does not qualify, b is paused
    assert group.agents == entries  # skipped, not dropped
    h.at(8, AgentLeftQueue("a", "sales"))
    assert h.acd.agent_for("sales", Channel.CALL) is None
    assert h.acd.agents_for("expert", Channel.CALL) == ["a"]  # still in the queues they did not leave


def test_escalation_steps_do_not_widen_the_choice() -> None:
    # A new call of "expert" needs fr 8; only after 20 s of waiting does fr 2 do.
    h = floor()
    h.login(0, "b", "c")
    assert h.acd.agent_for("expert", Channel.CALL) is None


def test_channels_and_unknown_queues() -> None:
    h = Harness([SALES], [agent("a", {"fr": 5}, chats=2)])
    assert h.acd.agent_for("sales", Channel.CALL) is None  # logged out
    h.at(0, AgentLoggedIn("a"), InteractionArrived("i1", "sales", Channel.CHAT))
    h.at(1, AgentAnswered("i1", "a"))
    assert h.acd.agents["a"].state is AgentState.BUSY
    assert h.acd.agent_for("sales", Channel.CALL) is None  # a call needs a free agent
    assert h.acd.agent_for("sales", Channel.CHAT) == "a"  # a second chat fits
    with pytest.raises(UnknownObjectError):
        h.acd.agent_for("nowhere", Channel.CALL)


class AgentForMachine(FloorMachine):
    """The random sessions of :mod:`.test_invariants`, asking every queue for its agent after each step."""

    @invariant()
    def agent_for_is_the_routers_next_choice_and_changes_nothing(self) -> None:
        acd = self.acd
        for queue in QUEUES:
            for channel in (Channel.CALL, Channel.CHAT):
                before = state_of(acd)
                found = acd.agent_for(queue.name, channel)
                listed = acd.agents_for(queue.name, channel)
                assert state_of(acd) == before
                eligible = {
                    a.id
                    for a in acd.agents.values()
                    if a.available(channel)
                    and queue.name not in a.left_queues
                    and a.profile.capacity.get(channel, 0) > 0
                    and a.profile.qualifies(queue.skills)
                }
                assert len(listed) == len(set(listed)) and set(listed) == eligible
                assert found == (listed[0] if listed else None)
                if channel is Channel.CALL and found is not None:
                    assert acd.agents[found].state is AgentState.READY
                # The very agent routing would take: pop from a copy of the group's heap.
                group = acd.router.group(queue.name, 0, channel)
                twin = copy.copy(group)
                twin.agents = list(group.agents)
                popped = acd.router.pop_agent(twin)
                assert found == (popped.id if popped is not None else None)


AgentForMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=60, deadline=None)
TestAgentFor = AgentForMachine.TestCase


def test_the_random_strategy_draws_nothing_when_asked() -> None:
    queue = QueueProfile("lottery", Strategy.RANDOM)
    acd = Acd([queue], [agent("a"), agent("b")], random.Random(3))
    acd.handle(AgentLoggedIn("a"), 0)
    acd.handle(AgentLoggedIn("b"), 0)
    before = state_of(acd)
    first = acd.agent_for("lottery", Channel.CALL)
    assert [acd.agent_for("lottery", Channel.CALL) for _ in range(5)] == [first] * 5
    assert state_of(acd) == before
