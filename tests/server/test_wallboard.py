"""The wallboard's read-outs from a live ACD and a KPI fold, driven by plain events."""

import pytest

from callfloor.core.acd import UnknownObjectError
from callfloor.core.acd.model import AgentState, QueueProfile
from callfloor.core.config import ServiceLevelDefinition
from callfloor.core.events import (
    AgentAnswered,
    AgentHungUp,
    AgentPaused,
    AgentReady,
    CallerHungUp,
    InteractionArrived,
    PriorityChanged,
)
from callfloor.core.kpi.fold import KpiFold, KpiSettings
from callfloor.core.kpi.service_level import QueueKpiSettings
from callfloor.server.wallboard import DENOMINATORS, CampaignNow, RunNow, agent_now, floor_now
from tests.core.acd.helpers import Harness, agent

SUPPORT = QueueProfile(
    "support", wrap_up_s=10, service_level_s=20, service_level_definition=ServiceLevelDefinition.EXCLUDE_SHORT
)
SALES = QueueProfile("sales", skills={"es": 1})


def _floor() -> Harness:
    """a1 answered c1 and wraps up, a2 is at lunch, c2 and c3 wait (c3 moved up), c4 hung up early."""
    h = Harness([SUPPORT, SALES], [agent("a1"), agent("a2"), agent("a3", {"es": 2})])
    h.login(0, "a1", "a2")
    h.at(1, AgentPaused("a2", "lunch"))
    h.at(10, InteractionArrived("c1", "support"))
    h.at(15, AgentAnswered("c1", "a1"))
    h.at(20, InteractionArrived("c2", "support"))
    h.at(21, InteractionArrived("c3", "support"))
    h.at(22, PriorityChanged("c3", 5))
    h.at(30, InteractionArrived("c4", "support"))
    h.at(32, CallerHungUp("c4"))
    h.at(75, AgentHungUp("c1"))
    h.advance(80)
    return h


def _fold(h: Harness) -> KpiFold:
    settings = QueueKpiSettings(
        SUPPORT.service_level_s, SUPPORT.short_abandon_s, SUPPORT.service_level_definition
    )
    fold = KpiFold(KpiSettings(queues={"support": settings}, since=0.0))
    fold.extend(h.log())
    return fold


def test_an_agent_in_wrap_up_sees_the_seconds_left_and_a_paused_one_their_reason() -> None:
    h = _floor()
    a1 = agent_now(h.acd, "a1", 80)
    assert (a1.state, a1.since, a1.wrap_up_remaining_s, a1.queues) == (
        AgentState.WRAP_UP,
        75,
        5,
        ("support",),
    )
    a2 = agent_now(h.acd, "a2", 80)
    assert (a2.state, a2.reason, a2.since, a2.wrap_up_remaining_s) == (AgentState.PAUSED, "lunch", 1, None)
    a3 = agent_now(h.acd, "a3", 80)
    assert (a3.state, a3.since, a3.queues) == (AgentState.LOGGED_OUT, None, ("sales", "support"))
    with pytest.raises(UnknownObjectError):
        agent_now(h.acd, "nobody", 80)


def test_ready_in_wrap_up_ends_it_and_a_pause_while_busy_waits_for_the_work() -> None:
    h = _floor()
    h.at(82, AgentReady("a1"))  # the wrap-up ends early: c3 (moved up) rings for a1
    assert agent_now(h.acd, "a1", 82).state is AgentState.RESERVED
    h.at(83, AgentAnswered("c3", "a1"), AgentPaused("a1", "training"))
    busy = agent_now(h.acd, "a1", 83)
    assert (busy.state, busy.pending_pause, busy.reason) == (AgentState.BUSY, "training", None)


def test_the_wallboard_shows_waiting_callers_agents_and_todays_figures() -> None:
    h = _floor()
    campaign = CampaignNow("relance", RunNow(("hours",), 0.02, 3), 40)
    board = floor_now(
        h.acd, _fold(h), 80, day_start=0, names={"a1": "Alice"}, campaigns=[campaign], late_tickets=2
    )
    support, sales = {q.name: q for q in board.queues}["support"], {q.name: q for q in board.queues}["sales"]
    assert [(c.id, c.priority, c.waited_s, c.ringing) for c in support.calls] == [
        ("c3", 5, 59, False),
        ("c2", 0, 60, False),
    ]
    assert (support.waiting, support.longest_wait_s, support.callbacks_waiting) == (2, 60, 0)
    assert support.agents == {"paused": 1, "wrap_up": 1}
    k = support.kpis
    assert (k.offered, k.answered, k.abandoned, k.short_abandoned) == (4, 1, 1, 1)
    assert (k.asa_s, k.abandon_rate, k.service_level_threshold_s) == (5, 0.25, 20)
    assert k.service_level == 1 / 3  # answered within T over offered less the short abandon
    assert DENOMINATORS[k.service_level_definition] == "offered - short_abandoned"
    assert k.aht_s is None  # c1's wrap-up is not over: not completed yet
    assert (sales.waiting, sales.agents, sales.kpis.offered, sales.kpis.service_level) == (0, {}, 0, None)
    lines = {line.now.extension: line for line in board.agents}
    assert [lines[a].name for a in ("a1", "a2", "a3")] == ["Alice", "a2", "a3"]
    a1 = lines["a1"].figures
    assert a1 is not None and a1.answered == 1 and a1.occupancy == pytest.approx((60 + 5) / 80)
    assert lines["a3"].figures is None  # nothing today
    assert (board.campaigns, board.late_tickets, board.at, board.day_start) == ((campaign,), 2, 80, 0)


def test_a_ringing_caller_still_waits_and_the_handle_time_counts_once_wrapped_up() -> None:
    h = _floor()
    h.advance(90)  # a1's wrap-up ends: c3 rings for them
    board = floor_now(h.acd, _fold(h), 90, day_start=0, names={})
    support = board.queues[1]
    assert [(c.id, c.ringing) for c in support.calls] == [("c3", True), ("c2", False)]
    assert support.agents == {"paused": 1, "reserved": 1}
    assert support.kpis.aht_s == 60 + 10
