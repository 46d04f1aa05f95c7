"""One campaign's dialer: its agents and calls, driven by events and deadlines.

Theory of operation. Every entry point takes ``now`` and returns actions; nothing reads a clock
and nothing is random, so the same events give the same calls. A handler first checks that the
event is legal (known agent or call, a move the tables of :mod:`.states` allow) and raises
before changing anything; state then changes through :meth:`CampaignDialer._agent_to` and
:meth:`CampaignDialer._call_to`. After each event and deadline the engine *paces*:

- preview: each ready agent is shown a lead (``ShowPreview``) and held until they dial or skip;
- progressive: each ready agent gets one call dialed for them, and waits for it;
- power and predictive: pooled calls, as many as :func:`.pacing.pooled_calls` says; the lead
  source is asked without an agent, and a callback it hands out for an agent who is free now
  is dialed for that agent.

A person who answers a call held for an agent gets that agent. A person who answers a pooled
call gets the agent free the longest; with nobody free they wait, and if nobody frees within
``connect_within_s`` (2 s) they hear the recorded message and the call counts as a drop
(16 CFR 310.4(b)(1)(iv), (b)(4)(iii)). An agent who frees takes the person waiting longest
first. A machine (when the detector reports one) is hung up on or gets the machine message, per
campaign, and is not a drop. Every attempt's outcome goes to the lead source once known; a
conversation's once its wrap-up ends, with the agent's disposition.

Deadlines are the drops (persons wait in answer order, so the first waiting is the next) and a
pacing tick every ``repace_s`` while agents are on the campaign: agents near the end of their
calls count for the predictive pacing before any event says so.

This is the campaign's one state machine, hence longer than our usual modules.
"""

from collections import deque
from collections.abc import Callable
from typing import Any, Final

from callfloor.core.dialer.actions import (
    Connect,
    Dial,
    DialerAction,
    Hangup,
    PlayDropMessage,
    PlayMachineMessage,
    ShowPreview,
)
from callfloor.core.dialer.estimates import Estimates
from callfloor.core.dialer.events import (
    AgentBusy,
    AgentLoggedOut,
    AgentReady,
    AgentWrapUpDone,
    CallAnswered,
    CallEnded,
    CallFailed,
    CallRinging,
    DialerEvent,
    DialingPaused,
    DialingResumed,
    PreviewDecision,
)
from callfloor.core.dialer.figures import DialerFigures, FigureKeeper
from callfloor.core.dialer.model import Lead, LeadSource, Outcome
from callfloor.core.dialer.pacing import AgentCounts, PacingInput, count_agents, pooled_calls, read_campaign
from callfloor.core.dialer.records import AgentRecord, CallRecord
from callfloor.core.dialer.settings import DialerSettings, DialingMode, MachineHandling
from callfloor.core.dialer.states import (
    TIME_STATE,
    UNANSWERED,
    AgentState,
    CallState,
    IllegalTransitionError,
    UnknownObjectError,
    check_agent,
    check_call,
)

A = AgentState
C = CallState
#: What ``CallFailed`` may report.
FAILURES: Final = frozenset({Outcome.NO_ANSWER, Outcome.BUSY, Outcome.FAILED, Outcome.INVALID})


