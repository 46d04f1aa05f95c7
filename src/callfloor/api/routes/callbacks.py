"""Scheduled callbacks (rappels programmés) of the caller's tenant: agreed during a call, called when due.

Agents, supervisors and admins schedule, list and close them; client viewers get 403, and
another tenant's callback is 404. ``due_at`` without an offset is the tenant's wall clock
(``2026-03-19T10:00``: ten o'clock where the center is); with one, it is that instant. Lists
are soonest first; ``mine`` gives the caller's own and anyone's, ``due`` those whose time has
come. See :mod:`callfloor.crm.scheduled_callbacks` for why these are a record of their own.

From the desk (« Mes rappels »): ``postpone`` moves a pending callback to a new time; ``dial``
is click-to-dial, which takes the callback for the caller (an anyone-callback becomes theirs:
another agent's ``dial`` then gets 409 ``callback_taken``), rings the caller's registered phone,
then the customer through the tenant's trunk (:mod:`callfloor.server.sip.callback_dials`);
``dials`` lists the caller's callback being dialed, and ``hangup`` ends it. A dial is refused
with 503 ``no_trunk`` (no trunk) or ``no_sip_server``, and 409 ``no_extension`` (the caller is
no agent), ``not_logged_in``, ``no_phone``, ``agent_busy``, ``callback_dialing``,
``callback_closed`` or ``callback_taken``.
"""

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found, refusals
from callfloor.api.routes.agent_state import no_sip_server, sip_endpoint
from callfloor.api.routes.contacts import CUSTOMER_FILE
from callfloor.api.sip_loop import on_sip_loop
from callfloor.core.roles import Role
from callfloor.crm.scheduled_callbacks import CANCELLED, DONE, NOTE_LENGTH, CallbackBook, CallbackInput
from callfloor.server.sip.callback_dials import CallbackDial, CallbackOrder
from callfloor.server.sip.calls import CallControlError
from callfloor.storage.callbacks import ScheduledCallback
from callfloor.storage.scope import TenantScope
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
    attempts: int = Field(0, description="The desk's tries that did not reach the customer, or did.")
    last_attempt_at: datetime | None = None
    last_outcome: str | None = Field(
        None, description="answered, busy, no_answer, invalid, failed or cancelled (the agent gave up)."
    )
    contact_name: str | None = Field(None, description="The contact's name (lists only).")


class PostponeIn(BaseModel):
    """The new time of a pending callback."""

    model_config = ConfigDict(extra="forbid")

    due_at: datetime = Field(description="Without an offset: the tenant's wall clock.")


class DialOut(BaseModel):
    """A scheduled callback being called back from the desk."""

    callback_id: int
    agent: str = Field(description="The extension whose phone rang first.")
    number: str
    state: Literal["ringing_agent", "calling", "talking", "ended"] = Field(
        description="ringing_agent: the agent's phone rings; calling: the customer's rings; "
        "ended: as a command ended it."
    )
    interaction_id: str = Field(description="The outbound interaction, once the customer is rung.")
    since: datetime
    outcome: str | None = Field(None, description="Once ended: answered, cancelled… (null: not dialed).")


def callback_out(row: ScheduledCallback, names: dict[int, str] | None = None) -> CallbackOut:
    """A callback as the API shows it (with its contact's name, from ``names``)."""
    out = CallbackOut.model_validate(row, from_attributes=True)
    if names is not None and row.contact_id is not None:
        out.contact_name = names.get(row.contact_id)
    return out


def dial_out(dial: CallbackDial) -> DialOut:
    """A dial as the API shows it."""
    order = dial.order
    return DialOut(
        callback_id=order.callback_id, agent=order.agent, number=order.number,
        state=dial.state,  # type: ignore[arg-type]
        interaction_id=dial.interaction, since=datetime.fromtimestamp(dial.started, UTC),
        outcome=dial.outcome,
    )  # fmt: skip


