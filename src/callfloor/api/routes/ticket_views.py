"""How the ticket routes show tickets: their fields, whether they are late now, their history and files.

Every view is computed at a ``now`` the route passes in, so a list and the breach report agree
on which tickets are late.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from callfloor.crm.sla import BreachCount, lateness
from callfloor.storage.tickets import Ticket, TicketAttachment, TicketComment, TicketEvent


class Late(BaseModel):
    """Which due times have passed without their event, at the time of the answer."""

    first_response: bool
    resolution: bool


class TicketOut(BaseModel):
    """A ticket as the API shows it."""

    id: int
    number: str
    kind: str
    category_id: int | None
    category: str | None
    subject: str
    description: str
    priority: str
    status: str
    level: int
    team_id: int | None
    team: str | None
    assignee_id: int | None
    contact_id: int | None
    account_id: int | None
    channel: str
    interaction_id: str | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    paused_at: datetime | None = Field(description="Since when the resolution clock is stopped (pending).")
    first_response_due: datetime | None
    resolution_due: datetime | None
    late: Late


class EventOut(BaseModel):
    """An entry of the ticket's history."""

    id: int
    type: str
    at: datetime
    actor_id: int | None
    data: dict[str, Any]


class CommentOut(BaseModel):
    id: int
    author_id: int | None
    body: str
    internal: bool
    created_at: datetime


class AttachmentOut(BaseModel):
    """A file's metadata; its bytes are at ``/api/tickets/{ticket_id}/attachments/{attachment_id}``."""

    id: int
    file_name: str
    content_type: str
    size: int
    uploaded_by: int | None
    created_at: datetime


class TicketDetail(TicketOut):
    """A ticket with its history, comments and attachments, oldest first."""

    events: list[EventOut]
    comments: list[CommentOut]
    attachments: list[AttachmentOut]


def ticket_out(ticket: Ticket, now: datetime) -> TicketOut:
    """The API view of a ticket, late or not at ``now``."""
    shown = {
        name: getattr(ticket, name)
        for name in TicketOut.model_fields
        if name not in {"category", "team", "late"}
    }
    shown["category"] = ticket.category.name if ticket.category else None
    shown["team"] = ticket.team.name if ticket.team else None
    late = lateness(ticket, now)
    return TicketOut.model_validate(
        shown | {"late": Late(first_response=late.first_response, resolution=late.resolution)}
    )


def _rows(
    model: type[BaseModel], rows: list[TicketEvent] | list[TicketComment] | list[TicketAttachment]
) -> list[Any]:
    return [model.model_validate(row, from_attributes=True) for row in rows]


def ticket_detail(ticket: Ticket, now: datetime) -> TicketDetail:
    """A ticket with everything hanging on it."""
    return TicketDetail.model_validate(
        ticket_out(ticket, now).model_dump()
        | {"events": _rows(EventOut, ticket.events), "comments": _rows(CommentOut, ticket.comments),
           "attachments": _rows(AttachmentOut, ticket.attachments)}
    )  # fmt: skip


class CountOut(BaseModel):
    """Late tickets of one team or category (``id`` null: tickets without one)."""

    id: int | None
    name: str | None
    tickets: int
    first_response: int = Field(description="Late on their first response.")
    resolution: int = Field(description="Late on their resolution (resolved late, or not yet and past due).")
    open: int = Field(description="Not resolved yet.")


class BreachesOut(BaseModel):
    """The SLA report: tickets past a due time at ``now``, counted per team and per category."""

    now: datetime
    total: int
    by_team: list[CountOut]
    by_category: list[CountOut]
    tickets: list[TicketOut]


def count_out(count: BreachCount) -> CountOut:
    """The API view of one team's or category's late tickets."""
    return CountOut.model_validate(count, from_attributes=True)
