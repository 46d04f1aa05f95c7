"""An agent's state on the live floor: read it, go ready or pause, leave or rejoin a queue;
supervisors force another's. The tenant's pause reasons: read them, and admins set them.

The agent lives in the SIP server's floor (:class:`callfloor.server.floors.LiveFloor`), logged
in by their phone's registration: these routes read and change it on the SIP loop
(:mod:`callfloor.api.sip_loop`). Pausing takes one of the tenant's reason codes (its own, from
its center configuration, or :mod:`callfloor.core.acd.pause_reasons`' defaults); going ready
during wrap-up ends it early; a pause asked for while busy starts when the work ends
(``pending_pause``). An agent paused by the floor for a campaign or a consultation is changed
there, not here (409). An agent may leave any queue their skills qualify them for, and rejoin
it, without logging out (``memberships``); a call ringing or connected stays theirs, and the
choice lasts until they log out: each shift starts in every queue. A supervisor's or an admin's
forced change is audit-logged.
"""

import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session

from callfloor.api.deps import Caller, client_ip, require
from callfloor.api.errors import ApiError, not_found
from callfloor.api.sip_loop import on_sip_loop
from callfloor.center.apply import apply_pause_reasons, pause_reasons
from callfloor.center.schema import PauseReasons
from callfloor.core.acd import AcdError, UnknownObjectError
from callfloor.core.acd.engine import CONSULT
from callfloor.core.acd.model import AgentState
from callfloor.core.acd.pause_reasons import PAUSE_REASONS, PauseReason
from callfloor.core.acd.records import AgentRecord
from callfloor.core.events import AgentJoinedQueue, AgentLeftQueue, AgentPaused, AgentReady, Event
from callfloor.core.roles import CONFIGURE, OBSERVE, Role
from callfloor.server.campaigns import CAMPAIGN_PAUSE
from callfloor.server.floors import LiveFloor
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.server.wallboard import AgentNow, agent_now
from callfloor.storage.models import Tenant
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope

router = APIRouter(tags=["agent state"])
Desk = Annotated[Caller, Depends(require(frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AGENT})))]
Supervisor = Annotated[Caller, Depends(require(frozenset({Role.ADMIN, Role.SUPERVISOR})))]
Reader = Annotated[Caller, Depends(require(OBSERVE | {Role.AGENT}))]
Configurer = Annotated[Caller, Depends(require(CONFIGURE))]
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


class MembershipOut(BaseModel):
    """A queue the agent is qualified for, and whether they take its calls now."""

    queue: str
    joined: bool = Field(description="False: the agent left the queue (until they rejoin it or log out).")


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
    queues: list[str] = Field(description="The queues whose calls may be offered to them now.")
    memberships: list[MembershipOut] = Field(
        default_factory=list, description="Every queue their skills qualify them for, joined or left."
    )
    pause_reasons: list[PauseReasonOut]


class AgentStateIn(BaseModel):
    """Ready, or paused with one of the tenant's reason codes."""

    model_config = ConfigDict(extra="forbid")

    state: Literal["ready", "paused"]
    reason: str | None = Field(default=None, max_length=40)


class QueueChoiceIn(BaseModel):
    """Leave a queue (``joined: false``) or rejoin it (``joined: true``)."""

    model_config = ConfigDict(extra="forbid")

    queue: str = Field(max_length=64)
    joined: bool


class PauseReasonsIn(BaseModel):
    """The tenant's pause reasons in the desk's order; null: back to the default ones."""

    model_config = ConfigDict(extra="forbid")

    pause_reasons: PauseReasons | None


class PauseReasonsOut(BaseModel):
    """The pause reasons the tenant's agents choose from."""

    pause_reasons: list[PauseReasonOut]
    default: bool = Field(description="True when the tenant uses the default reasons.")


def reasons_out(reasons: Sequence[PauseReason]) -> list[PauseReasonOut]:
    """The API's view of pause reasons."""
    return [PauseReasonOut(code=r.code, label=Label(fr=r.fr, en=r.en)) for r in reasons]


_DEFAULT_REASONS_OUT = reasons_out(PAUSE_REASONS)


def agent_out(now: AgentNow, reasons: Sequence[PauseReason] | None = None) -> AgentOut:
    """The API's view of an agent's state, with the pause reasons offered (default: the defaults)."""
    return AgentOut(
        extension=now.extension,
        state=now.state.value,
        since=datetime.fromtimestamp(now.since, UTC) if now.since is not None else None,
        reason=now.reason,
        pending_pause=now.pending_pause,
        wrap_up_remaining_s=now.wrap_up_remaining_s,
        queues=list(now.queues),
        memberships=[MembershipOut(queue=queue, joined=joined) for queue, joined in now.memberships],
        pause_reasons=_DEFAULT_REASONS_OUT if reasons is None else reasons_out(reasons),
    )


