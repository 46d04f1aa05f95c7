"""The dialer's shared vocabulary: a lead, the outcome of one attempt, and the lead source.

A *lead* is one contact of a campaign's list as the dialer sees it: an id, the number to dial
(E.164), a priority, and, for a scheduled callback, the agent who must take it. The pacing
asks a :class:`LeadSource` for the next callable lead and tells it what became of each attempt;
:class:`callfloor.core.dialer.leads.LeadBook` is the one the server and the simulator use.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol


class Outcome(StrEnum):
    """What the network (or the agent's disposition) says of one attempt."""

    ANSWERED = "answered"  # a person answered and talked to an agent
    NO_ANSWER = "no_answer"  # rang out
    BUSY = "busy"
    MACHINE = "machine"  # answering machine detected (AMD)
    DROPPED = "dropped"  # answered, no agent within 2 s: recorded message, counts as a drop
    FAILED = "failed"  # network refusal, congestion, unreachable
    INVALID = "invalid"  # the number does not exist (404, 484, 604)
    BLOCKED = "blocked"  # not placed: a compliance rule refused it


@dataclass(frozen=True, slots=True)
class Lead:
    """One contact to call, as the dialer needs it."""

    id: str
    number: str
    priority: int = 0  # higher first
    agent: str | None = None  # a callback reserved for this agent
    data: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


class LeadSource(Protocol):
    """Where the pacing takes its leads and reports their attempts."""

    def next_lead(self, now: float, agent: str | None = None) -> Lead | None:
        """The best lead callable now (reserved for ``agent`` first if given), or None."""
        ...

    def record(
        self,
        lead_id: str,
        outcome: Outcome,
        now: float,
        *,
        disposition: str | None = None,
        callback_at: float | None = None,
        callback_agent: str | None = None,
    ) -> None:
        """What became of the lead's attempt; the source decides when, if ever, to retry."""
        ...

    def release(self, lead_id: str) -> None:
        """The lead was handed out but not dialed after all (a preview skipped, an agent gone)."""
        ...
