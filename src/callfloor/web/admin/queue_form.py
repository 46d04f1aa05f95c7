"""``/admin/queues``: the tenant's queues, and one queue as a form rather than as JSON.

The form holds every field of the queue's spec (:class:`callfloor.center.schema.QueueSpec`):
the strategy, the skills asked for with their skills escalation steps as a grid (one row per
step, one column per skill), waiting and overflow, the service level, the agents' side
(ring time, wrap-up), recording and the post-call survey. The browser turns it into the spec
and writes it where the JSON editor does (``/api/queues``, ``static/admin_forms.js``); the
API's 422 details come back at the fields they name.

Announcements of position and waiting time are not the queue's: they are options of the IVR
flow's node that sends callers to it (:class:`callfloor.core.ivr.waiting.WaitOptions`). The form
shows, for each active flow's queue node that sends callers here, its waiting options to edit:
announcements and how often they are repeated, the callback offer, the maximum wait and its
overflow, the entry prompt. ``POST /admin/queues/{id}/announcements`` writes them as the IVR
editor's save does: the node's fields are changed in the flow's stored definition (its other
nodes and keys are kept as they are), the flow is checked as a whole, and a new version is
added and made active, audited with its author and a comment; nothing is written when one of
them is wrong, and each problem names its field. A flow changed since the form was filled is
refused (409) rather than overwritten. The SIP directory forgets its cached flows once this
commits, so the next call walks the new version.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from callfloor.api.deps import directory_changes
from callfloor.api.errors import ApiError
from callfloor.api.errors import not_found as api_not_found
from callfloor.api.routes.ivr_flows import resource as flow_resource
from callfloor.center.apply import apply_flow, queue_spec
from callfloor.center.flows import (
    FLOW_CHECKS,
    WAITING_FIELDS,
    IvrFlowSpec,
    QueueNodeSpec,
    flow_problems,
    with_waiting,
)
from callfloor.center.schema import QueueSpec, RecordingMode
from callfloor.core.config import Strategy
from callfloor.core.ivr import Severity
from callfloor.prompts import catalog
from callfloor.storage.models import IvrFlow, Queue
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope
from callfloor.web.access import Viewer, not_found
from callfloor.web.admin.base import Admin, language_of
from callfloor.web.i18n import translations
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
    "flow_saved": N_("Saved: version %(version)s of flow %(flow)s is active."),
    "unchanged": N_("Nothing has changed."),
    "version": N_("version %(version)s"),
}
#: What the checker's problems with a waiting field mean, said at the field (the core says them in English).
PROBLEMS: Final = {
    "announce_every_s": N_("From 10 seconds to less than a day; empty: on entry only."),
    "callback_after_s": N_("From 0 seconds to less than a day; empty: never."),
    "callback_when_wait_over_s": N_("From 0 seconds to less than a day; empty: never."),
    "max_wait_s": N_("From 1 second to less than a day; empty: no limit."),
    "voicemail": N_("This flow has no voicemail node to take the message: add one in the IVR flow first."),
    "entry_prompt": N_("Not a prompt of the catalogue."),
}
#: Who wrote a version from this form, in the audit log (the flow's history).
COMMENT = "queue form: announcements of {queue}"


@dataclass(frozen=True, slots=True)
class Announcing:
    """How an IVR flow's queue node treats callers waiting in the queue, in the flow's active version."""

    flow_id: int
    flow: str
    version: int
    node: str
    options: QueueNodeSpec
    others: tuple[str, ...]  # the flow's other nodes, where the wait may overflow to


class WaitingIn(BaseModel):
    """A queue node's waiting options as the form writes them, every one (None: the option is off)."""

    model_config = ConfigDict(extra="forbid")

    announce_position: bool
    announce_wait: bool
    announce_every_s: float | None
    callback_after_s: float | None
    callback_when_wait_over_s: float | None
    voicemail: bool
    max_wait_s: float | None
    overflow: Annotated[str, Field(max_length=64)] | None
    entry_prompt: Annotated[str, Field(max_length=64)] | None


class NodeWaitingIn(BaseModel):
    """One node's options, and the flow version the form showed (a later one is not overwritten)."""

    model_config = ConfigDict(extra="forbid")

    flow_id: int
    version: int
    node: Annotated[str, Field(max_length=64)]
    options: WaitingIn


class AnnouncementsIn(BaseModel):
    """The waiting options of the flows' nodes that send callers to the queue."""

    model_config = ConfigDict(extra="forbid")

    nodes: Annotated[list[NodeWaitingIn], Field(min_length=1, max_length=100)]


class WaitingRefusedError(ApiError):
    """Options the flow's checks refuse: a 422 whose details name each field, as pydantic's do."""

    def __init__(self, details: list[dict[str, Any]]) -> None:
        super().__init__(
            422, "invalid_waiting_options", "Options d'attente refusées : voir les champs.",
            "Waiting options refused: see the fields.",
        )  # fmt: skip
        self.details = details

    def body(self) -> dict[str, Any]:
        """The error's body, with ``details``: ``[{loc, msg}]``."""
        return {**super().body(), "details": self.details}


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
    lang = language_of(request, who).value
    prompts = sorted((prompt_id, texts[lang]) for prompt_id, texts in catalog().items())
    return page(
        request, "admin/queue_form.html", user=who.user, session=who.session, queue=queue, spec=spec,
        skills=[s.name for s in scope.skills.list()], others=others,
        flows=[f.name for f in scope.ivr_flows.list()], strategies=STRATEGIES, recording=RECORDING,
        definitions=DEFINITIONS, announcing=announcing(scope, queue.name) if queue else [], prompts=prompts,
        texts=TEXTS,
    )  # fmt: skip


