"""An agent leaves and rejoins queues without logging out (AgentLeftQueue, AgentJoinedQueue)."""

import pytest

from callfloor.core.acd import IllegalTransitionError, UnknownObjectError
from callfloor.core.acd.model import AgentState, QueueProfile, Step
from callfloor.core.acd.wait_estimate import WaitEstimator
from callfloor.core.actions import Bridge, Ring
from callfloor.core.config import Channel, Strategy
from callfloor.core.events import (
    AgentAnswered,
    AgentJoinedQueue,
    AgentLeftQueue,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    CallerHungUp,
    InteractionArrived,
    TransferredToAgent,
)
from callfloor.core.kpi.fold import KpiFold
from callfloor.core.log import AgentEventType as AE
from callfloor.core.log import InteractionEventType as IE
from callfloor.core.log import LogEntry
from callfloor.core.log import MembershipEventType as ME
from tests.core.acd.helpers import Harness, agent

SALES = QueueProfile("sales", skills={"fr": 3})
SUPPORT = QueueProfile("support", skills={"fr": 3})
EXPERT = QueueProfile("expert", skills={"fr": 8}, steps=(Step(30, {"fr": 2}),))


def rings(actions: list[object]) -> list[tuple[str, str]]:
    return [(a.interaction, a.agent) for a in actions if isinstance(a, Ring)]


def memberships(h: Harness) -> list[tuple[object, str | None, str | None, str | None]]:
    return [(e.type, e.agent, e.queue, e.reason) for e in h.log() if isinstance(e.type, ME)]


def test_a_queue_left_offers_its_calls_to_others_and_the_rest_still_comes() -> None:
    h = Harness([SALES, SUPPORT], [agent("a1"), agent("a2")])
    h.login(0, "a1", "a2")
    h.at(1, AgentLeftQueue("a1", "sales"))
    assert rings(h.at(2, InteractionArrived("c1", "sales"))) == [("c1", "a2")]
    assert rings(h.at(3, InteractionArrived("c2", "sales"))) == []  # waits: a1 left, a2 rings
    assert rings(h.at(4, InteractionArrived("c3", "support"))) == [("c3", "a1")]
    assert h.acd.memberships("a1") == {"sales": False, "support": True}
    assert memberships(h) == [(ME.QUEUE_LEFT, "a1", "sales", None)]


def test_rejoining_offers_a_waiting_call_at_once_when_ready() -> None:
    h = Harness([SALES], [agent("a1")])
    h.login(0, "a1")
    h.at(1, AgentLeftQueue("a1", "sales"))
    h.at(2, InteractionArrived("c1", "sales"))
    assert h.acd.agents["a1"].state is AgentState.READY
    assert h.acd.estimated_wait("c1") is None  # nobody staffed takes the queue
    assert rings(h.at(10, AgentJoinedQueue("a1", "sales"))) == [("c1", "a1")]
    assert memberships(h) == [(ME.QUEUE_LEFT, "a1", "sales", None), (ME.QUEUE_JOINED, "a1", "sales", None)]


def test_rejoining_while_paused_offers_when_ready() -> None:
    h = Harness([SALES], [agent("a1")])
    h.login(0, "a1")
    h.at(1, AgentLeftQueue("a1", "sales"), AgentPaused("a1", "lunch"), InteractionArrived("c1", "sales"))
    assert rings(h.at(2, AgentJoinedQueue("a1", "sales"))) == []
    assert rings(h.at(3, AgentReady("a1"))) == [("c1", "a1")]


def test_leaving_while_ringing_or_talking_only_changes_later_offers() -> None:
    h = Harness([SALES], [agent("a1"), agent("a2")])
    h.login(0, "a1")
    h.at(1, InteractionArrived("c1", "sales"))
    h.at(2, AgentLeftQueue("a1", "sales"))
    assert Bridge("c1", "a1") in h.at(3, AgentAnswered("c1", "a1"))  # the ring went on
    h.at(4, InteractionArrived("c2", "sales"))
    h.at(5, AgentLeftQueue("a1", "sales"))  # again while talking: nothing more happens
    h.at(60, CallerHungUp("c1"))
    assert h.acd.agents["a1"].state is AgentState.READY
    assert rings(h.actions) == [("c1", "a1")]  # c2 still waits for somebody in the queue
    assert rings(h.at(61, AgentLoggedIn("a2"))) == [("c2", "a2")]
    assert len(memberships(h)) == 1


def test_a_logout_gives_every_queue_back_for_the_next_shift() -> None:
    h = Harness([SALES, SUPPORT], [agent("a1")])
    h.login(0, "a1")
    h.at(1, AgentLeftQueue("a1", "support"), AgentLeftQueue("a1", "sales"))
    h.at(2, AgentLoggedOut("a1"))
    assert h.acd.memberships("a1") == {"sales": True, "support": True}
    assert memberships(h)[-2:] == [
        (ME.QUEUE_JOINED, "a1", "sales", "logout"),
        (ME.QUEUE_JOINED, "a1", "support", "logout"),
    ]
    h.at(3, InteractionArrived("c1", "sales"))
    assert rings(h.at(4, AgentLoggedIn("a1"))) == [("c1", "a1")]


