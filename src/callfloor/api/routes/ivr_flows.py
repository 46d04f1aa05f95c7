"""IVR flows of the caller's tenant: supervisors read, admins write; every change is a version.

Bodies are the center YAML's flow spec. Writing a flow whose definition changed adds a
version and makes it the one calls walk; the versions stay, and an admin goes back to one by
activating it. Numbers name a flow, so these writes drop the SIP directory's cache.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from callfloor.api.deps import directory_changes
from callfloor.api.errors import ApiError
from callfloor.api.resources import Configurer, Observer, SpecResource, spec_router
from callfloor.center.apply import apply_flow, ivr_flow_spec
from callfloor.center.flows import IvrFlowSpec
from callfloor.storage.models import IvrFlow
from callfloor.storage.repositories import audit

resource = SpecResource[IvrFlowSpec, IvrFlow](
    name="ivr_flow",
    spec=IvrFlowSpec,
    key="name",
    repository=lambda scope: scope.ivr_flows,
    find=lambda scope, name: scope.ivr_flows.by_name(name),
    apply=apply_flow,
    to_spec=ivr_flow_spec,
)

router = APIRouter(dependencies=[Depends(directory_changes)])
router.include_router(spec_router(resource, "/api/ivr-flows", "ivr-flows"))


class FlowVersion(BaseModel):
    """One kept version of a flow."""

    version: int
    created_at: datetime
    active: bool
    definition: dict[str, Any] = Field(description="start and nodes, as the center YAML writes them")


class Activation(BaseModel):
    """Which version calls walk from now on."""

    version: Annotated[int, Field(ge=1)]


def _versions(flow: IvrFlow) -> list[dict[str, Any]]:
    return [
        {
            "version": v.version,
            "created_at": v.created_at,
            "active": v.version == flow.active_version,
            "definition": v.definition,
        }
        for v in flow.versions
    ]


@router.get("/api/ivr-flows/{object_id}/versions", tags=["ivr-flows"], summary="List a flow's versions")
def list_versions(object_id: int, caller: Observer) -> list[FlowVersion]:
    """Every version of the flow, oldest first, the active one marked."""
    return [FlowVersion(**v) for v in _versions(resource.get(caller, object_id))]


@router.post("/api/ivr-flows/{object_id}/activate", tags=["ivr-flows"], summary="Go back to a version")
def activate_version(object_id: int, body: Activation, caller: Configurer) -> dict[str, Any]:
    """Make a kept version the one calls walk (a rollback, or forward again)."""
    flow = resource.get(caller, object_id)
    if body.version not in {v.version for v in flow.versions}:
        raise ApiError(
            422,
            "unknown_version",
            f"Ce parcours n'a pas de version {body.version}.",
            f"This flow has no version {body.version}.",
        )
    flow.active_version = body.version
    caller.session.flush()
    audit(
        caller.session, "ivr_flow.activate", tenant_id=caller.tenant_id, actor=caller.user,
        target=flow.name, details={"version": body.version},
    )  # fmt: skip
    return resource.show(flow)
