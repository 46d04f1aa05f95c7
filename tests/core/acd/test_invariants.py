"""Property test: random event sequences never break the ACD's promises.

The races users of open-source ACDs report most — an agent offered two calls, a paused or
wrapping agent rung, a ring-all call taken twice, a free agent idle while a caller waits, a
call offered for a queue the agent left — are checked after every step of random sessions.
"""

import random

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from callfloor.core.acd import AcdError
from callfloor.core.acd.engine import Acd
from callfloor.core.acd.model import AgentProfile, AgentState, InteractionState, QueueProfile, Step
from callfloor.core.actions import Action, Append
from callfloor.core.config import Channel, Strategy
from callfloor.core.events import (
    AgentAnswered,
    AgentHungUp,
    AgentJoinedQueue,
    AgentLeftQueue,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    CallbackRequested,
    CallbackResult,
    CallerHungUp,
    CallHeld,
    CallResumed,
    Event,
    InteractionArrived,
    LeftQueue,
    OfferDeclined,
    PriorityChanged,
    TransferredToAgent,
    TransferredToQueue,
)
from callfloor.core.kpi.fold import KpiFold
from callfloor.core.log import InteractionEventType as IE

QUEUES = [
    QueueProfile("sales", Strategy.LONGEST_IDLE, {"fr": 3}, wrap_up_s=5, max_wait_s=90, overflow="any"),
    QueueProfile("vip", Strategy.RING_ALL, {"fr": 5}, priority=3, ring_timeout_s=8),
    QueueProfile(
        "expert", Strategy.SKILL_LEVEL, {"fr": 8}, steps=(Step(20, {"fr": 2}),), pause_on_no_answer=False
    ),
    QueueProfile("any", Strategy.ROUND_ROBIN),
    QueueProfile("chat", Strategy.RANDOM, {"fr": 1}),
]
AGENTS = [
    AgentProfile(f"a{i}", {"fr": level}, {Channel.CALL: 1, Channel.CHAT: chats})
    for i, (level, chats) in enumerate([(9, 0), (5, 2), (3, 1), (8, 3), (2, 0)])
]
agents = st.sampled_from([a.id for a in AGENTS])
queues = st.sampled_from([q.name for q in QUEUES])


