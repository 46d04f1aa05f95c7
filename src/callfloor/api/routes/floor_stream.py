"""The live floor as Server-Sent Events: the wallboard for supervisors, their own desk for agents.

``?view=floor`` asks for the wallboard's stream (supervisors and admins: an agent is refused
403), ``?view=desk`` for the caller's own desk (409 for a user who is no agent). Without it, a
user with an agent extension gets their desk's and a supervisor or admin without one the
wallboard's; so the wallboard asks for ``floor``, and a supervisor who takes calls too gets the
floor on the wallboard and their own state and offers on the desk.

Supervisors and admins get ``event: floor`` (the JSON of ``GET /api/floor/live``) when they
connect and whenever the floor logs something: coalesced, one every ``MIN_GAP_S`` at most, so
within a second of the change. Agents get ``event: agent`` (as ``GET /api/me/agent``) when
they connect and when their state changes, and ``event: offer`` when a call rings for them,
with the caller's number and the screen pop's contact. A ``: keepalive`` comment goes every
``KEEPALIVE_S``, which also finds a client gone when no event does.

Theory of operation. The SIP loop calls a watcher with every entry the floor stores; the
watcher only hands a wake-up (or the offer's ids) to the stream's loop with
``call_soon_threadsafe``, so a slow browser never holds the SIP loop up, and an agent's queue
is bounded (a lost wake-up is harmless: each event reads the state afresh). The watcher is
removed as the stream ends, the client gone. Authentication is read at connection with a
session of its own, closed at once: a stream lasting hours holds no database connection.
Without a SIP server in the process the stream sends the one (empty) event and ends.
"""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from callfloor.api.deps import Caller, app_context, current_user, require
from callfloor.api.errors import forbidden
from callfloor.api.routes.agent_state import logged_out, own_extension, read_agent, sip_endpoint
from callfloor.api.routes.floor_live import live_boards, offline, read_floor
from callfloor.api.sip_loop import on_sip_loop
from callfloor.core.log import AgentEventType, InteractionEventType, LogEntry, MembershipEventType
from callfloor.core.roles import OBSERVE, Role
from callfloor.crm.screen_pop import ScreenPop
from callfloor.server.floors import LiveFloor
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.storage.scope import TenantScope

router = APIRouter(prefix="/api/floor", tags=["floor"])
KEEPALIVE_S: Final = 15.0
MIN_GAP_S: Final = 0.5
AGENT_QUEUE: Final = 64
RETRY_MS: Final = 30_000  # how long a browser waits before it connects again to a stream that ended
_ROLES: Final = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AGENT})
Wake = tuple[str, str | None, str | None]  # ("agent" | "offer", interaction, queue)


class View(StrEnum):
    """Which stream a page asks for."""

    FLOOR = "floor"  # the wallboard's
    DESK = "desk"  # the caller's own, as an agent


@dataclass(frozen=True, slots=True)
class _Who:
    tenant_id: int
    extension: str | None  # an agent's stream; None: the wallboard's


def _who(request: Request, view: View | None) -> _Who:
    """The caller, from a session of its own (closed before the stream starts)."""
    context = app_context(request)
    with context.sessions() as session, session.begin():
        user = current_user(request, session, context)
        caller = require(_ROLES)(request, user, session, context)
        return _Who(caller.tenant_id, _desk(caller, view))


def _desk(caller: Caller, view: View | None) -> str | None:
    """The extension whose desk the stream is, or None for the wallboard's (see the module's docstring)."""
    watches = caller.role in OBSERVE
    if view is View.FLOOR:
        if not watches:
            raise forbidden()
        return None
    if view is View.DESK or not watches:
        return own_extension(caller)
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    return None if agent is None else agent.extension


def _event(name: str, data: BaseModel | dict[str, Any]) -> str:
    text = data.model_dump_json() if isinstance(data, BaseModel) else json.dumps(data)
    return f"event: {name}\ndata: {text}\n\n"


def _drop(watchers: list[Any], watcher: Any) -> None:
    with contextlib.suppress(ValueError):
        watchers.remove(watcher)


def _unhook(loop: asyncio.AbstractEventLoop | None, watchers: list[Any], watcher: Any) -> None:
    """Take ``watcher`` off the SIP loop's list without waiting (the stream may be cancelled)."""
    if loop is None:
        _drop(watchers, watcher)
        return
    with contextlib.suppress(RuntimeError):  # the SIP loop stopped first: nothing left to unhook
        loop.call_soon_threadsafe(_drop, watchers, watcher)


