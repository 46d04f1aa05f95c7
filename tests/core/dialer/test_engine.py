"""The campaign dialer engine, event by event, with plain values."""

from collections import deque
from dataclasses import dataclass, field

import pytest

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
    AgentBusy,
    AgentLoggedOut,
    AgentReady,
    AgentWrapUpDone,
    CallAnswered,
    CallEnded,
    CallFailed,
    CallRinging,
    DialingPaused,
    DialingResumed,
    PreviewDecision,
)
from callfloor.core.dialer.model import Lead, Outcome
from callfloor.core.dialer.settings import DialerSettings, DialingMode, MachineHandling, SettingsError
from callfloor.core.dialer.states import IllegalTransitionError, UnknownObjectError


@dataclass
class ListLeads:
    """A lead source over a list: hands leads out in order, remembers what it was told."""

    leads: deque[Lead] = field(
        default_factory=lambda: deque(Lead(f"l{i}", f"+3314000{i:04d}") for i in range(50))
    )
    recorded: list[tuple[str, Outcome, str | None]] = field(default_factory=list)
    released: list[str] = field(default_factory=list)

    def next_lead(self, now: float, agent: str | None = None) -> Lead | None:
        return self.leads.popleft() if self.leads else None

    def record(
        self,
        lead_id: str,
        outcome: Outcome,
        now: float,
        *,
        disposition: str | None = None,
        callback_at: float | None = None,
        callback_agent: str | None = None,
    ) -> None:
        self.recorded.append((lead_id, outcome, disposition))

    def release(self, lead_id: str) -> None:
        self.released.append(lead_id)


def dialer(mode: DialingMode, **settings: object) -> tuple[CampaignDialer, ListLeads]:
    leads = ListLeads()
    engine = CampaignDialer(DialerSettings(mode=mode, caller_id="+33140000000", **settings), leads)  # type: ignore[arg-type]
    return engine, leads


def dials(actions: list[DialerAction]) -> list[Dial]:
    return [a for a in actions if isinstance(a, Dial)]


def test_progressive_places_one_call_per_ready_agent_and_holds_the_agent() -> None:
    engine, leads = dialer(DialingMode.PROGRESSIVE)
    first = dials(engine.handle(AgentReady("a"), 0.0))
    second = dials(engine.handle(AgentReady("b"), 1.0))
    assert [(d.lead.id, d.agent, d.caller_id, d.timeout_s) for d in first + second] == [
        ("l0", "a", "+33140000000", 28.0),
        ("l1", "b", "+33140000000", 28.0),
    ]
    assert dials(engine.on_deadline(2.0)) == []  # each agent has its call
    engine.handle(CallRinging(first[0].call), 2.5)
    again = dials(engine.handle(CallFailed(first[0].call, Outcome.BUSY), 3.0))
    assert [(d.lead.id, d.agent) for d in again] == [("l2", "a")]
    assert leads.recorded == [("l0", Outcome.BUSY, None)]


def test_progressive_answer_goes_to_the_agent_held_and_never_drops() -> None:
    engine, leads = dialer(DialingMode.PROGRESSIVE)
    call = dials(engine.handle(AgentReady("a"), 0.0))[0]
    actions = engine.handle(CallAnswered(call.call), 6.0)
    assert actions == [Connect(call.call, "a", call.lead)]
    assert engine.next_deadline() == 7.0  # the pacing tick only: nobody waits
    engine.handle(CallEnded(call.call), 186.0)
    actions = engine.handle(AgentWrapUpDone("a", "sale"), 200.0)
    assert leads.recorded == [("l0", Outcome.ANSWERED, "sale")]
    assert [d.lead.id for d in dials(actions)] == ["l1"]
    figures = engine.figures(200.0)
    assert (figures.contacts, figures.drops, figures.conversions, figures.attempts) == (1, 0, 1, 2)
    assert (figures.talk_s, figures.wrap_s) == (180.0, 14.0)
    assert figures.occupancy == pytest.approx(194 / 200)


