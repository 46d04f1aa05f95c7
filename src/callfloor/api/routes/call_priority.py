"""A supervisor moves a waiting caller up or down their queue (``PriorityChanged``).

Only a caller waiting in a queue (or waiting there to be called back) has a place to move: a
call in the IVR, ringing an agent or connected is 409. A call of another tenant is 404, like
any other object; the change is audit-logged, and the wallboards' streams hear of it.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, client_ip, require
from callfloor.api.errors import ApiError, not_found
from callfloor.api.routes.agent_state import sip_endpoint
from callfloor.api.routes.floor_live import live_boards
from callfloor.api.sip_loop import on_sip_loop
from callfloor.core.acd import AcdError
from callfloor.core.acd.model import InteractionState
from callfloor.core.events import PriorityChanged
from callfloor.core.roles import Role
from callfloor.server.live_board import LiveBoards
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.storage.repositories import audit

router = APIRouter(prefix="/api/calls", tags=["calls"])
Supervisor = Annotated[Caller, Depends(require(frozenset({Role.ADMIN, Role.SUPERVISOR})))]
_QUEUED = frozenset({InteractionState.WAITING, InteractionState.CALLBACK_WAITING})


class PriorityIn(BaseModel):
    """The caller's new priority in their queue: higher is served first (then the longest waiting)."""

    model_config = ConfigDict(extra="forbid")

    priority: int = Field(ge=-100, le=100)


class PriorityOut(BaseModel):
    """The waiting caller, moved."""

    id: str
    queue: str
    priority: int
    position: int = Field(description="1: the next served by the agents of their group.")


def _not_waiting() -> ApiError:
    return ApiError(
        409, "not_waiting", "Cet appel n'attend pas dans une file.", "This call is not waiting in a queue."
    )


def _move(
    endpoint: SipEndpoint, boards: LiveBoards, tenant_id: int, call_id: str, priority: int
) -> PriorityOut:
    """On the SIP loop: the call is the tenant's and waits, its priority changes."""
    call = endpoint.calls.calls.get(call_id)
    if call is None or call.tenant_id != tenant_id or call.over:
        raise not_found()
    floor = endpoint.floor(tenant_id)
    record = floor.floor.acd.interactions.get(call_id)
    if record is None or record.state not in _QUEUED:
        raise _not_waiting()
    try:
        floor.apply(PriorityChanged(call_id, priority))
    except AcdError as exc:
        raise _not_waiting() from exc
    boards.touched(tenant_id)
    return PriorityOut(
        id=call_id, queue=record.queue.name, priority=priority, position=floor.floor.acd.position(call_id)
    )


@router.post("/{call_id}/priority")
async def change_priority(
    request: Request, caller: Supervisor, call_id: str, body: PriorityIn
) -> PriorityOut:
    """Set a waiting caller's priority in their queue."""
    endpoint = sip_endpoint(request)
    if endpoint is None:
        raise not_found()  # no SIP server, no live call
    boards, tenant_id = live_boards(request, endpoint), caller.tenant_id
    moved = await on_sip_loop(
        endpoint.calls.loop, lambda: _move(endpoint, boards, tenant_id, call_id, body.priority)
    )
    audit(
        caller.session, "call.priority", tenant_id=tenant_id, actor=caller.user, target=call_id,
        ip=client_ip(request), details={"priority": body.priority, "queue": moved.queue},
    )  # fmt: skip
    return moved
