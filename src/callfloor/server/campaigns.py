"""Running outbound campaigns on the live server: one dialer per campaign, on the server's clock.

Theory of operation. :meth:`CampaignRuns.start` loads an active campaign (its settings, its
leads into :class:`~callfloor.server.campaign_store.StoredLeads`) and builds its
:class:`~callfloor.core.dialer.engine.CampaignDialer`, driven as the simulator drives it
(:mod:`callfloor.sim.outbound`): every event goes through :meth:`CampaignRun.handle`, the
actions it returns are carried out by :class:`~callfloor.server.sip.campaign_calls.CampaignCalls`,
and one loop timer stands for :meth:`~CampaignDialer.next_deadline`. An agent who joins leaves
inbound routing (paused ``campaign`` on the tenant's :class:`~callfloor.server.floors.LiveFloor`)
and is ready for the dialer; one who leaves is ready for inbound calls again. Until agents
give a disposition from their desk, a wrap-up ends ``wrap_up_s`` after the call.

Times handed to the dialer are ``clock()`` (seconds since the epoch): tests move it, as
``journeys.clock``, to check calling hours on a chosen day.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path

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
)
from callfloor.core.dialer.model import Outcome
from callfloor.core.dialer.settings import DialerSettings, DialingMode, MachineHandling
from callfloor.core.events import AgentPaused
from callfloor.core.events import AgentReady as FloorAgentReady
from callfloor.outbound import UnknownCampaignError
from callfloor.outbound.campaigns import Campaigns
from callfloor.prompts import prompt_path
from callfloor.server.campaign_store import StoredLeads
from callfloor.server.floors import LiveFloor
from callfloor.server.media.player import Player
from callfloor.server.media.session import RtpSession
from callfloor.server.sip.campaign_calls import CampaignCalls
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.storage.outbound import Campaign

log = logging.getLogger(__name__)
CAMPAIGN_PAUSE = "campaign"  # the pause reason of an agent on a campaign, on the inbound floor


class CampaignError(Exception):
    """A campaign that cannot be run as asked; ``error_id`` and messages in French and English."""

    def __init__(self, status: int, error_id: str, fr: str, en: str) -> None:
        super().__init__(en)
        self.status, self.error_id, self.fr, self.en = status, error_id, fr, en


def dialer_settings(campaign: Campaign, trunk_caller_id: str) -> DialerSettings:
    """The dialer settings of a stored campaign (the caller ID: the campaign's, else the trunk's)."""
    return DialerSettings(
        mode=DialingMode(campaign.mode),
        caller_id=campaign.caller_id or trunk_caller_id,
        target_drop_rate=min(max(campaign.target_drop_rate, 0.001), 0.03),
        power_ratio=campaign.power_ratio,
        machine=MachineHandling.MESSAGE if campaign.machine_message else MachineHandling.HANGUP,
    )


class CampaignRun:
    """One running campaign: its dialer, its leads, its calls, and the timer of its deadlines."""

    def __init__(
        self, runs: "CampaignRuns", tenant_id: int, name: str, leads: StoredLeads, settings: DialerSettings
    ):
        self.runs, self.tenant_id, self.name, self.leads = runs, tenant_id, name, leads
        self.amd = False  # answering-machine detection on the calls' first seconds
        self.dialer = CampaignDialer(settings, leads, name=f"t{tenant_id}-{name}", start=runs.clock())
        self._timer: asyncio.TimerHandle | None = None

    def handle(self, event: DialerEvent) -> None:
        """One event for the dialer, now; its actions carried out."""
        now = self.runs.clock()
        self._carry_out(self.dialer.handle(event, now), now)

    def stop(self) -> None:
        """Every agent off the campaign (calls under way go on to their end), the timer off."""
        for agent in list(self.dialer.agents):
            self.leave(agent)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

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
        try:
            self.runs.floor(self.tenant_id).handle(FloorAgentReady(agent))
        except AcdError as exc:
            log.info("campaign %s: agent %s back to inbound: %s", self.name, agent, exc)

    # -- what the calls say (CallListener) --------------------------------------------------------

    def answered(self, call: str, machine: bool = False) -> None:
        """Answered: by a person, or by a machine when the detector says so."""
        self.handle(CallAnswered(call, machine=machine))

    def failed(self, call: str, outcome: Outcome) -> None:
        """Unanswered."""
        self.handle(CallFailed(call, outcome))

    def ended(self, call: str) -> None:
        """The line is down; a conversation's agent wraps up."""
        record = self.dialer.calls.get(call)
        agent = record.agent if record is not None and record.state == "connected" else None
        self.handle(CallEnded(call))
        if agent is not None:
            asyncio.get_running_loop().call_later(self.runs.wrap_up_s, self._wrapped_up, agent)

    def _wrapped_up(self, agent: str) -> None:
        record = self.dialer.agents.get(agent)
        if record is not None and record.state == "wrap_up":
            self.handle(AgentWrapUpDone(agent))

    # -- the dialer's actions ---------------------------------------------------------------------

    def _carry_out(self, actions: list[DialerAction], now: float) -> None:
        calls = self.runs.calls
        for action in actions:
            if isinstance(action, Dial):
                self.leads.dialed(action.lead, action.caller_id, now)
                calls.dial(action.call, self.tenant_id, action.lead.number, caller_id=action.caller_id,
                           timeout_s=action.timeout_s, listener=self, amd=self.amd)  # fmt: skip
            elif isinstance(action, Connect):
                self.leads.connected(action.lead, action.agent)
                calls.connect(action.call, action.agent)
            elif isinstance(action, PlayDropMessage):
                calls.play(action.call, self.runs.prompt(self.tenant_id, "drop_message"))
            elif isinstance(action, PlayMachineMessage):
                calls.play(action.call, self.runs.prompt(self.tenant_id, "machine_message"))
            elif isinstance(action, Hangup):
                calls.hang_up(action.call)
            elif isinstance(action, ShowPreview):  # refused at start: no preview desk yet
                log.warning("campaign %s: preview of %s not shown", self.name, action.lead.id)
        self._rearm(now)

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


