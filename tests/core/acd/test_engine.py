"""The ACD's life cycle, scenario by scenario, with the log it writes."""

import pytest

from callfloor.core.acd import IllegalTransitionError, UnknownObjectError
from callfloor.core.acd.model import AgentState, InteractionState, QueueProfile, Step
from callfloor.core.actions import Bridge, CancelRing, DialCallback, Hangup, Notify, Ring
from callfloor.core.config import Channel, Strategy
from callfloor.core.events import (
    AgentAnswered,
    AgentHungUp,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    CallbackRequested,
    CallbackResult,
    CallerHungUp,
    CallHeld,
    CallResumed,
    InteractionArrived,
    LeftQueue,
    OfferDeclined,
    PriorityChanged,
    TransferredToAgent,
    TransferredToQueue,
)
from callfloor.core.kpi.fold import KpiFold
from callfloor.core.log import AgentEventType as AE
from callfloor.core.log import InteractionEventType as IE
from tests.core.acd.helpers import Harness, agent

SUPPORT = QueueProfile("support", skills={"fr": 3}, wrap_up_s=10)


def test_call_goes_to_longest_idle_agent_and_its_life_is_logged() -> None:
    h = Harness([SUPPORT], [agent("a1"), agent("a2")])
    h.login(0, "a2")
    h.login(5, "a1")
    assert h.at(10, InteractionArrived("c1", "support"))[-1] == Ring("c1", "a2", Channel.CALL)
    assert Bridge("c1", "a2") in h.at(14, AgentAnswered("c1", "a2"))
    h.at(74, CallerHungUp("c1"))
    assert h.acd.agents["a2"].state is AgentState.WRAP_UP
    h.advance(84)
    assert h.acd.agents["a2"].state is AgentState.READY
    calls = [(e.type, e.agent) for e in h.log() if e.interaction == "c1"]
    assert calls == [
        (IE.ENQUEUED, None),
        (IE.OFFERED, "a2"),
        (IE.ANSWERED, "a2"),
        (IE.WRAPUP_STARTED, "a2"),
        (IE.COMPLETED, "a2"),
    ]
    answered = next(e for e in h.log() if e.type is IE.ANSWERED)
    completed = next(e for e in h.log() if e.type is IE.COMPLETED)
    assert (answered.wait_s, completed.talk_s, completed.wrap_s) == (4, 60, 10)
    states = [e.type for e in h.log() if e.agent == "a2" and e.interaction is None]
    assert states == [AE.LOGGED_IN, AE.READY, AE.RESERVED, AE.BUSY, AE.WRAP_UP, AE.READY]
    assert h.acd.aht("support") == 70


def test_waiting_call_is_offered_when_an_agent_becomes_ready() -> None:
    h = Harness([SUPPORT], [agent("a1")])
    assert h.at(0, InteractionArrived("c1", "support"))[-1].entry.type is IE.ENQUEUED  # type: ignore[union-attr]
    assert h.acd.position("c1") == 1
    assert h.acd.estimated_wait("c1") is None  # nobody staffed: unknown, not zero
    h.login(30, "a1")
    assert h.of(Ring) == [Ring("c1", "a1", Channel.CALL)]


def test_missed_offer_pauses_the_agent_and_rings_the_next() -> None:
    h = Harness([QueueProfile("q", ring_timeout_s=15)], [agent("a1"), agent("a2")])
    h.login(0, "a1")
    h.login(1, "a2")
    h.at(2, InteractionArrived("c1", "q"))
    out = h.advance(17)
    assert out[0] == CancelRing("c1", "a1") and Ring("c1", "a2", Channel.CALL) in out
    a1 = h.acd.agents["a1"]
    assert (a1.state, a1.reason) == (AgentState.PAUSED, "no_answer")
    assert [e.agent for e in h.log() if e.type is IE.NO_ANSWER] == ["a1"]