def test_power_keeps_a_fixed_ratio_of_pooled_calls_per_ready_agent() -> None:
    engine, _ = dialer(DialingMode.POWER, power_ratio=2.5)
    placed = dials(engine.handle(AgentReady("a"), 0.0))
    assert len(placed) == 2  # floor(2.5 × 1)
    placed += dials(engine.handle(AgentReady("b"), 0.0))
    assert len(placed) == 5 and all(d.agent is None for d in placed)  # floor(2.5 × 2)
    assert dials(engine.on_deadline(1.0)) == []
    assert dials(engine.handle(CallFailed(placed[0].call, Outcome.NO_ANSWER), 28.0)) != []
    assert len(engine.calls) == 5


def test_preview_shows_the_contact_then_dials_or_skips() -> None:
    engine, leads = dialer(DialingMode.PREVIEW)
    shown = engine.handle(AgentReady("a"), 0.0)
    assert shown == [ShowPreview("a", Lead("l0", "+33140000000"))]
    assert engine.on_deadline(5.0) == []  # still looking
    skipped = engine.handle(PreviewDecision("a", "l0", dial=False), 8.0)
    assert leads.released == ["l0"]
    assert skipped == [ShowPreview("a", Lead("l1", "+33140000001"))]
    placed = dials(engine.handle(PreviewDecision("a", "l1", dial=True), 12.0))
    assert [(d.lead.id, d.agent) for d in placed] == [("l1", "a")]
    with pytest.raises(IllegalTransitionError):
        engine.handle(PreviewDecision("a", "l1", dial=True), 13.0)


def pooled_pair() -> tuple[CampaignDialer, ListLeads, list[Dial]]:
    """One agent, two pooled calls (power ratio 2)."""
    engine, leads = dialer(DialingMode.POWER, power_ratio=2.0)
    placed = dials(engine.handle(AgentReady("a"), 0.0))
    assert len(placed) == 2
    return engine, leads, placed


def test_a_person_nobody_takes_within_2_s_hears_the_message_and_counts_as_a_drop() -> None:
    engine, leads, (first, second) = pooled_pair()
    assert engine.handle(CallAnswered(first.call), 5.0) == [Connect(first.call, "a", first.lead)]
    assert engine.handle(CallAnswered(second.call), 6.0) == []
    assert engine.next_deadline() == 7.0  # the pacing tick first
    assert engine.on_deadline(7.0) == []
    assert engine.next_deadline() == 8.0
    assert engine.on_deadline(8.0) == [PlayDropMessage(second.call)]
    assert leads.recorded == [("l1", Outcome.DROPPED, None)]
    figures = engine.figures(8.0)
    assert (figures.person_answered, figures.drops, figures.drop_rate) == (2, 1, 0.5)
    assert engine.pacing_input(8.0).drop_rate_window == 0.5
    engine.handle(CallEnded(second.call), 16.0)
    assert second.call not in engine.calls


def test_an_agent_freed_within_2_s_takes_the_person_waiting() -> None:
    engine, _, (first, second) = pooled_pair()
    engine.handle(CallAnswered(first.call), 5.0)
    engine.handle(CallAnswered(second.call), 6.0)
    engine.handle(CallEnded(first.call), 6.5)
    actions = engine.handle(AgentWrapUpDone("a", "refusal"), 7.5)
    assert Connect(second.call, "a", second.lead) in actions
    assert engine.on_deadline(8.0) == []
    assert engine.figures(8.0).drops == 0


def test_a_person_who_hangs_up_while_waiting_counts_as_a_drop() -> None:
    engine, leads, (first, second) = pooled_pair()
    engine.handle(CallAnswered(first.call), 5.0)
    engine.handle(CallAnswered(second.call), 6.0)
    assert engine.handle(CallEnded(second.call), 7.0) == []
    assert engine.figures(7.0).drops == 1 and leads.recorded == [("l1", Outcome.DROPPED, None)]
    assert engine.on_deadline(8.0) == []


@pytest.mark.parametrize(
    ("handling", "expected"),
    [
        (MachineHandling.HANGUP, Hangup("c-1", "machine")),
        (MachineHandling.MESSAGE, PlayMachineMessage("c-1")),
    ],
)
def test_a_machine_is_hung_up_on_or_gets_the_message_and_is_no_drop(
    handling: MachineHandling, expected: DialerAction
) -> None:
    engine, leads = dialer(DialingMode.PROGRESSIVE, machine=handling)
    call = dials(engine.handle(AgentReady("a"), 0.0))[0]
    actions = engine.handle(CallAnswered(call.call, machine=True), 4.0)
    assert actions[0] == expected
    assert [(d.lead.id, d.agent) for d in dials(actions)] == [("l1", "a")]  # the agent is free again
    assert leads.recorded == [("l0", Outcome.MACHINE, None)]
    figures = engine.figures(4.0)
    assert (figures.person_answered, figures.drops, figures.outcomes) == (0, 0, {"machine": 1})
    assert (call.call in engine.calls) is (handling is MachineHandling.MESSAGE)