class CampaignRuns:
    """The campaigns running in this process, by tenant and name."""

    def __init__(self, endpoint: SipEndpoint, sessions: sessionmaker[Session]) -> None:
        self.endpoint, self.sessions = endpoint, sessions
        self.calls = CampaignCalls(
            endpoint, endpoint.ivr_transfers.legs, endpoint.calls.ports,
            lambda: endpoint.calls.media_host, self._player,
        )  # fmt: skip
        self.runs: dict[tuple[int, str], CampaignRun] = {}
        self.clock: Callable[[], float] = time.time
        self.wrap_up_s = 0.0

    def _player(self, rtp: RtpSession) -> Player:
        return self.endpoint.calls.players(rtp)  # looked up late: the runner may offload media

    def start(self, tenant_id: int, name: str) -> CampaignRun:
        """Run the tenant's active campaign ``name`` (running already: that run)."""
        run = self.runs.get((tenant_id, name))
        if run is not None:
            return run
        with self.sessions() as session:
            try:
                campaign = Campaigns(session, tenant_id).require(name)
            except UnknownCampaignError as exc:
                raise CampaignError(404, "unknown_campaign", f"Campagne inconnue : {name}",
                                    f"Unknown campaign: {name}") from exc  # fmt: skip
            if not campaign.active or campaign.mode == DialingMode.PREVIEW:
                raise CampaignError(409, "not_runnable", f"Campagne inactive ou en aperçu : {name}",
                                    f"Campaign inactive or in preview mode: {name}")  # fmt: skip
            trunk = self.endpoint.trunks.outbound(tenant_id)
            settings = dialer_settings(campaign, (trunk.caller_id or "") if trunk is not None else "")
            campaign_id, amd = campaign.id, campaign.amd
        run = CampaignRun(self, tenant_id, name, StoredLeads(self.sessions, tenant_id, campaign_id), settings)
        run.amd = amd
        self.runs[(tenant_id, name)] = run
        log.info("campaign %s of tenant %s started (%s)", name, tenant_id, settings.mode)
        return run

    def stop(self, tenant_id: int, name: str) -> None:
        """Stop dialing; calls under way end on their own."""
        run = self.runs.pop((tenant_id, name), None)
        if run is not None:
            run.stop()

    def get(self, tenant_id: int, name: str) -> CampaignRun:
        """The running campaign, or :class:`CampaignError` (409)."""
        run = self.runs.get((tenant_id, name))
        if run is None:
            raise CampaignError(
                409, "not_running", f"Campagne arrêtée : {name}", f"Campaign not running: {name}"
            )
        return run

    def floor(self, tenant_id: int) -> LiveFloor:
        """The tenant's inbound floor."""
        return self.endpoint.floor(tenant_id)

    def prompt(self, tenant_id: int, prompt_id: str) -> Path:
        """The tenant's recording of a campaign prompt (bilingual), else the default."""
        prompts = self.endpoint.calls.prompts
        return (
            prompts.path(tenant_id, prompt_id, "fr") if prompts is not None else prompt_path(prompt_id, "fr")
        )
