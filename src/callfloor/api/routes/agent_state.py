"""An agent's state on the live floor: read it, go ready or pause; supervisors force another's.

The agent lives in the SIP server's floor (:class:`callfloor.server.floors.LiveFloor`), logged
in by their phone's registration: these routes read and change it on the SIP loop
(:mod:`callfloor.api.sip_loop`). Pausing takes one of the offered reason codes
(:mod:`callfloor.core.acd.pause_reasons`); going ready during wrap-up ends it early; a pause
asked for while busy starts when the work ends (``pending_pause``). An agent paused by the
floor for a campaign or a consultation is changed there, not here (409). A supervisor's or an
admin's forced change is audit-logged.
"""

import time
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, client_ip, require
from callfloor.api.errors import ApiError, not_found
from callfloor.api.sip_loop import on_sip_loop
from callfloor.core.acd import AcdError, UnknownObjectError
from callfloor.core.acd.engine import CONSULT
from callfloor.core.acd.model import AgentState
from callfloor.core.acd.pause_reasons import PAUSE_CODES, PAUSE_REASONS
from callfloor.core.events import AgentPaused, AgentReady
from callfloor.core.roles import Role
from callfloor.server.campaigns import CAMPAIGN_PAUSE
from callfloor.server.floors import LiveFloor
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.server.wallboard import AgentNow, agent_now
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope

router = APIRouter(tags=["agent state"])
Desk = Annotated[Caller, Depends(require(frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AGENT})))]
Supervisor = Annotated[Caller, Depends(require(frozenset({Role.ADMIN, Role.SUPERVISOR})))]
#: Pauses the floor sets for work elsewhere: ended by that work, not by a state change.
_HELD_ELSEWHERE = frozenset({CAMPAIGN_PAUSE, CONSULT})


class Label(BaseModel):
    """A text in French and English."""

    fr: str
    en: str


class PauseReasonOut(BaseModel):
    """A pause reason the agent may choose."""

    code: str
    label: Label


class AgentOut(BaseModel):
    """An agent's state on the live floor."""

    extension: str
    state: Literal["logged_out", "ready", "paused", "reserved", "busy", "wrap_up"] = Field(
        description="reserved: a call rings for them; busy: on a call; logged_out: no phone registered."
    )
    since: AwareDatetime | None = Field(
        description="When the state began (None: not since the floor started)."
    )
    reason: str | None = Field(description="The pause's reason code.")
    pending_pause: str | None = Field(
        description="A pause asked for while busy: it starts when the work ends."
    )
    wrap_up_remaining_s: float | None = Field(description="In wrap-up: seconds before it ends on its own.")
    queues: list[str]
    pause_reasons: list[PauseReasonOut]


class AgentStateIn(BaseModel):
    """Ready, or paused with one of the offered reason codes."""

    model_config = ConfigDict(extra="forbid")

    state: Literal["ready", "paused"]
    reason: str | None = Field(default=None, max_length=40)


PAUSE_REASONS_OUT = [PauseReasonOut(code=r.code, label=Label(fr=r.fr, en=r.en)) for r in PAUSE_REASONS]


def agent_out(now: AgentNow) -> AgentOut:
    """The API's view of an agent's state."""
    return AgentOut(
        extension=now.extension,
        state=now.state.value,
        since=datetime.fromtimestamp(now.since, UTC) if now.since is not None else None,
        reason=now.reason,
        pending_pause=now.pending_pause,
        wrap_up_remaining_s=now.wrap_up_remaining_s,
        queues=list(now.queues),
        pause_reasons=PAUSE_REASONS_OUT,
    )


def logged_out(extension: str) -> AgentOut:
    """An agent the live floor does not have logged in (or no floor in this process)."""
    return agent_out(AgentNow(extension, AgentState.LOGGED_OUT, None, None, None, None, ()))


def own_extension(caller: Caller) -> str:
    """The calling user's agent extension; 409 for a user who is no agent."""
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    if agent is None:
        raise ApiError(409, "not_an_agent", "Vous n'êtes pas conseiller.", "You are not an agent.")
    return agent.extension


