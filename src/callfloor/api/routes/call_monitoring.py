"""Supervisors monitoring live calls: listening (écoute), whispering to the agent (chuchotement),
barging in (intervention).

``POST /api/calls/{call_id}/monitor`` rings the supervisor's own phone, the one registered on
their agent extension, and joins it to the call when it answers
(:mod:`callfloor.server.sip.monitoring`); ``…/monitor/mode`` changes the mode of one's own
monitor live and ``…/monitor/stop`` ends a monitor: one's own by default, else the call's only
one, or the one of the extension named in the body (``{"supervisor": "1900"}``). Several
supervisors may monitor one call, each in their own mode; ``GET /api/calls/monitoring`` lists
every monitor of each call (``monitors``), and in ``monitor`` the caller's own, else the first.
Supervisors and admins of the tenant only (agents: 403); a call of another tenant is 404; a call
not in conversation, a supervisor with no extension or no phone registered is 409. Every start,
change and stop is audit-logged: who listened to which call.
"""

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, client_ip, require
from callfloor.api.errors import ApiError, not_found
from callfloor.api.routes.agent_state import sip_endpoint
from callfloor.api.routes.floor_live import live_boards
from callfloor.api.sip_loop import on_sip_loop
from callfloor.core.roles import Role
from callfloor.server.sip.calls import Call, CallControlError
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.server.sip.monitoring import Monitor, MonitorMode, Monitors
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope

router = APIRouter(prefix="/api/calls", tags=["calls"])
Supervisor = Annotated[Caller, Depends(require(frozenset({Role.ADMIN, Role.SUPERVISOR})))]


class MonitorIn(BaseModel):
    """How to take part: ``listen`` (heard by nobody), ``whisper`` (by the agent), ``barge`` (by both)."""

    model_config = ConfigDict(extra="forbid")

    mode: MonitorMode


class MonitorOut(BaseModel):
    """A supervisor on a call."""

    call_id: str
    agent: str | None
    supervisor: str = Field(description="The supervisor's extension, whose phone is on the call.")
    mode: MonitorMode
    state: Literal["ringing", "connected", "ended"] = Field(
        description="ringing: the supervisor's phone has not answered yet."
    )
    mine: bool = Field(description="Whether it is the calling user's own monitor.")


class MonitorStopIn(BaseModel):
    """Whose monitor to end; without it, one's own, else the call's only one."""

    model_config = ConfigDict(extra="forbid")

    supervisor: str | None = Field(default=None, description="The extension of the supervisor to hang up.")


class MonitoredCallOut(BaseModel):
    """A call in conversation, which may be monitored, and its monitors if it has any."""

    call_id: str
    agent: str | None
    monitor: MonitorOut | None = Field(
        description="The calling user's own monitor on the call, else its first one, else null."
    )
    monitors: list[MonitorOut] = Field(description="Every monitor of the call, in the order asked for.")


def _view(monitor: Monitor, extension: str | None) -> MonitorOut:
    return MonitorOut(
        call_id=monitor.call.id,
        agent=monitor.call.agent,
        supervisor=monitor.supervisor,
        mode=monitor.mode,
        state="ended" if monitor.over else "connected" if monitor.connected else "ringing",
        mine=monitor.supervisor == extension,
    )


def _extension(caller: Caller) -> str | None:
    """The calling supervisor's agent extension (their phone), if they have one."""
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    return agent.extension if agent is not None else None


def _no_extension() -> ApiError:
    return ApiError(
        409, "no_extension",
        "Vous n'avez pas de poste téléphonique : demandez à un administrateur de vous en attribuer un.",
        "You have no phone extension: ask an administrator to give you one.",
    )  # fmt: skip


def _not_yours(monitors: tuple[Monitor, ...]) -> ApiError:
    extensions = ", ".join(monitor.supervisor for monitor in monitors)
    return ApiError(
        409, "not_your_monitor",
        f"Vous n'écoutez pas cet appel : il est écouté par le poste {extensions}.",
        f"You are not monitoring this call: extension {extensions} is.",
    )  # fmt: skip


def _own(monitors: Monitors, call: Call, extension: str | None) -> Monitor | None:
    """The calling supervisor's own monitor on the call, if any."""
    return next((m for m in monitors.of(call) if extension is not None and m.supervisor == extension), None)


Work = Callable[[Monitors, Call, str | None], Monitor]


