"""KpiFold on hand-computed logs, then its invariants on random valid logs."""

import math
from collections.abc import Iterable

import pytest
from hypothesis import given

from callfloor.core.config import ServiceLevelDefinition as Sl
from callfloor.core.kpi import KpiSettingsError, MalformedEntryError, OutOfOrderError
from callfloor.core.kpi.figures import AgentKpis, Kpis
from callfloor.core.kpi.fold import KpiFold, KpiSettings
from callfloor.core.kpi.service_level import QueueKpiSettings
from callfloor.core.log import AgentEventType as A
from callfloor.core.log import InteractionEventType as E
from callfloor.core.log import LogEntry

from .logs import (
    QUEUES,
    abandoned,
    answered,
    callback,
    completed,
    enqueued,
    floor_log,
    kpi_settings,
    overflowed,
    state,
)

# Six calls in "sales" (T = 20 s, short abandon <= 5 s): c1, c2, c5 answered (waits 10, 30, 0;
# handle 90, 165, 60), c3 abandoned short (3 s), c4 abandoned (40 s), c6 still waiting after
# asking for a callback. ann: ready 110 s, busy 80 s, wrap 10 s up to 200; bob: paused 20 s,
# ready 15 s, busy 120 s, wrap 45 s, then logged out.
DAY = [
    state(0, "ann", A.READY),
    state(0, "bob", A.PAUSED, reason="lunch"),
    enqueued(0, "c1", "sales"),
    enqueued(5, "c2", "sales"),
    enqueued(10, "c3", "sales"),
    answered(10, "c1", "sales", "ann", 10),
    state(10, "ann", A.BUSY),
    abandoned(13, "c3", "sales", 3),
    enqueued(20, "c4", "sales"),
    state(20, "bob", A.READY),
    enqueued(30, "c5", "sales"),
    answered(30, "c5", "sales", "ann", 0),
    answered(35, "c2", "sales", "bob", 30),
    state(35, "bob", A.BUSY),
    enqueued(40, "c6", "sales"),
    abandoned(60, "c4", "sales", 40),
    callback(70, "c6", "sales", 30),
    state(90, "ann", A.WRAP_UP),
    completed(100, "c1", "sales", "ann", 80, 10),
    state(100, "ann", A.READY),
    completed(150, "c5", "sales", "ann", 50, 10),
    state(155, "bob", A.WRAP_UP),
    completed(200, "c2", "sales", "bob", 120, 45),
    state(200, "bob", A.LOGGED_OUT),
]


def fold_of(entries: list[LogEntry], settings: KpiSettings | None = None) -> KpiFold:
    fold = KpiFold(settings)
    fold.extend(entries)
    return fold


def test_every_figure_of_a_small_day() -> None:
    assert fold_of(DAY).totals(200).as_dict() == pytest.approx(
        {
            "offered": 6,
            "answered": 3,
            "abandoned": 2,
            "short_abandoned": 1,
            "abandon_rate": 2 / 6,
            "service_level": 2 / 6,
            "service_level_definition": "offered",
            "service_level_threshold_s": 20,
            "asa_s": 40 / 3,
            "avg_wait_s": 83 / 5,
            "p_wait": 4 / 5,
            "aht_s": 105,
            "occupancy": (90 + 165) / (200 + 180),
            "max_wait_s": 40,
            "calls_per_agent": 1.5,
            "callbacks_requested": 1,
            "overflowed": 0,
        }
    )


def test_queue_figures_leave_occupancy_out() -> None:
    fold = fold_of(DAY)
    sales = fold.per_queue(200)["sales"]
    assert sales.occupancy is None
    assert sales.as_dict() == fold.totals(200).as_dict() | {"occupancy": None}


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        (Sl.OFFERED, 2 / 6),
        (Sl.ANSWERED, 2 / 3),
        (Sl.EXCLUDE_SHORT, 2 / 5),
        (Sl.EXCLUDE_ABANDONED_T, 2 / 5),
        (Sl.ABANDON_POSITIVE, 3 / 6),
    ],
)
def test_each_definition_on_the_day(definition: Sl, expected: float) -> None:
    settings = KpiSettings(queues={"sales": QueueKpiSettings(definition=definition)})
    kpis = fold_of(DAY, settings).per_queue(200)["sales"]
    assert kpis.service_level == pytest.approx(expected)
    assert kpis.service_level_definition is definition


