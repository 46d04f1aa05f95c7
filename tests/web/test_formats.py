"""Formats: the locale's separators and clock, the tenant's zone, durations."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from callfloor.core.config import Locale
from callfloor.web.formats import Formats

PARIS, NEW_YORK = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
AT = datetime(2026, 12, 5, 20, 4, tzinfo=UTC)


def test_moments_are_shown_in_the_tenants_zone_and_the_users_language() -> None:
    assert Formats(Locale.FR, PARIS).moment(AT) == "05/12/2026 21:04"
    assert Formats(Locale.FR, PARIS).clock(AT) == "21:04"
    assert Formats(Locale.EN, NEW_YORK).clock(AT) == "3:04\u202fPM"
    assert Formats(Locale.FR, PARIS).day(date(2026, 12, 5)) == "5 déc. 2026"
    assert Formats(Locale.EN, PARIS).day(date(2026, 12, 5)) == "Dec 5, 2026"
    assert Formats(Locale.FR, PARIS).moment(None) == ""


def test_numbers_and_percentages_use_the_locales_separators() -> None:
    french, english = Formats(Locale.FR, PARIS), Formats(Locale.EN, PARIS)
    assert french.number(1234.5, 1) == "1\u202f234,5"
    assert english.number(1234.5, 1) == "1,234.5"
    assert french.percent(0.034) == "3,4\u00a0%"
    assert english.percent(0.034) == "3.4%"
    assert english.percent(None) == english.number(None) == "–"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (59.6, "1:00"), (754, "12:34"), (3600, "1:00:00"), (-3, "0:00"), (None, "–")],
)
def test_durations(seconds: float | None, shown: str) -> None:
    assert Formats.duration(seconds) == shown