def logged_out(extension: str, reasons: Sequence[PauseReason] | None = None) -> AgentOut:
    """An agent the live floor does not have logged in (or no floor in this process)."""
    return agent_out(AgentNow(extension, AgentState.LOGGED_OUT, None, None, None, None, ()), reasons)


def own_extension(caller: Caller) -> str:
    """The calling user's agent extension; 409 for a user who is no agent."""
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    if agent is None:
        raise ApiError(409, "not_an_agent", "Vous n'êtes pas conseiller.", "You are not an agent.")
    return agent.extension


def tenant_reasons(caller: Caller) -> tuple[PauseReason, ...]:
    """The pause reasons of the caller's tenant, read now."""
    return pause_reasons(caller.session.get(Tenant, caller.tenant_id))


def sip_endpoint(request: Request) -> SipEndpoint | None:
    """The process's SIP server, if it runs one."""
    endpoint = getattr(request.app.state, "sip", None)
    return endpoint if isinstance(endpoint, SipEndpoint) else None


def no_sip_server() -> ApiError:
    """The answer of a live command in a process without a SIP server."""
    return ApiError(
        503, "no_sip_server", "Aucun serveur SIP dans ce processus.", "No SIP server in this process."
    )


def read_agent(floor: LiveFloor, extension: str, reasons: Sequence[PauseReason] | None = None) -> AgentOut:
    """The agent's state now (on the SIP loop); one added since the floor was built is logged out.

    ``reasons``: the tenant's pause reasons, when the caller has read them; else the floor's.
    """
    offered = floor.pause_reasons() if reasons is None else reasons
    try:
        return agent_out(agent_now(floor.floor.acd, extension, time.time()), offered)
    except UnknownObjectError:
        return logged_out(extension, offered)


def _check(body: AgentStateIn, reasons: Sequence[PauseReason]) -> None:
    if body.state == "paused" and all(r.code != body.reason for r in reasons):
        codes = ", ".join(r.code for r in reasons)
        raise ApiError(
            422, "pause_reason", f"Indiquez un motif de pause parmi : {codes}.",
            f"Give a pause reason among: {codes}.",
        )  # fmt: skip


def _logged_in(floor: LiveFloor, extension: str) -> AgentRecord:
    """The agent's live record; 409 when their phone is not registered."""
    record = floor.floor.acd.agents.get(extension)
    if record is None or record.state is AgentState.LOGGED_OUT:
        raise ApiError(
            409, "agent_logged_out",
            "Le téléphone du conseiller n'est pas connecté : enregistrez-le d'abord.",
            "The agent's phone is not registered: log it in first.",
        )  # fmt: skip
    return record


def _apply(floor: LiveFloor, event: Event) -> None:
    """Apply an agent's or a supervisor's command; the core's refusal as 409."""
    try:
        floor.apply(event)
    except AcdError as exc:
        raise ApiError(409, "illegal_state", f"Changement refusé : {exc}", f"Change refused: {exc}") from exc


def _change(floor: LiveFloor, extension: str, body: AgentStateIn) -> None:
    """Go ready or pause (on the SIP loop); refusals as 409."""
    record = _logged_in(floor, extension)
    if record.state is AgentState.PAUSED and record.reason in _HELD_ELSEWHERE:
        raise ApiError(
            409, "agent_held", f"Le conseiller est occupé ailleurs ({record.reason}).",
            f"The agent is busy elsewhere ({record.reason}).",
        )  # fmt: skip
    _apply(
        floor, AgentReady(extension) if body.state == "ready" else AgentPaused(extension, body.reason or "")
    )


def _choose(floor: LiveFloor, extension: str, body: QueueChoiceIn) -> None:
    """Leave or rejoin a queue (on the SIP loop): 422 for a queue the agent is not qualified for."""
    acd = floor.floor.acd
    if extension in acd.agents and body.queue not in acd.memberships(extension):
        raise ApiError(
            422, "queue_not_qualified",
            f"Le conseiller n'a pas les compétences de la file « {body.queue} ».",
            f"The agent lacks the skills of queue {body.queue!r}.",
        )  # fmt: skip
    _logged_in(floor, extension)
    _apply(
        floor,
        AgentJoinedQueue(extension, body.queue) if body.joined else AgentLeftQueue(extension, body.queue),
    )


async def _on_floor(
    request: Request, caller: Caller, extension: str, command: Callable[[LiveFloor], None]
) -> AgentOut:
    """Run ``command`` on the tenant's floor on the SIP loop; the agent's state after it."""
    reasons = tenant_reasons(caller)
    endpoint = sip_endpoint(request)
    if endpoint is None:
        raise no_sip_server()
    tenant_id = caller.tenant_id

    def work() -> AgentOut:
        floor = endpoint.floor(tenant_id)
        command(floor)
        return read_agent(floor, extension, reasons)

    return await on_sip_loop(endpoint.calls.loop, work)


