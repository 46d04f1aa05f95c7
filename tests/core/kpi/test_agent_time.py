"""Agent state time: the per-interval steps against a plain split of every span."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.kpi import OutOfOrderError
from callfloor.core.kpi.agent_time import AgentStateTime, StateTimes, occupancy
from callfloor.core.log import AgentEventType as A
from callfloor.core.log import LogEntry

from .logs import AGENTS, agent_log


def _clock(entries: list[LogEntry], since: float, interval_s: float) -> AgentStateTime:
    clock = AgentStateTime(since, interval_s)
    for entry in entries:
        assert entry.agent is not None
        assert isinstance(entry.type, A)
        clock.change(entry.agent, entry.type, entry.at)
    return clock


def _split_by_hand(
    entries: list[LogEntry], since: float, interval_s: float, now: float
) -> dict[int, StateTimes]:
    """Every span of every agent, cut at each interval boundary; the slow, obvious way."""
    result: dict[int, StateTimes] = {}
    for agent in AGENTS:
        changes = [e for e in entries if e.agent == agent]
        ends = [e.at for e in changes[1:]] + [now]
        for entry, next_at in zip(changes, ends, strict=False):  # no agent entries, no span
            if not isinstance(entry.type, A) or entry.type is A.LOGGED_OUT:
                continue
            start, end = max(entry.at, since), max(next_at, since)
            while start < end:
                index = math.floor(start / interval_s)
                cut = min(end, (index + 1) * interval_s)
                times = result.setdefault(index, {})
                times[entry.type] = times.get(entry.type, 0.0) + cut - start
                start = cut
    return result


@given(
    st.tuples(*(agent_log(agent) for agent in AGENTS)),
    st.sampled_from([300.0, 900.0, 3600.0]),
    st.one_of(st.just(-math.inf), st.integers(0, 3000).map(float)),
    st.integers(0, 3000),
)
def test_steps_equal_a_plain_split(
    logs: tuple[list[LogEntry], ...], interval_s: float, since: float, extra: int
) -> None:
    entries = sorted((entry for log in logs for entry in log), key=lambda entry: entry.at)
    now = max((entry.at for entry in entries), default=0) + extra
    clock = _clock(entries, since, interval_s)
    by_hand = _split_by_hand(entries, since, interval_s, now)
    expected = {i: {s: t for s, t in times.items() if t} for i, times in by_hand.items()}
    actual = {i: {s: t for s, t in times.items() if t} for i, times in clock.per_interval(now).items()}
    assert actual == expected
    total: StateTimes = {}
    for times in by_hand.values():
        for s, t in times.items():
            total[s] = total.get(s, 0.0) + t
    assert {s: t for s, t in clock.total(now).items() if t} == {s: t for s, t in total.items() if t}


def test_a_pause_over_several_intervals() -> None:
    clock = AgentStateTime(since=-math.inf, interval_s=900)
    clock.change("ann", A.PAUSED, 100)
    clock.change("ann", A.READY, 3000)
    assert clock.per_interval(3100) == {
        0: {A.PAUSED: 800},
        1: {A.PAUSED: 900},
        2: {A.PAUSED: 900},
        3: {A.PAUSED: 300, A.READY: 100},
    }


def test_reading_never_changes_the_clock() -> None:
    clock = AgentStateTime(since=0, interval_s=900)
    clock.change("ann", A.READY, 0)
    assert clock.per_interval(1000) == {0: {A.READY: 900}, 1: {A.READY: 100}}
    assert clock.per_interval(500) == {0: {A.READY: 500}}
    assert clock.per_agent(500) == {"ann": {A.READY: 500}}


def test_out_of_order_entries_and_read_outs_are_refused() -> None:
    clock = AgentStateTime(since=0, interval_s=900)
    clock.change("ann", A.LOGGED_IN, 10)
    clock.change("ann", A.LOGGED_OUT, 20)
    with pytest.raises(OutOfOrderError):
        clock.change("ann", A.READY, 15)
    with pytest.raises(OutOfOrderError):
        clock.per_interval(19)
    assert clock.per_agent(20) == {"ann": {A.LOGGED_IN: 10}}


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        ({A.READY: 30, A.RESERVED: 10, A.BUSY: 50, A.WRAP_UP: 10, A.PAUSED: 500}, 0.6),
        ({A.PAUSED: 500, A.LOGGED_IN: 20}, None),
        ({}, None),
    ],
)
def test_occupancy_leaves_paused_time_out(times: StateTimes, expected: float | None) -> None:
    assert occupancy(times) == expected
