"""Scheduled callbacks (rappels programmés) of the caller's tenant: agreed during a call, called when due.

Agents, supervisors and admins schedule, list and close them; client viewers get 403, and
another tenant's callback is 404. ``due_at`` without an offset is the tenant's wall clock
(``2026-03-19T10:00``: ten o'clock where the center is); with one, it is that instant. Lists
are soonest first; ``mine`` gives the caller's own and anyone's, ``due`` those whose time has
come. See :mod:`callfloor.crm.scheduled_callbacks` for why these are a record of their own.
"""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import not_found, refusals
from callfloor.api.routes.contacts import CUSTOMER_FILE
from callfloor.crm.scheduled_callbacks import CANCELLED, DONE, NOTE_LENGTH, CallbackBook, CallbackInput
from callfloor.storage.callbacks import ScheduledCallback
from callfloor.storage.types import utcnow

router = APIRouter(prefix="/api/callbacks", tags=["callbacks"])
Worker = Annotated[Caller, Depends(require(CUSTOMER_FILE))]


class CallbackIn(BaseModel):
    """A callback to schedule for a contact: when, for whom, why."""

    model_config = ConfigDict(extra="forbid")

    contact_id: int
    due_at: datetime = Field(description="Without an offset: the tenant's wall clock.")
    note: Annotated[str, Field(max_length=NOTE_LENGTH)] = ""
    number: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="Default: the contact's first phone."
    )
    for_me: bool = Field(True, description="For the caller; false: for anyone of the tenant.")
    interaction_id: Annotated[str, Field(max_length=36)] | None = Field(
        None, description="The call the callback was agreed on."
    )


class CallbackOut(BaseModel):
    """A scheduled callback."""

    id: int
    contact_id: int | None
    number: str
    due_at: datetime
    assignee_id: int | None = Field(description="Who calls back; null: anyone of the tenant.")
    note: str
    status: Literal["pending", "done", "cancelled"]
    interaction_id: str | None
    created_by: int | None
    created_at: datetime
    closed_at: datetime | None


def callback_out(row: ScheduledCallback) -> CallbackOut:
    """A callback as the API shows it."""
    return CallbackOut.model_validate(row, from_attributes=True)


def _callback(book: CallbackBook, callback_id: int) -> ScheduledCallback:
    row = book.callbacks.get(callback_id)
    if row is None:
        raise not_found()
    return row


@router.post("", status_code=201)
def schedule_callback(caller: Worker, body: CallbackIn) -> CallbackOut:
    """Schedule a callback of a contact (422 for a time past or beyond a year, an unknown contact)."""
    given = CallbackInput(
        contact_id=body.contact_id, due_at=body.due_at, note=body.note, number=body.number,
        assignee_id=caller.user.id if body.for_me else None, interaction_id=body.interaction_id,
    )  # fmt: skip
    with refusals():
        row = CallbackBook(caller.session, caller.tenant_id).schedule(given, actor=caller.user, now=utcnow())
    return callback_out(row)


@router.get("")
def list_callbacks(
    caller: Worker,
    *,
    status: Literal["pending", "done", "cancelled"] | None = None,
    contact_id: int | None = None,
    mine: Annotated[bool, Query(description="Only the caller's own and anyone's.")] = False,
    due: Annotated[bool, Query(description="Only those whose time has come.")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CallbackOut]:
    """The tenant's callbacks matching every filter given, soonest first."""
    rows = CallbackBook(caller.session, caller.tenant_id).callbacks.find(
        status=status, contact_id=contact_id, for_user=caller.user.id if mine else None,
        due_before=utcnow() if due else None, limit=limit,
    )  # fmt: skip
    return [callback_out(r) for r in rows]


@router.post("/{callback_id}/done")
def callback_done(caller: Worker, callback_id: int) -> CallbackOut:
    """The customer was called back (409 when it is not pending any more)."""
    book = CallbackBook(caller.session, caller.tenant_id)
    with refusals():
        return callback_out(book.close(_callback(book, callback_id), DONE, now=utcnow()))


@router.post("/{callback_id}/cancel")
def cancel_callback(caller: Worker, callback_id: int) -> CallbackOut:
    """The callback is no longer wanted (409 when it is not pending any more)."""
    book = CallbackBook(caller.session, caller.tenant_id)
    with refusals():
        return callback_out(book.close(_callback(book, callback_id), CANCELLED, now=utcnow()))
