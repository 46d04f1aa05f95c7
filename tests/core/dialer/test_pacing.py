"""Pooled pacing: power and predictive modes, and the cap on calls per agent."""

from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.dialer.pacing import PacingInput, line_cap, pooled_calls, power_calls
from callfloor.core.dialer.settings import DialerSettings, DialingMode


def pace(**values: float) -> PacingInput:
    defaults: dict[str, float] = {
        "free": 0, "soon_free": 0, "staffed": 10, "in_flight": 0, "expected_answers": 0.0, "waiting": 0,
        "answer_rate": 0.3,
    }  # fmt: skip
    return PacingInput(**{**defaults, **values})  # type: ignore[arg-type]


def test_power_keeps_its_ratio_of_calls_per_free_agent() -> None:
    power = DialerSettings(mode=DialingMode.POWER, power_ratio=2.5)
    assert power_calls(power, pace(free=4)) == 10
    assert power_calls(power, pace(free=4, in_flight=7)) == 3
    assert power_calls(power, pace(free=1, in_flight=7)) == 0  # never negative


def test_preview_and_progressive_place_no_pooled_call() -> None:
    for mode in (DialingMode.PREVIEW, DialingMode.PROGRESSIVE):
        assert pooled_calls(DialerSettings(mode=mode), pace(free=10)) == 0


def test_the_cap_holds_calls_in_flight_per_staffed_agent() -> None:
    capped = DialerSettings(mode=DialingMode.POWER, power_ratio=5.0, max_lines_per_agent=2.0)
    assert line_cap(capped, pace(staffed=3, in_flight=4)) == 2
    assert pooled_calls(capped, pace(free=3, staffed=3, in_flight=4)) == 2  # power asks for 11
    assert line_cap(capped, pace(staffed=1, in_flight=4)) == 0


settings = st.builds(
    DialerSettings,
    mode=st.sampled_from(list(DialingMode)),
    power_ratio=st.floats(1, 6),
    max_lines_per_agent=st.floats(1, 8),
    target_drop_rate=st.floats(0.001, 0.03),
)
paces = st.builds(
    PacingInput,
    free=st.integers(0, 60),
    soon_free=st.integers(0, 20),
    staffed=st.integers(0, 80),
    in_flight=st.integers(0, 400),
    expected_answers=st.floats(0, 100),
    waiting=st.integers(0, 10),
    answer_rate=st.floats(0.01, 1.0),
    answer_rate_var=st.floats(0, 0.05),
    drop_rate_day=st.floats(0, 1),
    drop_rate_window=st.floats(0, 1),
    window_answered=st.integers(0, 1000),
)


@given(settings, paces)
def test_pooled_calls_are_never_negative_nor_above_the_cap(
    settings: DialerSettings, state: PacingInput
) -> None:
    calls = pooled_calls(settings, state)
    assert 0 <= calls <= line_cap(settings, state)
    assert state.in_flight + calls <= max(state.in_flight, settings.max_lines_per_agent * state.staffed)