async def _set_state(request: Request, caller: Caller, extension: str, body: AgentStateIn) -> AgentOut:
    _check(body, tenant_reasons(caller))
    return await _on_floor(request, caller, extension, lambda floor: _change(floor, extension, body))


async def _set_queue(request: Request, caller: Caller, extension: str, body: QueueChoiceIn) -> AgentOut:
    return await _on_floor(request, caller, extension, lambda floor: _choose(floor, extension, body))


@router.get("/api/me/agent")
async def my_agent_state(request: Request, caller: Desk) -> AgentOut:
    """The calling agent's state, its reason and wrap-up time left, their queues, the pause reasons."""
    extension = own_extension(caller)
    reasons = tenant_reasons(caller)
    endpoint = sip_endpoint(request)
    if endpoint is None:
        return logged_out(extension, reasons)
    tenant_id = caller.tenant_id
    return await on_sip_loop(
        endpoint.calls.loop, lambda: read_agent(endpoint.floor(tenant_id), extension, reasons)
    )


@router.post("/api/me/agent/state")
async def set_my_agent_state(request: Request, caller: Desk, body: AgentStateIn) -> AgentOut:
    """Go ready (ending a wrap-up early) or pause with a reason (after the call, when on one)."""
    return await _set_state(request, caller, own_extension(caller), body)


@router.post("/api/me/agent/queues")
async def choose_my_queue(request: Request, caller: Desk, body: QueueChoiceIn) -> AgentOut:
    """Leave one of one's queues, or rejoin it: no new call of a queue left is offered."""
    return await _set_queue(request, caller, own_extension(caller), body)


@router.post("/api/agents/{extension}/state")
async def force_agent_state(
    request: Request, caller: Supervisor, extension: str, body: AgentStateIn
) -> AgentOut:
    """A supervisor or an admin sets an agent of their tenant ready or paused; audit-logged."""
    details = {"state": body.state, "reason": body.reason}
    change = lambda: _set_state(request, caller, extension, body)  # noqa: E731
    return await _forced(request, caller, extension, action="agent.state", details=details, change=change)


@router.post("/api/agents/{extension}/queues")
async def force_agent_queue(
    request: Request, caller: Supervisor, extension: str, body: QueueChoiceIn
) -> AgentOut:
    """A supervisor or an admin takes an agent of their tenant out of a queue, or back in; audit-logged."""
    details = {"queue": body.queue, "joined": body.joined}
    change = lambda: _set_queue(request, caller, extension, body)  # noqa: E731
    return await _forced(request, caller, extension, action="agent.queues", details=details, change=change)


async def _forced(
    request: Request,
    caller: Caller,
    extension: str,
    *,
    action: str,
    details: dict[str, Any],
    change: Callable[[], Awaitable[AgentOut]],
) -> AgentOut:
    """A change to another agent of the caller's tenant (404 for anybody else's), audit-logged once made."""
    if TenantScope(caller.session, caller.tenant_id).agents.by_extension(extension) is None:
        raise not_found()
    changed = await change()
    audit(
        caller.session, action, tenant_id=caller.tenant_id, actor=caller.user, target=extension,
        ip=client_ip(request), details=details,
    )  # fmt: skip
    return changed


def _reasons_out(tenant: Tenant | None) -> PauseReasonsOut:
    return PauseReasonsOut(
        pause_reasons=reasons_out(pause_reasons(tenant)), default=tenant is None or not tenant.pause_reasons
    )


@router.get("/api/pause-reasons")
def get_pause_reasons(caller: Reader) -> PauseReasonsOut:
    """The pause reasons the tenant's agents choose from, in the desk's order."""
    return _reasons_out(caller.session.get(Tenant, caller.tenant_id))


@router.put("/api/pause-reasons")
def put_pause_reasons(request: Request, caller: Configurer, body: PauseReasonsIn) -> PauseReasonsOut:
    """Set the tenant's pause reasons (null: the default ones); pauses already logged keep their codes."""
    tenant = caller.session.get(Tenant, caller.tenant_id)
    if tenant is None:
        raise not_found()
    apply_pause_reasons(tenant, body.pause_reasons)
    details = {"pause_reasons": [r.code for r in body.pause_reasons] if body.pause_reasons else None}
    audit(caller.session, "pause_reasons.update", tenant_id=tenant.id, actor=caller.user, details=details)
    _forget_after_commit(request, caller.session, tenant.id)
    return _reasons_out(tenant)


def _forget_after_commit(request: Request, session: Session, tenant_id: int) -> None:
    """Once the change is committed, the live floor reads the tenant's pause reasons again."""
    endpoint = sip_endpoint(request)
    loop = endpoint.calls.loop if endpoint is not None else None
    if endpoint is None or loop is None or loop.is_closed():
        return

    def forget(_session: Session) -> None:
        loop.call_soon_threadsafe(lambda: endpoint.floor(tenant_id).forget_pause_reasons())

    orm_event.listen(session, "after_commit", forget, once=True)