ONE_SHORT_ABANDON = [enqueued(0, "x", "q"), abandoned(3, "x", "q", 3)]


@pytest.mark.parametrize(
    ("definition", "log"),
    [
        (Sl.OFFERED, []),
        (Sl.ANSWERED, ONE_SHORT_ABANDON),
        (Sl.EXCLUDE_SHORT, ONE_SHORT_ABANDON),
        (Sl.EXCLUDE_ABANDONED_T, ONE_SHORT_ABANDON),
        (Sl.ABANDON_POSITIVE, []),
    ],
)
def test_zero_denominators_give_none(definition: Sl, log: list[LogEntry]) -> None:
    kpis = fold_of(log, KpiSettings(default=QueueKpiSettings(definition=definition))).totals(10)
    assert kpis.service_level is None
    assert (kpis.asa_s, kpis.aht_s, kpis.calls_per_agent, kpis.occupancy) == (None, None, None, None)


def test_an_empty_fold_has_counts_of_zero_and_no_rates() -> None:
    kpis = KpiFold().totals(0).as_dict()
    assert {name for name, value in kpis.items() if value == 0} == {
        "offered",
        "answered",
        "abandoned",
        "short_abandoned",
        "callbacks_requested",
        "overflowed",
    }
    assert kpis["service_level_definition"] == "offered"
    assert kpis["service_level_threshold_s"] == 20


def test_overflow_is_one_offer_for_the_center_and_one_per_queue() -> None:
    log = [
        enqueued(0, "x", "a"),
        *overflowed(30, "x", "a", "b", 30),
        answered(50, "x", "b", "ann", 50),
        completed(100, "x", "b", "ann", 40, 10),
    ]
    settings = KpiSettings(queues={"a": QueueKpiSettings(20), "b": QueueKpiSettings(60)})
    fold = fold_of(log, settings)
    a, b = fold.per_queue(100)["a"], fold.per_queue(100)["b"]
    totals = fold.totals(100)
    assert (a.offered, a.answered, a.overflowed, a.service_level) == (1, 0, 1, 0.0)
    assert (b.offered, b.answered, b.overflowed, b.service_level) == (1, 1, 0, 1.0)
    assert (totals.offered, totals.answered, totals.overflowed, totals.aht_s) == (1, 1, 1, 50)
    assert totals.service_level == 1.0  # judged with b's T, where it was answered
    assert totals.service_level_threshold_s is None  # a and b do not share a T
    same_t = fold_of(log, KpiSettings(queues={"b": QueueKpiSettings(20)})).totals(100)
    assert (same_t.service_level_threshold_s, same_t.service_level) == (20, 0.0)


def test_short_abandon_and_service_level_boundaries() -> None:
    log = [enqueued(0, name, "q") for name in "wxyz"] + [
        abandoned(5, "w", "q", 5),
        abandoned(5.5, "x", "q", 5.5),
        answered(20, "y", "q", "ann", 20),
        answered(20.5, "z", "q", "ann", 20.5),
    ]
    kpis = fold_of(log).totals(30)
    assert (kpis.short_abandoned, kpis.service_level) == (1, 1 / 4)


def test_an_interaction_belongs_to_the_interval_it_was_first_enqueued_in() -> None:
    log = [
        enqueued(890, "x", "q"),
        enqueued(905, "y", "q"),
        answered(910, "x", "q", "ann", 20),
        completed(1000, "x", "q", "ann", 80, 10),
        abandoned(1850, "y", "q", 945),
    ]
    intervals = fold_of(log).per_interval(2000)
    assert [interval.start for interval in intervals] == [0, 900]
    first, second = (interval.totals for interval in intervals)
    assert (first.offered, first.answered, first.aht_s, first.abandoned) == (1, 1, 90, 0)
    assert (second.offered, second.answered, second.abandoned, second.max_wait_s) == (1, 0, 1, 945)
    assert intervals[1].per_queue == {"q": second}


