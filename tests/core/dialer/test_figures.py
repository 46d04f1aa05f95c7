"""A campaign's figures: drop rates over the day and the window, and days added up."""

import pytest

from callfloor.core.dialer.figures import DialerFigures, FigureKeeper
from callfloor.core.log import AgentEventType


def test_drop_rates_over_the_day_and_the_rolling_window() -> None:
    keeper = FigureKeeper(start=0.0, window_s=1800.0)
    for at in range(0, 100, 10):
        keeper.person_answered(float(at), dropped=at == 0)
    assert keeper.drop_rate() == pytest.approx(0.1)
    assert keeper.window_drop_rate(1000.0) == pytest.approx(0.1)
    assert keeper.window_drop_rate(1800.0) == 0.0  # the drop at 0 left the window
    assert keeper.window_answered(1800.0) == 9
    assert keeper.drop_rate() == pytest.approx(0.1)  # the day remembers


def test_occupancy_is_the_inbound_floors() -> None:
    keeper = FigureKeeper(start=0.0, window_s=1800.0)
    keeper.agent_time.change("a", AgentEventType.READY, 0.0)
    keeper.agent_time.change("a", AgentEventType.BUSY, 20.0)
    keeper.agent_time.change("a", AgentEventType.WRAP_UP, 80.0)
    keeper.agent_time.change("a", AgentEventType.PAUSED, 100.0)
    figures = keeper.figures(200.0)
    assert figures.occupancy == pytest.approx(80 / 100)  # paused time left out
    assert figures.logged_in_s == 200.0


def test_days_add_up() -> None:
    one = DialerFigures(
        attempts=10, person_answered=3, contacts=2, drops=1, outcomes={"busy": 2, "dropped": 1}
    )
    two = DialerFigures(attempts=5, person_answered=1, contacts=1, outcomes={"busy": 1, "answered": 1})
    both = one.plus(two)
    assert (both.attempts, both.person_answered, both.drops) == (15, 4, 1)
    assert dict(both.outcomes) == {"answered": 1, "busy": 3, "dropped": 1}
    assert both.drop_rate == 0.25
    assert DialerFigures().drop_rate == 0.0 and DialerFigures().occupancy is None
