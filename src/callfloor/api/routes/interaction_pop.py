"""The screen pop of any call an agent works, by its interaction id: inbound, campaign, callback.

``GET /api/interactions/{interaction_id}/screen-pop`` answers the payload of
``GET /api/calls/{id}/screen-pop`` (:class:`callfloor.crm.screen_pop.ScreenPop`), so that the
desk's customer file panel follows outbound calls as it follows inbound ones:

- a live inbound call of the SIP server: the pop kept with it (built when it rang the agent, the
  contact's once one was linked), with the IVR's variables;
- a live campaign conversation (:mod:`callfloor.server.campaign_interactions`), a relance de devis
  say: the pop of the contact the agent linked, else the lead's, else the one its number names;
- a scheduled callback being dialed (:mod:`callfloor.server.sip.callback_dials`), once the
  customer is rung: the callback's contact's, else the number's;
- a finished interaction (the wrap-up, or later): its record's contact's, else the number's.

Who reads: an agent the calls they are on or took part in, supervisors and admins any of their
tenant's; another agent's call, another tenant's, or an unknown id is 404. The database is read
off the loop the calls share, as ``/api/calls/{id}/screen-pop`` does.
"""

import asyncio
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from callfloor.api.deps import Caller
from callfloor.api.errors import not_found
from callfloor.api.live_interactions import live_interaction, sip_loop
from callfloor.api.routes.calls import FloorCaller
from callfloor.api.routes.interaction_notes import InteractionId, _agent
from callfloor.api.sip_loop import on_sip_loop
from callfloor.crm.interaction_notes import took_part
from callfloor.crm.scheduled_callbacks import CallbackBook
from callfloor.crm.screen_pop import ScreenPop, ScreenPops
from callfloor.storage.models import Agent
from callfloor.storage.outbound import Lead
from callfloor.storage.scope import TenantScope

router = APIRouter(tags=["history"])


@dataclass(slots=True)
class LiveCall:
    """What the SIP loop knows of a live call: its kept pop, or whom to build one for."""

    number: str | None
    kept: ScreenPop | None = None
    variables: dict[str, Any] = field(default_factory=dict)  # an inbound call's IVR variables
    contact_id: int | None = None  # chosen by the agent during the call
    lead_id: str | None = None  # a campaign's conversation: its lead's contact
    callback_id: int | None = None  # a callback being dialed: its contact


def _live(request: Request, tenant_id: int, extension: str | None, interaction: str) -> LiveCall | None:
    """What a pop needs of the live call of that interaction id (run on the SIP loop); 404 when it
    is another agent's. A call that is over is read from its record."""
    live = live_interaction(request, tenant_id, extension, interaction)
    if live is None or (live.call is not None and live.call.over):
        return None
    if live.call is not None:
        variables = dict(live.call.ivr.variables) if live.call.ivr is not None else {}
        return LiveCall(live.number, live.call.screen_pop, variables)
    if live.conversation is not None:
        conversation = live.conversation
        return LiveCall(live.number, contact_id=conversation.contact_id, lead_id=conversation.lead)
    return LiveCall(live.number, callback_id=live.dial.order.callback_id if live.dial is not None else None)


def _contact_of(session: Session, tenant_id: int, live: LiveCall) -> int | None:
    """The contact a live call is with: the agent's choice, else its lead's or its callback's."""
    if live.contact_id is not None:
        return live.contact_id
    if live.lead_id is not None:
        lead = session.get(Lead, int(live.lead_id))
        return lead.contact_id if lead is not None and lead.tenant_id == tenant_id else None
    if live.callback_id is not None:
        callback = CallbackBook(session, tenant_id).callbacks.get(live.callback_id)
        return callback.contact_id if callback is not None else None
    return None


def _pop(
    session: Session, tenant_id: int, interaction: str, number: str | None, contact_id: int | None
) -> ScreenPop:
    """The contact's pop (still theirs), else the pop the number gives."""
    contact = TenantScope(session, tenant_id).contacts.get(contact_id) if contact_id is not None else None
    pops = ScreenPops(session, tenant_id)
    if contact is not None:
        return pops.of_contact(contact, number, interaction=interaction)
    return pops.build(number, interaction=interaction)


def _built(caller: Caller, agent_id: int | None, interaction: str, live: LiveCall | None) -> ScreenPop:
    """The pop read from the database (in a worker thread, with a session of its own)."""
    tenant_id = caller.tenant_id
    with caller.context.sessions() as session:
        if live is not None:
            return _pop(session, tenant_id, interaction, live.number, _contact_of(session, tenant_id, live))
        row = TenantScope(session, tenant_id).interactions.by_interaction_id(interaction)
        agent = session.get(Agent, agent_id) if agent_id is not None else None
        if row is None or (agent is not None and not took_part(session, row, agent)):
            raise not_found()
        return _pop(session, tenant_id, interaction, row.number, row.contact_id)


@router.get("/api/interactions/{interaction_id}/screen-pop")
async def interaction_screen_pop(
    request: Request, caller: FloorCaller, interaction_id: InteractionId
) -> ScreenPop:
    """The screen pop of a call the caller works: live (inbound, campaign, callback) or finished."""
    agent = _agent(caller)
    extension = agent.extension if agent is not None else None
    live = await on_sip_loop(
        sip_loop(request), lambda: _live(request, caller.tenant_id, extension, interaction_id)
    )
    if live is not None and live.kept is not None:
        return replace(live.kept, ivr=live.variables)
    agent_id = agent.id if agent is not None else None
    built = await asyncio.to_thread(_built, caller, agent_id, interaction_id, live)
    return replace(built, ivr=live.variables) if live is not None else built