def test_three_missed_offers_in_a_row_auto_pause_when_misses_do_not_pause() -> None:
    queue = QueueProfile("q", ring_timeout_s=10, pause_on_no_answer=False)
    h = Harness([queue], [agent("a1")])
    h.login(0, "a1")
    h.at(1, InteractionArrived("c1", "q"))
    h.advance(11)
    assert h.acd.agents["a1"].state is AgentState.RESERVED  # ready again, and rung again
    h.advance(31)
    a1 = h.acd.agents["a1"]
    assert (a1.state, a1.reason) == (AgentState.PAUSED, "missed_offers")
    assert Notify("agent_auto_paused", agent="a1", interaction="c1") in h.actions
    h.at(40, AgentReady("a1"))
    assert a1.missed_in_row == 0 and a1.state is AgentState.RESERVED


def test_ring_all_gives_the_call_to_exactly_one_agent() -> None:
    h = Harness([QueueProfile("q", strategy=Strategy.RING_ALL)], [agent("a1"), agent("a2"), agent("a3")])
    h.login(0, "a1", "a2", "a3")
    assert {a.agent for a in h.at(1, InteractionArrived("c1", "q")) if isinstance(a, Ring)} == {
        "a1",
        "a2",
        "a3",
    }
    out = h.at(3, AgentAnswered("c1", "a2"))
    assert {a.agent for a in out if isinstance(a, CancelRing)} == {"a1", "a3"}
    with pytest.raises(IllegalTransitionError):
        h.at(3, AgentAnswered("c1", "a1"))
    states = {name: r.state for name, r in h.acd.agents.items()}
    assert states == {"a1": AgentState.READY, "a2": AgentState.BUSY, "a3": AgentState.READY}


def test_abandons_while_waiting_and_while_ringing() -> None:
    h = Harness([QueueProfile("q")], [agent("a1")])
    h.at(0, InteractionArrived("c1", "q"))
    h.at(12, CallerHungUp("c1"))
    h.login(20, "a1")
    h.at(21, InteractionArrived("c2", "q"))
    out = h.at(24, CallerHungUp("c2"))
    assert CancelRing("c2", "a1") in out and h.acd.agents["a1"].state is AgentState.READY
    assert [(e.interaction, e.wait_s) for e in h.log() if e.type is IE.ABANDONED] == [("c1", 12), ("c2", 3)]
    assert h.acd.interactions == {}
    with pytest.raises(UnknownObjectError):
        h.at(25, CallerHungUp("c2"))


def test_a_caller_leaving_for_the_ivr_is_neither_answered_nor_abandoned() -> None:
    h = Harness([QueueProfile("q")], [agent("a1")])
    h.at(0, InteractionArrived("c1", "q"))
    h.at(40, LeftQueue("c1", "voicemail"))  # waiting: pressed 2 for a message
    h.login(50, "a1")
    h.at(51, InteractionArrived("c2", "q"))  # rung at once
    out = h.at(55, LeftQueue("c2", "overflow_node"))
    assert CancelRing("c2", "a1") in out and h.acd.agents["a1"].state is AgentState.READY
    left = [(e.interaction, e.wait_s, e.reason) for e in h.log() if e.type is IE.TRANSFERRED]
    assert left == [("c1", 40, "voicemail"), ("c2", 4, "overflow_node")]
    assert not [e for e in h.log() if e.type in (IE.ABANDONED, IE.ANSWERED)]
    assert h.acd.interactions == {}
    fold = KpiFold()
    fold.extend(h.log())
    totals = fold.totals(60)
    assert (totals.offered, totals.answered, totals.abandoned) == (2, 0, 0)
    with pytest.raises(UnknownObjectError):
        h.at(56, LeftQueue("c2", "voicemail"))


def test_a_connected_call_cannot_leave_the_queue() -> None:
    h = Harness([QueueProfile("q")], [agent("a1")])
    h.login(0, "a1")
    h.at(1, InteractionArrived("c1", "q"))
    h.at(2, AgentAnswered("c1", "a1"))
    with pytest.raises(IllegalTransitionError):
        h.at(3, LeftQueue("c1", "voicemail"))