def _to(loop: asyncio.AbstractEventLoop, work: Callable[..., None], *args: Any) -> None:
    """``work(*args)`` on the stream's ``loop``, from the SIP loop; a stream already gone is let be."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(work, *args)


async def _floor_events(request: Request, endpoint: SipEndpoint, tenant_id: int) -> AsyncIterator[str]:
    sip_loop, boards, loop = endpoint.calls.loop, live_boards(request, endpoint), asyncio.get_running_loop()
    wake = asyncio.Event()

    def watcher(_entry: LogEntry | None) -> None:
        _to(loop, wake.set)

    board = await on_sip_loop(sip_loop, lambda: boards.board(tenant_id))
    await on_sip_loop(sip_loop, lambda: board.watchers.append(watcher))
    try:
        yield _event("floor", await read_floor(request, endpoint, tenant_id))
        sent = loop.time()
        while True:
            try:
                await asyncio.wait_for(wake.wait(), KEEPALIVE_S)
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            await asyncio.sleep(max(0.0, sent + MIN_GAP_S - loop.time()))
            wake.clear()
            yield _event("floor", await read_floor(request, endpoint, tenant_id))
            sent = loop.time()
    finally:  # no await here: a cancelled stream's cleanup must not wait for anything
        _unhook(sip_loop, board.watchers, watcher)


def _agent_watcher(extension: str, queue: asyncio.Queue[Wake]) -> Callable[[LogEntry], None]:
    """A floor listener (on the SIP loop): the agent's state entries and offers, to the stream's queue."""
    loop = asyncio.get_running_loop()

    def put(item: Wake) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            queue.put_nowait(item)

    def watch(entry: LogEntry) -> None:
        if entry.agent != extension:
            return
        if isinstance(entry.type, AgentEventType | MembershipEventType):  # state, or queues left/joined
            _to(loop, put, ("agent", None, None))
        elif entry.type is InteractionEventType.OFFERED:
            _to(loop, put, ("offer", entry.interaction, entry.queue))

    return watch


async def _offer(
    endpoint: SipEndpoint, floor: LiveFloor, interaction: str, queue: str | None
) -> dict[str, Any]:
    """The offer's call, caller and contact (the call's screen pop, else one built now, off the loop)."""

    def kept() -> tuple[bool, str | None, ScreenPop | None]:
        call = endpoint.calls.calls.get(interaction)
        return (False, None, None) if call is None else (True, call.number, call.screen_pop)

    live, number, pop = await on_sip_loop(endpoint.calls.loop, kept)
    if live and pop is None:
        pop = await asyncio.to_thread(floor.screen_pop, number, interaction)
    contact = asdict(pop.contact) if pop is not None and pop.contact is not None else None
    tickets = len(pop.open_tickets) if pop is not None else 0
    return {
        "call_id": interaction,
        "queue": queue,
        "caller": number,
        "contact": contact,
        "open_tickets": tickets,
    }


def _listen(floor: LiveFloor, watcher: Callable[[LogEntry], None]) -> LiveFloor:
    floor.listeners.append(watcher)
    return floor


async def _agent_events(endpoint: SipEndpoint, tenant_id: int, extension: str) -> AsyncIterator[str]:
    sip_loop = endpoint.calls.loop
    queue: asyncio.Queue[Wake] = asyncio.Queue(AGENT_QUEUE)
    watcher = _agent_watcher(extension, queue)
    floor = await on_sip_loop(sip_loop, lambda: _listen(endpoint.floor(tenant_id), watcher))
    try:
        yield _event("agent", await on_sip_loop(sip_loop, lambda: read_agent(floor, extension)))
        while True:
            try:
                kind, interaction, queue_name = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            if kind == "offer" and interaction is not None:
                yield _event("offer", await _offer(endpoint, floor, interaction, queue_name))
            else:
                yield _event("agent", await on_sip_loop(sip_loop, lambda: read_agent(floor, extension)))
    finally:
        _unhook(sip_loop, floor.listeners, watcher)


async def _offline(who: _Who) -> AsyncIterator[str]:
    """No SIP server here: the one event there is, and the end (the browser retries later)."""
    yield f"retry: {RETRY_MS}\n\n"
    yield _event("agent", logged_out(who.extension)) if who.extension else _event("floor", offline())


@router.get("/stream", response_class=StreamingResponse)
async def floor_stream(request: Request, view: View | None = None) -> StreamingResponse:
    """Server-Sent Events: ``floor`` for the wallboard (``view=floor``); ``agent`` and ``offer`` for
    an agent's desk (``view=desk``, the default of a user who has an agent extension)."""
    who = await run_in_threadpool(_who, request, view)
    endpoint = sip_endpoint(request)
    events: AsyncIterator[str]
    if endpoint is None:
        events = _offline(who)
    elif who.extension is not None:
        events = _agent_events(endpoint, who.tenant_id, who.extension)
    else:
        events = _floor_events(request, endpoint, who.tenant_id)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy may hold events back
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)
