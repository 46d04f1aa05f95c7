"""The live, mutable records the engine keeps for each agent and interaction.

Records are plain slotted classes, not dataclasses: the engine updates them on every event and
the router reads them on every decision, so attribute access must stay cheap. ``version`` is
bumped on every change that matters to routing; index entries carrying an older version are
stale and skipped (lazy deletion), which is what keeps each decision O(log n).
"""

from typing import TYPE_CHECKING, Final

from callfloor.core.acd.model import AgentProfile, AgentState, InteractionState, QueueProfile
from callfloor.core.config import Channel

if TYPE_CHECKING:
    from callfloor.core.acd.router import Group


# Statics under mypyc, not class lookups: available() runs for every routing decision.
_READY: Final = AgentState.READY
_BUSY: Final = AgentState.BUSY
_CALL: Final = Channel.CALL


class AgentRecord:
    """One agent's live state."""

    __slots__ = (
        "calls_today",
        "groups",
        "idle_since",
        "index",
        "last_offer",
        "left_queues",
        "load",
        "missed_in_row",
        "pending_offer",
        "pending_pause",
        "profile",
        "qualified",
        "reason",
        "state",
        "state_since",
        "version",
        "wrap_token",
    )

    def __init__(self, profile: AgentProfile, index: int) -> None:
        self.profile = profile
        self.index = index  # position in the configured order, for the linear strategy
        self.state = AgentState.LOGGED_OUT
        self.state_since = 0.0
        self.reason: str | None = None
        self.version = 0
        self.idle_since = 0.0
        self.calls_today = 0
        self.missed_in_row = 0
        self.load: dict[Channel, int] = dict.fromkeys(Channel, 0)
        self.pending_offer: str | None = None
        self.pending_pause: str | None = None
        # The groups the agent's skills qualify them for, and among them those they take offers
        # of now: all but the groups of the queues they left (AgentLeftQueue).
        self.qualified: dict[Channel, list[Group]] = {}
        self.groups: dict[Channel, list[Group]] = {}
        self.left_queues: frozenset[str] = frozenset()
        self.last_offer: dict[str, float] = {}  # queue name -> time of the last offer, for round robin
        self.wrap_token = 0

    @property
    def id(self) -> str:
        """The agent's id."""
        return self.profile.id

    def total_load(self) -> int:
        """How many interactions the agent is handling."""
        return sum(self.load.values())

    def available(self, channel: Channel) -> bool:
        """True when an interaction of ``channel`` may be offered to the agent now."""
        if self.pending_offer is not None or self.pending_pause is not None:
            return False
        if self.state is _READY:
            return True
        if self.state is not _BUSY or channel is _CALL:
            return False  # a call needs a free agent; chats and e-mails can share
        return self.load[_CALL] == 0 and self.load[channel] < self.profile.capacity.get(channel, 0)


class InteractionRecord:
    """One interaction's live state."""

    __slots__ = (
        "answered_at",
        "callback_number",
        "channel",
        "enqueued_at",
        "first_enqueued_at",
        "group",
        "held_since",
        "hold_s",
        "id",
        "offered_to",
        "priority",
        "queue",
        "state",
        "step",
        "transferred",
        "version",
    )

    def __init__(
        self, interaction: str, queue: QueueProfile, channel: Channel, priority: int, now: float
    ) -> None:
        self.id = interaction
        self.queue = queue
        self.channel = channel
        self.priority = priority
        self.state = InteractionState.WAITING
        self.version = 0
        self.first_enqueued_at = now
        self.enqueued_at = now
        self.step = 0
        self.group: Group | None = None
        self.offered_to: list[str] = []
        self.answered_at: float | None = None
        self.callback_number: str | None = None
        self.held_since: float | None = None  # on hold since then
        self.hold_s = 0.0  # hold time of the current agent's part, holds ended so far
        self.transferred = False  # an agent transferred it: its later figures are per queue only

    def rank(self) -> tuple[int, float]:
        """Ordering among waiting interactions: highest priority first, then the oldest."""
        return (-(self.priority + self.queue.priority), self.first_enqueued_at)