def test_agent_serving_two_queues_takes_highest_priority_then_oldest() -> None:
    queues = [QueueProfile("low"), QueueProfile("high", priority=5)]
    h = Harness(queues, [agent("a1")])
    h.at(0, InteractionArrived("old_low", "low"))
    h.at(1, InteractionArrived("new_high", "high"))
    h.at(2, InteractionArrived("vip_low", "low", priority=9))
    h.at(3, InteractionArrived("older_high", "high"))
    h.at(4, PriorityChanged("older_high", 0))  # no change of order: still after new_high
    h.login(5, "a1")
    order = []
    for t in range(4):
        ring = h.of(Ring)[-1]
        assert isinstance(ring, Ring)
        order.append(ring.interaction)
        h.at(10 + 10 * t, AgentAnswered(ring.interaction, "a1"), AgentHungUp(ring.interaction))
    assert order == ["vip_low", "new_high", "older_high", "old_low"]


def test_supervisor_raises_a_waiting_callers_priority() -> None:
    h = Harness([QueueProfile("q")], [agent("a1")])
    h.at(0, InteractionArrived("first", "q"), InteractionArrived("second", "q"))
    assert h.acd.position("second") == 2
    h.at(1, PriorityChanged("second", 3))
    assert h.acd.position("second") == 1
    h.login(2, "a1")
    assert h.of(Ring) == [Ring("second", "a1", Channel.CALL)]


def test_skills_escalate_with_the_wait() -> None:
    queue = QueueProfile("q", skills={"fr": 7}, steps=(Step(30, {"fr": 3}),))
    h = Harness([queue], [agent("junior", {"fr": 4})])
    h.login(0, "junior")
    h.at(1, InteractionArrived("c1", "q"))
    assert h.of(Ring) == []
    h.advance(30.9)
    assert h.of(Ring) == []
    h.advance(31)
    assert h.of(Ring) == [Ring("c1", "junior", Channel.CALL)]


def test_max_wait_overflows_or_hangs_up() -> None:
    queues = [QueueProfile("q", max_wait_s=60, overflow="backup"), QueueProfile("backup", max_wait_s=30)]
    h = Harness(queues, [agent("a1")])
    h.at(0, InteractionArrived("c1", "q"))
    h.advance(60)
    moved = [(e.type, e.queue, e.reason) for e in h.log() if e.interaction == "c1"]
    assert moved[-2:] == [(IE.TRANSFERRED, "q", "overflow"), (IE.ENQUEUED, "backup", "overflow")]
    assert h.advance(90)[-1] == Hangup("c1", "max_wait")
    assert h.acd.interactions == {}


def test_callback_keeps_the_place_and_dials_for_a_reserved_agent() -> None:
    h = Harness([QueueProfile("q")], [agent("a1")])
    h.at(0, InteractionArrived("c1", "q"), InteractionArrived("c2", "q"))
    h.at(5, CallbackRequested("c1", "+33612345678"))
    assert h.acd.position("c1") == 1
    h.login(50, "a1")
    assert h.of(DialCallback) == [DialCallback("c1", "a1", "+33612345678")]
    assert h.acd.agents["a1"].state is AgentState.RESERVED
    assert Bridge("c1", "a1") in h.at(60, CallbackResult("c1", answered=True))
    h.at(100, AgentHungUp("c1"))
    h.advance(100)
    assert h.of(Ring) == [Ring("c2", "a1", Channel.CALL)]
    answered = [e for e in h.log() if e.type is IE.ANSWERED]
    assert answered[0].reason == "callback"


def test_failed_callback_frees_the_agent() -> None:
    h = Harness([QueueProfile("q")], [agent("a1")])
    h.at(0, InteractionArrived("c1", "q"))
    h.at(5, CallbackRequested("c1", "0612345678"))
    h.login(6, "a1")
    h.at(8, AgentAnswered("c1", "a1"))  # took it: the customer's phone rings past the ring timeout
    h.at(30, CallbackResult("c1", answered=False))
    assert h.acd.agents["a1"].state is AgentState.READY and h.acd.interactions == {}


