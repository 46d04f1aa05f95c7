"""A lead's life cycle in a campaign: its statuses and the moves allowed from each.

::

    untouched ─┐                              ┌─► scheduled  (a retry is due later)
    scheduled ─┼─ hand_out ─► in_progress ─ record ─┼─► callback  (a time was agreed, maybe with an agent)
    callback  ─┘                   │                ├─► done       (a final disposition: sale, refusal…)
         ▲                         │                └─► exhausted  (attempts spent, or never again)
         └── release, or an attempt that was none (blocked) ──┘

A list's progress as supervisors read it (untouched, in progress, done, exhausted) groups
``scheduled``, ``callback`` and ``in_progress`` as "in progress" (:func:`list_view`). The moves
are a table, so that a driver's mistake (recording a lead never handed out, handing one out
twice) raises :class:`LeadStateError` with a name rather than corrupting the book.
"""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from callfloor.core.dialer import DialerError


class LeadStatus(StrEnum):
    """Where a lead stands in its campaign."""

    UNTOUCHED = "untouched"  # never tried
    IN_PROGRESS = "in_progress"  # handed out: being dialed or previewed
    SCHEDULED = "scheduled"  # waiting for a retry
    CALLBACK = "callback"  # a scheduled callback (rappel), for one agent or the campaign
    DONE = "done"  # a final disposition (success or not)
    EXHAUSTED = "exhausted"  # attempts spent, or an outcome never retried


class Move(StrEnum):
    """What a lead book does to a lead."""

    HAND_OUT = "hand_out"
    RECORD = "record"
    RELEASE = "release"
    DEFER = "defer"
    NEVER = "never"


#: Statuses a lead may be callable from (waiting for its due time).
WAITING = frozenset({LeadStatus.UNTOUCHED, LeadStatus.SCHEDULED, LeadStatus.CALLBACK})
#: Statuses a lead never leaves.
FINISHED = frozenset({LeadStatus.DONE, LeadStatus.EXHAUSTED})

#: From which statuses each move is allowed. Deferring or barring a finished lead is allowed
#: and changes nothing (a compliance sweep may touch every lead of a list).
MOVES: Mapping[Move, frozenset[LeadStatus]] = MappingProxyType(
    {
        Move.HAND_OUT: WAITING,
        Move.RECORD: frozenset({LeadStatus.IN_PROGRESS}),
        Move.RELEASE: frozenset({LeadStatus.IN_PROGRESS}),
        Move.DEFER: frozenset(LeadStatus),
        Move.NEVER: frozenset(LeadStatus),
    }
)

#: The four states of a list's progress shown to supervisors.
LIST_VIEW: Mapping[LeadStatus, str] = MappingProxyType(
    {
        LeadStatus.UNTOUCHED: "untouched",
        LeadStatus.IN_PROGRESS: "in_progress",
        LeadStatus.SCHEDULED: "in_progress",
        LeadStatus.CALLBACK: "in_progress",
        LeadStatus.DONE: "done",
        LeadStatus.EXHAUSTED: "exhausted",
    }
)


class LeadStateError(DialerError):
    """A move a lead cannot make in its status (e.g. ``record`` of a lead not handed out)."""

    def __init__(self, lead_id: str, status: LeadStatus, move: Move) -> None:
        super().__init__(f"lead {lead_id!r}: no {move} while {status}")
        self.lead_id, self.status, self.move = lead_id, status, move


def check(lead_id: str, status: LeadStatus, move: Move) -> None:
    """Raise :class:`LeadStateError` unless ``move`` is allowed from ``status``."""
    if status not in MOVES[move]:
        raise LeadStateError(lead_id, status, move)


def list_view(counts: Mapping[LeadStatus, int]) -> dict[str, int]:
    """Counts per status folded into the list's four states (untouched, in progress, done, exhausted)."""
    view = dict.fromkeys(("untouched", "in_progress", "done", "exhausted"), 0)
    for status, count in counts.items():
        view[LIST_VIEW[status]] += count
    return view
