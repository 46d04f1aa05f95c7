"""What the outside world tells the floor: events, frozen values with no behaviour.

Drivers (the asyncio server, the simulator, the API) build these and hand them to
:meth:`callfloor.core.floor.Floor.handle` with the time they happened.
"""

from dataclasses import dataclass

from callfloor.core.config import Channel


@dataclass(frozen=True, slots=True)
class AgentLoggedIn:
    """An agent starts a shift; ``ready=False`` logs them in paused (reason ``login``)."""

    agent: str
    ready: bool = True

    def __init__(self, agent: str, ready: bool = True) -> None:  # see LogEntry.__init__
        object.__setattr__(self, "agent", agent)
        object.__setattr__(self, "ready", ready)


@dataclass(frozen=True, slots=True)
class AgentReady:
    """An agent makes themself available (after a pause, or to end wrap-up early)."""

    agent: str


@dataclass(frozen=True, slots=True)
class AgentPaused:
    """An agent pauses with a reason code; while busy, the pause starts when the work ends."""

    agent: str
    reason: str


@dataclass(frozen=True, slots=True)
class AgentLoggedOut:
    """An agent ends their shift (not while handling an interaction)."""

    agent: str

    def __init__(self, agent: str) -> None:  # see LogEntry.__init__
        object.__setattr__(self, "agent", agent)


@dataclass(frozen=True, slots=True)
class AgentLeftQueue:
    """An agent stops taking a queue's interactions, staying logged in (déconnexion d'une file).

    What rings or is connected for that queue goes on; only later offers skip the agent. The
    choice lasts until the agent logs out: each shift starts in every queue their skills
    qualify them for.
    """

    agent: str
    queue: str


@dataclass(frozen=True, slots=True)
class AgentJoinedQueue:
    """An agent takes a queue's interactions again; a ready agent is offered a waiting one at once."""

    agent: str
    queue: str


@dataclass(frozen=True, slots=True)
class InteractionArrived:
    """A contact enters a queue (after the IVR for a call)."""

    interaction: str
    queue: str
    channel: Channel = Channel.CALL
    priority: int = 0

    def __init__(
        self, interaction: str, queue: str, channel: Channel = Channel.CALL, priority: int = 0
    ) -> None:  # see LogEntry.__init__
        object.__setattr__(self, "interaction", interaction)
        object.__setattr__(self, "queue", queue)
        object.__setattr__(self, "channel", channel)
        object.__setattr__(self, "priority", priority)


@dataclass(frozen=True, slots=True)
class AgentAnswered:
    """The agent offered this interaction took it (picked up the phone, accepted the chat)."""

    interaction: str
    agent: str

    def __init__(self, interaction: str, agent: str) -> None:  # see LogEntry.__init__
        object.__setattr__(self, "interaction", interaction)
        object.__setattr__(self, "agent", agent)


@dataclass(frozen=True, slots=True)
class OfferDeclined:
    """The agent refused the offer or their phone could not ring (486, 480, 408)."""

    interaction: str
    agent: str


@dataclass(frozen=True, slots=True)
class CallerHungUp:
    """The customer left: an abandon while waiting or ringing, the end of talk once connected."""

    interaction: str

    def __init__(self, interaction: str) -> None:  # see LogEntry.__init__
        object.__setattr__(self, "interaction", interaction)


@dataclass(frozen=True, slots=True)
class AgentHungUp:
    """The agent ended a connected interaction (hung up, closed the chat, sent the e-mail)."""

    interaction: str

    def __init__(self, interaction: str) -> None:  # see LogEntry.__init__
        object.__setattr__(self, "interaction", interaction)


@dataclass(frozen=True, slots=True)
class CallbackRequested:
    """The waiting caller chose to be called back at ``number``; their place is kept."""

    interaction: str
    number: str


@dataclass(frozen=True, slots=True)
class LeftQueue:
    """The waiting caller left the queue for the IVR: a message chosen, or the flow's overflow node.

    ``reason`` says which (``voicemail``, ``overflow_node``); the caller is still on the line,
    and the IVR's entry will end the interaction.
    """

    interaction: str
    reason: str


@dataclass(frozen=True, slots=True)
class CallbackResult:
    """The callback dialed for an agent was answered, or not."""

    interaction: str
    answered: bool


@dataclass(frozen=True, slots=True)
class PriorityChanged:
    """A supervisor moved a waiting interaction up or down."""

    interaction: str
    priority: int


@dataclass(frozen=True, slots=True)
class CallHeld:
    """The agent put the caller on hold (the caller hears music; hold time counts in handle time)."""

    interaction: str


@dataclass(frozen=True, slots=True)
class CallResumed:
    """The agent took the caller off hold."""

    interaction: str


@dataclass(frozen=True, slots=True)
class TransferredToQueue:
    """The agent sent a connected interaction to a queue (its own one: back to the queue)."""

    interaction: str
    queue: str


@dataclass(frozen=True, slots=True)
class TransferredToAgent:
    """The agent sent a connected interaction to another agent, who must be available for it.

    For an attended transfer, the other agent is the one consulted: paused with reason
    ``consult`` while they talked with the transferring agent.
    """

    interaction: str
    agent: str


Event = (
    AgentLoggedIn
    | AgentReady
    | AgentPaused
    | AgentLoggedOut
    | AgentLeftQueue
    | AgentJoinedQueue
    | InteractionArrived
    | AgentAnswered
    | OfferDeclined
    | CallerHungUp
    | AgentHungUp
    | CallbackRequested
    | LeftQueue
    | CallbackResult
    | PriorityChanged
    | CallHeld
    | CallResumed
    | TransferredToQueue
    | TransferredToAgent
)
