"""Running a campaign: supervisors start and stop its dialer, agents join and leave it.

The dialers live in the SIP server's event loop (:class:`callfloor.server.campaigns.CampaignRuns`,
``app.state.campaigns`` when ``callfloor up`` serves both); these routes hand their work to that
loop. A campaign of another tenant is 404 like any other object; without a SIP server in the
process nothing can be dialed (503). An agent who joins leaves inbound routing (paused
``campaign``) until they leave.
"""

import asyncio
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found
from callfloor.core.roles import Role
from callfloor.outbound.campaigns import Campaigns
from callfloor.server.campaigns import CampaignError, CampaignRuns
from callfloor.storage.scope import TenantScope

router = APIRouter(prefix="/api/campaigns", tags=["outbound"])
Supervisor = Annotated[Caller, Depends(require(frozenset({Role.ADMIN, Role.SUPERVISOR})))]
FloorCaller = Annotated[Caller, Depends(require(frozenset({Role.ADMIN, Role.SUPERVISOR, Role.AGENT})))]


class RunState(BaseModel):
    """Where a campaign's dialer stands."""

    campaign: str
    running: bool
    agents: dict[str, str]  # extension -> state on the campaign
    calls: int  # in flight


def _runs(request: Request, caller: Caller, campaign: str) -> CampaignRuns:
    """The process's dialers, once the campaign is known to be the caller's tenant's."""
    if Campaigns(caller.session, caller.tenant_id).get(campaign) is None:
        raise not_found()
    runs = getattr(request.app.state, "campaigns", None)
    if not isinstance(runs, CampaignRuns):
        raise ApiError(
            503, "no_dialer", "Aucun serveur SIP dans ce processus.", "No SIP server in this process."
        )
    return runs


async def _act(runs: CampaignRuns, tenant_id: int, campaign: str, act: Callable[[], object]) -> RunState:
    """Run ``act`` on the SIP server's loop (its state is not thread-safe), then read the run's state."""

    async def run() -> RunState:
        try:
            act()
        except CampaignError as exc:
            raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc
        return _state(runs, tenant_id, campaign)

    loop = runs.endpoint.calls.loop
    if loop is None or loop is asyncio.get_running_loop():
        return await run()
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), loop))


def _state(runs: CampaignRuns, tenant_id: int, campaign: str) -> RunState:
    run = runs.runs.get((tenant_id, campaign))
    if run is None:
        return RunState(campaign=campaign, running=False, agents={}, calls=0)
    agents = {a.id: str(a.state) for a in run.dialer.agents.values()}
    return RunState(campaign=campaign, running=True, agents=agents, calls=len(run.dialer.calls))


def _extension(caller: Caller) -> str:
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    if agent is None:
        raise ApiError(409, "not_an_agent", "Vous n'êtes pas conseiller.", "You are not an agent.")
    return agent.extension


@router.post("/{campaign}/start")
async def start_campaign(request: Request, caller: Supervisor, campaign: str) -> RunState:
    """Start the campaign's dialer (running already: nothing changes)."""
    runs, tenant = _runs(request, caller, campaign), caller.tenant_id
    return await _act(runs, tenant, campaign, lambda: runs.start(tenant, campaign))


@router.post("/{campaign}/stop")
async def stop_campaign(request: Request, caller: Supervisor, campaign: str) -> RunState:
    """Stop dialing: agents go back to inbound calls; calls under way end on their own."""
    runs, tenant = _runs(request, caller, campaign), caller.tenant_id
    return await _act(runs, tenant, campaign, lambda: runs.stop(tenant, campaign))


@router.post("/{campaign}/join")
async def join_campaign(request: Request, caller: FloorCaller, campaign: str) -> RunState:
    """The calling agent takes the campaign's calls instead of inbound ones."""
    runs, tenant = _runs(request, caller, campaign), caller.tenant_id
    agent = _extension(caller)
    return await _act(runs, tenant, campaign, lambda: runs.get(tenant, campaign).join(agent))


@router.post("/{campaign}/leave")
async def leave_campaign(request: Request, caller: FloorCaller, campaign: str) -> RunState:
    """The calling agent leaves the campaign (after the call under way) for inbound calls."""
    runs, tenant = _runs(request, caller, campaign), caller.tenant_id
    agent = _extension(caller)
    return await _act(runs, tenant, campaign, lambda: runs.get(tenant, campaign).leave(agent))
