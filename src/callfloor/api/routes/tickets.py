"""Tickets of the caller's tenant: complaints, information requests and after-sales requests.

Agents, supervisors and admins work tickets; client viewers get 403, and another tenant's ticket
is 404. A new ticket names its category by id or by name; its SLA due times are computed in the
tenant's business hours (``/api/schedule``), and every view says whether it is late *now*.
Level-1 triage ends with ``/status`` (resolved, with the checklist's answers) or ``/escalate``
(a level-2 team, a reason, the answers); the history keeps both. Refused data answers 422 with
the field named (409 for a move the status table forbids), in French and English.
"""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found, refusals
from callfloor.api.routes.contacts import CUSTOMER_FILE
from callfloor.api.routes.ticket_views import (
    BreachesOut,
    CommentOut,
    TicketDetail,
    TicketOut,
    count_out,
    ticket_detail,
    ticket_out,
)
from callfloor.crm.sla import breach_report
from callfloor.crm.ticket_status import TicketStatus
from callfloor.crm.tickets import TicketDesk, TicketInput
from callfloor.storage.tickets import Ticket
from callfloor.storage.types import utcnow

Worker = Annotated[Caller, Depends(require(CUSTOMER_FILE))]
router = APIRouter(prefix="/api/tickets", tags=["tickets"])
Status = Literal["new", "open", "pending", "resolved", "closed"]
Answers = Annotated[list[Annotated[str, Field(max_length=2000)]], Field(max_length=50)]


ticket_refusals = refusals  # the family's refusals answered with their status and messages


def desk(caller: Caller) -> TicketDesk:
    """The caller's tenant's tickets."""
    return TicketDesk(caller.session, caller.tenant_id)


def ticket_of(caller: Caller, ticket_id: int) -> Ticket:
    """The ticket of the caller's tenant, or 404."""
    ticket = desk(caller).scope.tickets.get(ticket_id)
    if ticket is None:
        raise not_found()
    return ticket


class TicketIn(BaseModel):
    """A new ticket; the category (by id or by name) gives its kind, SLA, priority and team."""

    model_config = ConfigDict(extra="forbid")

    subject: Annotated[str, Field(min_length=1, max_length=200)]
    category_id: int | None = None
    category: Annotated[str, Field(max_length=100)] | None = Field(None, description="The category's name.")
    description: Annotated[str, Field(max_length=20_000)] = ""
    priority: Literal["low", "normal", "high", "urgent"] | None = None
    contact_id: int | None = None
    account_id: int | None = None
    channel: Literal["phone", "chat", "email", "mail", "web"] = "phone"
    interaction_id: Annotated[str, Field(max_length=255)] | None = None
    team_id: int | None = None
    assignee_id: int | None = None


class CommentIn(BaseModel):
    """A comment; ``internal`` ones stay in the center, the others are the customer's to see."""

    body: Annotated[str, Field(min_length=1, max_length=20_000)]
    internal: bool = True


class StatusIn(BaseModel):
    """A move in the status table; resolving at level 1 may carry the checklist's answers."""

    status: Status
    checklist_answers: Answers | None = None


class AssignIn(BaseModel):
    """Who works the ticket (null: nobody), and in which team of its level."""

    assignee_id: int | None = None
    team_id: int | None = None


class EscalateIn(BaseModel):
    """Escalation to a level-2 team (by id or name), with the reason and every checklist answer."""

    team_id: int | None = None
    team: Annotated[str, Field(max_length=64)] | None = None
    reason: Annotated[str, Field(min_length=1, max_length=2000)]
    checklist_answers: Answers = []