def test_a_callback_the_agent_refuses_waits_at_its_place_for_the_next_agent() -> None:
    h = Harness([QueueProfile("q")], [agent("a1"), agent("a2")])
    h.at(0, InteractionArrived("c1", "q"))
    h.at(1, InteractionArrived("c2", "q"))
    h.at(5, CallbackRequested("c1", "+33612345678"))
    h.login(10, "a1")
    assert h.of(DialCallback) == [DialCallback("c1", "a1", "+33612345678")]
    out = h.at(11, OfferDeclined("c1", "a1"))
    assert CancelRing("c1", "a1") in out
    a1 = h.acd.agents["a1"]
    assert (a1.state, a1.reason, a1.missed_in_row) == (AgentState.PAUSED, "no_answer", 1)
    assert h.acd.interactions["c1"].state is InteractionState.CALLBACK_WAITING
    assert h.acd.position("c1") == 1  # still ahead of c2, who came after
    h.login(20, "a2")
    assert h.of(DialCallback)[-1] == DialCallback("c1", "a2", "+33612345678")
    assert h.of(Ring) == []
    h.at(22, AgentAnswered("c1", "a2"))
    assert Bridge("c1", "a2") in h.at(40, CallbackResult("c1", answered=True))
    steps = [(e.type, e.agent, e.reason) for e in h.log() if e.interaction == "c1"]
    assert steps == [
        (IE.ENQUEUED, None, None),
        (IE.CALLBACK_REQUESTED, None, None),
        (IE.DIALED, "a1", None),
        (IE.NO_ANSWER, "a1", None),  # the agent's miss, not the customer's (reason "callback")
        (IE.DIALED, "a2", None),
        (IE.ANSWERED, "a2", "callback"),
    ]


def test_a_callback_that_rings_out_is_withdrawn_and_once_taken_may_ring_long() -> None:
    q = QueueProfile("q", strategy=Strategy.ROUND_ROBIN, ring_timeout_s=15, pause_on_no_answer=False)
    h = Harness([q], [agent("a1"), agent("a2")])
    h.at(0, InteractionArrived("c1", "q"))
    h.at(1, CallbackRequested("c1", "+33612345678"))
    h.login(2, "a1")
    out = h.advance(17)
    assert out[0] == CancelRing("c1", "a1")
    assert out[-1] == DialCallback("c1", "a1", "+33612345678")  # only a1 is staffed: dialed again
    assert h.acd.agents["a1"].missed_in_row == 1
    h.at(20, AgentAnswered("c1", "a1"))
    assert h.acd.agents["a1"].missed_in_row == 0
    assert h.advance(60) == []  # the customer's phone rings: no ring timeout any more
    h.at(61, CallbackResult("c1", answered=False))
    assert [e.reason for e in h.log() if e.type is IE.NO_ANSWER] == [None, "callback"]
    assert h.acd.interactions == {} and h.acd.agents["a1"].state is AgentState.READY
    h.login(62, "a2")
    h.at(63, InteractionArrived("c2", "q"))
    assert h.of(Ring) == [Ring("c2", "a2", Channel.CALL)]  # round robin: a1 had the callback


def test_a_callback_is_asked_for_only_while_waiting() -> None:
    h = Harness([QueueProfile("q")], [agent("a1")])
    h.login(0, "a1")
    h.at(1, InteractionArrived("c1", "q"), InteractionArrived("c2", "q"))
    with pytest.raises(IllegalTransitionError, match="callback requested while offered"):
        h.at(2, CallbackRequested("c1", "+33612345678"))
    h.at(2, CallbackRequested("c2", "+33612345678"))
    with pytest.raises(IllegalTransitionError, match="callback requested while callback_waiting"):
        h.at(3, CallbackRequested("c2", "+33612345679"))
    with pytest.raises(IllegalTransitionError, match="not ringing for agent a1"):
        h.at(3, OfferDeclined("c2", "a1"))
    h.at(4, AgentAnswered("c1", "a1"), AgentHungUp("c1"))
    assert h.of(DialCallback) == [DialCallback("c2", "a1", "+33612345678")]
    with pytest.raises(IllegalTransitionError, match="callback requested while dialing"):
        h.at(5, CallbackRequested("c2", "+33612345679"))


