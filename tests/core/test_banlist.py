"""The sliding-window failure counter behind login and SIP bans."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.banlist import FailureWindow


def test_limit_failures_in_window_ban_for_ban_time() -> None:
    window = FailureWindow(limit=3, window_s=60, ban_s=300)
    assert window.record_failure("ip", 0) is False
    assert window.record_failure("ip", 10) is False
    assert window.banned_until("ip", 11) is None
    assert window.record_failure("ip", 20) is True
    assert window.banned_until("ip", 21) == 320
    assert window.banned_until("ip", 320) is None
    assert window.bans(100) == {"ip": 320}


def test_old_failures_leave_the_window() -> None:
    window = FailureWindow(limit=3, window_s=60, ban_s=300)
    window.record_failure("ip", 0)
    window.record_failure("ip", 10)
    assert window.record_failure("ip", 69) is False  # the one at 0 has left
    assert window.record_failure("ip", 70) is False  # the one at 10 is exactly 60 s old: out
    assert window.record_failure("ip", 71) is True


def test_success_clears_failures_but_not_a_running_ban() -> None:
    window = FailureWindow(limit=2, window_s=60, ban_s=30)
    window.record_failure("a", 0)
    window.record_success("a")
    assert window.record_failure("a", 1) is False
    assert window.record_failure("a", 2) is True
    window.record_success("a")
    assert window.banned_until("a", 3) == 32


def test_keys_are_independent_and_prune_forgets_idle_ones() -> None:
    window = FailureWindow(limit=2, window_s=10, ban_s=5)
    window.record_failure("a", 0)
    window.record_failure("b", 0)
    window.record_failure("b", 1)
    assert window.banned_until("a", 2) is None
    assert window.banned_until("b", 2) == 6
    window.prune(100)
    assert window.bans(100) == {}
    assert window.record_failure("a", 100) is False  # its old failure was forgotten


@pytest.mark.parametrize(("limit", "window_s", "ban_s"), [(0, 1, 1), (1, 0, 1), (1, 1, -1)])
def test_rejects_nonsense_parameters(limit: int, window_s: float, ban_s: float) -> None:
    with pytest.raises(ValueError, match="limit"):
        FailureWindow(limit, window_s, ban_s)


@given(
    limit=st.integers(1, 6),
    gaps=st.lists(st.floats(0, 30, allow_nan=False), min_size=1, max_size=40),
)
def test_ban_starts_exactly_when_limit_failures_fall_in_one_window(limit: int, gaps: list[float]) -> None:
    """Reference model: a ban starts when the failures since the last ban, in the window, reach the limit."""
    window = FailureWindow(limit=limit, window_s=60, ban_s=0)
    now, recent = 0.0, []
    for gap in gaps:
        now += gap
        recent = [t for t in recent if t > now - 60] + [now]
        started = window.record_failure("k", now)
        assert started == (len(recent) >= limit)
        if started:
            recent = []
