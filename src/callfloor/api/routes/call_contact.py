"""Linking a call to a contact from the desk: an unknown caller's new file, or a known person.

``POST /api/interactions/{interaction_id}/contact`` with ``{"contact_id": …}`` links the
interaction to one of the tenant's contacts, and answers the screen pop for it (the contact,
their account, history and open tickets), which the desk's customer file panel shows next.

- A live call of the SIP server: the contact is kept with the interaction's tally on the live
  floor (:meth:`callfloor.crm.interactions.OpenInteractions.link`), so the record written when
  the call ends carries it, and the call's kept screen pop is the new one (a desk reloaded
  during the call shows the contact).
- A live outbound campaign conversation: kept with it
  (:class:`callfloor.server.campaign_interactions.Conversation`), its record written with it.
- A finished interaction (wrap-up, or later): its record is linked, to the contact's account too.

Who links: as for notes (:mod:`callfloor.api.routes.interaction_notes`), an agent on the calls
they are on or took part in, supervisors and admins on any of their tenant's; another's call,
or another tenant's, is 404. A contact that is not the tenant's is 422 ``invalid_customer_data``
(the field ``contact_id``). Audited.
"""

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller
from callfloor.api.errors import not_found, refusals
from callfloor.api.live_interactions import live_interaction, sip_loop
from callfloor.api.routes.calls import FloorCaller
from callfloor.api.routes.interaction_notes import InteractionId, _agent
from callfloor.api.sip_loop import on_sip_loop
from callfloor.crm.fields import refuse
from callfloor.crm.interaction_notes import took_part
from callfloor.crm.screen_pop import ScreenPop, ScreenPops
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.storage.contacts import Contact
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import Agent
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope

router = APIRouter(tags=["history"])


class ContactLink(BaseModel):
    """The contact the interaction is with."""

    model_config = ConfigDict(extra="forbid")

    contact_id: Annotated[int, Field(ge=1)]


class LinkedOut(BaseModel):
    """The interaction linked; ``recorded`` false: kept with the live call until its record."""

    interaction_id: str
    contact_id: int
    recorded: bool
    pop: ScreenPop


def _contact(caller: Caller, contact_id: int) -> Contact:
    contact = TenantScope(caller.session, caller.tenant_id).contacts.get(contact_id)
    if contact is None:
        with refusals():
            raise refuse("contact_id", "no such contact", "contact inconnu")
    return contact


async def _live(
    request: Request, caller: Caller, agent: Agent | None, interaction_id: str, contact_id: int | None
) -> tuple[str | None, bool]:
    """Whether the interaction is live, and its number (on the SIP loop); linked to ``contact_id``
    when one is given."""
    extension = agent.extension if agent is not None else None

    def work() -> tuple[str | None, bool]:
        live = live_interaction(request, caller.tenant_id, extension, interaction_id)
        return (None, False) if live is None else (live.number, live.link(contact_id))

    return await on_sip_loop(sip_loop(request), work)


async def _keep_pop(request: Request, interaction_id: str, pop: ScreenPop) -> None:
    """The live call's screen pop is now the contact's (its IVR variables are added when read)."""
    endpoint = getattr(request.app.state, "sip", None)
    if not isinstance(endpoint, SipEndpoint):
        return

    def work() -> None:
        call = endpoint.calls.calls.get(interaction_id)
        if call is not None:
            call.screen_pop = pop

    await on_sip_loop(endpoint.calls.loop, work)


def _record(caller: Caller, agent: Agent | None, interaction_id: str) -> Interaction:
    """The finished interaction's record the caller may link (404 otherwise)."""
    row = TenantScope(caller.session, caller.tenant_id).interactions.by_interaction_id(interaction_id)
    if row is None or (agent is not None and not took_part(caller.session, row, agent)):
        raise not_found()
    return row


@router.post("/api/interactions/{interaction_id}/contact")
async def link_contact(
    request: Request, caller: FloorCaller, interaction_id: InteractionId, body: ContactLink
) -> LinkedOut:
    """Link the interaction to a contact: kept with the live call for its record, or set on its record."""
    agent = _agent(caller)
    number, live = await _live(request, caller, agent, interaction_id, None)
    row = None if live else _record(caller, agent, interaction_id)  # whose it is first: 404 before 422
    contact = _contact(caller, body.contact_id)
    if live:
        number, live = await _live(request, caller, agent, interaction_id, contact.id)
        row = None if live else _record(caller, agent, interaction_id)  # it ended meanwhile
    if row is not None:
        row.contact_id, row.account_id, number = contact.id, contact.account_id, row.number
        caller.session.flush()
    pop = ScreenPops(caller.session, caller.tenant_id).of_contact(contact, number, interaction=interaction_id)
    if live:
        await _keep_pop(request, interaction_id, pop)
    audit(caller.session, "interaction.contact", tenant_id=caller.tenant_id, actor=caller.user,
          target=interaction_id, details={"contact_id": contact.id})  # fmt: skip
    return LinkedOut(interaction_id=interaction_id, contact_id=contact.id, recorded=not live, pop=pop)
