"""The life of a ticket, as a transition table.

A ticket is *new* until someone works it, *open* while the center works it, *pending* while it
waits for the customer (its resolution clock stopped), *resolved* once answered, and *closed*
when the file is final. A resolved ticket may be reopened (back to *open*) when the customer
says it is not; a closed one may not. A new ticket may be resolved at once, as a level-1 agent
does with an information request answered during the call.

Every change goes through the table, so that an illegal one (a closed ticket reopened, a new
ticket closed unanswered) raises :class:`~callfloor.crm.ticket_errors.StatusMoveError` naming
both states instead of being silently applied.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from callfloor.crm.ticket_errors import StatusMoveError


class TicketStatus(StrEnum):
    """Where a ticket is in its life."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"  # waiting for the customer: the resolution clock is stopped
    RESOLVED = "resolved"
    CLOSED = "closed"


S = TicketStatus
TRANSITIONS: Final[Mapping[TicketStatus, frozenset[TicketStatus]]] = {
    S.NEW: frozenset({S.OPEN, S.PENDING, S.RESOLVED}),
    S.OPEN: frozenset({S.PENDING, S.RESOLVED}),
    S.PENDING: frozenset({S.OPEN, S.RESOLVED}),
    S.RESOLVED: frozenset({S.OPEN, S.CLOSED}),  # back to open: reopened
    S.CLOSED: frozenset(),
}

#: Statuses in which the center still works the ticket (it may be triaged and escalated).
WORKED: Final = frozenset({S.NEW, S.OPEN, S.PENDING})


def move(ticket: str, old: TicketStatus, new: TicketStatus) -> TicketStatus:
    """``new`` if the table allows ``old -> new``, else :class:`StatusMoveError` naming both."""
    if new not in TRANSITIONS[old]:
        raise StatusMoveError(
            f"ticket {ticket}: cannot go from {old} to {new}",
            f"ticket {ticket} : impossible de passer de {old} à {new}",
            field="status",
        )
    return new


def is_reopening(old: TicketStatus, new: TicketStatus) -> bool:
    """Whether ``old -> new`` reopens a resolved ticket."""
    return old == S.RESOLVED and new == S.OPEN
