"""The live floor's figures for supervisors and admins: the wallboard as JSON.

The figures come from the tenant's :class:`~callfloor.server.live_board.LiveBoard`, on the SIP
loop: queues (callers waiting now, agents by state, today's service level with its definition,
abandons, answer and handle times), agents (state, calls handled today, occupancy), campaigns
(running, why paused, drop rate, dialed today) and tickets past their SLA. Without a SIP server
in the process the floor is empty (``live`` false).
"""

import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel, Field

from callfloor.api.deps import Caller, require
from callfloor.api.routes.agent_state import AgentOut, agent_out, sip_endpoint
from callfloor.api.sip_loop import awaited_on_sip_loop
from callfloor.core.acd.pause_reasons import PauseReason
from callfloor.core.roles import Role
from callfloor.server.campaigns import CampaignRuns
from callfloor.server.live_board import LiveBoard, LiveBoards
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.server.wallboard import DENOMINATORS, AgentBoard, CampaignNow, FloorNow, QueueNow, RunNow

router = APIRouter(prefix="/api/floor", tags=["floor"])
Supervisor = Annotated[Caller, Depends(require(frozenset({Role.ADMIN, Role.SUPERVISOR})))]


class ServiceLevelOut(BaseModel):
    """Today's service level and how it is defined: answered within T over ``denominator``."""

    value: float | None = Field(description="A share in [0, 1]; None with nothing to judge yet.")
    threshold_s: float | None = Field(description="T, in seconds.")
    definition: str
    denominator: str


class WaitingCallOut(BaseModel):
    """A caller in the queue, best placed first."""

    id: str
    priority: int
    waited_s: float
    ringing: bool


class QueueOut(BaseModel):
    """A queue now and today (since local midnight)."""

    name: str
    waiting: int
    longest_wait_s: float | None
    callbacks_waiting: int
    agents: dict[str, int] = Field(description="Qualified agents logged in, by state.")
    calls: list[WaitingCallOut]
    service_level: ServiceLevelOut
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int = Field(description="Abandons within the queue's short-abandon limit.")
    abandon_rate: float | None = Field(description="Abandoned over offered, short abandons included.")
    asa_s: float | None
    aht_s: float | None
    max_wait_s: float | None


class AgentLineOut(AgentOut):
    """An agent's line: their state, and their figures of the day."""

    name: str
    handled_today: int
    completed_today: int
    aht_s: float | None
    occupancy: float | None


class CampaignOut(BaseModel):
    """An active campaign: its dialer, if it runs in this process, and its attempts today."""

    name: str
    running: bool
    paused: list[str] = Field(description="Why dialing is paused (hours, abandon_rate).")
    drop_rate: float | None = Field(description="Since the run started; None when not running.")
    agents: int
    dialed_today: int


class FloorOut(BaseModel):
    """The wallboard."""

    live: bool = Field(description="False when this process runs no SIP server: nothing is live.")
    at: AwareDatetime
    day_start: AwareDatetime | None
    queues: list[QueueOut]
    agents: list[AgentLineOut]
    campaigns: list[CampaignOut]
    late_tickets: int | None = Field(description="Open tickets past an SLA due time.")


def _when(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)


def _queue(queue: QueueNow) -> QueueOut:
    k = queue.kpis
    level = ServiceLevelOut(
        value=k.service_level, threshold_s=k.service_level_threshold_s,
        definition=str(k.service_level_definition), denominator=DENOMINATORS[k.service_level_definition],
    )  # fmt: skip
    return QueueOut(
        name=queue.name, waiting=queue.waiting, longest_wait_s=queue.longest_wait_s,
        callbacks_waiting=queue.callbacks_waiting, agents=dict(queue.agents),
        calls=[WaitingCallOut(id=c.id, priority=c.priority, waited_s=c.waited_s, ringing=c.ringing)
               for c in queue.calls],
        service_level=level, offered=k.offered, answered=k.answered, abandoned=k.abandoned,
        short_abandoned=k.short_abandoned, abandon_rate=k.abandon_rate, asa_s=k.asa_s, aht_s=k.aht_s,
        max_wait_s=k.max_wait_s,
    )  # fmt: skip


def _agent(line: AgentBoard, reasons: Sequence[PauseReason] | None = None) -> AgentLineOut:
    figures = line.figures
    return AgentLineOut(
        **agent_out(line.now, reasons).model_dump(), name=line.name,
        handled_today=figures.answered if figures else 0, completed_today=figures.completed if figures else 0,
        aht_s=figures.aht_s if figures else None, occupancy=figures.occupancy if figures else None,
    )  # fmt: skip


def _campaign(campaign: CampaignNow) -> CampaignOut:
    run = campaign.run
    return CampaignOut(
        name=campaign.name, running=run is not None, paused=list(run.paused) if run else [],
        drop_rate=run.drop_rate if run else None, agents=run.agents if run else 0,
        dialed_today=campaign.dialed_today,
    )  # fmt: skip


def floor_out(floor: FloorNow, reasons: Sequence[PauseReason] | None = None) -> FloorOut:
    """The API's view of the wallboard; ``reasons``: the tenant's pause reasons (default: the defaults)."""
    return FloorOut(
        live=True, at=_when(floor.at), day_start=_when(floor.day_start),
        queues=[_queue(q) for q in floor.queues], agents=[_agent(a, reasons) for a in floor.agents],
        campaigns=[_campaign(c) for c in floor.campaigns], late_tickets=floor.late_tickets,
    )  # fmt: skip


def offline() -> FloorOut:
    """The wallboard of a process without a SIP server."""
    return FloorOut(
        live=False,
        at=_when(time.time()),
        day_start=None,
        queues=[],
        agents=[],
        campaigns=[],
        late_tickets=None,
    )


def live_boards(request: Request, endpoint: SipEndpoint) -> LiveBoards:
    """The process's wallboards, made on first use (on the API's loop, where routes run one at a time)."""
    boards = getattr(request.app.state, "boards", None)
    if not isinstance(boards, LiveBoards):
        boards = request.app.state.boards = LiveBoards(endpoint.floor, request.app.state.context.sessions)
    return boards


def runs_of(campaigns: object, tenant_id: int) -> dict[str, RunNow]:
    """The tenant's campaigns whose dialers run in this process (on the SIP loop)."""
    if not isinstance(campaigns, CampaignRuns):
        return {}
    found: dict[str, RunNow] = {}
    for (tenant, name), run in campaigns.runs.items():
        if tenant == tenant_id:
            figures = run.dialer.figures(campaigns.clock())
            found[name] = RunNow(tuple(sorted(run.pauses)), figures.drop_rate, len(run.dialer.agents))
    return found


async def read_floor(request: Request, endpoint: SipEndpoint, tenant_id: int) -> FloorOut:
    """The tenant's wallboard now, read on the SIP loop."""
    boards, campaigns = live_boards(request, endpoint), getattr(request.app.state, "campaigns", None)

    async def read() -> tuple[FloorNow, tuple[PauseReason, ...]]:
        board: LiveBoard = boards.board(tenant_id)
        runs: Mapping[str, RunNow] = runs_of(campaigns, tenant_id)
        return await board.figures(runs), board.floor.pause_reasons()

    return floor_out(*await awaited_on_sip_loop(endpoint.calls.loop, read))


@router.get("/live")
async def live_floor(request: Request, caller: Supervisor) -> FloorOut:
    """Queues, agents, campaigns and late tickets now, with today's figures (since local midnight)."""
    endpoint = sip_endpoint(request)
    if endpoint is None:
        return offline()
    return await read_floor(request, endpoint, caller.tenant_id)