@router.get("")
def list_tickets(
    caller: Worker,
    *,
    status: Annotated[list[Status] | None, Query()] = None,
    team_id: int | None = None,
    assignee_id: int | None = None,
    contact_id: int | None = None,
    breached: Annotated[bool, Query(description="Only tickets past a due time now.")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[TicketOut]:
    """The tenant's tickets matching every filter given, newest first."""
    now = utcnow()
    found = desk(caller).scope.tickets.find(
        statuses=status or (), team_id=team_id, assignee_id=assignee_id, contact_id=contact_id,
        late_at=now if breached else None, limit=limit, offset=offset,
    )  # fmt: skip
    return [ticket_out(t, now) for t in found]


@router.get("/breaches")
def breaches(
    caller: Worker,
    since: Annotated[datetime | None, Query(description="Only tickets created from then on.")] = None,
) -> BreachesOut:
    """The SLA report for reports and the wallboard: late tickets, per team and category."""
    report = breach_report(desk(caller).scope, utcnow().replace(microsecond=0), since=since)
    return BreachesOut(
        now=report.now,
        total=len(report.tickets),
        by_team=[count_out(c) for c in report.by_team],
        by_category=[count_out(c) for c in report.by_category],
        tickets=[ticket_out(t, report.now) for t, _ in report.tickets],
    )


@router.post("", status_code=201)
def create_ticket(caller: Worker, body: TicketIn) -> TicketDetail:
    """Open a ticket, numbered, its due times computed in the tenant's business hours."""
    tickets = desk(caller)
    category_id = body.category_id
    if category_id is None and body.category is not None:
        found = tickets.scope.ticket_categories.by_name(body.category)
        category_id = found.id if found else None
    if category_id is None:
        raise ApiError(
            422, "invalid_ticket", "category_id : catégorie inconnue", "category_id: unknown category"
        )
    values = body.model_dump(exclude={"category_id", "category", "priority"})
    given = TicketInput(category_id=category_id, priority=body.priority, **values)
    with ticket_refusals():
        ticket = tickets.create(given, actor=caller.user, now=utcnow())
    return ticket_detail(ticket, utcnow())


@router.get("/{ticket_id}")
def get_ticket(caller: Worker, ticket_id: int) -> TicketDetail:
    """One ticket, with its history, comments and attachments."""
    return ticket_detail(ticket_of(caller, ticket_id), utcnow())


@router.post("/{ticket_id}/comments", status_code=201)
def add_comment(caller: Worker, ticket_id: int, body: CommentIn) -> CommentOut:
    """Comment; the first comment the customer sees is the ticket's first response."""
    ticket = ticket_of(caller, ticket_id)
    with ticket_refusals():
        comment = desk(caller).comment(
            ticket, body.body, internal=body.internal, actor=caller.user, now=utcnow()
        )
    return CommentOut.model_validate(comment, from_attributes=True)


@router.post("/{ticket_id}/status")
def change_status(caller: Worker, ticket_id: int, body: StatusIn) -> TicketDetail:
    """Move the ticket through its status table (409 for a move it forbids)."""
    ticket = ticket_of(caller, ticket_id)
    with ticket_refusals():
        desk(caller).change_status(
            ticket, TicketStatus(body.status), actor=caller.user, now=utcnow(),
            checklist_answers=body.checklist_answers,
        )  # fmt: skip
    return ticket_detail(ticket, utcnow())


@router.post("/{ticket_id}/assign")
def assign(caller: Worker, ticket_id: int, body: AssignIn) -> TicketDetail:
    """Give the ticket to a user, and to a team of its level when one is named."""
    ticket = ticket_of(caller, ticket_id)
    with ticket_refusals():
        desk(caller).assign(ticket, body.assignee_id, team_id=body.team_id, actor=caller.user, now=utcnow())
    return ticket_detail(ticket, utcnow())


@router.post("/{ticket_id}/escalate")
def escalate(caller: Worker, ticket_id: int, body: EscalateIn) -> TicketDetail:
    """Level-1 triage done: hand the ticket to a level-2 team, with the reason and the checklist."""
    ticket = ticket_of(caller, ticket_id)
    tickets = desk(caller)
    team_id = body.team_id
    if team_id is None and body.team is not None:
        found = tickets.scope.teams.by_name(body.team)
        team_id = found.id if found else None
    if team_id is None:
        raise ApiError(422, "invalid_ticket", "team_id : équipe inconnue", "team_id: unknown team")
    with ticket_refusals():
        tickets.escalate(
            ticket, team_id, body.reason, body.checklist_answers, actor=caller.user, now=utcnow()
        )
    return ticket_detail(ticket, utcnow())
