"""What a campaign's dialer asks the driver to do: frozen values the driver carries out.

Kept apart from :mod:`callfloor.core.actions` until the dialer joins the floor (see
:mod:`callfloor.core.dialer.events`).
"""

from dataclasses import dataclass

from callfloor.core.dialer.model import Lead


@dataclass(frozen=True, slots=True)
class Dial:
    """Place a call to the lead, presenting ``caller_id``; give up after ``timeout_s`` of ringing.

    ``agent`` is the agent held for this call (preview, progressive, a reserved callback): the
    driver may show them the contact while it rings. None for a pooled call.
    """

    call: str
    lead: Lead
    caller_id: str
    timeout_s: float
    agent: str | None = None


@dataclass(frozen=True, slots=True)
class Connect:
    """Bridge the answered call to the agent (and show them the contact)."""

    call: str
    agent: str
    lead: Lead


@dataclass(frozen=True, slots=True)
class PlayDropMessage:
    """No agent within 2 s of the answer: play the campaign's recorded message, then hang up.

    16 CFR 310.4(b)(4)(iii): the message names the caller and gives a number to call back.
    """

    call: str


@dataclass(frozen=True, slots=True)
class PlayMachineMessage:
    """Leave the campaign's recorded message on the answering machine, then hang up."""

    call: str


@dataclass(frozen=True, slots=True)
class Hangup:
    """End the call now (an answering machine, for instance)."""

    call: str
    reason: str


@dataclass(frozen=True, slots=True)
class ShowPreview:
    """Preview mode: show the agent the contact; they answer with ``PreviewDecision``."""

    agent: str
    lead: Lead


DialerAction = Dial | Connect | PlayDropMessage | PlayMachineMessage | Hangup | ShowPreview
