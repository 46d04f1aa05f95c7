"""The kinds of entries in the one append-only interaction log.

Every state change of an interaction or an agent is one entry (ARCHITECTURE.md, "Interactions
and the event log"); KPIs are a fold over these entries, in the simulator and on a live floor
alike. Storage keeps the ``type`` as its string value, so values here are a stable interface:
add members, never rename them.
"""

from dataclasses import dataclass
from enum import StrEnum

from callfloor.core.config import Channel


class InteractionEventType(StrEnum):
    """What happened to an interaction."""

    ENQUEUED = "enqueued"
    OFFERED = "offered"
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    TRANSFERRED = "transferred"
    WRAPUP_STARTED = "wrapup_started"
    COMPLETED = "completed"
    CALLBACK_REQUESTED = "callback_requested"
    DIALED = "dialed"
    NO_ANSWER = "no_answer"
    DROPPED = "dropped"
    HELD = "held"
    RESUMED = "resumed"
    IVR_ENDED = "ivr_ended"
    OUTBOUND_ENDED = "outbound_ended"


class AgentEventType(StrEnum):
    """What happened to an agent; logged in the same table, with no interaction."""

    LOGGED_IN = "logged_in"
    READY = "ready"
    PAUSED = "paused"
    RESERVED = "reserved"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    LOGGED_OUT = "logged_out"


class MembershipEventType(StrEnum):
    """An agent left or rejoined one of their queues, staying logged in; not a state change."""

    QUEUE_LEFT = "queue_left"
    QUEUE_JOINED = "queue_joined"


LogEntryType = InteractionEventType | AgentEventType | MembershipEventType

_BY_VALUE: dict[str, LogEntryType] = {
    **{kind.value: kind for kind in InteractionEventType},
    **{kind.value: kind for kind in AgentEventType},
    **{kind.value: kind for kind in MembershipEventType},
}

#: Every value the ``type`` column of the log may hold.
LOG_ENTRY_TYPES: frozenset[str] = frozenset(_BY_VALUE)


