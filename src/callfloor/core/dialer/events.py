"""What the world tells a campaign's dialer: frozen values with no behaviour.

Kept apart from :mod:`callfloor.core.events` while the dialer is not yet composed into the
floor: the agent events here speak of an agent's part in one campaign (ready for its calls,
busy with something else), not of their life on the floor as a whole.

The driver reports each call the dialer placed with :class:`CallRinging` (optional),
:class:`CallAnswered` or :class:`CallFailed`, and :class:`CallEnded` once the line is down after
a conversation or a recorded message. A call the dialer hung up itself (``Hangup``) needs no
:class:`CallEnded`.
"""

from dataclasses import dataclass

from callfloor.core.dialer.model import Outcome


@dataclass(frozen=True, slots=True)
class AgentReady:
    """The agent is ready for the campaign's calls (first time: joins the campaign)."""

    agent: str


@dataclass(frozen=True, slots=True)
class AgentBusy:
    """The agent is taken by something else (a pause, an inbound call); after a call, once done."""

    agent: str
    reason: str = "pause"


@dataclass(frozen=True, slots=True)
class AgentWrapUpDone:
    """The agent ends the wrap-up of their last call with its disposition.

    ``outcome`` lets the agent correct what the network said: a machine that the detector took
    for a person (:attr:`Outcome.MACHINE`), for instance. ``callback_at`` asks for a callback,
    for ``callback_agent`` if given.
    """

    agent: str
    disposition: str | None = None
    outcome: Outcome = Outcome.ANSWERED
    callback_at: float | None = None
    callback_agent: str | None = None


@dataclass(frozen=True, slots=True)
class AgentLoggedOut:
    """The agent leaves the campaign; during a call, when it ends (without wrap-up)."""

    agent: str


@dataclass(frozen=True, slots=True)
class PreviewDecision:
    """In preview mode, the agent dials the contact shown, or skips it."""

    agent: str
    lead: str
    dial: bool


@dataclass(frozen=True, slots=True)
class CallRinging:
    """The callee's phone rings (180 Ringing)."""

    call: str


@dataclass(frozen=True, slots=True)
class CallAnswered:
    """The call was answered; ``machine`` when the answering-machine detector says so."""

    call: str
    machine: bool = False


@dataclass(frozen=True, slots=True)
class CallFailed:
    """The call ended unanswered: ``no_answer``, ``busy``, ``failed`` or ``invalid``."""

    call: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The line is down: the conversation or the recorded message is over, or the callee left."""

    call: str


@dataclass(frozen=True, slots=True)
class DialingPaused:
    """Place no new calls (end of the shift, outside calling hours); calls under way go on."""


@dataclass(frozen=True, slots=True)
class DialingResumed:
    """Place calls again."""


DialerEvent = (
    AgentReady
    | AgentBusy
    | AgentWrapUpDone
    | AgentLoggedOut
    | PreviewDecision
    | CallRinging
    | CallAnswered
    | CallFailed
    | CallEnded
    | DialingPaused
    | DialingResumed
)
