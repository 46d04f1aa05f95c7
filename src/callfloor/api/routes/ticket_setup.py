"""Teams and ticket categories of the caller's tenant: admins write them, ticket workers read them.

A team is of level 1 (triage) or 2 (experts), with its members; a category carries its kind,
its SLA in business seconds, its default priority and team, and the level-1 checklist. Changes
are audited. A category's new SLA applies to tickets created afterwards; open tickets keep the
due times they were given.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import not_found
from callfloor.api.routes.tickets import Worker, ticket_refusals
from callfloor.core.roles import CONFIGURE
from callfloor.crm.ticket_setup import MAX_SLA_S, MAX_STEPS, TicketSetup
from callfloor.storage.repositories import audit
from callfloor.storage.tickets import Team, TicketCategory

teams = APIRouter(prefix="/api/teams", tags=["tickets"])
categories = APIRouter(prefix="/api/ticket-categories", tags=["tickets"])
Admin = Annotated[Caller, Depends(require(CONFIGURE))]
Seconds = Annotated[int, Field(ge=1, le=MAX_SLA_S)]


class TeamIn(BaseModel):
    """A team, its level and its members (user ids)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=64)]
    level: Literal[1, 2] = 1
    member_ids: Annotated[list[int], Field(max_length=500)] = []


class TeamOut(TeamIn):
    id: int


class TicketCategoryIn(BaseModel):
    """A category: kind, SLA targets in business seconds, defaults, and the level-1 checklist."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100)]
    kind: Literal["complaint", "information", "after_sales"]
    first_response_s: Seconds = Field(description="First response target, in business seconds.")
    resolution_s: Seconds = Field(description="Resolution target, in business seconds.")
    default_priority: Literal["low", "normal", "high", "urgent"] = "normal"
    default_team_id: int | None = None
    checklist: Annotated[list[Annotated[str, Field(max_length=500)]], Field(max_length=MAX_STEPS)] = []
    active: bool = True


class TicketCategoryOut(TicketCategoryIn):
    id: int


def _team_out(team: Team) -> TeamOut:
    return TeamOut(id=team.id, name=team.name, level=team.level, member_ids=[m.user_id for m in team.members])  # type: ignore[arg-type]


def _category_out(category: TicketCategory) -> TicketCategoryOut:
    return TicketCategoryOut.model_validate(category, from_attributes=True)


def _setup(caller: Caller) -> TicketSetup:
    return TicketSetup(caller.session, caller.tenant_id)


def _audit(caller: Caller, action: str, target: int, details: dict[str, Any] | None = None) -> None:
    audit(
        caller.session,
        action,
        tenant_id=caller.tenant_id,
        actor=caller.user,
        target=str(target),
        details=details,
    )


def _team(caller: Caller, team_id: int) -> Team:
    team = _setup(caller).scope.teams.get(team_id)
    if team is None:
        raise not_found()
    return team


def _category(caller: Caller, category_id: int) -> TicketCategory:
    category = _setup(caller).scope.ticket_categories.get(category_id)
    if category is None:
        raise not_found()
    return category


@teams.get("")
def list_teams(caller: Worker) -> list[TeamOut]:
    """The tenant's teams, by id."""
    return [_team_out(t) for t in _setup(caller).scope.teams.list()]


@teams.get("/{team_id}")
def get_team(caller: Worker, team_id: int) -> TeamOut:
    """One team."""
    return _team_out(_team(caller, team_id))


def _save_team(caller: Caller, body: TeamIn, team: Team | None) -> TeamOut:
    with ticket_refusals():
        saved = _setup(caller).save_team(team, body.name, body.level, body.member_ids)
    _audit(caller, "team.update" if team else "team.create", saved.id, body.model_dump())
    return _team_out(saved)


@teams.post("", status_code=201)
def create_team(caller: Admin, body: TeamIn) -> TeamOut:
    """A new team."""
    return _save_team(caller, body, None)


@teams.put("/{team_id}")
def replace_team(caller: Admin, team_id: int, body: TeamIn) -> TeamOut:
    """Replace a team's name, level and members."""
    return _save_team(caller, body, _team(caller, team_id))


@teams.delete("/{team_id}", status_code=204)
def delete_team(caller: Admin, team_id: int) -> Response:
    """Delete a team; its tickets stay, without a team."""
    _setup(caller).delete_team(_team(caller, team_id))
    _audit(caller, "team.delete", team_id)
    return Response(status_code=204)


@categories.get("")
def list_categories(caller: Worker) -> list[TicketCategoryOut]:
    """The tenant's ticket categories, by id."""
    return [_category_out(c) for c in _setup(caller).scope.ticket_categories.list()]


@categories.get("/{category_id}")
def get_category(caller: Worker, category_id: int) -> TicketCategoryOut:
    """One category."""
    return _category_out(_category(caller, category_id))


@categories.post("", status_code=201)
def create_category(caller: Admin, body: TicketCategoryIn) -> TicketCategoryOut:
    """A new category."""
    with ticket_refusals():
        category = _setup(caller).create_category(body.model_dump())
    _audit(caller, "ticket_category.create", category.id)
    return _category_out(category)


@categories.put("/{category_id}")
def replace_category(caller: Admin, category_id: int, body: TicketCategoryIn) -> TicketCategoryOut:
    """Replace a category; tickets already open keep their due times."""
    category = _category(caller, category_id)
    with ticket_refusals():
        _setup(caller).update_category(category, body.model_dump())
    _audit(caller, "ticket_category.update", category.id)
    return _category_out(category)


@categories.delete("/{category_id}", status_code=204)
def delete_category(caller: Admin, category_id: int) -> Response:
    """Delete a category; its tickets keep their due times and lose their category."""
    _setup(caller).delete_category(_category(caller, category_id))
    _audit(caller, "ticket_category.delete", category_id)
    return Response(status_code=204)