class CampaignDialer:
    """The dialer of one campaign."""

    def __init__(self, settings: DialerSettings, leads: LeadSource, *, name: str = "c", start: float = 0.0):
        self.settings, self.leads, self.name = settings, leads, name
        self.estimates = Estimates(settings)
        self.keeper = FigureKeeper(start, settings.drop_window_s)
        self.agents: dict[str, AgentRecord] = {}
        self.calls: dict[str, CallRecord] = {}
        self.paused = False
        self._waiting: deque[CallRecord] = deque()
        self._pace_at: float | None = None
        self._seq = 0
        self._out: list[DialerAction] = []
        self._handlers: dict[type[Any], Callable[[Any, float], None]] = {
            AgentReady: self._ready,
            AgentBusy: self._busy,
            AgentLoggedOut: self._logged_out,
            AgentWrapUpDone: self._wrap_up_done,
            PreviewDecision: self._preview_decision,
            CallRinging: self._ringing,
            CallAnswered: self._answered,
            CallFailed: self._failed,
            CallEnded: self._ended,
            DialingPaused: self._pause,
            DialingResumed: self._resume,
        }

    # -- entry points -------------------------------------------------------------------------

    def handle(self, event: DialerEvent, now: float) -> list[DialerAction]:
        """Apply one event at ``now``, then pace; the actions to carry out."""
        self._out = []
        self._handlers[type(event)](event, now)
        self._pace(now)
        return self._out

    def next_deadline(self) -> float | None:
        """When :meth:`on_deadline` next has work, or None."""
        drop = self._waiting[0].answered_at + self.settings.connect_within_s if self._waiting else None
        if drop is None or self._pace_at is None:
            return drop if drop is not None else self._pace_at
        return min(drop, self._pace_at)

    def on_deadline(self, now: float) -> list[DialerAction]:
        """Drop the persons nobody took in time, then pace."""
        self._out = []
        limit = self.settings.connect_within_s
        while self._waiting and self._waiting[0].answered_at + limit <= now:
            self._drop(self._waiting.popleft(), now)
        self._pace(now)
        return self._out

    def figures(self, now: float) -> DialerFigures:
        """The campaign's figures as of ``now``."""
        return self.keeper.figures(now)

    def pacing_input(self, now: float) -> PacingInput:
        """What the pacing sees now (also for dashboards and tests)."""
        return self._pacing_input(now, self._agent_counts(now))

    def _agent_counts(self, now: float) -> AgentCounts:
        est = self.estimates
        return count_agents(
            self.agents.values(), now, est.talk_s(), est.wrap_s(), self.settings.connect_within_s
        )

    def _pacing_input(self, now: float, agents: AgentCounts) -> PacingInput:
        calls, waiting = self.calls.values(), len(self._waiting)
        return read_campaign(
            now, agents, calls, waiting=waiting, estimates=self.estimates, keeper=self.keeper
        )

    # -- agents --------------------------------------------------------------------------------

    def _ready(self, event: AgentReady, now: float) -> None:
        agent = self.agents.get(event.agent)
        if agent is None:
            agent = self.agents[event.agent] = AgentRecord(event.agent, len(self.agents))
        if agent.state in (A.TALKING, A.WRAP_UP):
            agent.after = None  # changed their mind before the call was over
        elif agent.state in (A.LOGGED_OUT, A.AWAY):
            self._free(agent, now)

    def _busy(self, event: AgentBusy, now: float) -> None:
        self._leave(self._agent(event.agent), A.AWAY, now)

    def _logged_out(self, event: AgentLoggedOut, now: float) -> None:
        self._leave(self._agent(event.agent), A.LOGGED_OUT, now)

    def _leave(self, agent: AgentRecord, state: AgentState, now: float) -> None:
        """Away or logged out: now, or once the call is over; a call held for them goes to the pool."""
        if agent.state is A.LOGGED_OUT:
            raise IllegalTransitionError(f"agent {agent.id}: {agent.state} -> {state}")
        if agent.state is state:
            return
        if agent.state is A.TALKING or (agent.state is A.WRAP_UP and state is A.AWAY):
            if agent.after is not A.LOGGED_OUT:
                agent.after = state
            return
        if agent.state is A.WRAP_UP:  # logged out: nobody will give a disposition
            self._conversation_over(agent, now)
        elif agent.state is A.RESERVED:
            self._unhold(agent)
        self._agent_to(agent, state, now)

    def _unhold(self, agent: AgentRecord) -> None:
        if agent.lead is not None:  # a preview nobody decided on
            self._release(agent.lead)
            agent.lead = None
        if agent.call is not None:  # dialed for them: whoever is free takes it
            self.calls[agent.call].agent = None
            agent.call = None

    def _wrap_up_done(self, event: AgentWrapUpDone, now: float) -> None:
        agent = self._agent(event.agent)
        if agent.state is not A.WRAP_UP:
            raise IllegalTransitionError(f"agent {agent.id}: wrap-up done while {agent.state}")
        self._conversation_over(agent, now, event)
        if agent.after is None:
            self._free(agent, now)
        else:
            self._agent_to(agent, agent.after, now)

    def _conversation_over(self, agent: AgentRecord, now: float, done: AgentWrapUpDone | None = None) -> None:
        """The outcome of the agent's last call goes to the lead source (no disposition without ``done``)."""
        lead, agent.lead = agent.lead, None
        assert lead is not None  # noqa: S101 - an agent in wrap-up keeps the lead of the call
        wrap_s = now - agent.since if agent.state is A.WRAP_UP else 0.0
        self.keeper.wrap_s += wrap_s
        self.estimates.wrapped(wrap_s)
        if done is None:
            self._record(lead, Outcome.ANSWERED, now)
            return
        if done.disposition in self.settings.success_dispositions:
            self.keeper.conversions += 1
        self._record(
            lead,
            done.outcome,
            now,
            disposition=done.disposition,
            callback_at=done.callback_at,
            callback_agent=done.callback_agent,
        )

    def _preview_decision(self, event: PreviewDecision, now: float) -> None:
        agent = self._agent(event.agent)
        lead = agent.lead
        if agent.state is not A.RESERVED or lead is None or lead.id != event.lead:
            raise IllegalTransitionError(f"agent {agent.id}: no preview of lead {event.lead}")
        agent.lead = None
        if event.dial:
            self._dial(lead, agent, now)
        else:
            self._release(lead)
            self._free(agent, now)

    def _free(self, agent: AgentRecord, now: float) -> None:
        """The agent is ready: the person waiting longest is theirs, if any."""
        agent.idle_since = now
        self._agent_to(agent, A.READY, now)
        if self._waiting:
            self._connect(self._waiting.popleft(), agent, now)

    # -- calls ---------------------------------------------------------------------------------

    def _ringing(self, event: CallRinging, now: float) -> None:
        call = self._call(event.call)
        if call.state is C.DIALING:
            self._call_to(call, C.RINGING)

    def _answered(self, event: CallAnswered, now: float) -> None:
        call = self._unanswered(event.call)
        self.estimates.resolved_after(call.dialed_at, now, human=not event.machine)
        held = self.agents[call.agent] if call.agent is not None else None
        if event.machine:
            self._machine(call, now)
            if held is not None:
                held.call = None
                self._free(held, now)
            return
        call.answered_at = now
        agent = held or self._longest_idle()
        if agent is None:
            self._call_to(call, C.WAITING)
            self._waiting.append(call)
        else:
            self._connect(call, agent, now)

    def _machine(self, call: CallRecord, now: float) -> None:
        self._record(call.lead, Outcome.MACHINE, now)
        if self.settings.machine is MachineHandling.MESSAGE:
            self._call_to(call, C.MESSAGE)
            self._out.append(PlayMachineMessage(call.id))
        else:
            self._end(call)
            self._out.append(Hangup(call.id, "machine"))

    def _failed(self, event: CallFailed, now: float) -> None:
        if event.outcome not in FAILURES:
            raise IllegalTransitionError(f"call {event.call}: CallFailed cannot report {event.outcome}")
        call = self._unanswered(event.call)
        self.estimates.resolved_after(call.dialed_at, now, human=False)
        self._record(call.lead, event.outcome, now)
        self._end(call)
        if call.agent is not None:
            agent = self.agents[call.agent]
            agent.call = None
            self._free(agent, now)

    def _ended(self, event: CallEnded, now: float) -> None:
        call = self._call(event.call)
        if call.state in UNANSWERED:
            raise IllegalTransitionError(f"call {call.id}: ended while {call.state} (report CallFailed)")
        if call.state is C.WAITING:  # the person hung up before an agent came: counted as a drop
            self._waiting.remove(call)
            self._drop(call, now, play=False)
        elif call.state is C.CONNECTED:
            self._talk_over(call, self.agents[call.agent or ""], now)
        self._end(call)

    def _talk_over(self, call: CallRecord, agent: AgentRecord, now: float) -> None:
        talk_s = now - agent.since
        self.keeper.talk_s += talk_s
        self.estimates.talked(talk_s)
        agent.call = None
        if agent.after is A.LOGGED_OUT:  # left during the call: no wrap-up
            self._record(call.lead, Outcome.ANSWERED, now)
            agent.lead = None
            self._agent_to(agent, A.LOGGED_OUT, now)
        else:
            self._agent_to(agent, A.WRAP_UP, now)

    def _connect(self, call: CallRecord, agent: AgentRecord, now: float) -> None:
        self._call_to(call, C.CONNECTED)
        call.agent, agent.call, agent.lead = agent.id, call.id, call.lead
        self._agent_to(agent, A.TALKING, now)
        self.keeper.person_answered(now, dropped=False)
        self._out.append(Connect(call.id, agent.id, call.lead))

    def _drop(self, call: CallRecord, now: float, *, play: bool = True) -> None:
        """16 CFR 310.4(b)(4)(iii): no agent within 2 s, a recorded message; a drop either way."""
        self.keeper.person_answered(now, dropped=True)
        self._record(call.lead, Outcome.DROPPED, now)
        if play:
            self._call_to(call, C.MESSAGE)
            self._out.append(PlayDropMessage(call.id))

    def _end(self, call: CallRecord) -> None:
        self._call_to(call, C.ENDED)
        del self.calls[call.id]

    # -- pacing --------------------------------------------------------------------------------

    def _pace(self, now: float) -> None:
        on_campaign = any(a.state is not A.LOGGED_OUT for a in self.agents.values())
        self._pace_at = now + self.settings.repace_s if on_campaign and not self.paused else None
        if self._pace_at is None:
            return
        mode = self.settings.mode
        if mode in (DialingMode.PREVIEW, DialingMode.PROGRESSIVE):
            self._pace_agents(now, preview=mode is DialingMode.PREVIEW)
            return
        agents = self._agent_counts(now)
        if agents.free + agents.soon_free <= len(self._waiting):
            return  # nobody to take an answer: no mode dials (and this is most paces)
        for _ in range(pooled_calls(self.settings, self._pacing_input(now, agents))):
            lead = self.leads.next_lead(now)
            if lead is None:
                return
            owner = self.agents.get(lead.agent) if lead.agent is not None else None
            self._dial(lead, owner if owner is not None and owner.state is A.READY else None, now)

    def _pace_agents(self, now: float, *, preview: bool) -> None:
        ready = sorted((a for a in self.agents.values() if a.state is A.READY), key=AgentRecord.idle_key)
        for agent in ready:
            lead = self.leads.next_lead(now, agent.id)
            if lead is None:
                return
            if preview:
                agent.lead = lead
                self._agent_to(agent, A.RESERVED, now)
                self._out.append(ShowPreview(agent.id, lead))
            else:
                self._dial(lead, agent, now)

    def _dial(self, lead: Lead, agent: AgentRecord | None, now: float) -> None:
        self._seq += 1
        call = CallRecord(f"{self.name}-{self._seq}", lead, agent.id if agent else None, now)
        self.calls[call.id] = call
        self.keeper.attempts += 1
        if agent is not None:
            agent.call = call.id
            if agent.state is not A.RESERVED:
                self._agent_to(agent, A.RESERVED, now)
        s = self.settings
        self._out.append(Dial(call.id, lead, s.caller_id, s.ring_timeout_s, call.agent))

    def _pause(self, event: DialingPaused, now: float) -> None:
        self.paused = True

    def _resume(self, event: DialingResumed, now: float) -> None:
        self.paused = False

    # -- helpers -------------------------------------------------------------------------------

    def _longest_idle(self) -> AgentRecord | None:
        ready = [a for a in self.agents.values() if a.state is A.READY]
        return min(ready, key=AgentRecord.idle_key) if ready else None

    def _record(self, lead: Lead, outcome: Outcome, now: float, **details: Any) -> None:
        self.keeper.outcomes[outcome] += 1
        self.leads.record(lead.id, outcome, now, **details)

    def _release(self, lead: Lead) -> None:
        self.leads.release(lead.id)

    def _agent_to(self, agent: AgentRecord, state: AgentState, now: float) -> None:
        check_agent(agent.id, agent.state, state)
        agent.state, agent.since = state, now
        if state is not A.TALKING and state is not A.WRAP_UP:
            agent.after = None
        self.keeper.agent_time.change(agent.id, TIME_STATE[state], now)

    def _call_to(self, call: CallRecord, state: CallState) -> None:
        check_call(call.id, call.state, state)
        call.state = state

    def _agent(self, agent: str) -> AgentRecord:
        try:
            return self.agents[agent]
        except KeyError:
            raise UnknownObjectError(f"agent {agent}") from None

    def _call(self, call: str) -> CallRecord:
        try:
            return self.calls[call]
        except KeyError:
            raise UnknownObjectError(f"call {call}") from None

    def _unanswered(self, call_id: str) -> CallRecord:
        call = self._call(call_id)
        if call.state not in UNANSWERED:
            raise IllegalTransitionError(f"call {call.id}: answered or failed while {call.state}")
        return call
