"""An agent's note on an interaction, from the desk: during the call or after it.

``POST /api/interactions/{interaction_id}/note`` appends the note (see
:mod:`callfloor.crm.interaction_notes`). While the call is live the note is kept with the
interaction on the SIP server's floor and written with its record when it ends (``recorded``
false); once it has ended, it is added to the record (``recorded`` true). A live outbound
campaign call's note is kept the same way with its conversation
(:mod:`callfloor.server.campaign_interactions`), whose interaction id the campaign desk gives,
and a scheduled callback's being dialed (:mod:`callfloor.server.sip.callback_dials`) with its
interaction on the floor, once the customer is rung.
Agents write on the calls they are on or took part in; supervisors and admins on any of
their tenant's; another agent's call, or another tenant's, is 404. A blank or too long note is 422.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller
from callfloor.api.errors import not_found, refusals
from callfloor.api.live_interactions import live_interaction, sip_loop
from callfloor.api.routes.calls import FloorCaller
from callfloor.api.sip_loop import on_sip_loop
from callfloor.core.roles import Role
from callfloor.crm.interaction_notes import NOTE_LENGTH, add_note, took_part
from callfloor.storage.models import Agent
from callfloor.storage.scope import TenantScope

router = APIRouter(tags=["history"])
InteractionId = Annotated[str, Path(max_length=36)]


class NoteIn(BaseModel):
    """The note, appended to the interaction's notes as a new paragraph."""

    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, Field(min_length=1, max_length=NOTE_LENGTH)]


class NotesOut(BaseModel):
    """The interaction's notes so far; ``recorded`` false: kept with the live call until its record."""

    interaction_id: str
    notes: str
    recorded: bool


def _agent(caller: Caller) -> Agent | None:
    """The caller's agent when the caller is an agent (who writes on their own calls only)."""
    if caller.role is not Role.AGENT:
        return None
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    if agent is None:
        raise not_found()  # an agent with no extension took no call
    return agent


async def _on_live_call(
    request: Request, caller: Caller, agent: Agent | None, interaction_id: str, note: str
) -> str | None:
    """The notes so far when the interaction is live (a call, a callback dial, a campaign conversation)."""
    extension = agent.extension if agent is not None else None

    def work() -> str | None:
        live = live_interaction(request, caller.tenant_id, extension, interaction_id)
        if live is None:
            return None
        with refusals():
            return live.note(note)

    return await on_sip_loop(sip_loop(request), work)


@router.post("/api/interactions/{interaction_id}/note")
async def add_interaction_note(
    request: Request, caller: FloorCaller, interaction_id: InteractionId, body: NoteIn
) -> NotesOut:
    """Append a note to the interaction: kept with the live call, or added to its record."""
    agent = _agent(caller)
    live = await _on_live_call(request, caller, agent, interaction_id, body.note)
    if live is not None:
        return NotesOut(interaction_id=interaction_id, notes=live, recorded=False)
    row = TenantScope(caller.session, caller.tenant_id).interactions.by_interaction_id(interaction_id)
    if row is None or (agent is not None and not took_part(caller.session, row, agent)):
        raise not_found()
    with refusals():
        add_note(row, body.note)
    caller.session.flush()
    return NotesOut(interaction_id=interaction_id, notes=row.notes, recorded=True)
