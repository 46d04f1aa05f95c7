"""Live calls and the commands agents and supervisors give them: answer, hang up, hold,
transfers (to a queue, an agent or a number; blind or attended), conference.

The calls live in the SIP server's event loop (:class:`callfloor.server.sip.calls.CallManager`),
not in the database: these routes read and command them on that loop. Served by ``callfloor
up`` both run on one loop; with the API apart (tests, an API-only process) the work is handed
to the SIP loop's thread. Without a SIP server in the process there are no live calls.

An agent sees and commands the calls they are on (ringing, talking, or consulted), and reads
their screen pop; supervisors and admins every call of their tenant. A call of another tenant
is 404, like any other object.

The phone is a SIP phone, which the server drives: "answer" has the ringing phone pick up
(:mod:`callfloor.server.sip.remote_answer`), "hang up" ends the call as if the agent had put
the handset down.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found
from callfloor.api.sip_loop import awaited_on_sip_loop, on_sip_loop
from callfloor.core.roles import Role
from callfloor.crm.screen_pop import ScreenPop, ScreenPops
from callfloor.server.sip.calls import Call, CallControlError, CallManager
from callfloor.storage.scope import TenantScope

router = APIRouter(prefix="/api/calls", tags=["calls"])
FloorCaller = Annotated[Caller, Depends(require(frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AGENT})))]
T = TypeVar("T")


class LiveCall(BaseModel):
    """A call in progress."""

    id: str
    queue: str
    state: Literal[
        "prompt", "ivr", "queued", "callback", "ringing", "talking", "held", "consulting", "conference",
        "transferred", "ended",
    ] = Field(
        description="callback: the caller hangs up, to be called back; transferred: its agent sent it "
        "to an outside number, which it rings or talks to; ended: as a command ended it (a hang-up)."
    )  # fmt: skip
    agent: str | None
    consulted: str | None = Field(description="The agent consulted for an attended transfer.")
    consulted_number: str | None = Field(
        default=None, description="The outside number (E.164) consulted for an attended transfer."
    )
    consult_failure: Literal["busy", "refused", "no_answer", "hung_up"] | None = Field(
        default=None,
        description="Why the last consultation ended without the agent's say, the caller back with "
        "them: busy, refused, no_answer (nobody took it within the ring time), hung_up (the "
        "consulted party left).",
    )
    caller: str | None = Field(description="The caller's number, as the network gave it.")
    since: datetime
    recording: Literal["off", "on", "paused", "objected"] = Field(
        description="Whether the agent's part is being recorded; objected: the caller refused it."
    )


class TransferRequest(BaseModel):
    """Where to transfer: a queue, an agent's extension or an outside number; ``attended``
    consults the agent or the number first, or for a queue the agent it would give a call to now."""

    model_config = ConfigDict(extra="forbid")

    queue: str | None = Field(default=None, max_length=64)
    agent: str | None = Field(default=None, max_length=16)
    number: str | None = Field(
        default=None,
        max_length=32,
        description="E.164, or as dialed in the tenant's country; not a premium-rate or short number.",
    )
    mode: Literal["blind", "attended"] = "blind"


def _manager(request: Request) -> CallManager | None:
    endpoint = getattr(request.app.state, "sip", None)
    return endpoint.calls if endpoint is not None else None


async def _on_sip_loop(manager: CallManager, work: Callable[[], T]) -> T:
    """Run ``work`` on the SIP server's loop: its calls are not thread-safe."""
    return await on_sip_loop(manager.loop, work)


def _extension(caller: Caller) -> str | None:
    """The agent's extension when the caller is an agent (who then sees only their calls)."""
    if caller.role is not Role.AGENT:
        return None
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    return agent.extension if agent is not None else ""


def _visible(call: Call, tenant_id: int, extension: str | None) -> bool:
    if call.tenant_id != tenant_id or call.over:
        return False
    return extension is None or extension in (call.agent, call.consulted)