def sip_endpoint(request: Request) -> SipEndpoint | None:
    """The process's SIP server, if it runs one."""
    endpoint = getattr(request.app.state, "sip", None)
    return endpoint if isinstance(endpoint, SipEndpoint) else None


def no_sip_server() -> ApiError:
    """The answer of a live command in a process without a SIP server."""
    return ApiError(
        503, "no_sip_server", "Aucun serveur SIP dans ce processus.", "No SIP server in this process."
    )


def read_agent(floor: LiveFloor, extension: str) -> AgentOut:
    """The agent's state now (on the SIP loop); one added since the floor was built is logged out."""
    try:
        return agent_out(agent_now(floor.floor.acd, extension, time.time()))
    except UnknownObjectError:
        return logged_out(extension)


def _check(body: AgentStateIn) -> None:
    if body.state == "paused" and body.reason not in PAUSE_CODES:
        codes = ", ".join(r.code for r in PAUSE_REASONS)
        raise ApiError(
            422, "pause_reason", f"Indiquez un motif de pause parmi : {codes}.",
            f"Give a pause reason among: {codes}.",
        )  # fmt: skip


def _change(floor: LiveFloor, extension: str, body: AgentStateIn) -> AgentOut:
    """Apply the change on the SIP loop; refusals as 409."""
    record = floor.floor.acd.agents.get(extension)
    if record is None or record.state is AgentState.LOGGED_OUT:
        raise ApiError(
            409, "agent_logged_out",
            "Le téléphone du conseiller n'est pas connecté : enregistrez-le d'abord.",
            "The agent's phone is not registered: log it in first.",
        )  # fmt: skip
    if record.state is AgentState.PAUSED and record.reason in _HELD_ELSEWHERE:
        raise ApiError(
            409, "agent_held", f"Le conseiller est occupé ailleurs ({record.reason}).",
            f"The agent is busy elsewhere ({record.reason}).",
        )  # fmt: skip
    event = AgentReady(extension) if body.state == "ready" else AgentPaused(extension, body.reason or "")
    try:
        floor.apply(event)
    except AcdError as exc:
        raise ApiError(409, "illegal_state", f"Changement refusé : {exc}", f"Change refused: {exc}") from exc
    return read_agent(floor, extension)


async def _set_state(request: Request, tenant_id: int, extension: str, body: AgentStateIn) -> AgentOut:
    _check(body)
    endpoint = sip_endpoint(request)
    if endpoint is None:
        raise no_sip_server()
    return await on_sip_loop(endpoint.calls.loop, lambda: _change(endpoint.floor(tenant_id), extension, body))


@router.get("/api/me/agent")
async def my_agent_state(request: Request, caller: Desk) -> AgentOut:
    """The calling agent's state, its reason and wrap-up time left, and the pause reasons offered."""
    extension = own_extension(caller)
    endpoint = sip_endpoint(request)
    if endpoint is None:
        return logged_out(extension)
    tenant_id = caller.tenant_id
    return await on_sip_loop(endpoint.calls.loop, lambda: read_agent(endpoint.floor(tenant_id), extension))


@router.post("/api/me/agent/state")
async def set_my_agent_state(request: Request, caller: Desk, body: AgentStateIn) -> AgentOut:
    """Go ready (ending a wrap-up early) or pause with a reason (after the call, when on one)."""
    return await _set_state(request, caller.tenant_id, own_extension(caller), body)


@router.post("/api/agents/{extension}/state")
async def force_agent_state(
    request: Request, caller: Supervisor, extension: str, body: AgentStateIn
) -> AgentOut:
    """A supervisor or an admin sets an agent of their tenant ready or paused; audit-logged."""
    if TenantScope(caller.session, caller.tenant_id).agents.by_extension(extension) is None:
        raise not_found()
    changed = await _set_state(request, caller.tenant_id, extension, body)
    audit(
        caller.session, "agent.state", tenant_id=caller.tenant_id, actor=caller.user, target=extension,
        ip=client_ip(request), details={"state": body.state, "reason": body.reason},
    )  # fmt: skip
    return changed
