"""Parsing a service-level target and an interval forecast from text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.staffing import ForecastError, InvalidParameterError
from callfloor.core.staffing.forecast import ForecastRow, ServiceTarget, parse_forecast, parse_target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80/20", ServiceTarget(0.8, 20)),
        (" 90% / 15s ", ServiceTarget(0.9, 15)),
        ("99.5/0", ServiceTarget(0.995, 0)),
    ],
)
def test_targets(text: str, expected: ServiceTarget) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["80", "80-20", "abc", "100/20", "0/20", "80/-5", "", "80/20/10"])
def test_bad_targets_say_what_is_expected(text: str) -> None:
    with pytest.raises(InvalidParameterError, match=r"80/20|percentage"):
        parse_target(text)


def test_target_prints_as_written() -> None:
    assert str(parse_target("80/20")) == "80/20"


def test_forecast_with_header_blank_lines_comments_and_bad_rows() -> None:
    text = "interval,calls\n08:00,100\n\n08:30,abc\n# lunch\n09:00,-1\n09:30,1,000\n2026-01-05T10:00,12.5\n"
    parsed = parse_forecast(text.splitlines())
    rows = [p for p in parsed if isinstance(p, ForecastRow)]
    bad = [p for p in parsed if isinstance(p, ForecastError)]
    assert rows == [ForecastRow(2, "08:00", 100), ForecastRow(8, "2026-01-05T10:00", 12.5)]
    assert [(e.line, e.reason) for e in bad] == [
        (4, "calls must be a number, got 'abc'"),
        (6, "calls must be finite and >= 0, got '-1'"),
        (7, "expected 2 columns (interval,calls), got 3"),
    ]
    assert [p.line for p in parsed] == [2, 4, 6, 7, 8]  # in file order


def test_header_may_reorder_columns_and_is_optional() -> None:
    assert parse_forecast(["Calls,Interval", "40,08:00"]) == [ForecastRow(2, "08:00", 40)]
    assert parse_forecast(["08:00,40", "08:30,0"]) == [
        ForecastRow(1, "08:00", 40),
        ForecastRow(2, "08:30", 0),
    ]
    (empty,) = parse_forecast(["interval,calls", ",3"])
    assert isinstance(empty, ForecastError)
    assert str(empty) == "line 2: the interval is empty"


def test_calls_per_interval_become_a_rate() -> None:
    assert ForecastRow(1, "08:00", 100).calls_per_hour(30) == 200
    assert ForecastRow(1, "08:00", 25).calls_per_hour(15) == 100
    with pytest.raises(InvalidParameterError):
        ForecastRow(1, "08:00", 25).calls_per_hour(0)


@given(st.lists(st.text(max_size=30).filter(lambda s: "\n" not in s and "\r" not in s), max_size=20))
def test_any_text_parses_to_rows_or_located_errors(lines: list[str]) -> None:
    for item in parse_forecast(lines):
        assert 1 <= item.line <= len(lines)
        if isinstance(item, ForecastRow):
            assert item.interval
            assert item.calls >= 0