def test_paused_and_wrapping_agents_are_never_offered() -> None:
    h = Harness([SUPPORT], [agent("a1"), agent("a2")])
    h.login(0, "a1", "a2")
    h.at(1, AgentPaused("a1", "lunch"))
    h.at(2, InteractionArrived("c1", "support"), AgentAnswered("c1", "a2"), AgentHungUp("c1"))
    h.at(3, InteractionArrived("c2", "support"))
    assert [r.agent for r in h.of(Ring)] == ["a2"]  # c2 waits: a1 paused, a2 in wrap-up
    h.advance(12)
    assert [r.agent for r in h.of(Ring)] == ["a2", "a2"]


def test_pause_while_busy_starts_when_the_call_ends() -> None:
    h = Harness([QueueProfile("q")], [agent("a1")])
    h.login(0, "a1")
    h.at(1, InteractionArrived("c1", "q"), AgentAnswered("c1", "a1"), AgentPaused("a1", "break"))
    h.at(2, InteractionArrived("c2", "q"))
    h.at(60, AgentHungUp("c1"))
    a1 = h.acd.agents["a1"]
    assert (a1.state, a1.reason) == (AgentState.PAUSED, "break")
    assert [r.interaction for r in h.of(Ring)] == ["c1"]


def test_chats_share_an_agent_calls_do_not() -> None:
    h = Harness([QueueProfile("chat"), QueueProfile("phone")], [agent("a1", chats=2)])
    h.login(0, "a1")
    h.at(1, InteractionArrived("t1", "chat", Channel.CHAT), AgentAnswered("t1", "a1"))
    h.at(2, InteractionArrived("p1", "phone"))
    h.at(3, InteractionArrived("t2", "chat", Channel.CHAT))
    assert [r.interaction for r in h.of(Ring)] == ["t1", "t2"]
    h.at(4, AgentAnswered("t2", "a1"), InteractionArrived("t3", "chat", Channel.CHAT))
    assert [r.interaction for r in h.of(Ring)] == ["t1", "t2"]  # two chats is the capacity
    h.at(5, AgentHungUp("t1"))
    assert [r.interaction for r in h.of(Ring)] == ["t1", "t2", "t3"]
    h.at(6, AgentAnswered("t3", "a1"), AgentHungUp("t2"), AgentHungUp("t3"))
    assert [r.interaction for r in h.of(Ring)][-1] == "p1"  # free at last for the call


def test_illegal_events_raise_and_change_nothing() -> None:
    h = Harness([QueueProfile("q")], [agent("a1"), agent("a2")])
    h.login(0, "a1", "a2")
    h.at(1, InteractionArrived("c1", "q"))
    before = [(r.state, r.version) for r in h.acd.agents.values()]
    with pytest.raises(IllegalTransitionError, match="not ringing for agent a2"):
        h.at(2, AgentAnswered("c1", "a2"))
    with pytest.raises(IllegalTransitionError, match="logged_out"):
        h.at(2, AgentLoggedOut("a1"), AgentLoggedOut("a1"))
    with pytest.raises(UnknownObjectError):
        h.at(2, InteractionArrived("c2", "nowhere"))
    with pytest.raises(IllegalTransitionError):
        h.at(2, InteractionArrived("c1", "q"))
    assert [(r.state, r.version) for r in h.acd.agents.values()][1] == before[1]


def test_declined_offer_goes_to_the_next_agent() -> None:
    h = Harness([QueueProfile("q")], [agent("a1"), agent("a2")])
    h.login(0, "a1", "a2")
    h.at(1, InteractionArrived("c1", "q"))
    out = h.at(2, OfferDeclined("c1", "a1"))
    assert Ring("c1", "a2", Channel.CALL) in out


