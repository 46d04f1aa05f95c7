"""``/admin/queues``: the tenant's queues, and one queue as a form rather than as JSON.

The form holds every field of the queue's spec (:class:`callfloor.center.schema.QueueSpec`):
the strategy, the skills asked for with their skills escalation steps as a grid (one row per
step, one column per skill), waiting and overflow, the service level, the agents' side
(ring time, wrap-up), recording and the post-call survey. The browser turns it into the spec
and writes it where the JSON editor does (``/api/queues``, ``static/admin_forms.js``); the
API's 422 details come back at the fields they name.

Announcements of position and waiting time are not the queue's: they are options of the IVR
flow's node that sends callers to it, so the form shows those nodes' settings, read only, with
a link to the flows.
"""

from dataclasses import dataclass
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from callfloor.api.routes.ivr_flows import resource as flow_resource
from callfloor.center.apply import queue_spec
from callfloor.center.flows import QueueNodeSpec
from callfloor.center.schema import QueueSpec, RecordingMode
from callfloor.core.config import Strategy
from callfloor.storage.models import Queue
from callfloor.storage.scope import TenantScope
from callfloor.web.access import Viewer, not_found
from callfloor.web.admin.base import Admin
from callfloor.web.nav import N_
from callfloor.web.portal import DEFINITIONS
from callfloor.web.render import page

router = APIRouter(include_in_schema=False)

STRATEGIES: Final = {
    Strategy.LONGEST_IDLE: N_("Longest idle agent first"),
    Strategy.ROUND_ROBIN: N_("Round robin"),
    Strategy.LEAST_CALLS_TODAY: N_("Fewest calls today first"),
    Strategy.RING_ALL: N_("Ring every free agent"),
    Strategy.RANDOM: N_("Random"),
    Strategy.SKILL_LEVEL: N_("Highest skill level first"),
    Strategy.LINEAR: N_("Agents in their configured order"),
}
RECORDING: Final = {
    RecordingMode.OFF: N_("Not recorded"),
    RecordingMode.MONO: N_("Recorded, both voices mixed"),
    RecordingMode.STEREO: N_("Recorded, caller left and agent right"),
}
TEXTS = {
    "saved": N_("Saved."),
    "remove_step": N_("Remove step %(number)s"),
    "confirm_delete": N_("Delete %(name)s?"),
}


@dataclass(frozen=True, slots=True)
class Announcing:
    """How an IVR flow's queue node speaks to callers waiting in the queue."""

    flow_id: int
    flow: str
    node: str
    position: bool
    wait: bool
    every_s: float | None


@router.get("/admin/queues")
def queues_page(request: Request, who: Admin) -> HTMLResponse:
    """The queues, each with its strategy, skills, steps and overflow."""
    queues = [(row.id, queue_spec(row)) for row in TenantScope(who.session, who.tenant_id).queues.list()]
    return page(
        request, "admin/queues.html", user=who.user, session=who.session, queues=queues, strategies=STRATEGIES
    )


@router.get("/admin/queues/new")
def new_queue(request: Request, who: Admin) -> HTMLResponse:
    """The form of a new queue, with the spec's defaults."""
    return _form(request, who, None, QueueSpec.model_construct(name=""))


@router.get("/admin/queues/{queue_id}")
def edit_queue(request: Request, who: Admin, queue_id: int) -> HTMLResponse:
    """The form of one of the tenant's queues (another tenant's is 404)."""
    queue = TenantScope(who.session, who.tenant_id).queues.get(queue_id)
    if queue is None:
        raise not_found()
    return _form(request, who, queue, queue_spec(queue))


def _form(request: Request, who: Viewer, queue: Queue | None, spec: QueueSpec) -> HTMLResponse:
    scope = TenantScope(who.session, who.tenant_id)
    others = [q.name for q in scope.queues.list() if q is not queue]
    return page(
        request, "admin/queue_form.html", user=who.user, session=who.session, queue=queue, spec=spec,
        skills=[s.name for s in scope.skills.list()], others=others,
        flows=[f.name for f in scope.ivr_flows.list()], strategies=STRATEGIES, recording=RECORDING,
        definitions=DEFINITIONS, announcing=announcing(scope, spec.name) if queue else [], texts=TEXTS,
    )  # fmt: skip


def announcing(scope: TenantScope, queue: str) -> list[Announcing]:
    """The active flows' nodes that put callers in ``queue``, with what they announce."""
    found = []
    for flow in scope.ivr_flows.list():
        for node_id, node in flow_resource.to_spec(flow).nodes.items():
            if isinstance(node, QueueNodeSpec) and node.queue == queue:
                said = (node.announce_position, node.announce_wait, node.announce_every_s)
                found.append(Announcing(flow.id, flow.name, node_id, *said))
    return found