def _listed(book: CallbackBook, rows: Sequence[ScheduledCallback]) -> list[CallbackOut]:
    names = book.names(rows)
    return [callback_out(r, names) for r in rows]


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
    book = CallbackBook(caller.session, caller.tenant_id)
    rows = book.callbacks.find(
        status=status, contact_id=contact_id, for_user=caller.user.id if mine else None,
        due_before=utcnow() if due else None, limit=limit,
    )  # fmt: skip
    return _listed(book, rows)


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


@router.post("/{callback_id}/postpone")
def postpone_callback(caller: Worker, callback_id: int, body: PostponeIn) -> CallbackOut:
    """Move a pending callback to a new time (422 for a time past or beyond a year, 409 when closed)."""
    book = CallbackBook(caller.session, caller.tenant_id)
    with refusals():
        return callback_out(book.postpone(_callback(book, callback_id), body.due_at, now=utcnow()))


def _extension(caller: Caller) -> str | None:
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    return agent.extension if agent is not None else None


def _take(caller: Caller, callback_id: int) -> int | None:
    """Take the callback for the caller, committed at once (its assignee before: to give it back)."""
    with caller.context.sessions.begin() as session, refusals():
        book = CallbackBook(session, caller.tenant_id)
        row = _callback(book, callback_id)
        previous = row.assignee_id
        book.take(row, caller.user.id)
        return previous


def _release(caller: Caller, callback_id: int, previous: int | None) -> None:
    with caller.context.sessions.begin() as session:
        CallbackBook(session, caller.tenant_id).release(callback_id, caller.user.id, previous)


@router.post("/{callback_id}/dial")
async def dial_callback(request: Request, caller: Worker, callback_id: int) -> DialOut:
    """Call the customer back: the caller's phone rings first, then the customer's (see the module)."""
    book = CallbackBook(caller.session, caller.tenant_id)
    row = _callback(book, callback_id)
    with refusals():
        book.may_take(row, caller.user.id)
    extension = _extension(caller)
    if extension is None:
        raise ApiError(
            409, "no_extension", "Vous n'avez pas de poste d'agent.", "You have no agent extension."
        )
    endpoint = sip_endpoint(request)
    if endpoint is None:
        raise no_sip_server()
    previous = await asyncio.to_thread(_take, caller, row.id)
    order = CallbackOrder(caller.tenant_id, row.id, extension, row.number, row.contact_id)
    try:
        dial = await on_sip_loop(endpoint.calls.loop, lambda: endpoint.callback_dials.dial(order))
    except CallControlError as exc:
        await asyncio.to_thread(_release, caller, row.id, previous)
        raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc
    return dial_out(dial)


@router.get("/dials")
async def list_dials(request: Request, caller: Worker) -> list[DialOut]:
    """The caller's scheduled callback being called back, if any (none without a SIP server)."""
    endpoint, extension = sip_endpoint(request), _extension(caller)
    if endpoint is None or extension is None:
        return []
    dials = endpoint.callback_dials
    found = await on_sip_loop(endpoint.calls.loop, lambda: dials.of_agent(caller.tenant_id, extension))
    return [dial_out(d) for d in found]


@router.post("/{callback_id}/hangup")
async def hang_up_dial(request: Request, caller: Worker, callback_id: int) -> DialOut:
    """End the callback's call from the desk, ringing or talking (404 when none is under way);
    agents end their own, supervisors and admins any of the tenant's."""
    book = CallbackBook(caller.session, caller.tenant_id)
    _callback(book, callback_id)
    endpoint = sip_endpoint(request)
    if endpoint is None:
        raise no_sip_server()
    dials, extension = endpoint.callback_dials, _extension(caller)
    mine_only = caller.role is Role.AGENT

    def hang_up() -> CallbackDial | None:
        dial = dials.dials.get((caller.tenant_id, callback_id))
        if dial is None or (mine_only and dial.order.agent != extension):
            return None
        return dials.hang_up(caller.tenant_id, callback_id)

    ended = await on_sip_loop(endpoint.calls.loop, hang_up)
    if ended is None:
        raise not_found()
    return dial_out(ended)
