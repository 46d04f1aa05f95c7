"""``/admin/ivr``: the tenant's IVR flows, edited as YAML, their versions, activation and rollback.

The JSON API takes a flow as JSON and says what is wrong by field; people write YAML and look
for lines. ``POST /admin/ivr/check`` bridges the two: it reads the YAML as ``callfloor ivr check``
does and answers each problem with its line, or the flow as JSON, which the browser then puts
to ``/api/ivr-flows/{id}`` (so the API's rules, audit and SIP directory refresh apply).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from callfloor.api.routes.ivr_flows import resource
from callfloor.center.flows import FLOW_CHECKS, IvrFlowSpec, definition, flow_problems, flow_spec
from callfloor.core.ivr import FlowProblem, Severity
from callfloor.storage.scope import TenantScope
from callfloor.web.access import not_found
from callfloor.web.admin.base import Admin
from callfloor.web.admin.yaml_check import as_yaml, at_line, by_line, read_mapping, validation_lines
from callfloor.web.nav import N_
from callfloor.web.render import page
from callfloor.yamlfile import Location, YamlDocument

router = APIRouter(include_in_schema=False)
MAX_YAML = 200_000
TEXTS = {
    "saved": N_("Saved: version %(version)s is active."),
    "activated": N_("Version %(version)s is active."),
    "line": N_("Line %(line)s"),
    "active": N_("active"),
    "activate": N_("Activate version %(version)s"),
    "no_previous": N_("There is no earlier version to go back to."),
}


@router.get("/admin/ivr")
def flows_page(request: Request, who: Admin) -> HTMLResponse:
    """The tenant's flows, each with its active version."""
    flows = TenantScope(who.session, who.tenant_id).ivr_flows.list()
    return page(request, "admin/ivr.html", user=who.user, session=who.session, flows=flows)


@router.get("/admin/ivr/{flow_id}")
def flow_page(request: Request, who: Admin, flow_id: int) -> HTMLResponse:
    """One flow: its YAML to edit, its versions."""
    flow = TenantScope(who.session, who.tenant_id).ivr_flows.get(flow_id)
    if flow is None:
        raise not_found()
    text = flow_yaml(resource.to_spec(flow))
    return page(
        request, "admin/ivr_flow.html", user=who.user, session=who.session, flow=flow, text=text, texts=TEXTS
    )


@router.get("/admin/ivr/{flow_id}/versions/{version}")
def version_yaml(who: Admin, flow_id: int, version: int) -> dict[str, str]:
    """One kept version in YAML, to put in the editor when it is activated."""
    flow = TenantScope(who.session, who.tenant_id).ivr_flows.get(flow_id)
    kept = next((v for v in flow.versions if v.version == version), None) if flow else None
    if flow is None or kept is None:
        raise not_found()
    return {"yaml": flow_yaml(flow_spec(flow.name, kept.definition))}


@router.post("/admin/ivr/check")
def check(
    who: Admin, text: Annotated[str, Body(embed=True, alias="yaml", max_length=MAX_YAML)]
) -> dict[str, Any]:
    """The flow as JSON when the YAML holds together (and as a version stores it), else its problems
    with their lines."""
    doc = read_mapping(text, "flow", "a flow is a mapping: name, start, nodes")
    if not isinstance(doc, YamlDocument):
        return {"flow": None, "problems": doc}
    try:
        spec = IvrFlowSpec.model_validate(doc.data, context={FLOW_CHECKS: False})
    except ValidationError as exc:
        return {"flow": None, "problems": validation_lines(doc, exc.errors())}
    errors = [p for p in flow_problems(spec) if p.severity is Severity.ERROR]
    if errors:
        return {"flow": None, "problems": by_line([at_line(doc, _location(p), str(p)) for p in errors])}
    return {
        "flow": spec.model_dump(mode="json", by_alias=True),
        "definition": definition(spec),
        "problems": [],
    }


def flow_yaml(spec: IvrFlowSpec) -> str:
    """A flow as people write it: defaults left out, keys in the spec's order."""
    return as_yaml(spec.model_dump(mode="json", by_alias=True, exclude_defaults=True))


def _location(problem: FlowProblem) -> Location:
    """Where a checker's problem stands: ``when.0.next`` of node ``x`` is ``nodes.x.when.0.next``."""
    parts = tuple(int(p) if p.isdigit() else p for p in problem.field.split(".") if p)
    return parts if problem.node is None else ("nodes", problem.node, *parts)
