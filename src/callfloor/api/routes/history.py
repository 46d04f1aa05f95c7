"""The history of contacts and accounts, interaction records, and the screen pop of a typed number.

Everybody who works in the customer file reads these (agents, supervisors, admins); client
viewers see no personal data. A contact, account or interaction of another tenant is 404.
Timelines are paged newest first: ``limit`` items, then the ``next`` cursor given back as
``before`` for the following page (null: none). The screen pop of a live call is at
``/api/calls/{call_id}/screen-pop`` (:mod:`callfloor.api.routes.calls`).
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from callfloor.api.deps import Caller
from callfloor.api.errors import not_found
from callfloor.api.routes.contacts import Reader, Worker, refused_as_api_errors
from callfloor.crm.history import History, TimelineOwner
from callfloor.crm.screen_pop import ScreenPop, ScreenPops
from callfloor.storage.scope import TenantScope

router = APIRouter(tags=["history"])
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=200, description="The ``next`` of the previous page.")]


class TimelineItemOut(BaseModel):
    """One item: ``kind`` (interaction, consent, ticket…) says what ``data`` holds."""

    at: datetime
    kind: str
    id: int
    contact_id: int | None
    data: dict[str, Any]


class TimelinePageOut(BaseModel):
    """One page, newest first, and the cursor of the next (null: this is the last)."""

    items: list[TimelineItemOut]
    next: str | None


class LogEntryOut(BaseModel):
    """An entry of the interaction log."""

    id: int
    type: str
    at: datetime
    queue_id: int | None
    agent_id: int | None
    payload: dict[str, Any]


class RecordingLink(BaseModel):
    """A recording of the interaction (its audio at ``url`` + ``/audio``)."""

    id: int
    started_at: datetime
    duration_s: float
    url: str


class InteractionOut(BaseModel):
    """An interaction's record, with its log entries and recordings."""

    id: int
    interaction_id: str
    channel: str
    direction: str
    number: str | None = Field(description="E.164 when it normalises, else as received.")
    contact_id: int | None
    account_id: int | None
    queue: str | None
    agent: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime
    outcome: str
    outcome_reason: str | None
    wait_s: float | None
    talk_s: float | None
    disposition: str | None
    notes: str
    recording_consent: str | None = Field(
        description="The recording notice: informed, or objected (not recorded); null: not recorded queue."
    )
    entries: list[LogEntryOut]
    recordings: list[RecordingLink]


def _timeline(
    caller: Caller, owner: TimelineOwner, found: object, limit: int, before: str | None
) -> TimelinePageOut:
    """A page of ``owner``'s timeline, once ``found`` (its contact or account) is the tenant's."""
    if found is None:
        raise not_found()
    with refused_as_api_errors():
        page = History(caller.session, caller.tenant_id).page(owner, limit, before)
    items = [
        TimelineItemOut(at=i.at, kind=i.kind, id=i.id, contact_id=i.contact_id, data=dict(i.data))
        for i in page.items
    ]
    return TimelinePageOut(items=items, next=page.next)


@router.get("/api/contacts/{contact_id}/history")
def contact_history(
    caller: Reader, contact_id: int, limit: Limit = 50, before: Cursor = None
) -> TimelinePageOut:
    """The contact's interactions, consents, tickets, quotes… newest first."""
    found = TenantScope(caller.session, caller.tenant_id).contacts.get(contact_id)
    return _timeline(caller, TimelineOwner(caller.tenant_id, contact_id=contact_id), found, limit, before)


@router.get("/api/accounts/{account_id}/history")
def account_history(
    caller: Reader, account_id: int, limit: Limit = 50, before: Cursor = None
) -> TimelinePageOut:
    """The account's timeline: its own items and its contacts', newest first."""
    found = TenantScope(caller.session, caller.tenant_id).accounts.get(account_id)
    return _timeline(caller, TimelineOwner(caller.tenant_id, account_id=account_id), found, limit, before)


@router.get("/api/interactions/{interaction_id}")
def get_interaction(caller: Reader, interaction_id: Annotated[str, Path(max_length=36)]) -> InteractionOut:
    """One interaction's record, its log entries in order, and its recordings."""
    scope = TenantScope(caller.session, caller.tenant_id)
    row = scope.interactions.by_interaction_id(interaction_id)
    if row is None:
        raise not_found()
    entries = [
        LogEntryOut.model_validate(e, from_attributes=True) for e in scope.log.for_interaction(interaction_id)
    ]
    recordings = [
        RecordingLink(
            id=r.id, started_at=r.started_at, duration_s=r.duration_s, url=f"/api/recordings/{r.id}"
        )
        for r in reversed(scope.recordings.list(interaction_id=interaction_id))
    ]
    shown = {name: getattr(row, name) for name in InteractionOut.model_fields if hasattr(row, name)}
    return InteractionOut.model_validate(shown | {"entries": entries, "recordings": recordings})


@router.get("/api/screen-pop")
def screen_pop(caller: Worker, number: Annotated[str, Query(max_length=64)]) -> ScreenPop:
    """The screen pop of a number typed by hand (any format): who it is, their last calls, open tickets."""
    return ScreenPops(caller.session, caller.tenant_id).build(number)
