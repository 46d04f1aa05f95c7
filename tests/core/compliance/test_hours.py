"""Calling hours and public holidays on the callee's clock, through DST changes, with their reasons."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.core.compliance.hours import calling_hours, no_public_holidays
from callfloor.core.compliance.model import AttemptFacts, History, Outcome
from callfloor.core.compliance.profiles import FR, US
from callfloor.core.compliance.rules import HoursParams, Rule
from callfloor.core.schedule.calendar import Schedule
from tests.core.compliance.facts import PROSPECTING, US_CONSUMER_NY, US_PROSPECTING, paris, target

FR_HOURS, FR_HOLIDAYS = FR.rules[0], FR.rules[1]
US_HOURS = US.rules[0]
PARIS_FACTS = AttemptFacts(PROSPECTING, target(), History())
NY_FACTS = AttemptFacts(US_PROSPECTING, US_CONSUMER_NY, History())


@pytest.mark.parametrize(
    ("at", "outcome", "not_before"),
    [
        (datetime(2026, 3, 8, 12, tzinfo=UTC), Outcome.PASSED, None),  # 08:00 EDT, the day clocks go forward
        (datetime(2026, 3, 8, 11, 59, tzinfo=UTC), Outcome.DEFERRED, datetime(2026, 3, 8, 12, tzinfo=UTC)),
        (datetime(2026, 3, 7, 12, 59, tzinfo=UTC), Outcome.DEFERRED, datetime(2026, 3, 7, 13, tzinfo=UTC)),
        (datetime(2026, 11, 2, 1, 59, tzinfo=UTC), Outcome.PASSED, None),  # 20:59 EST, the day they went back
        (datetime(2026, 11, 2, 2, 0, tzinfo=UTC), Outcome.DEFERRED, datetime(2026, 11, 2, 13, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_us_hours_follow_the_local_clock_through_dst(
    at: datetime, outcome: Outcome, not_before: datetime | None
) -> None:
    decision = calling_hours(US_HOURS, NY_FACTS, at)
    assert (decision.rule_id, decision.outcome, decision.not_before) == ("us.tsr.hours", outcome, not_before)


def test_french_hours_across_the_spring_change() -> None:
    friday_night = paris(2026, 3, 27, 20)  # clocks go forward on Sunday 29 March
    decision = calling_hours(FR_HOURS, PARIS_FACTS, friday_night)
    assert decision.not_before == paris(2026, 3, 30, 10)
    assert decision.not_before.astimezone(UTC).hour == 8  # CEST: UTC+2


def test_reasons_show_the_callees_clock_and_the_hours() -> None:
    decision = calling_hours(FR_HOURS, PARIS_FACTS, paris(2026, 7, 15, 13, 30))
    assert decision.reason_fr == (
        "mercredi 15/07/2026 13:30 (Europe/Paris) : hors des heures autorisées "
        "(lun.–ven. 10:00-13:00, 14:00-20:00) ; possible dès mercredi 15/07/2026 14:00 (Europe/Paris)"
    )
    assert decision.reason_en == (
        "Wednesday 2026-07-15 13:30 (Europe/Paris): outside the allowed hours "
        "(Mon–Fri 10:00-13:00, 14:00-20:00); possible from Wednesday 2026-07-15 14:00 (Europe/Paris)"
    )


@pytest.mark.parametrize(
    ("subdivision", "at", "holiday"),
    [
        (None, paris(2026, 12, 25, 11), "Noël"),
        ("57", paris(2026, 12, 26, 11), "Saint-Étienne"),
        ("Alsace-Moselle", paris(2026, 4, 3, 11), "Vendredi saint"),
        ("974", datetime(2026, 12, 20, 11, tzinfo=UTC), "Abolition de l'esclavage"),
    ],
)
def test_holidays_are_named(subdivision: str | None, at: datetime, holiday: str) -> None:
    zone = "Indian/Reunion" if subdivision == "974" else "Europe/Paris"
    facts = AttemptFacts(PROSPECTING, target(zone=zone, subdivision=subdivision), History())
    decision = no_public_holidays(FR_HOLIDAYS, facts, at)
    assert decision.outcome is Outcome.DEFERRED
    assert holiday in decision.reason_fr
    assert holiday in decision.reason_en


def test_a_holiday_ends_at_the_callees_midnight() -> None:
    decision = no_public_holidays(FR_HOLIDAYS, PARIS_FACTS, paris(2026, 7, 14, 23, 59))
    assert decision.not_before == paris(2026, 7, 15)
    assert no_public_holidays(FR_HOLIDAYS, PARIS_FACTS, paris(2026, 7, 15)).outcome is Outcome.PASSED


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
    st.sampled_from(("Europe/Paris", "America/New_York", "Indian/Reunion", "Australia/Lord_Howe")),
    st.sampled_from((FR_HOURS, US_HOURS)),
)
def test_the_fast_path_agrees_with_the_schedule(at: datetime, zone: str, rule: Rule) -> None:
    assert isinstance(rule.params, HoursParams)
    schedule = Schedule(zone=ZoneInfo(zone), weekly=rule.params.weekly, holidays_close=False)
    facts = AttemptFacts(PROSPECTING, target(zone=zone), History())
    assert (calling_hours(rule, facts, at).outcome is Outcome.PASSED) is schedule.is_open(at)
