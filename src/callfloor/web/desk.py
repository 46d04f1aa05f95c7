"""The agent desktop (``/desk``): state and pauses, the offered call with its screen pop, call
controls, and the outbound campaign the agent works (lead, script, survey, dispositions).

The page is the frame; ``static/desk.js`` fills it from the JSON API (``/api/me/agent``,
``/api/calls``, ``/api/campaigns/…``) and keeps it live from ``/api/floor/stream`` (the agent's
``agent`` and ``offer`` events), so a new call shows without a reload. The phone is a SIP phone,
which the server drives: the page answers it (the phone picks up on our ``NOTIFY`` talk), hangs
up, holds, transfers (to an agent, a queue or a number) and pauses the recording.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callfloor.core.roles import Role
from callfloor.outbound.campaigns import Campaigns
from callfloor.storage.scope import TenantScope
from callfloor.web.access import Viewer, viewer
from callfloor.web.desk_crm import CRM_TEXTS
from callfloor.web.floor_reasons import FLOOR_REASON_LABELS
from callfloor.web.nav import N_
from callfloor.web.render import page

router = APIRouter(include_in_schema=False)
DeskViewer = Annotated[Viewer, Depends(viewer(frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})))]

#: The texts desk.js shows, translated in the page (the script has no catalogue of its own).
SCRIPT_TEXTS = {
    "logged_out": N_("Logged out (phone not registered)"),
    "ready": N_("Ready"),
    "paused": N_("Paused"),
    "reserved": N_("Ringing"),
    "busy": N_("On a call"),
    "wrap_up": N_("Wrap-up"),
    "pending_pause": N_("Pause after this call"),
    "no_call": N_("No call"),
    "held": N_("On hold"),
    "talking": N_("Talking"),
    "ringing": N_("Ringing"),
    "queued": N_("Waiting"),
    "consulting": N_("Consulting"),
    "conference": N_("Conference"),
    "unknown_caller": N_("Unknown caller"),
    "recording_on": N_("Recording"),
    "recording_paused": N_("Recording paused"),
    "recording_off": N_("Not recorded"),
    "recording_objected": N_("Recording refused by the caller"),
    "no_lead": N_("No contact to call right now"),
    # The agent's state on the campaign (GET /api/campaigns/{campaign}/desk).
    "campaign_ready": N_("Waiting for a contact"),
    "campaign_reserved": N_("Calling the contact"),
    "campaign_talking": N_("Talking"),
    "campaign_wrap_up": N_("Wrap-up"),
    "campaign_away": N_("Paused"),
    "previewing": N_("Preview: dial or skip this contact"),
    "saved": N_("Saved"),
    "joined": N_("You take this campaign's calls"),
    "left": N_("You are back on inbound calls"),
    "open_tickets": N_("Open tickets"),
    "history": N_("Last interactions"),
    "choose": N_("Choose"),
    # The agent's queues (Files): leave one, rejoin it, without logging out.
    "in_queue": N_("You take its calls"),
    "out_of_queue": N_("You left it"),
    "leave_queue": N_("Leave"),
    "join_queue": N_("Rejoin"),
    "no_queues": N_("No queue: your phone is not registered, or your skills qualify you for none."),
    "yes": N_("Yes"),
    "no": N_("No"),
}


@router.get("/desk")
def desk(request: Request, who: DeskViewer) -> HTMLResponse:
    """The agent desktop."""
    scope = TenantScope(who.session, who.tenant_id)
    agent = scope.agents.by_user(who.user.id)
    campaigns = [c.name for c in Campaigns(who.session, who.tenant_id).repository.ordered() if c.active]
    queues = [q.name for q in scope.queues.list()]
    extension = agent.extension if agent else None
    # The campaigns' codes, labelled in both languages: desk.js shows the page's one.
    dispositions = {d.code: {"fr": d.label_fr, "en": d.label_en} for d in scope.dispositions.list()}
    return page(
        request, "desk.html", user=who.user, session=who.session, extension=extension,
        campaigns=campaigns, queues=queues, dispositions=dispositions, texts=SCRIPT_TEXTS | CRM_TEXTS,
        floor_reasons=FLOOR_REASON_LABELS,
    )  # fmt: skip