def _view(call: Call) -> LiveCall:
    invite = call.caller.invite
    number = invite.from_().uri.user if invite is not None else None
    return LiveCall(
        id=call.id,
        queue=call.queue,
        state=call.state,  # type: ignore[arg-type]
        agent=call.agent,
        consulted=call.consulted,
        consulted_number=call.consult_number,
        consult_failure=call.consult_failure,  # type: ignore[arg-type]
        caller=number,
        since=datetime.fromtimestamp(call.started, UTC),
        recording=_recording(call),
    )


def _recording(call: Call) -> Literal["off", "on", "paused", "objected"]:
    if call.consent == "objected":
        return "objected"
    if call.recorder is None:
        return "off"
    return "paused" if call.recorder.paused else "on"


@router.get("")
async def list_calls(request: Request, caller: FloorCaller) -> list[LiveCall]:
    """The tenant's calls in progress (an agent's own only)."""
    manager = _manager(request)
    if manager is None:
        return []
    extension = _extension(caller)
    calls = await _on_sip_loop(manager, lambda: list(manager.calls.values()))
    return [_view(c) for c in calls if _visible(c, caller.tenant_id, extension)]


@router.get("/{call_id}/screen-pop")
async def call_screen_pop(request: Request, caller: FloorCaller, call_id: str) -> ScreenPop:
    """The call's screen pop for the agent desktop: built when it first rang an agent (now if not yet)."""
    manager = _manager(request)
    if manager is None:
        raise not_found()
    extension = _extension(caller)

    def kept() -> tuple[ScreenPop | None, str | None, dict[str, Any]]:
        call = manager.calls.get(call_id)
        if call is None or not _visible(call, caller.tenant_id, extension):
            raise not_found()
        return call.screen_pop, call.number, dict(call.ivr.variables) if call.ivr is not None else {}

    pop, number, variables = await _on_sip_loop(manager, kept)
    if pop is not None:
        return replace(pop, ivr=variables)
    tenant_id, sessions = caller.tenant_id, caller.context.sessions

    def build() -> ScreenPop:
        with sessions() as session:
            return ScreenPops(session, tenant_id).build(number, interaction=call_id)

    built = await asyncio.to_thread(build)  # it reads the database: not on the loop the calls share
    return replace(built, ivr=variables)


async def _command(
    request: Request, caller: FloorCaller, call_id: str, action: Callable[[CallManager, Call], None]
) -> LiveCall:
    async def act(manager: CallManager, call: Call, _extension: str | None) -> None:
        action(manager, call)

    return await _on_call(request, caller, call_id, act)


async def _on_call(
    request: Request,
    caller: FloorCaller,
    call_id: str,
    act: Callable[[CallManager, Call, str | None], Awaitable[None]],
) -> LiveCall:
    """``act`` on a call the caller sees, on the SIP loop (given the agent's extension, None for a
    supervisor); the call as it is then."""
    manager = _manager(request)
    if manager is None:
        raise not_found()
    extension = _extension(caller)

    async def work() -> LiveCall:
        call = manager.calls.get(call_id)
        if call is None or not _visible(call, caller.tenant_id, extension):
            raise not_found()
        try:
            await act(manager, call, extension)
        except CallControlError as exc:
            raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc
        return _view(call)

    return await awaited_on_sip_loop(manager.loop, work)


@router.post("/{call_id}/answer")
async def answer(request: Request, caller: FloorCaller, call_id: str) -> LiveCall:
    """Have the ringing phone answer (a ``NOTIFY`` with ``Event: talk``): 409 ``not_ringing`` when it
    is not ringing on the agent's phone, 502 ``phone_refused`` when the phone will not (pick it up)."""

    async def act(manager: CallManager, call: Call, extension: str | None) -> None:
        await manager.answer(call, extension)

    return await _on_call(request, caller, call_id, act)