def test_an_agent_logged_out_mid_call_finishes_it_and_gets_no_more_calls() -> None:
    engine, leads = dialer(DialingMode.PROGRESSIVE)
    call = dials(engine.handle(AgentReady("a"), 0.0))[0]
    engine.handle(CallAnswered(call.call), 5.0)
    assert engine.handle(AgentLoggedOut("a"), 60.0) == []
    assert call.call in engine.calls  # the conversation goes on
    assert engine.handle(CallEnded(call.call), 120.0) == []
    assert leads.recorded == [("l0", Outcome.ANSWERED, None)]
    assert engine.next_deadline() is None  # nobody left to pace for
    state = engine.figures(120.0).state_s
    assert (state["busy"], state["reserved"]) == (115.0, 5.0)
    with pytest.raises(IllegalTransitionError):
        engine.handle(AgentWrapUpDone("a"), 121.0)


def test_an_agent_away_while_held_leaves_the_call_to_the_pool() -> None:
    engine, _ = dialer(DialingMode.PROGRESSIVE)
    call = dials(engine.handle(AgentReady("a"), 0.0))[0]
    assert engine.handle(AgentBusy("a", "lunch"), 2.0) == []
    assert engine.handle(CallAnswered(call.call), 5.0) == []  # nobody free: waits
    assert engine.on_deadline(7.0) == [PlayDropMessage(call.call)]
    back = engine.handle(AgentReady("a"), 30.0)
    assert [(d.lead.id, d.agent) for d in dials(back)] == [("l1", "a")]


def test_busy_after_the_call_waits_for_the_wrap_up() -> None:
    engine, _ = dialer(DialingMode.PROGRESSIVE)
    call = dials(engine.handle(AgentReady("a"), 0.0))[0]
    engine.handle(CallAnswered(call.call), 5.0)
    engine.handle(AgentBusy("a"), 10.0)
    engine.handle(CallEnded(call.call), 100.0)
    assert dials(engine.handle(AgentWrapUpDone("a", "sale"), 110.0)) == []
    assert engine.agents["a"].state == "away"


def test_paused_dialing_places_no_call_until_resumed() -> None:
    engine, _ = dialer(DialingMode.PROGRESSIVE)
    engine.handle(DialingPaused(), 0.0)
    assert engine.handle(AgentReady("a"), 0.0) == []
    assert engine.next_deadline() is None
    assert len(dials(engine.handle(DialingResumed(), 5.0))) == 1


def test_illegal_events_raise_and_change_nothing() -> None:
    engine, leads = dialer(DialingMode.PROGRESSIVE)
    call = dials(engine.handle(AgentReady("a"), 0.0))[0]
    with pytest.raises(IllegalTransitionError):
        engine.handle(CallFailed(call.call, Outcome.ANSWERED), 1.0)
    with pytest.raises(IllegalTransitionError):
        engine.handle(CallEnded(call.call), 1.0)
    with pytest.raises(UnknownObjectError):
        engine.handle(CallAnswered("nope"), 1.0)
    with pytest.raises(UnknownObjectError):
        engine.handle(AgentBusy("nobody"), 1.0)
    assert engine.handle(CallAnswered(call.call), 2.0) == [Connect(call.call, "a", call.lead)]
    with pytest.raises(IllegalTransitionError):
        engine.handle(CallAnswered(call.call), 3.0)
    assert leads.recorded == []


def test_settings_refuse_what_the_rules_forbid() -> None:
    with pytest.raises(SettingsError, match=r"310\.4\(b\)\(4\)\(i\)"):
        DialerSettings(target_drop_rate=0.05)
    with pytest.raises(SettingsError, match="2 s"):
        DialerSettings(connect_within_s=3.0)
    with pytest.raises(SettingsError, match="15 s"):
        DialerSettings(ring_timeout_s=10.0)
