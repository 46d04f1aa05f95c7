"""What the floor asks drivers to do: actions, frozen values that drivers carry out.

Every state change also comes out as an :class:`Append` of a log entry, which drivers persist
(the live server) or fold into KPIs (the simulator and the wallboard).
"""

from dataclasses import dataclass

from callfloor.core.config import Channel
from callfloor.core.log import LogEntry


@dataclass(frozen=True, slots=True)
class Ring:
    """Offer the interaction to the agent (ring their phone, pop the chat)."""

    interaction: str
    agent: str
    channel: Channel

    def __init__(self, interaction: str, agent: str, channel: Channel) -> None:  # see LogEntry.__init__
        object.__setattr__(self, "interaction", interaction)
        object.__setattr__(self, "agent", agent)
        object.__setattr__(self, "channel", channel)


@dataclass(frozen=True, slots=True)
class CancelRing:
    """Withdraw an offer (another agent took it, the caller left, the offer timed out)."""

    interaction: str
    agent: str

    def __init__(self, interaction: str, agent: str) -> None:  # see LogEntry.__init__
        object.__setattr__(self, "interaction", interaction)
        object.__setattr__(self, "agent", agent)


@dataclass(frozen=True, slots=True)
class Bridge:
    """Connect the customer and the agent."""

    interaction: str
    agent: str

    def __init__(self, interaction: str, agent: str) -> None:  # see LogEntry.__init__
        object.__setattr__(self, "interaction", interaction)
        object.__setattr__(self, "agent", agent)


@dataclass(frozen=True, slots=True)
class DialCallback:
    """Call back the customer who asked for it, for the agent reserved for it: their phone first.

    The driver tells ``AgentAnswered`` when the agent picks up (then dials ``number``), or
    ``OfferDeclined``, and at last ``CallbackResult``; an agent who does not pick up within the
    queue's ring timeout is withdrawn (``CancelRing``) and the callback waits at its place again.
    """

    interaction: str
    agent: str
    number: str


@dataclass(frozen=True, slots=True)
class Hangup:
    """End the customer's side (e.g. maximum wait reached with no overflow queue)."""

    interaction: str
    reason: str


@dataclass(frozen=True, slots=True)
class Notify:
    """Tell people something worth a look (a supervisor alert, an agent's auto-pause)."""

    code: str
    agent: str | None = None
    interaction: str | None = None


@dataclass(frozen=True, slots=True)
class Append:
    """Append this entry to the interaction log."""

    entry: LogEntry

    def __init__(self, entry: LogEntry) -> None:  # see LogEntry.__init__
        object.__setattr__(self, "entry", entry)


Action = Ring | CancelRing | Bridge | DialCallback | Hangup | Notify | Append