def test_refusals_name_the_problem_and_change_nothing() -> None:
    h = Harness([SALES, EXPERT, QueueProfile("mandarin", skills={"zh": 1})], [agent("a1"), agent("a2")])
    with pytest.raises(IllegalTransitionError, match="logged out"):
        h.at(0, AgentLeftQueue("a1", "sales"))
    h.login(0, "a1")
    with pytest.raises(IllegalTransitionError, match="not qualified"):
        h.at(1, AgentLeftQueue("a1", "mandarin"))
    with pytest.raises(UnknownObjectError):
        h.at(1, AgentLeftQueue("a1", "nowhere"))
    with pytest.raises(UnknownObjectError):
        h.at(1, AgentJoinedQueue("nobody", "sales"))
    assert h.acd.memberships("a1") == {"expert": True, "sales": True}
    assert memberships(h) == []


def test_joining_a_queue_one_is_in_or_leaving_one_left_is_no_change() -> None:
    h = Harness([SALES], [agent("a1")])
    h.login(0, "a1")
    assert h.at(1, AgentJoinedQueue("a1", "sales")) == []
    h.at(2, AgentLeftQueue("a1", "sales"))
    assert h.at(3, AgentLeftQueue("a1", "sales")) == []


def test_a_queue_reached_at_an_escalation_step_may_be_left_and_none_of_its_steps_offer() -> None:
    h = Harness([EXPERT], [agent("a1")])  # fr 5: qualified from the second step only
    h.login(0, "a1")
    assert h.acd.memberships("a1") == {"expert": True}
    h.at(1, AgentLeftQueue("a1", "expert"), InteractionArrived("c1", "expert"))
    h.advance(100)
    assert rings(h.actions) == []
    assert rings(h.at(101, AgentJoinedQueue("a1", "expert"))) == [("c1", "a1")]


def test_ring_all_rings_only_the_agents_in_the_queue() -> None:
    h = Harness([QueueProfile("vip", Strategy.RING_ALL)], [agent("a1"), agent("a2"), agent("a3")])
    h.login(0, "a1", "a2", "a3")
    h.at(1, AgentLeftQueue("a2", "vip"))
    assert sorted(rings(h.at(2, InteractionArrived("c1", "vip")))) == [("c1", "a1"), ("c1", "a3")]


def test_a_chat_queue_left_sends_no_chat() -> None:
    h = Harness([QueueProfile("chat")], [agent("a1", chats=2)])
    h.login(0, "a1")
    h.at(1, AgentLeftQueue("a1", "chat"))
    assert rings(h.at(2, InteractionArrived("t1", "chat", Channel.CHAT))) == []
    assert h.at(3, AgentJoinedQueue("a1", "chat"))[-1] == Ring("t1", "a1", Channel.CHAT)


def test_a_transfer_to_a_named_agent_reaches_them_in_a_queue_they_left() -> None:
    h = Harness([SALES], [agent("a1"), agent("a2")])
    h.login(0, "a1", "a2")
    h.at(1, AgentLeftQueue("a2", "sales"), InteractionArrived("c1", "sales"), AgentAnswered("c1", "a1"))
    assert rings(h.at(20, TransferredToAgent("c1", "a2"))) == [("c1", "a2")]


def test_the_kpis_pass_over_queue_entries_and_agent_states_keep_their_times() -> None:
    h = Harness([SALES, SUPPORT], [agent("a1")])
    h.login(0, "a1")
    h.at(10, AgentLeftQueue("a1", "sales"))
    h.at(20, AgentJoinedQueue("a1", "sales"))
    fold = KpiFold()
    fold.extend(h.log())
    assert fold.per_agent(30)["a1"].state_time_s == {AE.READY: 30}
    assert next(e for e in h.log() if isinstance(e.type, ME)) == LogEntry(
        10, ME.QUEUE_LEFT, queue="sales", agent="a1"
    )
    assert all(e.type is not IE.OFFERED for e in h.log())


def test_the_wait_announced_counts_no_agent_out_of_the_queue() -> None:
    h = Harness([SALES, SUPPORT], [agent("a1"), agent("a2")])
    estimator = WaitEstimator(h.acd)
    h.login(0, "a1", "a2")
    h.at(1, InteractionArrived("c1", "sales"), InteractionArrived("c2", "sales"))
    h.at(2, InteractionArrived("c3", "sales"))
    for entry in h.log():
        estimator.observe(entry)
    assert estimator.estimate("c3", 2) is not None
    h.at(3, AgentLeftQueue("a1", "sales"), AgentLeftQueue("a2", "sales"))
    assert estimator.estimate("c3", 3) is None
    assert h.acd.estimated_wait("c3") is None
