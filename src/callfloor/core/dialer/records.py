"""What the dialer engine keeps of each agent and call of a campaign.

Mutable records, changed only by :class:`callfloor.core.dialer.engine.CampaignDialer` through
its state funnels; slotted, since a campaign's pacing reads every one of them each second.
"""

from callfloor.core.dialer.model import Lead
from callfloor.core.dialer.states import AgentState, CallState


class AgentRecord:
    """An agent's part in the campaign."""

    __slots__ = ("after", "call", "id", "idle_since", "lead", "order", "since", "state")

    def __init__(self, agent: str, order: int) -> None:
        self.id, self.order = agent, order
        self.state = AgentState.LOGGED_OUT
        self.since = self.idle_since = 0.0
        self.call: str | None = None  # held for it, or talking on it
        self.lead: Lead | None = None  # shown in preview, or of the call in wrap-up
        self.after: AgentState | None = None  # AWAY or LOGGED_OUT once the call is over

    def idle_key(self) -> tuple[float, int]:
        """Longest idle first; ties in the order agents joined."""
        return self.idle_since, self.order


class CallRecord:
    """A call the dialer placed; ``agent`` is the one held for it, then the one talking."""

    __slots__ = ("agent", "answered_at", "dialed_at", "id", "lead", "state")

    def __init__(self, call: str, lead: Lead, agent: str | None, now: float) -> None:
        self.id, self.lead, self.agent = call, lead, agent
        self.state = CallState.DIALING
        self.dialed_at, self.answered_at = now, 0.0
