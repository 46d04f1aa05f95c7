"""Running a campaign: supervisors start and stop its dialer, agents join and leave it and work it.

The dialers live in the SIP server's event loop (:class:`callfloor.server.campaigns.CampaignRuns`,
``app.state.campaigns`` when ``callfloor up`` serves both); these routes hand their work to that
loop. A campaign of another tenant is 404 like any other object; without a SIP server in the
process nothing can be dialed (503). An agent who joins leaves inbound routing (paused
``campaign``) until they leave. From their desk an agent sees the lead they are on
(``/desk``), dials or skips the one shown in preview mode, and qualifies each call
(``/disposition``): a code of the campaign, perhaps a callback time for themselves or for
whoever is free; ``do_not_call`` is always offered (the person's objection).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found
from callfloor.api.sip_loop import awaited_on_sip_loop
from callfloor.core.roles import Role
from callfloor.outbound.campaigns import Campaigns
from callfloor.server.campaigns import CampaignError, CampaignRuns, DeskView
from callfloor.storage.outbound import Lead
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
    paused: list[str] = Field(default_factory=list)  # why dialing is paused: hours, abandon_rate


class LeadCard(BaseModel):
    """The lead on an agent's desk, enough to greet the person (the full lead: ``/leads/{id}``)."""

    id: int
    phone: str
    first_name: str
    last_name: str
    company: str
    attempts: int
    data: dict[str, object]


class DeskState(BaseModel):
    """What the calling agent's desk shows of the campaign."""

    campaign: str
    running: bool
    state: str  # logged_out, ready, reserved, talking, wrap_up, away
    previewing: bool  # the lead waits for a dial or a skip
    lead: LeadCard | None
    dispositions: list[str]
    interaction_id: str | None = Field(
        default=None, description="The conversation's interaction (talking or in wrap-up), for its notes."
    )


class PreviewChoice(BaseModel):
    """The lead the agent dials or skips (the one their desk shows)."""

    lead_id: int


class DispositionInput(BaseModel):
    """The agent's qualification of the call they are on or have just ended."""

    disposition: str = Field(min_length=1, max_length=40)
    callback_at: AwareDatetime | None = None  # a time agreed with the person
    callback_for: Literal["agent", "campaign"] = "agent"  # the same agent, or whoever is free
    machine: bool = False  # what the network took for a person was a machine


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


T = TypeVar("T")


async def _on_loop(runs: CampaignRuns, act: Callable[[], T]) -> T:
    """``act`` run on the SIP server's loop (its state is not thread-safe); its refusal as a 4xx."""

    async def run() -> T:
        try:
            return act()
        except CampaignError as exc:
            raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc

    return await awaited_on_sip_loop(runs.endpoint.calls.loop, run)


async def _act(runs: CampaignRuns, tenant_id: int, campaign: str, act: Callable[[], object]) -> RunState:
    """Run ``act`` on the SIP server's loop, then read the run's state."""

    def both() -> RunState:
        act()
        return _state(runs, tenant_id, campaign)

    return await _on_loop(runs, both)


def _state(runs: CampaignRuns, tenant_id: int, campaign: str) -> RunState:
    run = runs.runs.get((tenant_id, campaign))
    if run is None:
        return RunState(campaign=campaign, running=False, agents={}, calls=0)
    agents = {a.id: str(a.state) for a in run.dialer.agents.values()}
    paused = sorted(run.pauses)
    return RunState(
        campaign=campaign, running=True, agents=agents, calls=len(run.dialer.calls), paused=paused
    )


def _extension(caller: Caller) -> str:
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    if agent is None:
        raise ApiError(409, "not_an_agent", "Vous n'êtes pas conseiller.", "You are not an agent.")
    return agent.extension


@router.get("/{campaign}/run")
async def run_state(request: Request, caller: Supervisor, campaign: str) -> RunState:
    """Whether the campaign's dialer runs, why it is paused, its agents and calls in flight."""
    runs, tenant = _runs(request, caller, campaign), caller.tenant_id
    return await _on_loop(runs, lambda: _state(runs, tenant, campaign))


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


def _desk(runs: CampaignRuns, tenant_id: int, campaign: str, agent: str) -> tuple[bool, DeskView | None]:
    run = runs.runs.get((tenant_id, campaign))
    return (False, None) if run is None else (True, run.desk(agent))