def test_estimated_wait_uses_staffing_and_recent_handle_times() -> None:
    h = Harness([QueueProfile("q")], [agent("a1"), agent("a2")])
    h.login(0, "a1", "a2")
    for i, t in enumerate((10, 20)):
        h.at(t, InteractionArrived(f"w{i}", "q"), AgentAnswered(f"w{i}", f"a{i + 1}"))
    h.at(110, AgentHungUp("w0"), InteractionArrived("x", "q"), AgentAnswered("x", "a1"))
    h.at(120, InteractionArrived("y1", "q"), InteractionArrived("y2", "q"))
    assert h.acd.aht("q") == 100
    assert h.acd.estimated_wait("y2") == 2 * 100 / 2


def test_hold_time_is_logged_and_counted_in_the_agents_part() -> None:
    h = Harness([QueueProfile("q")], [agent("a1")])
    h.login(0, "a1")
    h.at(1, InteractionArrived("c1", "q"), AgentAnswered("c1", "a1"))
    h.at(10, CallHeld("c1"))
    with pytest.raises(IllegalTransitionError, match="already on hold"):
        h.at(11, CallHeld("c1"))
    h.at(25, CallResumed("c1"))
    with pytest.raises(IllegalTransitionError, match="not on hold"):
        h.at(26, CallResumed("c1"))
    h.at(30, CallHeld("c1"))
    h.at(40, AgentHungUp("c1"))  # hung up while holding: that hold ends there
    entries = [(e.type, e.hold_s) for e in h.log() if e.interaction == "c1"]
    assert entries[-4:] == [(IE.HELD, None), (IE.RESUMED, 15), (IE.HELD, None), (IE.COMPLETED, 25)]
    completed = next(e for e in h.log() if e.type is IE.COMPLETED)
    assert completed.talk_s == 39  # hold is part of the talk time, hence of the handle time
    with pytest.raises(UnknownObjectError):
        h.at(41, CallHeld("c1"))


def test_transfer_to_another_queue_is_a_new_offer_of_that_queue_only() -> None:
    sales, billing = QueueProfile("sales", wrap_up_s=5), QueueProfile("billing", skills={"compta": 1})
    h = Harness([sales, billing], [agent("a1"), agent("a2", {"compta": 5})])
    h.login(0, "a1")
    h.at(10, InteractionArrived("c1", "sales"))
    h.at(14, AgentAnswered("c1", "a1"))
    h.at(50, CallHeld("c1"))
    out = h.at(60, TransferredToQueue("c1", "billing"))
    assert not [a for a in out if isinstance(a, Ring)]  # nobody staffs billing yet: the caller waits
    assert h.acd.agents["a1"].state is AgentState.WRAP_UP
    assert h.acd.position("c1") == 1
    h.login(70, "a2")
    assert Ring("c1", "a2", Channel.CALL) in h.actions
    h.at(72, AgentAnswered("c1", "a2"))
    h.at(100, CallerHungUp("c1"))
    log = [(e.type, e.queue, e.agent, e.reason) for e in h.log() if e.interaction == "c1"]
    assert log == [
        (IE.ENQUEUED, "sales", None, None),
        (IE.OFFERED, "sales", "a1", None),
        (IE.ANSWERED, "sales", "a1", None),
        (IE.HELD, "sales", "a1", None),
        (IE.TRANSFERRED, "sales", "a1", "agent"),
        (IE.WRAPUP_STARTED, "sales", "a1", None),
        (IE.ENQUEUED, "billing", None, "transfer"),
        (IE.COMPLETED, "sales", "a1", "transfer"),  # a1's wrap-up ended at 65
        (IE.OFFERED, "billing", "a2", None),
        (IE.ANSWERED, "billing", "a2", "transfer"),
        (IE.COMPLETED, "billing", "a2", None),
    ]
    entries = {(e.type, e.agent): e for e in h.log() if e.interaction == "c1"}
    assert entries[IE.COMPLETED, "a1"].hold_s == 10 and entries[IE.COMPLETED, "a1"].talk_s == 46
    assert entries[IE.ANSWERED, "a2"].wait_s == 12  # since the transfer, not since 10

    fold = KpiFold()
    fold.extend(h.log())
    totals, queues = fold.totals(100), fold.per_queue(100)
    assert (totals.offered, totals.answered, totals.asa_s) == (
        1,
        1,
        4,
    )  # the center: one call, answered in 4 s
    assert (queues["sales"].offered, queues["sales"].answered) == (1, 1)
    assert (queues["billing"].offered, queues["billing"].answered, queues["billing"].asa_s) == (1, 1, 12)
    assert totals.aht_s == ((46 + 5) + 28) / 2  # each agent's part is one handle


