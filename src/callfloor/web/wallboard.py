"""The supervisor's wallboard (``/wallboard``): queues, agents, campaigns and late tickets, live.

The page is the frame; ``static/wallboard.js`` draws ``/api/floor/live`` and redraws on every
``floor`` event of ``/api/floor/stream`` (within a second of what happened). Figures past a
threshold turn amber or red; :data:`~callfloor.core.kpi.thresholds.THRESHOLDS` are the
defaults a center starts from (the service level's target is the queue's own definition; the
drop rate's red is the legal 3 %), over which a tenant's admin sets its own
(``/admin/thresholds``, :func:`thresholds_of`).
From the board a supervisor forces an agent's state and moves a waiting caller up or down, and
listens to an agent's call, whispers to the agent or barges in (their own phone rings:
``/api/calls/{id}/monitor``, :mod:`callfloor.server.sip.monitoring`).
``?tv=1`` is the TV mode: no menu, large figures, for a screen on the wall.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callfloor.core.kpi.thresholds import EDGES, THRESHOLDS
from callfloor.core.roles import Role
from callfloor.storage.models import Tenant
from callfloor.web.access import Viewer, viewer
from callfloor.web.desk import SCRIPT_TEXTS as STATE_TEXTS
from callfloor.web.floor_reasons import FLOOR_REASON_LABELS
from callfloor.web.nav import N_
from callfloor.web.portal import DEFINITIONS
from callfloor.web.render import page

router = APIRouter(include_in_schema=False)
BoardViewer = Annotated[Viewer, Depends(viewer(frozenset({Role.SUPERVISOR, Role.ADMIN})))]


def thresholds_of(tenant: Tenant | None) -> dict[str, dict[str, float | bool]]:
    """The thresholds the tenant's wallboard colours by: the defaults, with the tenant's own over them."""
    own = (tenant.wallboard_thresholds if tenant is not None else None) or {}
    return {
        figure: {**limits, **{edge: own[figure][edge] for edge in EDGES if edge in own.get(figure, {})}}
        for figure, limits in THRESHOLDS.items()
    }


TEXTS = {
    **{key: STATE_TEXTS[key] for key in ("logged_out", "ready", "paused", "reserved", "busy", "wrap_up")},
    "force_ready": N_("Make ready"),
    "force_pause": N_("Put on pause"),
    "pause_reason_of": N_("Pause reason for {name}"),
    "up": N_("Move up"),
    "down": N_("Move down"),
    "priority": N_("priority"),
    "ringing": N_("ringing"),
    "running": N_("Running"),
    "stopped": N_("Stopped"),
    "paused_hours": N_("paused: outside calling hours"),
    "paused_abandon_rate": N_("paused: abandon rate cap"),
    "offline": N_("No live floor in this process."),
    "none": N_("none"),
    # Monitoring an agent's call (écoute, chuchotement, intervention).
    "listen": N_("Listen"),
    "whisper": N_("Whisper"),
    "barge": N_("Barge in"),
    "stop_monitoring": N_("Stop listening"),
    "monitored_by": N_("monitored by"),
    "monitor_ringing": N_("Your phone is ringing: answer it to hear the call."),
    "monitor_connected": N_("Your phone is on the call."),
    "monitor_stopped": N_("Monitoring stopped."),
    "no_phone": N_("No phone is registered on your extension: register one to monitor calls."),
    "no_extension": N_("You have no phone extension: ask an administrator to give you one."),
    # The service level's definitions, as /api/floor/live names them (the portal's wording).
    **{f"sl_{definition.value}": text for definition, text in DEFINITIONS.items()},
}


@router.get("/wallboard")
def wallboard(request: Request, who: BoardViewer, tv: bool = False) -> HTMLResponse:
    """The wallboard (``tv=1``: the TV mode)."""
    return page(
        request, "wallboard.html", user=who.user, session=who.session, tv=tv,
        thresholds=thresholds_of(who.session.get(Tenant, who.tenant_id)),
        texts=TEXTS, floor_reasons=FLOOR_REASON_LABELS,
    )  # fmt: skip
