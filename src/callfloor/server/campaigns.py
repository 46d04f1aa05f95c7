"""Running outbound campaigns on the live server: one dialer per campaign, on the server's clock.

Theory of operation. :meth:`CampaignRuns.start` loads an active campaign (its
:class:`~callfloor.server.campaign_setup.RunSetup`, its leads into
:class:`~callfloor.server.campaign_store.StoredLeads`) and builds its
:class:`~callfloor.core.dialer.engine.CampaignDialer`, driven as the simulator drives it
(:mod:`callfloor.sim.outbound`): every event goes through :meth:`CampaignRun.handle`, the
actions it returns are carried out by :class:`~callfloor.server.sip.campaign_calls.CampaignCalls`,
and one loop timer stands for :meth:`~CampaignDialer.next_deadline`. An agent who joins leaves
inbound routing (paused ``campaign`` on the tenant's :class:`~callfloor.server.floors.LiveFloor`)
and is ready for the dialer; one who leaves is ready for inbound calls again.

The agent's desk: in preview mode the lead shown to an agent waits for their dial or skip
(:meth:`CampaignRun.decide`); a disposition (:meth:`CampaignRun.qualify`) given during the call
ends the wrap-up as the call ends, one given in wrap-up ends it at once, and a wrap-up nobody
ends lasts the run's longest wrap-up, then the attempt is stored without a code.

Dialing pauses, calls under way going on, outside the campaign's own hours (its schedule; the
legal hours are the compliance gate's) and, where the country caps the abandon rate (16 CFR
310.4(b)(4)(i)), while the campaign's rate over the window is above the cap; both are looked
at again when they may change. A started campaign is marked ``running`` in storage, so a
restarted server resumes it (:meth:`CampaignRuns.restore`); agents join it again.

Times handed to the dialer are ``clock()`` (seconds since the epoch): tests move it, as
``journeys.clock``, to check calling hours on a chosen day.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.acd import AcdError
from callfloor.core.dialer.actions import (
    Connect,
    Dial,
    DialerAction,
    Hangup,
    PlayDropMessage,
    PlayMachineMessage,
    ShowPreview,
)
from callfloor.core.dialer.engine import CampaignDialer
from callfloor.core.dialer.events import (
    AgentLoggedOut,
    AgentReady,
    AgentWrapUpDone,
    CallAnswered,
    CallEnded,
    CallFailed,
    DialerEvent,
    DialingPaused,
    DialingResumed,
    PreviewDecision,
)
from callfloor.core.dialer.model import Lead, Outcome
from callfloor.core.dialer.states import AgentState
from callfloor.core.events import AgentPaused
from callfloor.core.events import AgentReady as FloorAgentReady
from callfloor.outbound import UnknownCampaignError
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.compliance import CampaignCompliance
from callfloor.prompts import prompt_path
from callfloor.server.campaign_interactions import Conversation, Conversations
from callfloor.server.campaign_setup import RunSetup, run_setup
from callfloor.server.campaign_store import StoredLeads, moment
from callfloor.server.floors import LiveFloor
from callfloor.server.media.player import Player
from callfloor.server.media.session import RtpSession
from callfloor.server.sip.campaign_calls import CampaignCalls
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.storage.outbound import Campaign

log = logging.getLogger(__name__)
CAMPAIGN_PAUSE = "campaign"  # the pause reason of an agent on a campaign, on the inbound floor
HOURS, ABANDON_RATE = "hours", "abandon_rate"  # why dialing is paused
ABANDON_RECHECK_S = 3600.0  # a rate above the cap is looked at again hourly (old calls leave the window)


class CampaignError(Exception):
    """A campaign that cannot be run as asked; ``error_id`` and messages in French and English."""

    def __init__(self, status: int, error_id: str, fr: str, en: str) -> None:
        super().__init__(en)
        self.status, self.error_id, self.fr, self.en = status, error_id, fr, en


@dataclass(frozen=True, slots=True)
class DeskView:
    """What one agent's desk shows of the campaign: their state and the lead they are on."""

    state: str  # the agent's state on the campaign (logged_out when not on it)
    lead: Lead | None  # shown in preview, being dialed for them, in conversation or wrap-up
    previewing: bool  # the lead waits for their dial or skip
    codes: tuple[str, ...]  # the dispositions they may give
    interaction: str | None = None  # the conversation's interaction id, talking or in wrap-up