def test_transfer_to_an_agent_rings_them_and_falls_back_to_the_queue() -> None:
    h = Harness([QueueProfile("q", ring_timeout_s=10)], [agent("a1"), agent("a2"), agent("a3")])
    h.login(0, "a1", "a2", "a3")
    h.at(1, InteractionArrived("c1", "q"))  # longest idle: a1
    h.at(2, AgentAnswered("c1", "a1"))
    h.at(3, AgentPaused("a3", "lunch"))
    with pytest.raises(IllegalTransitionError, match="a3 is not available"):
        h.at(4, TransferredToAgent("c1", "a3"))
    with pytest.raises(IllegalTransitionError, match="a1 is not available"):
        h.at(4, TransferredToAgent("c1", "a1"))
    assert h.acd.interactions["c1"].offered_to == ["a1"]  # the refusals changed nothing
    out = h.at(5, TransferredToAgent("c1", "a2"))
    assert Ring("c1", "a2", Channel.CALL) in out
    assert h.acd.agents["a1"].state is AgentState.READY  # no wrap-up in q: a1 is free at once
    # a2 lets it ring: the caller waits in the queue again, and the next free agent gets it.
    h.advance(15)
    assert h.acd.agents["a2"].state is AgentState.PAUSED
    assert Ring("c1", "a1", Channel.CALL) in h.actions[-3:]
    h.at(16, AgentAnswered("c1", "a1"))
    answered = [e for e in h.log() if e.type is IE.ANSWERED]
    assert [(e.agent, e.reason, e.wait_s) for e in answered] == [("a1", None, 1), ("a1", "transfer", 11)]


def test_only_a_connected_interaction_can_be_held_or_transferred() -> None:
    h = Harness([QueueProfile("q")], [agent("a1"), agent("a2")])
    h.login(0, "a2")
    h.at(1, InteractionArrived("c1", "q"))
    for event in (CallHeld("c1"), TransferredToQueue("c1", "q"), TransferredToAgent("c1", "a1")):
        with pytest.raises(IllegalTransitionError, match="not connected"):
            h.at(2, event)
    h.at(2, AgentAnswered("c1", "a2"))
    with pytest.raises(UnknownObjectError):
        h.at(3, TransferredToQueue("c1", "nowhere"))


def test_an_attended_transfer_goes_to_the_consulted_agent() -> None:
    h = Harness([QueueProfile("q", wrap_up_s=5)], [agent("a1"), agent("a2"), agent("a3")])
    h.login(0, "a1", "a2")
    h.at(1, InteractionArrived("c1", "q"), AgentAnswered("c1", "a1"))
    h.at(10, AgentPaused("a2", "consult"), CallHeld("c1"))
    h.at(11, InteractionArrived("c2", "q"))  # a2 is consulted: not offered c2
    assert not [a for a in h.actions if isinstance(a, Ring) and a.interaction == "c2"]
    out = h.at(30, TransferredToAgent("c1", "a2"))
    assert Ring("c1", "a2", Channel.CALL) in out
    h.at(30, AgentAnswered("c1", "a2"))
    assert h.acd.interactions["c1"].offered_to == ["a2"]
    # A paused agent with any other reason is no transfer target.
    h.login(31, "a3")
    h.at(31, AgentPaused("a3", "lunch"))
    with pytest.raises(IllegalTransitionError, match="a3 is not available"):
        h.at(32, TransferredToAgent("c1", "a3"))
