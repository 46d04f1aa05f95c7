"""The ACD engine: the life cycle of agents and interactions, driven by events and deadlines.

Theory of operation. Every public entry point takes ``now`` and returns actions; nothing reads a
clock. Each handler first checks that the event is legal (known objects, allowed transitions
from :mod:`.model`'s tables) and raises before touching any state, so an illegal event leaves
the engine as it was. Then it changes state through two funnels only — :meth:`Acd._agent_to`
and :meth:`Acd._interaction_to` — which check the tables again and write the log entry, and it
routes: a new or re-queued interaction looks for the best available agent of its group
(:meth:`Acd._route_interaction`), a freed agent for the best waiting interaction of its groups
(:meth:`Acd._route_agent`). Timers (ring timeouts, wrap-up ends, escalation steps, maximum
waits) live in one heap; each carries a token and is ignored if its token is no longer current.
This is the floor's one big state machine, hence longer than our usual modules.
"""

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterable
from statistics import fmean
from typing import Any, Final

from callfloor.core.acd import IllegalTransitionError, UnknownObjectError
from callfloor.core.acd.model import (
    AgentProfile,
    AgentState,
    InteractionState,
    QueueProfile,
    check_agent,
    check_interaction,
)
from callfloor.core.acd.records import AgentRecord, InteractionRecord
from callfloor.core.acd.router import Router
from callfloor.core.acd.strategies import RandomSource
from callfloor.core.actions import (
    Action,
    Append,
    Bridge,
    CancelRing,
    DialCallback,
    Hangup,
    Notify,
    Ring,
)
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
from callfloor.core.log import AgentEventType, InteractionEventType, LogEntry, MembershipEventType

S = AgentState
IS = InteractionState
STAFFED: Final = frozenset({S.READY, S.RESERVED, S.BUSY, S.WRAP_UP})
QUEUED: Final = frozenset({IS.WAITING, IS.CALLBACK_WAITING})
# The entry each state logs.
_AGENT_ENTRY: Final = {state: AgentEventType(state.value) for state in AgentState}


TRANSFER: Final = "transfer"  # reason of the entries of an agent's transfer and of what follows it
CONSULT: Final = "consult"  # pause reason of an agent consulted before an attended transfer


class _Wrap:
    __slots__ = ("hold_s", "interaction", "queue", "reason", "started", "talk_s")

    def __init__(
        self,
        interaction: str,
        queue: str,
        *,
        talk_s: float,
        hold_s: float,
        reason: str | None,
        started: float,
    ) -> None:
        self.interaction, self.queue, self.talk_s, self.started = interaction, queue, talk_s, started
        self.hold_s, self.reason = hold_s, reason