def announcing(scope: TenantScope, queue: str) -> list[Announcing]:
    """The active flows' nodes that put callers in ``queue``, with how they treat waiting callers."""
    found = []
    for flow in scope.ivr_flows.list():
        nodes = flow_resource.to_spec(flow).nodes
        for node_id, node in nodes.items():
            if isinstance(node, QueueNodeSpec) and node.queue == queue:
                others = tuple(name for name in nodes if name != node_id)
                found.append(Announcing(flow.id, flow.name, flow.active_version, node_id, node, others))
    return found


@router.post("/admin/queues/{queue_id}/announcements", dependencies=[Depends(directory_changes)])
def save_announcements(
    request: Request, who: Admin, queue_id: int, body: AnnouncementsIn
) -> dict[str, list[dict[str, Any]]]:
    """Each flow whose nodes' waiting options changed gets a new, active version; all or nothing."""
    scope = TenantScope(who.session, who.tenant_id)
    queue = scope.queues.get(queue_id)
    if queue is None:
        raise api_not_found()
    gettext = translations(language_of(request, who)).gettext
    specs, details = {}, []
    for flow, nodes in _edits(scope, queue.name, body).items():
        spec, found = _edited(flow, nodes)
        if spec is not None:
            specs[flow] = spec
        for loc, field, words in found:
            said = gettext(PROBLEMS[field]) if loc and field in PROBLEMS else words
            details.append({"loc": loc, "msg": said if loc else f"{flow.name}: {words}"})
    if details:
        raise WaitingRefusedError(details)
    saved = (_save(who, scope, queue, flow, spec) for flow, spec in specs.items())
    return {"saved": [done for done in saved if done]}


Edits = dict[IvrFlow, dict[str, tuple[int, dict[str, Any]]]]


def _edits(scope: TenantScope, queue: str, body: AnnouncementsIn) -> Edits:
    """The body's options by flow and node (with their index in the body), each node checked to be
    a queue node of the flow's version the form showed, sending callers to ``queue``."""
    edits: Edits = defaultdict(dict)
    for index, given in enumerate(body.nodes):
        flow = scope.ivr_flows.get(given.flow_id)
        if flow is None:
            raise api_not_found()
        if flow.active_version != given.version:
            raise ApiError(
                409, "flow_changed",
                f"Le parcours {flow.name} a changé depuis l'ouverture de la page : rechargez-la.",
                f"Flow {flow.name} has changed since the page was opened: reload it.",
            )  # fmt: skip
        node = flow.active.definition["nodes"].get(given.node)
        if not isinstance(node, dict) or node.get("type") != "queue" or node.get("queue") != queue:
            raise ApiError(
                422, "not_a_queue_node",
                f"Le nœud {given.node} du parcours {flow.name} n'envoie pas les appels dans la file {queue}.",
                f"Node {given.node} of flow {flow.name} does not send calls to queue {queue}.",
            )  # fmt: skip
        edits[flow][given.node] = (index, given.options.model_dump())
    return edits


Problems = list[tuple[list[str], str, str]]  # where in the body, the node's field, the checker's words


def _edited(
    flow: IvrFlow, nodes: dict[str, tuple[int, dict[str, Any]]]
) -> tuple[IvrFlowSpec | None, Problems]:
    """The flow's spec with the nodes' new options, or the problems with them, at their fields."""
    stored = with_waiting(flow.active.definition, {name: options for name, (_, options) in nodes.items()})

    def where(node: str | None, field: str) -> list[str]:
        if node in nodes and field in WAITING_FIELDS:
            return ["nodes", str(nodes[node][0]), "options", field]
        return []

    try:
        spec = IvrFlowSpec.model_validate({"name": flow.name, **stored}, context={FLOW_CHECKS: False})
    except ValidationError as exc:
        found = []
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            node, field = (loc[1], loc[-1]) if len(loc) > 2 and loc[0] == "nodes" else (None, "")
            found.append((where(node, field), field, error["msg"]))
        return None, found
    errors = [p for p in flow_problems(spec) if p.severity is Severity.ERROR]
    return spec, [(where(p.node, p.field), p.field, str(p)) for p in errors]


def _save(who: Viewer, scope: TenantScope, queue: Queue, flow: IvrFlow, spec: IvrFlowSpec) -> dict[str, Any]:
    """A new active version of ``flow`` when its definition changed, audited; what was saved, if anything."""
    before = flow.active_version
    apply_flow(scope, spec, flow)
    if flow.active_version == before:
        return {}
    details = {"version": flow.active_version, "comment": COMMENT.format(queue=queue.name)}
    audit(who.session, "ivr_flow.update", tenant_id=who.tenant_id, actor=who.user, target=flow.name,
          details=details)  # fmt: skip
    return {"flow_id": flow.id, "flow": flow.name, "version": flow.active_version}
