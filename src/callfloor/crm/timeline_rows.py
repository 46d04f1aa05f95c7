"""Tickets, quotes, orders and appointments in contacts' and accounts' timelines and screen pops.

Each of these tables has a contact column, an account column and an instant that places a row
in time, so one :class:`RowSource` serves them all (the interface is
:class:`callfloor.crm.history.TimelineSource`): a ticket is placed when it was opened, a quote
when it was written, an order when it was taken, an appointment when it takes place (a
timeline read today shows next week's visit at the top, where the agent looks first).

The sources and the screen pop's :data:`~callfloor.crm.screen_pop.OPEN_TICKETS` section are
registered when this module is imported, which the services that own these tables do
(:mod:`callfloor.crm.tickets`, :mod:`callfloor.crm.sales`, :mod:`callfloor.crm.appointments`):
whatever imports one of them (the API app, and through it ``callfloor up``'s SIP server) shows
them all.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from callfloor.crm.history import (
    TIMELINE_SOURCES,
    TimelineItem,
    TimelineKey,
    TimelineOwner,
    newest_first,
    older_than,
)
from callfloor.crm.screen_pop import OPEN_TICKETS, POP_SECTIONS
from callfloor.storage.appointments import Appointment
from callfloor.storage.sales import Order, Quote
from callfloor.storage.tickets import Ticket

#: Ticket statuses still being worked: what the screen pop lists as open.
OPEN_STATUSES = ("new", "open", "pending")


@dataclass(frozen=True, slots=True, eq=False)
class RowSource:
    """The rows of one table as timeline items of one kind, placed at ``at``; ``only`` filters them."""

    kind: str
    model: type[Any]
    at: InstrumentedAttribute[datetime]
    fields: tuple[str, ...]
    only: ColumnElement[bool] | None = None

    def items(
        self, session: Session, owner: TimelineOwner, before: TimelineKey | None, limit: int
    ) -> Sequence[TimelineItem]:
        """The owner's rows older than ``before``, newest first, at most ``limit``."""
        model, at = self.model, self.at
        query = select(model).where(
            model.tenant_id == owner.tenant_id,
            owner.of(model.contact_id, model.account_id),
            older_than(before, self.kind, at, model.id),
            true() if self.only is None else self.only,
        )
        rows = session.scalars(query.order_by(*newest_first(at, model.id)).limit(limit))
        return [self.item(row) for row in rows]

    def item(self, row: Any) -> TimelineItem:
        """One row as a timeline item."""
        data = {name: _plain(getattr(row, name)) for name in self.fields}
        return TimelineItem(getattr(row, self.at.key), self.kind, row.id, row.contact_id, data)


def _plain(value: Any) -> Any:
    """Money as a string, as the sales API shows it; anything else as it is."""
    return str(value) if isinstance(value, Decimal) else value


TICKETS = RowSource(
    "ticket",
    Ticket,
    Ticket.created_at,
    ("number", "subject", "kind", "status", "priority", "level", "channel", "account_id", "resolved_at"),
)
QUOTES = RowSource(
    "quote",
    Quote,
    Quote.created_at,
    ("number", "status", "account_id", "total_excl_vat", "total_incl_vat", "valid_until", "sent_on"),
)
ORDERS = RowSource(
    "order",
    Order,
    Order.taken_at,
    ("number", "status", "account_id", "quote_id", "total_excl_vat", "total_incl_vat"),
)
APPOINTMENTS = RowSource(
    "appointment",
    Appointment,
    Appointment.start_at,
    ("subject", "status", "account_id", "calendar_id", "end_at", "location", "source", "booked_at"),
)
OPEN_TICKETS_SOURCE = RowSource(
    TICKETS.kind, Ticket, TICKETS.at, TICKETS.fields, Ticket.status.in_(OPEN_STATUSES)
)


def open_tickets(session: Session, owner: TimelineOwner, limit: int) -> Sequence[TimelineItem]:
    """The screen pop's section: the owner's tickets still being worked, newest first."""
    return OPEN_TICKETS_SOURCE.items(session, owner, None, limit)


for _source in (TICKETS, QUOTES, ORDERS, APPOINTMENTS):
    TIMELINE_SOURCES.register(_source)
POP_SECTIONS.register(OPEN_TICKETS, open_tickets)