def test_interval_occupancy_splits_a_state_across_the_boundary() -> None:
    log = [state(0, "ann", A.READY), state(850, "ann", A.BUSY), state(950, "ann", A.READY)]
    intervals = fold_of(log).per_interval(1800)
    assert [interval.start for interval in intervals] == [0, 900]  # none opens at now = 1800
    assert [interval.totals.occupancy for interval in intervals] == pytest.approx([50 / 900, 50 / 900])
    assert [interval.per_queue for interval in intervals] == [{}, {}]


def test_warm_up_interactions_are_left_out_and_agent_time_starts_at_since() -> None:
    log = [
        state(50, "ann", A.READY),
        enqueued(90, "early", "a"),
        enqueued(95, "early_overflow", "a"),
        enqueued(100, "on_time", "a"),
        answered(105, "on_time", "a", "bob", 5),
        answered(110, "early", "a", "ann", 20),
        *overflowed(120, "early_overflow", "a", "b", 25),
        abandoned(130, "early_overflow", "b", 35),
        state(150, "ann", A.BUSY),
        completed(180, "early", "a", "ann", 60, 10),
    ]
    fold = fold_of(log, KpiSettings(since=100))
    totals = fold.totals(200)
    assert (totals.offered, totals.answered, totals.abandoned, totals.overflowed) == (1, 1, 0, 0)
    assert (totals.aht_s, totals.occupancy) == (None, 0.5)  # ann: ready 50 s from 100, busy 50 s
    assert set(fold.per_queue(200)) == {"a"}
    assert fold.per_agent(200)["ann"].as_dict() == {
        "answered": 0,
        "completed": 0,
        "aht_s": None,
        "occupancy": 0.5,
        "ready_s": 50,
        "busy_s": 50,
    }


def test_an_open_state_is_read_up_to_now_without_changing_the_fold() -> None:
    fold = fold_of([state(0, "ann", A.READY), state(100, "ann", A.BUSY)])
    assert fold.totals(150).occupancy == pytest.approx(1 / 3)
    assert fold.totals(300).occupancy == pytest.approx(2 / 3)
    assert fold.totals(150).occupancy == pytest.approx(1 / 3)
    assert fold.per_agent(300)["ann"].state_time_s == {A.READY: 100, A.BUSY: 200}
    assert fold.snapshot(150) == fold.snapshot(150)


def test_per_agent_figures() -> None:
    agents = fold_of(DAY).per_agent(200)
    assert list(agents) == ["ann", "bob"]
    ann, bob = agents["ann"], agents["bob"]
    assert (ann.answered, ann.completed, ann.aht_s) == (2, 2, 75)
    assert ann.occupancy == pytest.approx(90 / 200)
    assert ann.state_time_s == {A.READY: 110, A.BUSY: 80, A.WRAP_UP: 10}
    assert (bob.answered, bob.completed, bob.aht_s) == (1, 1, 165)
    assert bob.occupancy == pytest.approx(165 / 180)
    assert bob.state_time_s == {A.PAUSED: 20, A.READY: 15, A.BUSY: 120, A.WRAP_UP: 45}
    later = fold_of(DAY).per_agent(500)
    assert later["bob"] == bob  # logged out at 200: no time counts after that
    assert later["ann"].state_time_s[A.READY] == 410  # still ready


