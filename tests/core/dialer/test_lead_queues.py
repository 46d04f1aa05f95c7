"""The waiting leads' heaps: tiers, reservations lapsing, moves and the compaction of stale items."""

from callfloor.core.dialer.lead_queues import LeadQueues

GRACE = 900.0


def ids(queues: LeadQueues, now: float, agent: str | None = None) -> list[str]:
    taken = []
    while (found := queues.pop(now, agent)) is not None:
        taken.append(found[0])
    return taken


def test_tiers_agent_then_campaign_callbacks_then_the_rest_by_priority() -> None:
    queues = LeadQueues(GRACE)
    queues.put("rest-low", 0.0, 0, callback=False, agent=None)
    queues.put("rest-high", 50.0, 3, callback=False, agent=None)
    queues.put("campaign", 20.0, 0, callback=True, agent=None)
    queues.put("mine", 30.0, 0, callback=True, agent="7")
    queues.put("theirs", 10.0, 9, callback=True, agent="8")
    assert ids(queues, 100.0, "7") == ["mine", "campaign", "rest-high", "rest-low"]
    assert len(queues) == 1  # "theirs" waits for agent 8 until 10 + GRACE


def test_a_lapsed_reservation_keeps_its_spot_among_campaign_callbacks() -> None:
    queues = LeadQueues(GRACE)
    queues.put("late", 0.0, 0, callback=True, agent="7")
    queues.put("campaign", 5.0, 0, callback=True, agent=None)
    assert queues.next_due() == 5.0
    found = queues.pop(GRACE)
    assert found is not None and found[0] == "late" and found[1].agent is None


def test_a_moved_lead_is_found_once_at_its_new_place() -> None:
    queues = LeadQueues(GRACE)
    queues.put("a", 0.0, 0, callback=False, agent=None)
    queues.put("a", 500.0, 0, callback=False, agent=None)
    assert ids(queues, 100.0) == []
    assert queues.next_due() == 500.0
    assert ids(queues, 500.0) == ["a"]


def test_removed_leads_are_not_found() -> None:
    queues = LeadQueues(GRACE)
    queues.put("a", 0.0, 0, callback=True, agent="7")
    assert queues.remove("a") is not None
    assert (ids(queues, 1e9, "7"), queues.next_due("7"), queues.remove("a")) == ([], None, None)


def test_many_moves_compact_the_heaps_without_losing_order() -> None:
    queues = LeadQueues(GRACE)
    for round_ in range(300):  # 3,000 placements of 10 leads: several compactions
        for n in range(10):
            agent = "7" if n % 3 == 0 else None
            queues.put(f"l{n}", float(round_ * 10 + n), n % 2, callback=n % 2 == 0, agent=agent)
    assert len(queues) == 10
    assert ids(queues, 3000.0, "7") == ["l0", "l3", "l6", "l9", "l2", "l4", "l8", "l1", "l5", "l7"]