@router.post("/{call_id}/hangup")
async def hang_up(request: Request, caller: FloorCaller, call_id: str) -> LiveCall:
    """End the call as its agent hanging up: BYE to their phone and to the caller, wrap-up as usual
    (a consulted agent leaves the consultation only); 409 when it is not connected to an agent."""

    async def act(manager: CallManager, call: Call, extension: str | None) -> None:
        manager.hang_up(call, extension)

    return await _on_call(request, caller, call_id, act)


@router.post("/{call_id}/hold")
async def hold(request: Request, caller: FloorCaller, call_id: str) -> LiveCall:
    """Put the caller on hold: music for them, silence for the agent."""
    return await _command(request, caller, call_id, CallManager.hold)


@router.post("/{call_id}/resume")
async def resume(request: Request, caller: FloorCaller, call_id: str) -> LiveCall:
    """Take the caller off hold."""
    return await _command(request, caller, call_id, CallManager.resume)


@router.post("/{call_id}/transfer")
async def transfer(request: Request, caller: FloorCaller, call_id: str, body: TransferRequest) -> LiveCall:
    """Blind transfer to a queue, an agent or a number, or the first step of an attended transfer
    (to an agent or a number: the caller is held while the agent talks to them; to a queue: to
    the agent the queue would give a call to now, 409 ``no_agent_ready`` when none of its agents
    is ready). A number: 422 ``transfer_number`` when it is not one to call, 503 ``no_trunk``
    without a trunk."""
    if body.number is not None:
        if body.queue is not None or body.agent is not None:
            raise ApiError(
                422,
                "transfer_target",
                "Un numéro se transfère seul, sans file ni agent.",
                "A number is a transfer's only target.",
            )
        number = body.number
        if body.mode == "attended":
            return await _command(request, caller, call_id, lambda m, c: m.consult_number(c, number))
        return await _command(request, caller, call_id, lambda m, c: m.transfer_to_number(c, number))
    if body.mode == "attended":
        if (body.agent is None) == (body.queue is None):
            raise ApiError(
                422,
                "transfer_target",
                "Un transfert accompagné va à un agent, à une file ou à un numéro.",
                "An attended transfer goes to an agent, a queue or a number.",
            )
        agent, queue = body.agent, body.queue
        if queue is not None:
            return await _command(request, caller, call_id, lambda m, c: m.consult_queue(c, queue))
        return await _command(request, caller, call_id, lambda m, c: m.consult(c, agent or ""))
    return await _command(
        request, caller, call_id, lambda m, c: m.transfer(c, queue=body.queue, agent=body.agent)
    )


@router.post("/{call_id}/transfer/complete")
async def complete_transfer(request: Request, caller: FloorCaller, call_id: str) -> LiveCall:
    """Hand the caller to the consulted agent or number; the first agent leaves the call (a
    number: as in a blind transfer to it, the agent hung up). 409 ``not_consulting`` until the
    consulted party answered."""
    return await _command(request, caller, call_id, CallManager.complete_transfer)


@router.post("/{call_id}/transfer/cancel")
async def cancel_transfer(request: Request, caller: FloorCaller, call_id: str) -> LiveCall:
    """Give up the attended transfer: the consulted agent or number is hung up, the caller comes back."""
    return await _command(request, caller, call_id, CallManager.cancel_consult)


@router.post("/{call_id}/conference")
async def conference(request: Request, caller: FloorCaller, call_id: str) -> LiveCall:
    """Join the caller, the agent and the consulted agent or number in a three-way conference."""
    return await _command(request, caller, call_id, CallManager.conference)


@router.post("/{call_id}/recording/pause")
async def pause_recording(request: Request, caller: FloorCaller, call_id: str) -> LiveCall:
    """Leave the audio out of the recording from now (a card number is about to be read)."""
    return await _command(request, caller, call_id, CallManager.pause_recording)


@router.post("/{call_id}/recording/resume")
async def resume_recording(request: Request, caller: FloorCaller, call_id: str) -> LiveCall:
    """Record the call again."""
    return await _command(request, caller, call_id, CallManager.resume_recording)