class CampaignRun:
    """One running campaign: its dialer, its leads, its calls, and the timer of its deadlines."""

    def __init__(
        self, runs: "CampaignRuns", tenant_id: int, name: str, leads: StoredLeads, setup: RunSetup
    ) -> None:
        self.runs, self.tenant_id, self.name, self.leads = runs, tenant_id, name, leads
        self.setup, self.amd = setup, setup.amd
        self.dialer = CampaignDialer(setup.settings, leads, name=f"t{tenant_id}-{name}", start=runs.clock())
        self.previews: dict[str, Lead] = {}  # by agent: the lead shown, until they dial or skip
        self.pauses: set[str] = set()  # why dialing is paused (HOURS, ABANDON_RATE)
        self._given: dict[str, AgentWrapUpDone] = {}  # dispositions given during the call
        self._wrap_ups: dict[str, asyncio.TimerHandle] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._hours_timer: asyncio.TimerHandle | None = None
        self._abandon_timer: asyncio.TimerHandle | None = None
        self._drops = 0
        self.conversations = Conversations(runs.sessions, tenant_id)  # notes, then records

    def begin(self) -> None:
        """Dialing paused now if the hours or the abandon rate say so."""
        self._check_hours()
        self._check_abandon_rate()

    def handle(self, event: DialerEvent) -> None:
        """One event for the dialer, now; its actions carried out."""
        now = self.runs.clock()
        self._carry_out(self.dialer.handle(event, now), now)

    def stop(self) -> None:
        """Every agent off the campaign (calls under way go on to their end), the timers off."""
        for agent in list(self.dialer.agents):
            self.leave(agent)
        for timer in (self._timer, self._hours_timer, self._abandon_timer, *self._wrap_ups.values()):
            if timer is not None:
                timer.cancel()
        self._timer = self._hours_timer = self._abandon_timer = None
        self._wrap_ups.clear()

    def join(self, agent: str) -> None:
        """The agent leaves inbound routing and is ready for the campaign's calls."""
        try:
            self.runs.floor(self.tenant_id).handle(AgentPaused(agent, CAMPAIGN_PAUSE))
        except AcdError as exc:
            raise CampaignError(409, "agent_unavailable", f"Conseiller indisponible : {exc}",
                                f"Agent unavailable: {exc}") from exc  # fmt: skip
        self.handle(AgentReady(agent))

    def leave(self, agent: str) -> None:
        """Off the campaign (after the call under way), ready for inbound calls again."""
        record = self.dialer.agents.get(agent)
        if record is not None and record.state != "logged_out":
            self.handle(AgentLoggedOut(agent))
        self.previews.pop(agent, None)
        try:
            self.runs.floor(self.tenant_id).handle(FloorAgentReady(agent))
        except AcdError as exc:
            log.info("campaign %s: agent %s back to inbound: %s", self.name, agent, exc)

    # -- the agent's desk -------------------------------------------------------------------------

    def desk(self, agent: str) -> DeskView:
        """What the agent's desk shows now."""
        record = self.dialer.agents.get(agent)
        codes = tuple(sorted(self.setup.codes))
        if record is None:
            return DeskView(AgentState.LOGGED_OUT.value, None, False, codes)
        lead = record.lead
        if lead is None and record.call is not None and record.call in self.dialer.calls:
            lead = self.dialer.calls[record.call].lead
        talked = record.state in (AgentState.TALKING, AgentState.WRAP_UP)
        interaction = self.conversations.of_agent(agent) if talked else None
        return DeskView(record.state.value, lead, agent in self.previews, codes, interaction)

    def decide(self, agent: str, lead_id: str, *, dial: bool) -> None:
        """Preview mode: the agent dials the lead shown to them, or skips it for the next."""
        shown = self.previews.get(agent)
        if shown is None or shown.id != lead_id:
            raise CampaignError(409, "no_preview", "Aucune fiche en aperçu pour ce conseiller.",
                                "No lead is shown to this agent.")  # fmt: skip
        del self.previews[agent]
        self.handle(PreviewDecision(agent, lead_id, dial))

    def qualify(
        self, agent: str, disposition: str, *, machine: bool = False,
        callback_at: float | None = None, callback_agent: str | None = None,
    ) -> None:  # fmt: skip
        """The agent's disposition of the call they are on or have just ended."""
        if disposition not in self.setup.codes:
            codes = ", ".join(sorted(self.setup.codes))
            raise CampaignError(
                422, "unknown_disposition", f"Qualification inconnue : {disposition} ({codes})",
                f"Unknown disposition: {disposition} ({codes})",
            )  # fmt: skip
        outcome = Outcome.MACHINE if machine else Outcome.ANSWERED
        done = AgentWrapUpDone(agent, disposition, outcome, callback_at, callback_agent)
        record = self.dialer.agents.get(agent)
        state = record.state if record is not None else None
        if state is AgentState.TALKING:
            self._given[agent] = done  # the wrap-up ends as the call does
        elif state is AgentState.WRAP_UP:
            self._end_wrap_up(done)
        else:
            raise CampaignError(409, "nothing_to_qualify", "Aucun appel à qualifier.", "No call to qualify.")

    # -- what the calls say (CallListener) --------------------------------------------------------

    def answered(self, call: str, machine: bool = False) -> None:
        """Answered: by a person, or by a machine when the detector says so."""
        self.handle(CallAnswered(call, machine=machine))

    def failed(self, call: str, outcome: Outcome) -> None:
        """Unanswered."""
        self.handle(CallFailed(call, outcome))

    def ended(self, call: str) -> None:
        """The line is down; a conversation's agent wraps up, or is done if they qualified it."""
        record = self.dialer.calls.get(call)
        agent = record.agent if record is not None and record.state == "connected" else None
        self.handle(CallEnded(call))
        self.conversations.ended(call, self.runs.clock(), self.runs.floor(self.tenant_id).region)
        if agent is None:
            return
        given = self._given.pop(agent, None)
        if given is not None:
            self._end_wrap_up(given)
        else:
            loop = asyncio.get_running_loop()
            self._wrap_ups[agent] = loop.call_later(self.setup.wrap_up_s, self._wrapped_up, agent)

    def _wrapped_up(self, agent: str) -> None:
        self._wrap_ups.pop(agent, None)
        self._end_wrap_up(AgentWrapUpDone(agent))

    def _end_wrap_up(self, done: AgentWrapUpDone) -> None:
        timer = self._wrap_ups.pop(done.agent, None)
        if timer is not None:
            timer.cancel()
        record = self.dialer.agents.get(done.agent)
        if record is not None and record.state is AgentState.WRAP_UP:
            self.handle(done)

    # -- the dialer's actions ---------------------------------------------------------------------

    def _carry_out(self, actions: list[DialerAction], now: float) -> None:
        calls = self.runs.calls
        for action in actions:
            if isinstance(action, Dial):
                self.leads.dialed(action.lead, action.caller_id, now)
                calls.dial(action.call, self.tenant_id, action.lead.number, caller_id=action.caller_id,
                           timeout_s=action.timeout_s, listener=self, amd=self.amd)  # fmt: skip
            elif isinstance(action, Connect):
                dialed = self.dialer.calls[action.call].dialed_at if action.call in self.dialer.calls else now
                interaction = self.conversations.connected(
                    action.call, action.lead, action.agent, dialed_at=dialed, now=now
                )
                self.leads.connected(action.lead, action.agent, interaction)
                calls.connect(action.call, action.agent)
            elif isinstance(action, PlayDropMessage):
                calls.play(action.call, self.runs.prompt(self.tenant_id, "drop_message"))
            elif isinstance(action, PlayMachineMessage):
                calls.play(action.call, self.runs.prompt(self.tenant_id, "machine_message"))
            elif isinstance(action, Hangup):
                calls.hang_up(action.call)
            elif isinstance(action, ShowPreview):
                self.previews[action.agent] = action.lead
        self._rearm(now)
        drops = self.dialer.keeper.outcomes[Outcome.DROPPED]
        if drops != self._drops:
            self._drops = drops
            self._check_abandon_rate()

    def _rearm(self, now: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.dialer.next_deadline()
        if deadline is not None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(max(0.0, deadline - now), self._on_deadline)

    def _on_deadline(self) -> None:
        self._timer = None
        now = self.runs.clock()
        self._carry_out(self.dialer.on_deadline(now), now)

    # -- when dialing pauses ----------------------------------------------------------------------

    def _pause_for(self, reason: str, paused: bool) -> None:
        before = bool(self.pauses)
        if paused:
            self.pauses.add(reason)
        else:
            self.pauses.discard(reason)
        if bool(self.pauses) != before:
            state = "paused" if self.pauses else "resumed"
            log.info("campaign %s: dialing %s (%s)", self.name, state, reason)
            self.handle(DialingPaused() if self.pauses else DialingResumed())

    def _check_hours(self) -> None:
        """Paused outside the campaign's schedule; looked at again when it opens or closes."""
        self._hours_timer = None
        hours = self.setup.hours
        if hours is None:
            return
        now = self.runs.clock()
        at = moment(now)
        is_open = hours.is_open(at)
        self._pause_for(HOURS, not is_open)
        change = hours.next_close(at) if is_open else hours.next_open(at)
        if change is not None:
            delay = max(1.0, change.timestamp() - now)
            self._hours_timer = asyncio.get_running_loop().call_later(delay, self._check_hours)

    def _check_abandon_rate(self) -> None:
        """Paused while the rate over the window is above the country's cap (16 CFR 310.4(b)(4)(i))."""
        if not self.setup.abandon_cap:
            return
        if self._abandon_timer is not None:
            self._abandon_timer.cancel()
            self._abandon_timer = None
        with self.runs.sessions() as session:
            campaign = session.get(Campaign, self.setup.campaign_id)
            if campaign is None:
                return
            decision = CampaignCompliance(session, campaign).abandon_rate(moment(self.runs.clock()))
        over = not decision.outcome.allows
        if over:
            log.warning("campaign %s: %s [%s]", self.name, decision.reason_en, decision.rule_id)
            loop = asyncio.get_running_loop()
            self._abandon_timer = loop.call_later(ABANDON_RECHECK_S, self._check_abandon_rate)
        self._pause_for(ABANDON_RATE, over)


class CampaignRuns:
    """The campaigns running in this process, by tenant and name."""

    def __init__(
        self, endpoint: SipEndpoint, sessions: sessionmaker[Session], *, wrap_up_s: float = 0.0
    ) -> None:
        self.endpoint, self.sessions = endpoint, sessions
        self.calls = CampaignCalls(
            endpoint, endpoint.ivr_transfers.legs, endpoint.calls.ports,
            lambda: endpoint.calls.media_host, self._player,
        )  # fmt: skip
        self.runs: dict[tuple[int, str], CampaignRun] = {}
        self.clock: Callable[[], float] = time.time
        self.wrap_up_s = wrap_up_s  # the longest wrap-up of a campaign whose queue sets none

    def _player(self, rtp: RtpSession) -> Player:
        return self.endpoint.calls.players(rtp)  # looked up late: the runner may offload media

    def start(self, tenant_id: int, name: str) -> CampaignRun:
        """Run the tenant's active campaign ``name`` (running already: that run)."""
        run = self.runs.get((tenant_id, name))
        if run is not None:
            return run
        with self.sessions.begin() as session:
            try:
                campaign = Campaigns(session, tenant_id).require(name)
            except UnknownCampaignError as exc:
                raise CampaignError(404, "unknown_campaign", f"Campagne inconnue : {name}",
                                    f"Unknown campaign: {name}") from exc  # fmt: skip
            if not campaign.active:
                raise CampaignError(409, "not_runnable", f"Campagne inactive : {name}",
                                    f"Campaign inactive: {name}")  # fmt: skip
            trunk = self.endpoint.trunks.outbound(tenant_id)
            caller_id = (trunk.caller_id or "") if trunk is not None else ""
            setup = run_setup(session, campaign, caller_id, self.wrap_up_s)
            campaign.running = True
        leads = StoredLeads(self.sessions, tenant_id, setup.campaign_id)
        run = CampaignRun(self, tenant_id, name, leads, setup)
        self.runs[(tenant_id, name)] = run
        run.begin()
        log.info("campaign %s of tenant %s started (%s)", name, tenant_id, setup.settings.mode)
        return run

    def stop(self, tenant_id: int, name: str) -> None:
        """Stop dialing; calls under way end on their own."""
        run = self.runs.pop((tenant_id, name), None)
        if run is not None:
            run.stop()
        with self.sessions.begin() as session:
            campaign = Campaigns(session, tenant_id).get(name)
            if campaign is not None:
                campaign.running = False

    def restore(self) -> list[CampaignRun]:
        """Start again the campaigns stored as running (after a restart); those that cannot, stopped."""
        with self.sessions() as session:
            query = select(Campaign.tenant_id, Campaign.name).where(Campaign.running.is_(True))
            marked = [(t, n) for t, n in session.execute(query.order_by(Campaign.tenant_id, Campaign.name))]
        started = []
        for tenant_id, name in marked:
            try:
                started.append(self.start(tenant_id, name))
            except CampaignError as exc:
                log.warning("campaign %s of tenant %s not resumed: %s", name, tenant_id, exc.en)
                self.stop(tenant_id, name)
        return started

    def get(self, tenant_id: int, name: str) -> CampaignRun:
        """The running campaign, or :class:`CampaignError` (409)."""
        run = self.runs.get((tenant_id, name))
        if run is None:
            raise CampaignError(
                409, "not_running", f"Campagne arrêtée : {name}", f"Campaign not running: {name}"
            )
        return run

    def conversation(self, tenant_id: int, interaction: str) -> Conversation | None:
        """The tenant's live campaign conversation of that interaction id, on any of its runs."""
        for (tenant, _), run in self.runs.items():
            found = run.conversations.find(interaction) if tenant == tenant_id else None
            if found is not None:
                return found
        return None

    def floor(self, tenant_id: int) -> LiveFloor:
        """The tenant's inbound floor."""
        return self.endpoint.floor(tenant_id)

    def prompt(self, tenant_id: int, prompt_id: str) -> Path:
        """The tenant's recording of a campaign prompt (bilingual), else the default."""
        prompts = self.endpoint.calls.prompts
        return (
            prompts.path(tenant_id, prompt_id, "fr") if prompts is not None else prompt_path(prompt_id, "fr")
        )