def entry_type(value: str) -> LogEntryType:
    """The kind of entry a stored ``type`` names; ValueError for one the log does not know."""
    try:
        return _BY_VALUE[value]
    except KeyError:
        raise ValueError(f"unknown log entry type {value!r}") from None


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One log entry as the core emits it (in an ``Append`` action); storage persists it.

    ``at`` is the core's clock: seconds, on the simulator's clock or since the epoch on a live
    floor. What each type carries (fields left None otherwise):

    - ``enqueued``: interaction, queue, channel, priority; ``reason="overflow"`` when it comes
      from another queue's overflow (the interaction was counted as offered there already),
      ``reason="transfer"`` when an agent transferred it there (an offer of that queue, not of
      the center: the totals counted it when it first arrived).
    - ``offered`` / ``no_answer``: interaction, queue, agent (an offer made / timed out or refused).
    - ``answered``: interaction, queue, agent, ``wait_s`` (since the interaction first entered a
      queue, so an overflowed caller's whole wait); after a transfer, ``reason="transfer"`` and
      ``wait_s`` since the transfer.
    - ``abandoned``: interaction, queue, ``wait_s``; after a transfer, as ``answered``.
    - ``callback_requested``: interaction, queue, ``wait_s`` (the caller hung up to be called back;
      the interaction keeps its place).
    - ``dialed``: interaction, queue, agent (a callback is being dialed for the agent); or, with
      ``reason="outbound"`` and no queue, an agent's own call out through a trunk. A callback's
      ``no_answer`` names the agent and no reason when the agent did not take it (the callback
      waits again), and ``reason="callback"`` when the customer was not reached (it ends).
    - ``outbound_ended``: interaction, agent, ``talk_s`` (0 when not answered), ``reason``
      (``answered``, ``busy``, ``no_answer``, ``cancelled``, ``invalid``, ``failed``): the end of
      an agent's own call out, or of a scheduled callback dialed from the desk. Not counted in the
      queues' KPIs (it has no queue).
    - ``transferred``: interaction, queue, ``wait_s``; ``reason="overflow"`` (left this queue for
      its overflow queue), ``reason="agent"`` (transferred by ``agent`` after answering), or
      ``reason="voicemail"`` / ``"overflow_node"`` (the waiting caller left for the IVR: to
      leave a message, or at the flow's own maximum wait; neither answered nor abandoned in the
      KPIs, and the IVR's ``ivr_ended`` ends the interaction).
    - ``held`` / ``resumed``: interaction, queue, agent; ``resumed`` carries ``hold_s``.
    - ``ivr_ended``: interaction, ``wait_s`` (time in the IVR), ``reason``: the call ended in the
      IVR, before any queue: ``caller_hung_up``, ``hangup`` (the flow's goodbye), ``no_choice``
      (a menu's tries ran out with no fallback), ``voicemail`` (a message was left), ``survey``
      (after a post-call survey), ``transfer`` (the flow sent it to an outside number or an
      agent's extension: ``talk_s``, and ``agent`` for an extension, are that conversation's),
      ``transfer_failed`` (nobody took it, and the flow had no fallback) or ``unknown_queue``
      (the flow's queue, named in ``queue``, is not on the live floor). A call that reaches a
      queue has ``enqueued`` instead, and the KPIs of queues do not count these.
    - ``wrapup_started``: interaction, queue, agent, ``talk_s``.
    - ``completed``: interaction, queue, agent, ``talk_s`` (hold included), ``wrap_s``, ``hold_s``
      (handle time = talk + wrap); ``reason="transfer"`` when the agent's part ended with a
      transfer, the interaction going on elsewhere.
    - agent entries (``logged_in``, ``ready``, ``paused``, ``reserved``, ``busy``, ``wrap_up``,
      ``logged_out``): agent; ``reason`` for ``paused`` (a reason code such as ``lunch`` or
      ``no_answer``). The agent is in that state from ``at`` until its next agent entry.
    - ``queue_left`` / ``queue_joined``: agent, queue: the agent stopped (or went back to) taking
      that queue's interactions without logging out; ``reason="logout"`` for the queues a logout
      gives back (each shift starts in every queue the agent is qualified for). Not a state:
      the agent entries around it keep their meaning, and the KPI folds pass over it.
    """

    at: float
    type: LogEntryType
    interaction: str | None = None
    queue: str | None = None
    agent: str | None = None
    channel: Channel | None = None
    priority: int | None = None
    wait_s: float | None = None
    talk_s: float | None = None
    wrap_s: float | None = None
    reason: str | None = None
    hold_s: float | None = None

    # Written out rather than generated by @dataclass (which keeps an __init__ it finds): the
    # same fields, defaults and object.__setattr__ calls, but under mypyc a method of the class
    # itself is compiled, so the engine builds its most common object at native speed.
    def __init__(  # noqa: PLR0917 - positional, like the generated one
        self,
        at: float,
        type: LogEntryType,
        interaction: str | None = None,
        queue: str | None = None,
        agent: str | None = None,
        channel: Channel | None = None,
        priority: int | None = None,
        wait_s: float | None = None,
        talk_s: float | None = None,
        wrap_s: float | None = None,
        reason: str | None = None,
        hold_s: float | None = None,
    ) -> None:
        object.__setattr__(self, "at", at)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "interaction", interaction)
        object.__setattr__(self, "queue", queue)
        object.__setattr__(self, "agent", agent)
        object.__setattr__(self, "channel", channel)
        object.__setattr__(self, "priority", priority)
        object.__setattr__(self, "wait_s", wait_s)
        object.__setattr__(self, "talk_s", talk_s)
        object.__setattr__(self, "wrap_s", wrap_s)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "hold_s", hold_s)