def test_entries_outside_the_inbound_figures_and_unknown_interactions_are_ignored() -> None:
    ignored = [
        LogEntry(0, E.OFFERED, "x", "q", "ann"),
        LogEntry(0, E.NO_ANSWER, "x", "q", "ann"),
        LogEntry(0, E.DIALED, "x", "q", "ann"),
        LogEntry(0, E.WRAPUP_STARTED, "x", "q", "ann", talk_s=10),
        LogEntry(0, E.DROPPED, "x", "q"),
        LogEntry(0, E.TRANSFERRED, "x", "q", wait_s=3, reason="agent"),
        completed(0, "never_enqueued", "q", "ann", 10, 5),
    ]
    assert fold_of(ignored).snapshot(0) == KpiFold().snapshot(0)


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (LogEntry(5, E.ANSWERED, "x", "q", "ann"), "wait_s"),
        (LogEntry(5, E.ANSWERED, "x", "q", wait_s=5), "agent"),
        (LogEntry(5, E.ABANDONED, "x", wait_s=5), "queue"),
        (LogEntry(5, E.ENQUEUED, queue="q"), "interaction"),
        (LogEntry(5, E.COMPLETED, "x", "q", "ann", talk_s=5), "wrap_s"),
        (LogEntry(5, A.READY), "agent"),
    ],
)
def test_a_malformed_entry_is_refused_and_changes_nothing(entry: LogEntry, field: str) -> None:
    fold = fold_of(DAY[:6])
    before = fold.snapshot(10)
    with pytest.raises(MalformedEntryError, match=field):
        fold.add(entry)
    assert fold.snapshot(10) == before


def test_agent_time_cannot_run_backwards() -> None:
    fold = fold_of([state(100, "ann", A.READY), state(200, "ann", A.LOGGED_OUT)])
    with pytest.raises(OutOfOrderError):
        fold.add(state(150, "ann", A.BUSY))
    with pytest.raises(OutOfOrderError):
        fold.totals(199)
    assert fold.per_agent(200)["ann"].state_time_s == {A.READY: 100}


@pytest.mark.parametrize("interval_s", [0, -900, math.nan])
def test_interval_must_be_positive(interval_s: float) -> None:
    with pytest.raises(KpiSettingsError):
        KpiSettings(interval_s=interval_s)


# Invariants on random valid logs (see logs.floor_log).

COUNTS = ("offered", "answered", "abandoned", "short_abandoned", "callbacks_requested", "overflowed")


@given(floor_log(), kpi_settings.map(lambda s: KpiSettings(s.default, s.queues, s.interval_s)))
def test_folding_by_queue_gives_the_same_figures(
    log: tuple[list[LogEntry], bool], settings: KpiSettings
) -> None:
    entries, _ = log
    now = max((entry.at for entry in entries), default=0)
    whole = fold_of(entries, settings)
    parts = {queue: fold_of([e for e in entries if e.queue == queue], settings) for queue in QUEUES}
    per_queue = {q: kpis for part in parts.values() for q, kpis in part.per_queue(now).items()}
    assert whole.per_queue(now) == dict(sorted(per_queue.items()))
    for name in COUNTS:
        total = sum(getattr(part.totals(now), name) for part in parts.values())
        assert getattr(whole.totals(now), name) == total


def _sum(kpis: Iterable[Kpis | AgentKpis], name: str) -> int:
    return sum(getattr(one, name) for one in kpis)


@given(floor_log(), kpi_settings)
def test_intervals_add_up_to_the_totals(log: tuple[list[LogEntry], bool], settings: KpiSettings) -> None:
    entries, _ = log
    snapshot = fold_of(entries, settings).snapshot(max((entry.at for entry in entries), default=0))
    for name in COUNTS:
        assert getattr(snapshot.totals, name) == _sum((i.totals for i in snapshot.per_interval), name)
        for queue, kpis in snapshot.per_queue.items():
            in_intervals = (i.per_queue[queue] for i in snapshot.per_interval if queue in i.per_queue)
            assert getattr(kpis, name) == _sum(in_intervals, name)
    assert _sum(snapshot.per_agent.values(), "answered") == snapshot.totals.answered


