"""The live call behind an interaction id, whichever kind it is: one lookup, one ownership rule.

The desk acts on the call an agent is on by its interaction id: a note
(:mod:`callfloor.api.routes.interaction_notes`), a contact linked
(:mod:`callfloor.api.routes.call_contact`), its screen pop
(:mod:`callfloor.api.routes.interaction_pop`). That id names one of three live things: an inbound
call of the SIP server, a scheduled callback being dialed from the desk (once the customer is rung,
:mod:`callfloor.server.sip.callback_dials`), both of which keep the interaction's tally on the live
floor, or an outbound campaign's conversation (:mod:`callfloor.server.campaign_interactions`),
which keeps its own. :func:`live_interaction` finds it, on the SIP loop, and refuses an agent
another agent's call (404); supervisors and admins (``extension`` None) reach any of their tenant's.
"""

import asyncio
from dataclasses import dataclass

from fastapi import Request

from callfloor.api.errors import not_found
from callfloor.server.campaign_interactions import Conversation
from callfloor.server.campaigns import CampaignRuns
from callfloor.server.floors import LiveFloor
from callfloor.server.sip.callback_dials import CallbackDial
from callfloor.server.sip.calls import Call
from callfloor.server.sip.endpoint import SipEndpoint


@dataclass(frozen=True, slots=True)
class LiveInteraction:
    """A live interaction: the call, the callback dial or the conversation it is, and its number."""

    interaction: str
    number: str | None
    floor: LiveFloor | None = None  # the floor that keeps its tally (a call, a callback dial)
    call: Call | None = None
    dial: CallbackDial | None = None
    conversation: Conversation | None = None

    def note(self, note: str) -> str | None:
        """Append the agent's note; the notes so far (None: its record is being written)."""
        if self.conversation is not None:
            return self.conversation.note(note)
        return self.floor.interactions.note(self.interaction, note) if self.floor is not None else None

    def link(self, contact_id: int | None) -> bool:
        """Link it to ``contact_id`` (None: only whether it can be); False: its record is being written."""
        if self.conversation is not None:
            if contact_id is not None:
                self.conversation.contact_id = contact_id
            return True
        if self.floor is None:
            return False
        if contact_id is None:
            return self.floor.interactions.is_open(self.interaction)
        return self.floor.interactions.link(self.interaction, contact_id)


def live_interaction(
    request: Request, tenant_id: int, extension: str | None, interaction: str
) -> LiveInteraction | None:
    """The tenant's live interaction of that id (run on the SIP loop), None when it is not live;
    404 when it is another agent's (``extension``: the agent asking, None for a supervisor)."""
    endpoint = getattr(request.app.state, "sip", None)
    if not isinstance(endpoint, SipEndpoint):
        return None
    call = endpoint.calls.calls.get(interaction)
    if call is not None and call.tenant_id == tenant_id:
        _mine(extension, call.agent, call.consulted)
        return LiveInteraction(interaction, call.number, endpoint.floor(tenant_id), call=call)
    dial = endpoint.callback_dials.of_interaction(tenant_id, interaction)
    if dial is not None:
        _mine(extension, dial.order.agent)
        return LiveInteraction(interaction, dial.order.number, endpoint.floor(tenant_id), dial=dial)
    runs = getattr(request.app.state, "campaigns", None)
    conversation = runs.conversation(tenant_id, interaction) if isinstance(runs, CampaignRuns) else None
    if conversation is not None:
        _mine(extension, conversation.agent)
        return LiveInteraction(interaction, conversation.number, conversation=conversation)
    return None


def sip_loop(request: Request) -> asyncio.AbstractEventLoop | None:
    """The loop the SIP server's calls live on (None: no SIP server here)."""
    endpoint = getattr(request.app.state, "sip", None)
    return endpoint.calls.loop if isinstance(endpoint, SipEndpoint) else None


def _mine(extension: str | None, *agents: str | None) -> None:
    """An agent acts on the calls they are on only (``extension`` None: a supervisor or an admin)."""
    if extension is not None and extension not in agents:
        raise not_found()  # another agent's call
