"""The states of a campaign's agents and calls, and the moves allowed between them.

Transition tables, as in :mod:`callfloor.core.acd.model`: a move the table does not list is an
:class:`IllegalTransitionError` naming it, raised before anything changes.
"""

from enum import StrEnum
from typing import Final

from callfloor.core.dialer import DialerError
from callfloor.core.log import AgentEventType


class IllegalTransitionError(DialerError):
    """An event that the agent's or the call's state does not allow."""


class UnknownObjectError(DialerError):
    """An event about an agent, call or lead the dialer does not know."""


class AgentState(StrEnum):
    """An agent's part in the campaign."""

    LOGGED_OUT = "logged_out"
    READY = "ready"  # free: the next answered call is theirs
    RESERVED = "reserved"  # looking at a preview, or held for a call being dialed for them
    TALKING = "talking"
    WRAP_UP = "wrap_up"
    AWAY = "away"  # paused, or busy with something else than the campaign


class CallState(StrEnum):
    """A call the dialer placed, from the dial to the line going down."""

    DIALING = "dialing"
    RINGING = "ringing"
    WAITING = "waiting"  # a person answered; an agent must take it within 2 s
    CONNECTED = "connected"
    MESSAGE = "message"  # a recorded message plays (a drop, or an answering machine)
    ENDED = "ended"


A = AgentState
C = CallState

AGENT_MOVES: Final[dict[AgentState, frozenset[AgentState]]] = {
    A.LOGGED_OUT: frozenset({A.READY}),
    A.READY: frozenset({A.RESERVED, A.TALKING, A.AWAY, A.LOGGED_OUT}),
    A.RESERVED: frozenset({A.READY, A.TALKING, A.AWAY, A.LOGGED_OUT}),
    A.TALKING: frozenset({A.WRAP_UP, A.LOGGED_OUT}),
    A.WRAP_UP: frozenset({A.READY, A.AWAY, A.LOGGED_OUT}),
    A.AWAY: frozenset({A.READY, A.LOGGED_OUT}),
}

CALL_MOVES: Final[dict[CallState, frozenset[CallState]]] = {
    C.DIALING: frozenset({C.RINGING, C.WAITING, C.CONNECTED, C.MESSAGE, C.ENDED}),
    C.RINGING: frozenset({C.WAITING, C.CONNECTED, C.MESSAGE, C.ENDED}),
    C.WAITING: frozenset({C.CONNECTED, C.MESSAGE, C.ENDED}),
    C.CONNECTED: frozenset({C.ENDED}),
    C.MESSAGE: frozenset({C.ENDED}),
    C.ENDED: frozenset(),
}

#: Calls not answered yet.
UNANSWERED: Final = frozenset({C.DIALING, C.RINGING})

#: How each state counts in agent time (occupancy as the inbound floor computes it).
TIME_STATE: Final[dict[AgentState, AgentEventType]] = {
    A.LOGGED_OUT: AgentEventType.LOGGED_OUT,
    A.READY: AgentEventType.READY,
    A.RESERVED: AgentEventType.RESERVED,
    A.TALKING: AgentEventType.BUSY,
    A.WRAP_UP: AgentEventType.WRAP_UP,
    A.AWAY: AgentEventType.PAUSED,
}


def check_agent(agent: str, old: AgentState, new: AgentState) -> None:
    """Raise unless an agent may move from ``old`` to ``new``."""
    if new not in AGENT_MOVES[old]:
        raise IllegalTransitionError(f"agent {agent}: {old} -> {new}")


def check_call(call: str, old: CallState, new: CallState) -> None:
    """Raise unless a call may move from ``old`` to ``new``."""
    if new not in CALL_MOVES[old]:
        raise IllegalTransitionError(f"call {call}: {old} -> {new}")