@given(floor_log(), kpi_settings)
def test_figures_stay_in_range(log: tuple[list[LogEntry], bool], settings: KpiSettings) -> None:
    entries, still_waiting = log
    snapshot = fold_of(entries, settings).snapshot(max((entry.at for entry in entries), default=0))
    buckets = [snapshot.totals, *snapshot.per_queue.values()]
    buckets += [kpis for i in snapshot.per_interval for kpis in (i.totals, *i.per_queue.values())]
    for kpis in buckets:
        assert kpis.answered + kpis.abandoned <= kpis.offered
        assert kpis.service_level is None or 0 <= kpis.service_level <= 1
        assert kpis.occupancy is None or 0 <= kpis.occupancy <= 1
    if not still_waiting:
        assert snapshot.totals.answered + snapshot.totals.abandoned == snapshot.totals.offered


@given(floor_log(), kpi_settings)
def test_one_entry_at_a_time_equals_one_fold_over_all(
    log: tuple[list[LogEntry], bool], settings: KpiSettings
) -> None:
    entries, _ = log
    incremental = KpiFold(settings)
    for entry in entries:
        incremental.add(entry)
        incremental.snapshot(entry.at)  # reading in between must change nothing
    now = max((entry.at for entry in entries), default=0) + 60
    assert incremental.snapshot(now) == fold_of(entries, settings).snapshot(now)


def test_a_callback_counts_once_for_the_caller_and_once_for_the_agent() -> None:
    fold = KpiFold(KpiSettings())
    fold.extend(
        [
            enqueued(0, "i1", "a"),
            callback(40, "i1", "a", wait_s=40),
            LogEntry(300, E.ANSWERED, "i1", "a", "ann", wait_s=300, reason="callback"),
            completed(400, "i1", "a", "ann", talk_s=100, wrap_s=0),
        ]
    )
    totals = fold.totals(500)
    assert (totals.offered, totals.answered, totals.callbacks_requested, totals.asa_s) == (1, 0, 1, None)
    assert totals.aht_s == 100
    assert fold.per_agent(500)["ann"].answered == 1


@pytest.mark.parametrize("then", ["answered", "abandoned"])
def test_a_transfer_straight_to_an_agent_is_no_queues_offer(then: str) -> None:
    fold = KpiFold(KpiSettings())
    fold.extend(
        [
            enqueued(0, "i1", "a"),
            answered(10, "i1", "a", "ann", wait_s=10),
            LogEntry(70, E.TRANSFERRED, "i1", "a", "ann", wait_s=10, reason="agent"),
            LogEntry(70, E.COMPLETED, "i1", "a", "ann", talk_s=60, wrap_s=0, reason="transfer"),
        ]
    )
    if then == "answered":
        fold.extend(
            [
                LogEntry(75, E.ANSWERED, "i1", "a", "bob", wait_s=5, reason="transfer"),
                completed(175, "i1", "a", "bob", talk_s=100, wrap_s=0),
            ]
        )
    else:
        fold.add(LogEntry(80, E.ABANDONED, "i1", "a", wait_s=10, reason="transfer"))
    queue = fold.per_queue(200)["a"]
    assert (queue.offered, queue.answered, queue.abandoned) == (1, 1, 0)
    agents = fold.per_agent(200)
    assert agents["ann"].answered == 1
    assert ("bob" in agents and agents["bob"].answered) == (1 if then == "answered" else False)


def test_a_transfer_to_a_queue_is_that_queues_offer() -> None:
    fold = KpiFold(KpiSettings())
    fold.extend(
        [
            enqueued(0, "i1", "a"),
            answered(10, "i1", "a", "ann", wait_s=10),
            LogEntry(70, E.TRANSFERRED, "i1", "a", "ann", wait_s=10, reason="agent"),
            enqueued(70, "i1", "b", reason="transfer"),
            LogEntry(80, E.ANSWERED, "i1", "b", "bob", wait_s=10, reason="transfer"),
        ]
    )
    per_queue = fold.per_queue(100)
    assert (per_queue["b"].offered, per_queue["b"].answered) == (1, 1)
    assert (fold.totals(100).offered, fold.totals(100).answered) == (1, 1)