class Acd:
    """Queues and agents of one floor (one tenant)."""

    def __init__(
        self,
        queues: Iterable[QueueProfile],
        agents: Iterable[AgentProfile],
        rng: RandomSource,
        *,
        max_missed_offers: int = 3,
        default_aht_s: float = 180.0,
        aht_window: int = 50,
    ) -> None:
        self.queues = {q.name: q for q in queues}
        for queue in self.queues.values():
            if queue.overflow is not None and queue.overflow not in self.queues:
                raise UnknownObjectError(f"queue {queue.name}: unknown overflow queue {queue.overflow}")
        self.router = Router(self.queues.values(), rng)
        self.agents: dict[str, AgentRecord] = {}
        for index, profile in enumerate(agents):
            record = AgentRecord(profile, index)
            self.router.add_agent(record)
            self.agents[profile.id] = record
        self.interactions: dict[str, InteractionRecord] = {}
        self.max_missed_offers = max_missed_offers
        self.default_aht_s = default_aht_s
        self._handle_times = {name: deque[float](maxlen=aht_window) for name in self.queues}
        # When each escalation step begins (step 0 excluded), worked out once per queue.
        self._step_starts = {name: [s for s, _ in q.step_skills()[1:]] for name, q in self.queues.items()}
        self._staffed: dict[int, int] = {}  # id(group) -> staffed qualified agents
        self._wraps: dict[str, _Wrap] = {}
        self._timers: list[tuple[float, int, str, str, int]] = []
        self._tokens: dict[tuple[str, str], int] = {}
        self._seq = itertools.count()
        self._out: list[Action] = []
        self._handlers: dict[type[Any], Callable[[Any, float], None]] = {
            AgentLoggedIn: self._logged_in,
            AgentReady: self._ready,
            AgentPaused: self._paused,
            AgentLoggedOut: self._logged_out,
            AgentLeftQueue: self._agent_left_queue,
            AgentJoinedQueue: self._agent_joined_queue,
            InteractionArrived: self._arrived,
            AgentAnswered: self._answered,
            OfferDeclined: self._declined,
            CallerHungUp: self._caller_hung_up,
            AgentHungUp: self._agent_hung_up,
            CallbackRequested: self._callback_requested,
            CallbackResult: self._callback_result,
            LeftQueue: self._left_queue,
            PriorityChanged: self._priority_changed,
            CallHeld: self._held,
            CallResumed: self._resumed,
            TransferredToQueue: self._transferred_to_queue,
            TransferredToAgent: self._transferred_to_agent,
        }

    # -- entry points -------------------------------------------------------------------------

    def handle(self, event: Event, now: float) -> list[Action]:
        """Apply one event at ``now``; the actions to carry out, log appends included."""
        self._out = []
        self._handlers[type(event)](event, now)
        return self._out

    def next_deadline(self) -> float | None:
        """When :meth:`on_deadline` next has work, or None."""
        timers, tokens = self._timers, self._tokens
        while timers:  # drop cancelled timers from the top (_current, inlined: called every step)
            _, _, kind, key, token = timers[0]
            if tokens.get((kind, key)) == token:
                return timers[0][0]
            heapq.heappop(timers)
        return None

    def on_deadline(self, now: float) -> list[Action]:
        """Fire every timer due at ``now``."""
        self._out = []
        while self._timers and self._timers[0][0] <= now:
            entry = heapq.heappop(self._timers)
            if self._current(entry):
                del self._tokens[(entry[2], entry[3])]
                self._fire(entry[2], entry[3], now)
        return self._out

    def position(self, interaction: str) -> int:
        """1 for the next interaction to be served in its group, 2 for the one after…"""
        record = self._interaction(interaction)
        if record.state not in QUEUED or record.group is None:
            raise IllegalTransitionError(f"interaction {interaction} is not waiting")
        return self.router.waiting(record.group).index(record) + 1

    def estimated_wait(self, interaction: str) -> float | None:
        """Seconds until an agent should take it, from live staffing and recent handle times.

        None when no qualified agent is staffed (the wait is unknown, not zero).
        """
        record = self._interaction(interaction)
        group = record.group
        if group is None or record.state not in QUEUED:
            return 0.0
        staffed = self._staffed.get(id(group), 0)
        if staffed == 0:
            return None
        return self.position(interaction) * self.aht(record.queue.name) / staffed

    def aht(self, queue: str) -> float:
        """Mean handle time of the queue's last interactions (a default until there are some)."""
        recent = self._handle_times[queue]
        return fmean(recent) if recent else self.default_aht_s

    def agents_for(self, queue: str, channel: Channel) -> list[str]:
        """The agents a new interaction of ``queue`` on ``channel`` could be offered to now, the
        one it would go to first (the queue's strategy): ready, joined to the queue and qualified
        for its skills (its first step's). A query: nothing changes, no entry is logged."""
        if queue not in self.queues:
            raise UnknownObjectError(f"queue {queue}")
        return [a.id for a in self.router.peek_agents(self.router.group(queue, 0, channel))]

    def agent_for(self, queue: str, channel: Channel) -> str | None:
        """The agent a new interaction of ``queue`` on ``channel`` would be offered to now, or None
        (nobody of the queue is ready); as :meth:`agents_for`, a query."""
        agents = self.agents_for(queue, channel)
        return agents[0] if agents else None

    def memberships(self, agent: str) -> dict[str, bool]:
        """Every queue the agent is qualified for (at any escalation step), by name: True when
        they take its offers, False when they left it."""
        record = self._agent(agent)
        names = {g.queue.name for groups in record.qualified.values() for g in groups}
        return {name: name not in record.left_queues for name in sorted(names)}

    def wrap_up_ends(self, agent: str) -> float | None:
        """When the agent's wrap-up ends unless they end it sooner; None when not in wrap-up."""
        wrap = self._wraps.get(agent)
        return None if wrap is None else wrap.started + self.queues[wrap.queue].wrap_up_s

    # -- agents --------------------------------------------------------------------------------

    def _logged_in(self, event: AgentLoggedIn, now: float) -> None:
        agent = self._agent(event.agent)
        if agent.state is not S.LOGGED_OUT:
            raise IllegalTransitionError(f"agent {agent.id}: already logged in ({agent.state})")
        self._log_agent(now, AgentEventType.LOGGED_IN, agent.id)
        agent.idle_since = now
        agent.missed_in_row = 0
        if event.ready:
            self._agent_to(agent, S.READY, now)
            self._route_agent(agent, now)
        else:
            self._agent_to(agent, S.PAUSED, now, "login")

    def _ready(self, event: AgentReady, now: float) -> None:
        agent = self._agent(event.agent)
        if agent.state is S.LOGGED_OUT:
            raise IllegalTransitionError(f"agent {agent.id}: logged_out -> ready (log in first)")
        if agent.pending_pause is not None:
            agent.pending_pause = None  # changed their mind before the work ended
            self.router.index_agent(agent)
        if agent.state is S.WRAP_UP:
            self._end_wrap(agent, now)
        elif agent.state is S.PAUSED:
            agent.idle_since = now
            agent.missed_in_row = 0
            self._agent_to(agent, S.READY, now)
        self._route_agent(agent, now)

    def _paused(self, event: AgentPaused, now: float) -> None:
        agent = self._agent(event.agent)
        if agent.state is S.LOGGED_OUT:
            raise IllegalTransitionError(f"agent {agent.id}: logged_out -> paused")
        if agent.state in (S.READY, S.PAUSED):
            self._agent_to(agent, S.PAUSED, now, event.reason)
        else:
            agent.pending_pause = event.reason  # starts when the current work ends
            self.router.index_agent(agent)

    def _logged_out(self, event: AgentLoggedOut, now: float) -> None:
        agent = self._agent(event.agent)
        check_agent(agent.id, agent.state, S.LOGGED_OUT)
        agent.pending_pause = None
        self._agent_to(agent, S.LOGGED_OUT, now)
        if agent.left_queues:  # the next shift starts in every queue, as in most centers
            for queue in sorted(agent.left_queues):
                self._log_membership(now, MembershipEventType.QUEUE_JOINED, agent.id, queue, "logout")
            self.router.set_left(agent, frozenset())

    def _agent_left_queue(self, event: AgentLeftQueue, now: float) -> None:
        agent = self._member(event.agent, event.queue)
        if event.queue not in agent.left_queues:
            self._set_left(agent, agent.left_queues | {event.queue})
            self._log_membership(now, MembershipEventType.QUEUE_LEFT, agent.id, event.queue)

    def _agent_joined_queue(self, event: AgentJoinedQueue, now: float) -> None:
        agent = self._member(event.agent, event.queue)
        if event.queue in agent.left_queues:
            self._set_left(agent, agent.left_queues - {event.queue})
            self._log_membership(now, MembershipEventType.QUEUE_JOINED, agent.id, event.queue)
            self._route_agent(agent, now)

    def _member(self, agent_id: str, queue: str) -> AgentRecord:
        """The logged-in agent who leaves or joins ``queue``, which their skills qualify them for."""
        agent = self._agent(agent_id)
        if queue not in self.queues:
            raise UnknownObjectError(f"queue {queue}")
        if agent.state is S.LOGGED_OUT:
            raise IllegalTransitionError(f"agent {agent.id}: logged out (log in to choose queues)")
        if not any(g.queue.name == queue for groups in agent.qualified.values() for g in groups):
            raise IllegalTransitionError(f"agent {agent.id} is not qualified for queue {queue}")
        return agent

    def _set_left(self, agent: AgentRecord, left: frozenset[str]) -> None:
        """Change the queues the agent left, keeping the staffed counts of the groups right."""
        staffed = agent.state in STAFFED
        if staffed:
            self._count_staffed(agent, -1)
        self.router.set_left(agent, left)
        if staffed:
            self._count_staffed(agent, 1)

    def _count_staffed(self, agent: AgentRecord, delta: int) -> None:
        for groups in agent.groups.values():
            for group in groups:
                self._staffed[id(group)] = self._staffed.get(id(group), 0) + delta

    def _agent_to(self, agent: AgentRecord, state: AgentState, now: float, reason: str | None = None) -> None:
        old = agent.state
        agent_id = agent.profile.id
        check_agent(agent_id, old, state)
        if (old in STAFFED) != (state in STAFFED):
            self._count_staffed(agent, 1 if state in STAFFED else -1)
        agent.state, agent.reason, agent.state_since = state, reason, now
        self.router.index_agent(agent)
        self._log_agent(now, _AGENT_ENTRY[state], agent_id, reason)

    def _settle(self, agent: AgentRecord, now: float) -> None:
        """After an offer or some work ends: busy, ready, or the pause that was waiting."""
        if agent.pending_offer is not None:
            self.router.index_agent(agent)  # still ringing for another interaction: stays reserved
        elif agent.total_load() > 0:
            self._agent_to(agent, S.BUSY, now)
        elif agent.pending_pause is not None:
            reason, agent.pending_pause = agent.pending_pause, None
            self._agent_to(agent, S.PAUSED, now, reason)
        else:
            self._agent_to(agent, S.READY, now)

    # -- interactions --------------------------------------------------------------------------

    def _arrived(self, event: InteractionArrived, now: float) -> None:
        queue = self.queues.get(event.queue)
        if queue is None:
            raise UnknownObjectError(f"queue {event.queue}")
        if event.interaction in self.interactions:
            raise IllegalTransitionError(f"interaction {event.interaction} is already on the floor")
        record = InteractionRecord(event.interaction, queue, event.channel, event.priority, now)
        self.interactions[record.id] = record
        self._enter_queue(record, queue, now, reason=None)

    def _enter_queue(
        self, record: InteractionRecord, queue: QueueProfile, now: float, reason: str | None
    ) -> None:
        record.queue, record.step, record.enqueued_at = queue, 0, now
        self._log(now, InteractionEventType.ENQUEUED, record, priority=record.priority, reason=reason)
        for starts_s in self._step_starts[queue.name]:
            self._schedule(now + starts_s, "step", record.id)
        if queue.max_wait_s is not None:
            self._schedule(now + queue.max_wait_s, "max_wait", record.id)
        self.router.enqueue(record, self.router.group(queue.name, 0, record.channel))
        self._route_interaction(record, now)

    def _route_interaction(self, record: InteractionRecord, now: float) -> None:
        group = record.group
        assert group is not None  # noqa: S101 - every queued interaction has a group
        if record.queue.strategy is Strategy.RING_ALL and record.state is IS.WAITING:
            agents = self.router.pop_all_agents(group)
        else:
            agent = self.router.pop_agent(group)
            agents = [agent] if agent is not None else []
        if not agents:
            return
        self.router.forget(record)
        if record.state is IS.CALLBACK_WAITING:
            self._dial_callback(record, agents[0], now)
        else:
            self._offer(record, agents, now)

    def _route_agent(self, agent: AgentRecord, now: float) -> None:
        for channel in agent.groups:
            if agent.available(channel):
                record = self.router.pop_interaction(agent, channel)
                if record is not None:
                    if record.state is IS.CALLBACK_WAITING:
                        self._dial_callback(record, agent, now)
                    else:
                        self._offer(record, [agent], now)
                    return

    def _offer(self, record: InteractionRecord, agents: list[AgentRecord], now: float) -> None:
        self._interaction_to(record, IS.OFFERED)
        record.offered_to = [a.profile.id for a in agents]
        for agent in agents:
            agent.pending_offer = record.id
            agent.last_offer[record.queue.name] = now
            self._agent_to(agent, S.RESERVED, now)
            self._log(now, InteractionEventType.OFFERED, record, agent=agent.profile.id)
            self._out.append(Ring(record.id, agent.profile.id, record.channel))
        self._schedule(now + record.queue.ring_timeout_s, "ring", record.id)

    def _answered(self, event: AgentAnswered, now: float) -> None:
        record, agent = self._ringing(event.interaction, event.agent)
        self._cancel("ring", record.id)
        if record.state is IS.DIALING:  # the agent took the callback: the number is dialed now
            agent.missed_in_row = 0
            return
        for other in record.offered_to:
            if other != agent.id:
                self._withdraw(record, self.agents[other], now)
        record.offered_to = [agent.id]
        agent.pending_offer = None
        agent.missed_in_row = 0
        agent.calls_today += 1
        agent.load[record.channel] += 1
        self._agent_to(agent, S.BUSY, now)
        self._connect(record, agent, now)
        self._route_agent(agent, now)  # spare chat or e-mail capacity

    def _connect(self, record: InteractionRecord, agent: AgentRecord, now: float) -> None:
        self._interaction_to(record, IS.CONNECTED)
        self._cancel("max_wait", record.id)
        record.answered_at = now
        reason = TRANSFER if record.transferred else None
        if record.callback_number is not None:
            reason = "callback"
        self._log(
            now,
            InteractionEventType.ANSWERED,
            record,
            agent=agent.id,
            wait_s=now - (record.enqueued_at if record.transferred else record.first_enqueued_at),
            reason=reason,
        )
        self._out.append(Bridge(record.id, agent.id))

    def _withdraw(self, record: InteractionRecord, agent: AgentRecord, now: float) -> None:
        """Another agent took it or the caller left: the ring stops, the agent is free again."""
        self._out.append(CancelRing(record.id, agent.id))
        agent.pending_offer = None
        self._settle(agent, now)
        self._route_agent(agent, now)

    def _ringing(self, interaction: str, agent_id: str) -> tuple[InteractionRecord, AgentRecord]:
        """The interaction offered to the agent, or the callback they are reserved for."""
        record, agent = self._interaction(interaction), self._agent(agent_id)
        if record.state not in (IS.OFFERED, IS.DIALING) or agent.id not in record.offered_to:
            raise IllegalTransitionError(f"interaction {record.id} is not ringing for agent {agent.id}")
        return record, agent

    def _declined(self, event: OfferDeclined, now: float) -> None:
        record, agent = self._ringing(event.interaction, event.agent)
        self._missed(record, [agent], now)

    def _missed(self, record: InteractionRecord, agents: list[AgentRecord], now: float) -> None:
        queue = record.queue
        for agent in agents:
            record.offered_to.remove(agent.id)
            self._out.append(CancelRing(record.id, agent.id))
            self._log(now, InteractionEventType.NO_ANSWER, record, agent=agent.id)
            agent.pending_offer = None
            agent.missed_in_row += 1
            agent.idle_since = now  # to the back of the line
            if agent.missed_in_row >= self.max_missed_offers:
                agent.pending_pause = "missed_offers"
                self._out.append(Notify("agent_auto_paused", agent=agent.id, interaction=record.id))
            elif queue.pause_on_no_answer and queue.strategy is not Strategy.RING_ALL:
                agent.pending_pause = "no_answer"
            self._settle(agent, now)
        if not record.offered_to:  # waits again at its place (a callback too: it is not lost)
            self._cancel("ring", record.id)
            self._interaction_to(record, IS.CALLBACK_WAITING if record.state is IS.DIALING else IS.WAITING)
            assert record.group is not None  # noqa: S101
            self.router.enqueue(record, record.group)
            self._route_interaction(record, now)
        for agent in agents:
            self._route_agent(agent, now)

    def _caller_hung_up(self, event: CallerHungUp, now: float) -> None:
        record = self._interaction(event.interaction)
        if record.state is IS.CONNECTED:
            self._end_talk(record, now)
            return
        if record.state not in (IS.WAITING, IS.OFFERED):
            raise IllegalTransitionError(f"interaction {record.id}: caller hung up while {record.state}")
        ringing = [self.agents[a] for a in record.offered_to]
        if record.transferred:
            wait_s, reason = now - record.enqueued_at, TRANSFER
        else:
            wait_s, reason = now - record.first_enqueued_at, None
        self._log(now, InteractionEventType.ABANDONED, record, wait_s=wait_s, reason=reason)
        self._finish(record)
        for agent in ringing:
            self._withdraw(record, agent, now)

    def _left_queue(self, event: LeftQueue, now: float) -> None:
        """The caller went back to the IVR (a message, the flow's overflow): out, not abandoned."""
        record = self._interaction(event.interaction)
        if record.state not in (IS.WAITING, IS.OFFERED):
            raise IllegalTransitionError(f"interaction {record.id}: left the queue while {record.state}")
        ringing = [self.agents[a] for a in record.offered_to]
        wait_s = now - (record.enqueued_at if record.transferred else record.first_enqueued_at)
        self._log(now, InteractionEventType.TRANSFERRED, record, wait_s=wait_s, reason=event.reason)
        self._finish(record)
        for agent in ringing:
            self._withdraw(record, agent, now)

    def _agent_hung_up(self, event: AgentHungUp, now: float) -> None:
        record = self._interaction(event.interaction)
        if record.state is not IS.CONNECTED:
            raise IllegalTransitionError(f"interaction {record.id}: agent hung up while {record.state}")
        self._end_talk(record, now)

    def _end_talk(self, record: InteractionRecord, now: float) -> None:
        agent = self.agents[record.offered_to[0]]
        self._finish(record)
        self._release(record, agent, now, None)

    def _release(self, record: InteractionRecord, agent: AgentRecord, now: float, reason: str | None) -> None:
        """The agent's part of the interaction is over (hung up, or transferred): wrap-up or done."""
        talk_s = now - (record.answered_at or now)
        if record.held_since is not None:
            record.hold_s += now - record.held_since
            record.held_since = None
        hold_s, record.hold_s = record.hold_s, 0.0
        agent.load[record.channel] -= 1
        queue = record.queue
        if agent.total_load() == 0 and agent.pending_offer is None and queue.wrap_up_s > 0:
            self._log(now, InteractionEventType.WRAPUP_STARTED, record, agent=agent.id, talk_s=talk_s)
            self._wraps[agent.id] = _Wrap(
                record.id, queue.name, talk_s=talk_s, hold_s=hold_s, reason=reason, started=now
            )
            self._agent_to(agent, S.WRAP_UP, now)
            self._schedule(now + queue.wrap_up_s, "wrap", agent.id)
            return
        self._complete(
            record.id, queue.name, agent, talk_s=talk_s, wrap_s=0.0, hold_s=hold_s, reason=reason, now=now
        )
        agent.idle_since = now
        self._settle(agent, now)
        self._route_agent(agent, now)

    def _end_wrap(self, agent: AgentRecord, now: float) -> None:
        self._cancel("wrap", agent.id)
        wrap = self._wraps.pop(agent.id)
        wrap_s = now - wrap.started
        self._complete(
            wrap.interaction, wrap.queue, agent, talk_s=wrap.talk_s, wrap_s=wrap_s, hold_s=wrap.hold_s,
            reason=wrap.reason, now=now,
        )  # fmt: skip
        agent.idle_since = now
        self._settle(agent, now)

    def _complete(
        self,
        interaction: str,
        queue: str,
        agent: AgentRecord,
        *,
        talk_s: float,
        wrap_s: float,
        hold_s: float,
        reason: str | None,
        now: float,
    ) -> None:
        self._handle_times[queue].append(talk_s + wrap_s)
        completed = InteractionEventType.COMPLETED
        hold = hold_s if hold_s else None
        entry = LogEntry(
            now, completed, interaction, queue, agent.id, None, None, None, talk_s, wrap_s, reason, hold
        )
        self._out.append(Append(entry))

    # -- hold and transfers ---------------------------------------------------------------------

    def _connected(self, interaction: str) -> tuple[InteractionRecord, AgentRecord]:
        record = self._interaction(interaction)
        if record.state is not IS.CONNECTED:
            raise IllegalTransitionError(f"interaction {record.id} is not connected ({record.state})")
        return record, self.agents[record.offered_to[0]]

    def _held(self, event: CallHeld, now: float) -> None:
        record, agent = self._connected(event.interaction)
        if record.held_since is not None:
            raise IllegalTransitionError(f"interaction {record.id} is already on hold")
        record.held_since = now
        self._log(now, InteractionEventType.HELD, record, agent=agent.id)

    def _resumed(self, event: CallResumed, now: float) -> None:
        record, agent = self._connected(event.interaction)
        if record.held_since is None:
            raise IllegalTransitionError(f"interaction {record.id} is not on hold")
        hold_s = now - record.held_since
        record.hold_s += hold_s
        record.held_since = None
        self._log(now, InteractionEventType.RESUMED, record, agent=agent.id, hold_s=hold_s)

    def _transferred_to_queue(self, event: TransferredToQueue, now: float) -> None:
        record, agent = self._connected(event.interaction)
        target = self.queues.get(event.queue)
        if target is None:
            raise UnknownObjectError(f"queue {event.queue}")
        self._hand_over(record, agent, IS.WAITING, now)
        self._enter_queue(record, target, now, reason=TRANSFER)

    def _transferred_to_agent(self, event: TransferredToAgent, now: float) -> None:
        record, agent = self._connected(event.interaction)
        other = self._agent(event.agent)
        # An attended transfer goes to the agent the transferring one consulted: the driver
        # paused them (reason "consult") so that no call was offered to them meanwhile.
        consulted = other.state is S.PAUSED and other.reason == CONSULT and other.pending_pause is None
        if other is agent or not (consulted or other.available(record.channel)):
            raise IllegalTransitionError(
                f"interaction {record.id}: agent {other.id} is not available for a transfer ({other.state})"
            )
        self._hand_over(record, agent, IS.OFFERED, now)
        record.enqueued_at = now  # the wait of a transfer counts from here
        if consulted:
            other.idle_since = now
            self._agent_to(other, S.READY, now)
        # If the other agent does not answer, the interaction waits in its queue again.
        self._offer(record, [other], now)

    def _hand_over(
        self, record: InteractionRecord, agent: AgentRecord, state: InteractionState, now: float
    ) -> None:
        """The transferring agent's part ends; the interaction lives on, counted per queue only."""
        answered_at = record.answered_at or now
        self._log(
            now,
            InteractionEventType.TRANSFERRED,
            record,
            agent=agent.id,
            wait_s=answered_at - (record.enqueued_at if record.transferred else record.first_enqueued_at),
            reason="agent",
        )
        if state is IS.WAITING:
            self._interaction_to(record, state)  # OFFERED: _offer moves it there itself
        record.offered_to = []
        record.transferred, record.callback_number = True, None
        self._release(record, agent, now, TRANSFER)
        record.answered_at = None

    def _finish(self, record: InteractionRecord) -> None:
        self._interaction_to(record, IS.ENDED)
        self.router.forget(record)
        tokens = self._tokens
        for kind in ("ring", "max_wait", "step"):
            tokens.pop((kind, record.id), None)  # _cancel
        del self.interactions[record.id]

    def _callback_requested(self, event: CallbackRequested, now: float) -> None:
        record = self._interaction(event.interaction)
        if record.state is not IS.WAITING:  # not while ringing, nor a callback asked for twice
            raise IllegalTransitionError(f"interaction {record.id}: callback requested while {record.state}")
        record.callback_number = event.number
        self._cancel("max_wait", record.id)
        self._interaction_to(record, IS.CALLBACK_WAITING)
        self._log(now, InteractionEventType.CALLBACK_REQUESTED, record, wait_s=now - record.first_enqueued_at)

    def _dial_callback(self, record: InteractionRecord, agent: AgentRecord, now: float) -> None:
        """The agent's phone rings first: unanswered within the ring timeout, the callback waits again."""
        self._interaction_to(record, IS.DIALING)
        record.offered_to = [agent.id]
        agent.pending_offer = record.id
        agent.last_offer[record.queue.name] = now
        self._agent_to(agent, S.RESERVED, now)
        self._log(now, InteractionEventType.DIALED, record, agent=agent.id)
        self._out.append(DialCallback(record.id, agent.id, record.callback_number or ""))
        self._schedule(now + record.queue.ring_timeout_s, "ring", record.id)

    def _callback_result(self, event: CallbackResult, now: float) -> None:
        record = self._interaction(event.interaction)
        if record.state is not IS.DIALING:
            raise IllegalTransitionError(f"interaction {record.id}: callback result while {record.state}")
        self._cancel("ring", record.id)
        agent = self.agents[record.offered_to[0]]
        agent.pending_offer = None
        if event.answered:
            agent.load[record.channel] += 1
            agent.calls_today += 1
            self._agent_to(agent, S.BUSY, now)
            self._connect(record, agent, now)
            self._route_agent(agent, now)  # spare chat or e-mail capacity
            return
        self._log(now, InteractionEventType.NO_ANSWER, record, agent=agent.id, reason="callback")
        self._finish(record)
        self._settle(agent, now)
        self._route_agent(agent, now)

    def _priority_changed(self, event: PriorityChanged, now: float) -> None:
        record = self._interaction(event.interaction)
        if record.state not in QUEUED or record.group is None:
            raise IllegalTransitionError(f"interaction {record.id}: priority change while {record.state}")
        record.priority = event.priority
        self.router.enqueue(record, record.group)

    def _interaction_to(self, record: InteractionRecord, state: InteractionState) -> None:
        check_interaction(record.id, record.state, state)
        record.state = state

    # -- timers --------------------------------------------------------------------------------

    def _schedule(self, at: float, kind: str, key: str) -> None:
        token = self._tokens.get((kind, key), 0) + 1
        self._tokens[(kind, key)] = token
        heapq.heappush(self._timers, (at, next(self._seq), kind, key, token))

    def _cancel(self, kind: str, key: str) -> None:
        self._tokens.pop((kind, key), None)

    def _current(self, entry: tuple[float, int, str, str, int]) -> bool:
        return self._tokens.get((entry[2], entry[3])) == entry[4]

    def _fire(self, kind: str, key: str, now: float) -> None:
        if kind == "wrap":
            agent = self.agents[key]
            self._end_wrap(agent, now)
            self._route_agent(agent, now)
        elif kind == "ring":
            record = self.interactions[key]
            self._missed(record, [self.agents[a] for a in list(record.offered_to)], now)
        elif kind == "step":
            self._escalate(self.interactions[key], now)
        elif kind == "max_wait":
            self._max_wait(self.interactions[key], now)

    def _escalate(self, record: InteractionRecord, now: float) -> None:
        steps = record.queue.step_skills()
        waited = now - record.enqueued_at
        step = max(i for i, (starts_s, _) in enumerate(steps) if starts_s <= waited + 1e-9)
        if step <= record.step:
            return
        record.step = step
        if record.state in QUEUED:
            self.router.enqueue(record, self.router.group(record.queue.name, step, record.channel))
            self._route_interaction(record, now)
        elif record.group is not None:  # ringing now: wait there at the new step if the ring fails
            record.group = self.router.group(record.queue.name, step, record.channel)

    def _max_wait(self, record: InteractionRecord, now: float) -> None:
        if record.state is IS.OFFERED:
            self._schedule(now + record.queue.ring_timeout_s, "max_wait", record.id)
            return
        queue = record.queue
        wait_s = now - record.first_enqueued_at
        overflow = self.queues.get(queue.overflow) if queue.overflow else None
        self._log(
            now,
            InteractionEventType.TRANSFERRED,
            record,
            wait_s=wait_s,
            reason="overflow" if overflow else "max_wait",
        )
        if overflow is None:
            self._finish(record)
            self._out.append(Hangup(record.id, "max_wait"))
            return
        self.router.forget(record)
        self._cancel("step", record.id)
        self._enter_queue(record, overflow, now, reason="overflow")

    # -- helpers -------------------------------------------------------------------------------

    def _agent(self, agent: str) -> AgentRecord:
        try:
            return self.agents[agent]
        except KeyError:
            raise UnknownObjectError(f"agent {agent}") from None

    def _interaction(self, interaction: str) -> InteractionRecord:
        try:
            return self.interactions[interaction]
        except KeyError:
            raise UnknownObjectError(f"interaction {interaction}") from None

    # The two log funnels build entries with positional arguments, in LogEntry's field order
    # (at, type, interaction, queue, agent, channel, priority, wait_s, talk_s, wrap_s, reason):
    # an entry per state change makes this the engine's hottest line.

    def _log(
        self,
        at: float,
        type_: InteractionEventType,
        record: InteractionRecord,
        *,
        agent: str | None = None,
        priority: int | None = None,
        wait_s: float | None = None,
        talk_s: float | None = None,
        reason: str | None = None,
        hold_s: float | None = None,
    ) -> None:
        """An entry about ``record``, with its id, queue and channel."""
        queue, channel = record.queue.name, record.channel
        entry = LogEntry(
            at, type_, record.id, queue, agent, channel, priority, wait_s, talk_s, None, reason, hold_s
        )
        self._out.append(Append(entry))

    def _log_agent(self, at: float, type_: AgentEventType, agent: str, reason: str | None = None) -> None:
        """An agent entry."""
        entry = LogEntry(at, type_, None, None, agent, None, None, None, None, None, reason)
        self._out.append(Append(entry))

    def _log_membership(
        self, at: float, type_: MembershipEventType, agent: str, queue: str, reason: str | None = None
    ) -> None:
        """An agent left or joined a queue."""
        self._out.append(Append(LogEntry(at, type_, None, queue, agent, reason=reason)))