def _card(caller: Caller, lead_id: str | None) -> LeadCard | None:
    row = caller.session.get(Lead, int(lead_id)) if lead_id is not None else None
    if row is None or row.tenant_id != caller.tenant_id:
        return None
    return LeadCard(
        id=row.id, phone=row.phone, first_name=row.first_name, last_name=row.last_name,
        company=row.company, attempts=row.attempts, data=dict(row.data),
    )  # fmt: skip


def _off_campaign(campaign: str, running: bool) -> DeskState:
    return DeskState(
        campaign=campaign, running=running, state="logged_out", previewing=False, lead=None, dispositions=[]
    )


async def _desk_state(runs: CampaignRuns, caller: Caller, campaign: str, agent: str) -> DeskState:
    running, view = await _on_loop(runs, lambda: _desk(runs, caller.tenant_id, campaign, agent))
    if view is None:
        return _off_campaign(campaign, running)
    return DeskState(
        campaign=campaign, running=running, state=view.state, previewing=view.previewing,
        lead=_card(caller, view.lead.id if view.lead is not None else None), dispositions=list(view.codes),
        interaction_id=view.interaction,
    )  # fmt: skip


@router.get("/{campaign}/desk")
async def campaign_desk(request: Request, caller: FloorCaller, campaign: str) -> DeskState:
    """The calling agent's part in the campaign: their state and the lead they are on.

    Without a dialer in this process the campaign is simply not running; a user who is no agent
    is on no campaign: the desk says so.
    """
    if Campaigns(caller.session, caller.tenant_id).get(campaign) is None:
        raise not_found()
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    runs = getattr(request.app.state, "campaigns", None)
    if not isinstance(runs, CampaignRuns) or agent is None:
        running = isinstance(runs, CampaignRuns) and (caller.tenant_id, campaign) in runs.runs
        return _off_campaign(campaign, running)
    return await _desk_state(runs, caller, campaign, agent.extension)


async def _preview(
    request: Request, caller: Caller, campaign: str, choice: PreviewChoice, dial: bool
) -> DeskState:
    runs, tenant, agent = _runs(request, caller, campaign), caller.tenant_id, _extension(caller)
    await _on_loop(runs, lambda: runs.get(tenant, campaign).decide(agent, str(choice.lead_id), dial=dial))
    return await _desk_state(runs, caller, campaign, agent)


@router.post("/{campaign}/preview/dial")
async def dial_preview(
    request: Request, caller: FloorCaller, campaign: str, choice: PreviewChoice
) -> DeskState:
    """Preview mode: dial the lead the desk shows."""
    return await _preview(request, caller, campaign, choice, dial=True)


@router.post("/{campaign}/preview/skip")
async def skip_preview(
    request: Request, caller: FloorCaller, campaign: str, choice: PreviewChoice
) -> DeskState:
    """Preview mode: pass over the lead the desk shows (not an attempt); the next one is shown."""
    return await _preview(request, caller, campaign, choice, dial=False)


#: How far ahead a callback may be agreed.
LONGEST_CALLBACK = timedelta(days=366)


@router.post("/{campaign}/disposition")
async def qualify_call(
    request: Request, caller: FloorCaller, campaign: str, given: DispositionInput
) -> DeskState:
    """The agent's disposition of their call: the lead's next attempt follows the campaign's rules."""
    runs, tenant, agent = _runs(request, caller, campaign), caller.tenant_id, _extension(caller)
    at = None
    if given.callback_at is not None:
        now = datetime.fromtimestamp(runs.clock(), given.callback_at.tzinfo)
        if not now < given.callback_at <= now + LONGEST_CALLBACK:
            raise ApiError(
                422, "bad_callback_at", "Le rappel doit être dans l'avenir, à moins d'un an.",
                "The callback must be in the future, within a year.",
            )  # fmt: skip
        at = given.callback_at.timestamp()
    owner = agent if at is not None and given.callback_for == "agent" else None

    def qualify() -> None:
        run = runs.get(tenant, campaign)
        run.qualify(agent, given.disposition, machine=given.machine, callback_at=at, callback_agent=owner)

    await _on_loop(runs, qualify)
    return await _desk_state(runs, caller, campaign, agent)
