"""The wallboard's figures and an agent's desk state, read from a live ACD and today's KPI fold.

Pure read-outs: given the core's :class:`~callfloor.core.acd.engine.Acd`, a
:class:`~callfloor.core.kpi.fold.KpiFold` of today's log and ``now``, they build frozen values
the API turns into JSON. Nothing here reads a clock, the database or a socket, so the figures
are tested with plain values; :mod:`callfloor.server.live_board` keeps the fold and calls these.

Definitions are the fold's (:mod:`callfloor.core.kpi`): the service level is judged with each
queue's threshold T and definition, which the figures carry; ``abandon_rate`` counts every
abandon over the offers, short ones included, and ``short_abandoned`` says how many were short.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from callfloor.core.acd import UnknownObjectError
from callfloor.core.acd.engine import Acd
from callfloor.core.acd.model import AgentState, InteractionState
from callfloor.core.acd.records import AgentRecord, InteractionRecord
from callfloor.core.config import ServiceLevelDefinition
from callfloor.core.kpi.figures import AgentKpis, Kpis, Tally
from callfloor.core.kpi.fold import KpiFold

D = ServiceLevelDefinition
#: What each service-level definition divides by (its numerator is "answered within T").
DENOMINATORS: Final[Mapping[ServiceLevelDefinition, str]] = {
    D.OFFERED: "offered",
    D.ANSWERED: "answered",
    D.EXCLUDE_SHORT: "offered - short_abandoned",
    D.EXCLUDE_ABANDONED_T: "offered - abandoned_within_t",
    D.ABANDON_POSITIVE: "offered (abandons within T count as met)",
}
_IN_QUEUE: Final = frozenset({InteractionState.WAITING, InteractionState.OFFERED})


@dataclass(frozen=True, slots=True)
class AgentNow:
    """One agent's state as their desk shows it; times are the floor's (epoch seconds)."""

    extension: str
    state: AgentState
    since: float | None  # None: never logged in since the floor started
    reason: str | None  # the pause's reason code
    pending_pause: str | None  # the pause asked for while busy, which starts when the work ends
    wrap_up_remaining_s: float | None  # in wrap-up: seconds before it ends on its own
    queues: tuple[str, ...]  # the queues whose calls may be offered to them
    # Every queue they are qualified for, and whether they are in it (False: they left it).
    memberships: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class WaitingCall:
    """A caller in a queue: waiting, or ringing an agent while still waiting."""

    id: str
    priority: int
    waited_s: float
    ringing: bool


@dataclass(frozen=True, slots=True)
class QueueNow:
    """A queue on the wallboard: its callers now and its figures of the day."""

    name: str
    waiting: int
    longest_wait_s: float | None
    callbacks_waiting: int
    agents: Mapping[str, int]  # state -> qualified agents in it (logged-out ones left out)
    calls: tuple[WaitingCall, ...]  # best first: the next one served leads
    kpis: Kpis


@dataclass(frozen=True, slots=True)
class AgentBoard:
    """An agent's line on the wallboard."""

    now: AgentNow
    name: str
    figures: AgentKpis | None  # today's; None before they did anything today


@dataclass(frozen=True, slots=True)
class RunNow:
    """A campaign's dialer running in this process."""

    paused: tuple[str, ...]  # why its dialing is paused (hours, abandon_rate)
    drop_rate: float  # drops over persons answered since the run started (16 CFR 310.4(b)(4)(i))
    agents: int  # on the campaign


@dataclass(frozen=True, slots=True)
class CampaignNow:
    """An outbound campaign on the wallboard: its dialer when it runs, its attempts of the day."""

    name: str
    run: RunNow | None  # None: not running
    dialed_today: int


@dataclass(frozen=True, slots=True)
class FloorNow:
    """Everything the wallboard shows at ``at``."""

    at: float
    day_start: float
    queues: tuple[QueueNow, ...]
    agents: tuple[AgentBoard, ...]
    campaigns: tuple[CampaignNow, ...]
    late_tickets: int


def agent_now(acd: Acd, extension: str, now: float) -> AgentNow:
    """The agent's state at ``now``; :class:`UnknownObjectError` when the floor has no such agent."""
    record = acd.agents.get(extension)
    if record is None:
        raise UnknownObjectError(f"agent {extension}")
    ends = acd.wrap_up_ends(extension) if record.state is AgentState.WRAP_UP else None
    return AgentNow(
        extension=extension,
        state=record.state,
        since=record.state_since or None,
        reason=record.reason,
        pending_pause=record.pending_pause,
        wrap_up_remaining_s=None if ends is None else max(0.0, ends - now),
        queues=_queues_of(record),
        memberships=tuple(acd.memberships(extension).items()),
    )


def _queues_of(record: AgentRecord) -> tuple[str, ...]:
    return tuple(sorted({g.queue.name for groups in record.groups.values() for g in groups if g.step == 0}))


def _waited(record: InteractionRecord, now: float) -> float:
    """The caller's wait as the fold counts it: since they first queued, or since their transfer."""
    return now - (record.enqueued_at if record.transferred else record.first_enqueued_at)


def floor_now(
    acd: Acd,
    fold: KpiFold,
    now: float,
    *,
    day_start: float,
    names: Mapping[str, str],
    campaigns: Sequence[CampaignNow] = (),
    late_tickets: int = 0,
) -> FloorNow:
    """The wallboard at ``now``: ``names`` are the agents' (by extension), the rest as stored."""
    per_queue, per_agent = fold.per_queue(now), fold.per_agent(now)
    agents = [agent_now(acd, extension, now) for extension in sorted(acd.agents)]
    by_queue: dict[str, list[InteractionRecord]] = {}
    for record in acd.interactions.values():
        by_queue.setdefault(record.queue.name, []).append(record)
    queues = tuple(
        _queue_now(name, now, by_queue.get(name, []), agents, per_queue.get(name) or _no_kpis(fold, name))
        for name in sorted(acd.queues)
    )
    boards = tuple(
        AgentBoard(a, names.get(a.extension, a.extension), per_agent.get(a.extension)) for a in agents
    )
    return FloorNow(now, day_start, queues, boards, tuple(campaigns), late_tickets)


def _no_kpis(fold: KpiFold, queue: str) -> Kpis:
    """The figures of a queue nothing happened in today, judged by its own settings."""
    return Tally().kpis(fold.settings.for_queue(queue), None)


def _queue_now(
    name: str, now: float, mine: Sequence[InteractionRecord], agents: Sequence[AgentNow], kpis: Kpis
) -> QueueNow:
    waiting = sorted((r for r in mine if r.state in _IN_QUEUE), key=lambda r: r.rank())
    states = Counter(
        str(a.state) for a in agents if name in a.queues and a.state is not AgentState.LOGGED_OUT
    )
    calls = tuple(
        WaitingCall(r.id, r.priority, _waited(r, now), r.state is InteractionState.OFFERED) for r in waiting
    )
    return QueueNow(
        name=name,
        waiting=len(waiting),
        longest_wait_s=max((c.waited_s for c in calls), default=None),
        callbacks_waiting=sum(r.state is InteractionState.CALLBACK_WAITING for r in mine),
        agents=dict(sorted(states.items())),
        calls=calls,
        kpis=kpis,
    )