class FloorMachine(RuleBasedStateMachine):
    """Random events and time steps against one engine."""

    def __init__(self) -> None:
        super().__init__()
        self.acd = Acd(QUEUES, AGENTS, random.Random(0))
        self.now = 0.0
        self.next_id = 0
        self.log: list[object] = []
        # The queues each agent left, as the events sent say (reset when they log out).
        self.left: dict[str, set[str]] = {a.id: set() for a in AGENTS}

    def snapshot(self) -> object:
        agents = [
            (a.state, a.pending_offer, a.pending_pause, dict(a.load), a.version, a.left_queues)
            for a in self.acd.agents.values()
        ]
        interactions = {
            i: (r.state, r.version, list(r.offered_to), r.priority, r.held_since, r.transferred, r.queue.name)
            for i, r in self.acd.interactions.items()
        }
        return agents, interactions, list(self.acd._timers)

    def send(self, event: Event) -> None:
        before = self.snapshot()
        try:
            out = self.acd.handle(event, self.now)
        except AcdError:
            assert self.snapshot() == before, f"{event} raised but changed the floor"
            return
        if isinstance(event, AgentLeftQueue):
            self.left[event.agent].add(event.queue)
        elif isinstance(event, AgentJoinedQueue):
            self.left[event.agent].discard(event.queue)
        elif isinstance(event, AgentLoggedOut):
            self.left[event.agent].clear()
        # A transfer to a named agent is a person's choice, not an offer the queue routes.
        chosen = (event.interaction, event.agent) if isinstance(event, TransferredToAgent) else None
        self.check_offers(out, chosen)
        self.log += out

    def check_offers(self, out: list[Action], chosen: tuple[str, str] | None = None) -> None:
        """No offer (nor callback dialed) of a queue goes to an agent who left it."""
        for action in out:
            if isinstance(action, Append) and action.entry.type in (IE.OFFERED, IE.DIALED):
                entry = action.entry
                if (entry.interaction, entry.agent) != chosen:
                    assert entry.queue not in self.left[entry.agent or ""], entry

    @rule(queue=st.sampled_from([q.name for q in QUEUES]), priority=st.integers(0, 3))
    def arrive(self, queue: str, priority: int) -> None:
        self.next_id += 1
        channel = Channel.CHAT if queue == "chat" else Channel.CALL
        self.send(InteractionArrived(f"i{self.next_id}", queue, channel, priority))

    @rule(agent=agents)
    def login(self, agent: str) -> None:
        self.send(AgentLoggedIn(agent))

    @rule(agent=agents)
    def ready(self, agent: str) -> None:
        self.send(AgentReady(agent))

    @rule(agent=agents, reason=st.sampled_from(["lunch", "training", "consult"]))
    def pause(self, agent: str, reason: str) -> None:
        self.send(AgentPaused(agent, reason))

    @rule(agent=agents)
    def logout(self, agent: str) -> None:
        self.send(AgentLoggedOut(agent))

    @rule(agent=agents, queue=queues)
    def leave_queue(self, agent: str, queue: str) -> None:
        self.send(AgentLeftQueue(agent, queue))

    @rule(agent=agents, queue=queues)
    def join_queue(self, agent: str, queue: str) -> None:
        self.send(AgentJoinedQueue(agent, queue))

    @precondition(lambda self: self.acd.interactions)
    @rule(data=st.data())
    def act_on_interaction(self, data: st.DataObject) -> None:
        record = data.draw(st.sampled_from(sorted(self.acd.interactions.values(), key=lambda r: r.id)))
        agent = data.draw(st.sampled_from([*record.offered_to, "a0"]))
        kind = data.draw(
            st.sampled_from(
                [
                    "answer",
                    "decline",
                    "caller",
                    "agent",
                    "callback",
                    "result",
                    "prio",
                    "hold",
                    "resume",
                    "to_queue",
                    "to_agent",
                    "left",
                ]
            )
        )
        event: Event = {
            "answer": AgentAnswered(record.id, agent),
            "decline": OfferDeclined(record.id, agent),
            "caller": CallerHungUp(record.id),
            "agent": AgentHungUp(record.id),
            "callback": CallbackRequested(record.id, "+33100000000"),
            "result": CallbackResult(record.id, data.draw(st.booleans())),
            "prio": PriorityChanged(record.id, data.draw(st.integers(0, 5))),
            "hold": CallHeld(record.id),
            "resume": CallResumed(record.id),
            "to_queue": TransferredToQueue(record.id, data.draw(st.sampled_from([q.name for q in QUEUES]))),
            "to_agent": TransferredToAgent(record.id, data.draw(agents)),
            "left": LeftQueue(record.id, "voicemail"),
        }[kind]
        self.send(event)

    @rule(seconds=st.floats(0.5, 40))
    def wait(self, seconds: float) -> None:
        target = self.now + seconds
        while (deadline := self.acd.next_deadline()) is not None and deadline <= target:
            self.now = deadline
            out = self.acd.on_deadline(deadline)
            self.check_offers(out)
            self.log += out
        self.now = target

    @invariant()
    def one_offer_per_agent_and_only_to_staffed_agents(self) -> None:
        ringing: dict[str, str] = {}
        for record in self.acd.interactions.values():
            if record.state in (InteractionState.OFFERED, InteractionState.DIALING):
                for agent in record.offered_to:
                    assert agent not in ringing, f"{agent} offered {ringing.get(agent)} and {record.id}"
                    ringing[agent] = record.id
        for agent in self.acd.agents.values():
            assert agent.pending_offer == ringing.get(agent.id)
            if agent.state in (AgentState.PAUSED, AgentState.WRAP_UP, AgentState.LOGGED_OUT):
                assert agent.pending_offer is None, agent.id
            assert (agent.state is AgentState.RESERVED) == (agent.pending_offer is not None)

    @invariant()
    def agents_are_in_the_queues_they_did_not_leave(self) -> None:
        for agent in self.acd.agents.values():
            assert agent.left_queues == self.left[agent.id]
            memberships = self.acd.memberships(agent.id)
            assert {q for q, joined in memberships.items() if not joined} == self.left[agent.id]
            for groups in agent.groups.values():
                assert all(g.queue.name not in agent.left_queues for g in groups)

    @invariant()
    def connected_interactions_have_exactly_one_agent(self) -> None:
        for record in self.acd.interactions.values():
            if record.state is InteractionState.CONNECTED:
                assert len(record.offered_to) == 1

    @invariant()
    def loads_respect_capacity(self) -> None:
        for agent in self.acd.agents.values():
            for channel, load in agent.load.items():
                assert 0 <= load <= agent.profile.capacity.get(channel, 0)
            if agent.load[Channel.CALL]:
                assert agent.total_load() == 1

    @invariant()
    def no_free_agent_while_a_caller_waits_for_them(self) -> None:
        for record in self.acd.interactions.values():
            if record.state is InteractionState.WAITING and record.group is not None:
                group = record.group
                for agent in self.acd.agents.values():
                    if group in agent.groups.get(record.channel, []):
                        assert not agent.available(record.channel), (agent.id, record.id)

    @invariant()
    def every_interaction_ends_at_most_once(self) -> None:
        ends = [
            a.entry.interaction
            for a in self.log
            if hasattr(a, "entry")
            and a.entry.type in (IE.ABANDONED, IE.COMPLETED)
            and a.entry.reason != "transfer"  # one agent's part of a transferred interaction
        ]
        assert len(ends) == len(set(ends))

    @invariant()
    def the_log_folds_into_consistent_kpis(self) -> None:
        fold = KpiFold()
        fold.extend(a.entry for a in self.log if hasattr(a, "entry"))  # type: ignore[attr-defined]
        totals = fold.totals(self.now)
        assert totals.answered + totals.abandoned <= totals.offered
        for queue in fold.per_queue(self.now).values():
            assert queue.answered + queue.abandoned <= queue.offered


FloorMachine.TestCase.settings = settings(max_examples=300, stateful_step_count=80, deadline=None)
TestFloorInvariants = FloorMachine.TestCase
