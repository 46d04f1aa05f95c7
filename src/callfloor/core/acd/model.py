"""Agent and interaction states, their transition tables, and the profiles of a floor.

An illegal transition raises :class:`IllegalTransitionError` naming both states, rather than being
silently ignored: the bugs users report most in open-source ACDs (an agent offered two calls,
a paused agent rung) are exactly unguarded transitions.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from callfloor.core.acd import IllegalTransitionError
from callfloor.core.config import Channel, ServiceLevelDefinition, Strategy


class AgentState(StrEnum):
    """Where an agent is in their shift."""

    LOGGED_OUT = "logged_out"
    READY = "ready"
    PAUSED = "paused"
    RESERVED = "reserved"  # an offer is ringing for them
    BUSY = "busy"
    WRAP_UP = "wrap_up"


A = AgentState
AGENT_TRANSITIONS: Final[Mapping[AgentState, frozenset[AgentState]]] = {
    A.LOGGED_OUT: frozenset({A.READY, A.PAUSED}),
    A.READY: frozenset({A.PAUSED, A.RESERVED, A.LOGGED_OUT}),
    A.PAUSED: frozenset({A.READY, A.PAUSED, A.LOGGED_OUT}),
    # From an offer: answered (busy), declined or cancelled (back to ready or busy), missed (paused).
    A.RESERVED: frozenset({A.BUSY, A.READY, A.PAUSED}),
    # Busy agents with spare chat or e-mail capacity may be offered more (reserved).
    A.BUSY: frozenset({A.WRAP_UP, A.READY, A.PAUSED, A.RESERVED, A.BUSY}),
    A.WRAP_UP: frozenset({A.READY, A.PAUSED}),
}


class InteractionState(StrEnum):
    """Where an interaction is in its life."""

    WAITING = "waiting"
    OFFERED = "offered"
    CALLBACK_WAITING = "callback_waiting"  # the caller hung up, their place is kept
    DIALING = "dialing"  # a callback is being dialed for a reserved agent
    CONNECTED = "connected"
    ENDED = "ended"


I = InteractionState  # noqa: E741 - a short alias for the table below
INTERACTION_TRANSITIONS: Final[Mapping[InteractionState, frozenset[InteractionState]]] = {
    I.WAITING: frozenset({I.OFFERED, I.ENDED, I.CALLBACK_WAITING, I.WAITING}),
    I.OFFERED: frozenset({I.CONNECTED, I.WAITING, I.ENDED}),
    # Transferred by its agent: to a queue (waiting) or to another agent (offered).
    I.CALLBACK_WAITING: frozenset({I.DIALING, I.ENDED}),
    # The reserved agent did not take the callback (refused, rang out): it waits at its place again.
    I.DIALING: frozenset({I.CONNECTED, I.ENDED, I.CALLBACK_WAITING}),
    I.CONNECTED: frozenset({I.ENDED, I.WAITING, I.OFFERED}),
    I.ENDED: frozenset(),
}


def check_agent(agent: str, old: AgentState, new: AgentState) -> None:
    """Raise :class:`IllegalTransitionError` unless the agent table allows ``old -> new``."""
    if new not in AGENT_TRANSITIONS[old]:
        raise IllegalTransitionError(f"agent {agent}: {old} -> {new}")


def check_interaction(interaction: str, old: InteractionState, new: InteractionState) -> None:
    """Raise :class:`IllegalTransitionError` unless the interaction table allows ``old -> new``."""
    if new not in INTERACTION_TRANSITIONS[old]:
        raise IllegalTransitionError(f"interaction {interaction}: {old} -> {new}")


@dataclass(frozen=True, slots=True)
class Step:
    """Skills escalation: from ``after_s`` seconds of waiting, these minimum levels apply."""

    after_s: float
    skills: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class QueueProfile:
    """A queue as the core needs it (storage's Queue, minus what only people read)."""

    name: str
    strategy: Strategy = Strategy.LONGEST_IDLE
    skills: Mapping[str, int] = field(default_factory=dict)
    priority: int = 0
    service_level_s: float = 20.0
    short_abandon_s: float = 5.0
    service_level_definition: ServiceLevelDefinition = ServiceLevelDefinition.OFFERED
    max_wait_s: float | None = None
    overflow: str | None = None
    wrap_up_s: float = 0.0
    ring_timeout_s: float = 15.0
    # Missing an offer pauses the agent (reason no_answer); when False they stay ready and only
    # ``max_missed_offers`` misses in a row pause them.
    pause_on_no_answer: bool = True
    steps: tuple[Step, ...] = ()

    def step_skills(self) -> list[tuple[float, Mapping[str, int]]]:
        """``(from second, required skills)`` for step 0 (the queue's skills) and each escalation step."""
        return [(0.0, self.skills)] + [
            (s.after_s, s.skills) for s in sorted(self.steps, key=lambda s: s.after_s)
        ]


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """An agent as the core needs it: skills with levels and what they can handle at once."""

    id: str
    skills: Mapping[str, int] = field(default_factory=dict)
    capacity: Mapping[Channel, int] = field(
        default_factory=lambda: {Channel.CALL: 1, Channel.CHAT: 3, Channel.EMAIL: 5, Channel.LETTER: 1}
    )

    def qualifies(self, required: Mapping[str, int]) -> bool:
        """True when the agent has every required skill at the required level or above."""
        return all(self.skills.get(skill, 0) >= level for skill, level in required.items())