async def _on_call(request: Request, caller: Caller, call_id: str, work: Work) -> MonitorOut:
    """``work(monitors, call, extension)`` on the tenant's call ``call_id``, on the SIP loop, with the
    caller's extension; the monitor it returns, as the caller sees it."""
    endpoint = sip_endpoint(request)
    if endpoint is None:
        raise not_found()  # no SIP server, no live call
    extension, tenant_id, manager = _extension(caller), caller.tenant_id, endpoint.calls
    boards = live_boards(request, endpoint)

    def run() -> MonitorOut:
        call = manager.calls.get(call_id)
        if call is None or call.tenant_id != tenant_id or call.over:
            raise not_found()
        try:
            monitor = work(manager.monitors, call, extension)
        except CallControlError as exc:
            raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc
        boards.touched(tenant_id)  # the other wallboards show who monitors the call
        return _view(monitor, extension)

    return await on_sip_loop(manager.loop, run)


def _audit(request: Request, caller: Caller, action: str, monitor: MonitorOut) -> None:
    audit(
        caller.session, action, tenant_id=caller.tenant_id, actor=caller.user, target=monitor.call_id,
        ip=client_ip(request),
        details={"mode": monitor.mode, "agent": monitor.agent, "extension": monitor.supervisor},
    )  # fmt: skip


@router.get("/monitoring")
async def monitored_calls(request: Request, caller: Supervisor) -> list[MonitoredCallOut]:
    """The tenant's calls in conversation, with their monitor if any (empty without a SIP server)."""
    endpoint = sip_endpoint(request)
    if endpoint is None:
        return []
    extension, tenant_id = _extension(caller), caller.tenant_id
    return await on_sip_loop(endpoint.calls.loop, lambda: _talking(endpoint, tenant_id, extension))


def _talking(endpoint: SipEndpoint, tenant_id: int, extension: str | None) -> list[MonitoredCallOut]:
    monitors = endpoint.calls.monitors
    listed = []
    for call in endpoint.calls.calls.values():
        if call.tenant_id != tenant_id or call.over or call.state != "talking":
            continue
        views = [_view(monitor, extension) for monitor in monitors.of(call)]
        first = next((view for view in views if view.mine), views[0] if views else None)
        listed.append(MonitoredCallOut(call_id=call.id, agent=call.agent, monitor=first, monitors=views))
    return listed


@router.post("/{call_id}/monitor")
async def start_monitoring(request: Request, caller: Supervisor, call_id: str, body: MonitorIn) -> MonitorOut:
    """Ring the supervisor's phone and join it to the call in the mode asked."""

    def start(monitors: Monitors, call: Call, extension: str | None) -> Monitor:
        if extension is None:
            raise _no_extension()
        return monitors.start(call, extension, body.mode)

    monitor = await _on_call(request, caller, call_id, start)
    _audit(request, caller, "call.monitor", monitor)
    return monitor


@router.post("/{call_id}/monitor/mode")
async def change_monitoring_mode(
    request: Request, caller: Supervisor, call_id: str, body: MonitorIn
) -> MonitorOut:
    """Listen, whisper or barge in from now on (the supervisor's own monitor)."""

    def change(monitors: Monitors, call: Call, extension: str | None) -> Monitor:
        mine, current = _own(monitors, call, extension), monitors.of(call)
        if mine is None and current:
            raise _not_yours(current)
        return monitors.set_mode(call, body.mode, mine.supervisor if mine is not None else None)

    monitor = await _on_call(request, caller, call_id, change)
    _audit(request, caller, "call.monitor_mode", monitor)
    return monitor


@router.post("/{call_id}/monitor/stop")
async def stop_monitoring(
    request: Request, caller: Supervisor, call_id: str, body: MonitorStopIn | None = None
) -> MonitorOut:
    """End a monitor of the call: the one of ``supervisor`` if named (a supervisor or an admin of the
    tenant may end anyone's), else the caller's own, else the call's only one."""
    named = body.supervisor if body is not None else None

    def stop(monitors: Monitors, call: Call, extension: str | None) -> Monitor:
        mine = _own(monitors, call, extension)
        return monitors.stop(call, named or (mine.supervisor if mine is not None else None))

    monitor = await _on_call(request, caller, call_id, stop)
    _audit(request, caller, "call.monitor_stop", monitor)
    return monitor
