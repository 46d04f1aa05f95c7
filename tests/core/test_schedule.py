"""The business-hours calendar: French holidays, closures, special hours, DST, and its algebra."""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.core import CoreError
from callfloor.core.schedule import InvalidSchedule, NaiveDatetime, NeverOpens, ScheduleError
from callfloor.core.schedule.calendar import Closure, ClosureReason, Schedule
from callfloor.core.schedule.config import parse_schedule, schedule_data
from callfloor.core.schedule.hours import Opening

PARIS = ZoneInfo("Europe/Paris")
WEEK = ["mon", "tue", "wed", "thu", "fri"]
#: A center with a lunch break and Saturday mornings.
CENTER = {
    "timezone": "Europe/Paris",
    "country": "FR",
    "weekly": {**{d: ["09:00-12:30", "13:30-18:00"] for d in WEEK}, "sat": ["09:00-12:00"]},
    "closures": ["2026-12-24"],
    "special": {"2026-12-31": ["09:00-12:00"], "2026-05-01": ["10:00-12:00"]},
}
#: Monday to Friday, 9 to 18, no lunch break: the SLA examples.
OFFICE = {"timezone": "Europe/Paris", "country": "FR", "weekly": {d: ["09:00-18:00"] for d in WEEK}}
#: On duty from Friday 18:00 to Monday 08:00 without a break, holidays or not.
WEEKEND_DUTY = {
    "timezone": "Europe/Paris",
    "weekly": {
        "fri": ["18:00-24:00"],
        "sat": ["00:00-24:00"],
        "sun": ["00:00-24:00"],
        "mon": ["00:00-08:00"],
    },
}
ALWAYS = {"timezone": "Europe/Paris", "weekly": {d: ["00:00-24:00"] for d in (*WEEK, "sat", "sun")}}
H = 3600.0


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def schedule(data: dict[str, object], **changes: object) -> Schedule:
    return parse_schedule({**data, **changes})


# -- holidays, closures, special hours -----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 12, 25), "Noël"),
        (date(2026, 7, 14), "Fête nationale"),
        (date(2026, 4, 6), "Lundi de Pâques"),
        (date(2027, 1, 1), "Jour de l'an"),
    ],
)
def test_a_public_holiday_closes_the_center_and_says_which(day: date, name: str) -> None:
    at = datetime.combine(day, datetime.min.time(), PARIS) + timedelta(hours=10)
    assert not schedule(CENTER).is_open(at)
    assert schedule(CENTER).closure(at) == Closure(ClosureReason.PUBLIC_HOLIDAY, name)
    assert schedule(CENTER, holidays_close=False).is_open(at) == (day.weekday() < 6)


@pytest.mark.parametrize(
    "subdivision", ["Alsace-Moselle", "alsace-moselle", "57", "Moselle", "6AE", "Alsace"]
)
def test_good_friday_and_26_december_close_alsace_moselle_only(subdivision: str) -> None:
    local = schedule(CENTER, subdivision=subdivision)
    good_friday, st_stephen = paris(2026, 4, 3, 10), paris(2026, 12, 26, 10)  # a Friday, a Saturday
    assert schedule(CENTER).is_open(good_friday) and schedule(CENTER).is_open(st_stephen)
    assert local.closure(good_friday) == Closure(ClosureReason.PUBLIC_HOLIDAY, "Vendredi saint")
    assert local.closure(st_stephen) == Closure(ClosureReason.PUBLIC_HOLIDAY, "Saint-Étienne")


def test_alsace_moselle_is_stored_as_the_packages_code() -> None:
    assert schedule(CENTER, subdivision="Alsace-Moselle").subdivision == "57"


def test_overseas_departments_keep_their_own_clock_and_abolition_day() -> None:
    martinique = schedule(OFFICE, timezone="America/Martinique", subdivision="Martinique")
    abolition = datetime(2026, 5, 22, 10, tzinfo=ZoneInfo("America/Martinique"))  # a Friday
    assert martinique.closure(abolition) == Closure(ClosureReason.PUBLIC_HOLIDAY, "Abolition de l'esclavage")
    assert schedule(OFFICE).is_open(paris(2026, 5, 22, 10))
    thursday = datetime(2026, 5, 21, 9, tzinfo=UTC)  # 05:00 in Fort-de-France
    assert martinique.next_open(thursday) == datetime(2026, 5, 21, 13, tzinfo=UTC)
    reunion = schedule(OFFICE, timezone="Indian/Reunion", subdivision="974")
    assert reunion.holiday(date(2026, 12, 20)) == "Abolition de l'esclavage"
    assert reunion.next_open(datetime(2026, 5, 21, 4, tzinfo=UTC)) == datetime(2026, 5, 21, 5, tzinfo=UTC)


def test_an_exceptional_closure_closes_the_whole_day() -> None:
    christmas_eve = paris(2026, 12, 24, 10)
    assert schedule(CENTER).closure(christmas_eve) == Closure(ClosureReason.EXCEPTIONAL_CLOSURE)
    assert schedule(CENTER).next_open(christmas_eve) == paris(2026, 12, 26, 9)  # Christmas, then Saturday


def test_special_hours_replace_the_weeks_and_may_open_a_holiday() -> None:
    center = schedule(CENTER)
    new_years_eve = date(2026, 12, 31)
    assert center.openings(new_years_eve) == (Opening(9 * 60, 12 * 60),)
    assert center.is_open(paris(2026, 12, 31, 11, 59)) and not center.is_open(paris(2026, 12, 31, 14))
    assert center.closure(paris(2026, 12, 31, 14)) == Closure(ClosureReason.OUTSIDE_HOURS)
    assert center.is_open(paris(2026, 5, 1, 11))  # 1 May, Fête du Travail, opened 10-12
    assert center.closure(paris(2026, 5, 1, 9)) == Closure(ClosureReason.OUTSIDE_HOURS)
    assert schedule(CENTER, special={}).closure(paris(2026, 5, 1, 11)) == Closure(
        ClosureReason.PUBLIC_HOLIDAY, "Fête du Travail"
    )


# -- opening, closing, intervals ---------------------------------------------------------


def test_the_lunch_break_is_closed() -> None:
    center, monday = schedule(CENTER), paris(2026, 3, 9, 10)
    assert center.is_open(monday) and center.closure(monday) is None
    assert center.next_close(monday) == paris(2026, 3, 9, 12, 30)
    lunch = paris(2026, 3, 9, 12, 30)
    assert center.closure(lunch) == Closure(ClosureReason.OUTSIDE_HOURS)
    assert center.next_open(lunch) == paris(2026, 3, 9, 13, 30)
    assert center.next_close(lunch) == lunch  # closed already
    assert center.open_intervals(paris(2026, 3, 9, 10), paris(2026, 3, 9, 14)) == [
        (paris(2026, 3, 9, 10), paris(2026, 3, 9, 12, 30)),
        (paris(2026, 3, 9, 13, 30), paris(2026, 3, 9, 14)),
    ]


def test_answers_are_in_utc_whatever_zone_the_question_is_in() -> None:
    center = schedule(CENTER)
    opened = center.next_open(paris(2026, 3, 9, 7))
    assert opened is not None and opened.tzinfo is UTC and opened == datetime(2026, 3, 9, 8, tzinfo=UTC)
    assert center.local(opened).hour == 9
    new_york = datetime(2026, 3, 9, 2, tzinfo=ZoneInfo("America/New_York"))  # 07:00 in Paris
    assert center.next_open(new_york) == opened
    assert (
        center.closure(new_york)
        == center.closure(paris(2026, 3, 9, 7))
        == Closure(ClosureReason.OUTSIDE_HOURS)
    )


def test_overnight_from_friday_to_monday_is_one_interval() -> None:
    duty = schedule(WEEKEND_DUTY)
    friday = paris(2026, 3, 6, 12)
    assert duty.open_intervals(friday, paris(2026, 3, 10)) == [(paris(2026, 3, 6, 18), paris(2026, 3, 9, 8))]
    assert duty.next_close(paris(2026, 3, 7, 3)) == paris(2026, 3, 9, 8)
    assert duty.business_seconds_between(friday, paris(2026, 3, 10)) == 62 * H


@pytest.mark.parametrize(
    ("friday", "hours"),
    [((2026, 3, 6), 62), ((2026, 3, 27), 61), ((2026, 10, 23), 63)],  # the DST weekends: 23 h, 25 h Sundays
)
def test_dst_weekends_count_the_hours_that_elapse(friday: tuple[int, int, int], hours: int) -> None:
    start = paris(*friday)
    assert schedule(WEEKEND_DUTY).business_seconds_between(start, start + timedelta(days=4)) == hours * H


@pytest.mark.parametrize(
    ("sunday", "hours"), [((2026, 3, 29), 23), ((2026, 10, 25), 25), ((2026, 3, 22), 24)]
)
def test_a_whole_day_lasts_as_long_as_the_day(sunday: tuple[int, int, int], hours: int) -> None:
    day = paris(*sunday)
    assert schedule(ALWAYS).business_seconds_between(day, day + timedelta(days=2)) == (hours + 24) * H


@pytest.mark.parametrize("sunday", [(2026, 3, 29), (2026, 10, 25)])
def test_wall_clock_hours_stay_put_across_a_dst_change(sunday: tuple[int, int, int]) -> None:
    sundays = schedule(OFFICE, weekly={"sun": ["09:00-18:00"]})
    day = paris(*sunday)
    assert sundays.open_intervals(day, day + timedelta(days=1)) == [
        (day.replace(hour=9), day.replace(hour=18))
    ]
    assert sundays.business_seconds_between(day, day + timedelta(days=1)) == 9 * H


def test_an_opening_the_clocks_skip_is_no_opening() -> None:
    night = schedule(ALWAYS, weekly={"sun": ["02:00-03:00"]})
    assert night.open_intervals(paris(2026, 3, 29), paris(2026, 3, 30)) == []
    assert night.business_seconds_between(paris(2026, 10, 25), paris(2026, 10, 26)) == 2 * H  # 02:00 twice


def test_a_dst_change_at_midnight_still_joins_the_days() -> None:
    santiago = ZoneInfo("America/Santiago")  # 2026-09-06 00:00 does not exist: the clocks jump to 01:00
    always = schedule(ALWAYS, timezone="America/Santiago")
    saturday = datetime(2026, 9, 5, 12, tzinfo=santiago)
    intervals = always.open_intervals(saturday, saturday + timedelta(days=2))
    assert intervals == [(saturday, saturday + timedelta(days=2))]
    assert always.business_seconds_between(saturday, saturday + timedelta(days=1)) == 23 * H


def test_a_schedule_that_never_opens_or_never_closes() -> None:
    never = parse_schedule({"timezone": "Europe/Paris"})
    assert never.next_open(paris(2026, 1, 1)) is None and not never.is_open(paris(2026, 1, 1))
    assert never.next_close(paris(2026, 1, 1)) == paris(2026, 1, 1)
    assert never.business_seconds_between(paris(2026, 1, 1), paris(2027, 1, 1)) == 0
    with pytest.raises(NeverOpens):
        never.add_business_time(paris(2026, 1, 1), 1)
    assert schedule(ALWAYS).next_close(paris(2026, 1, 1)) is None
    assert schedule(ALWAYS, country="FR").next_close(paris(2026, 1, 2)) == paris(2026, 4, 6)


# -- business time -------------------------------------------------------------------------


def test_eight_business_hours_from_friday_afternoon_end_monday_afternoon() -> None:
    office, friday = schedule(OFFICE), paris(2026, 3, 13, 17)
    assert office.add_business_time(friday, 8 * H) == paris(2026, 3, 16, 16)
    assert office.business_seconds_between(friday, paris(2026, 3, 16, 16)) == 8 * H
    assert office.business_seconds_between(paris(2026, 3, 16, 16), friday) == -8 * H


def test_business_time_skips_the_lunch_break_holidays_and_the_new_year() -> None:
    center = schedule(CENTER)
    assert center.add_business_time(paris(2026, 3, 9, 12), 1 * H) == paris(2026, 3, 9, 14)
    assert center.add_business_time(paris(2026, 7, 13, 17), 2 * H) == paris(2026, 7, 15, 10)  # 14 July
    office = schedule(OFFICE)  # 1 January 2027 is a Friday
    assert office.add_business_time(paris(2026, 12, 31, 17), 2 * H) == paris(2027, 1, 4, 10)


def test_time_running_out_at_closing_lands_on_the_next_opening() -> None:
    office = schedule(OFFICE)
    assert office.add_business_time(paris(2026, 3, 13, 17), 1 * H) == paris(2026, 3, 16, 9)
    assert office.add_business_time(paris(2026, 3, 14, 11), 0) == paris(2026, 3, 16, 9)
    assert office.add_business_time(paris(2026, 3, 16, 11), 0) == paris(2026, 3, 16, 11)


def test_across_the_spring_dst_weekend() -> None:
    office = schedule(OFFICE)  # Friday 17:00 is 16:00 UTC, Monday 10:00 is 08:00 UTC: 2 business hours
    assert office.add_business_time(paris(2026, 3, 27, 17), 2 * H) == datetime(2026, 3, 30, 8, tzinfo=UTC)


def test_naive_datetimes_and_negative_durations_are_refused() -> None:
    office = schedule(OFFICE)
    with pytest.raises(NaiveDatetime, match="at must be an aware datetime"):
        office.is_open(datetime(2026, 3, 9, 10))
    with pytest.raises(NaiveDatetime, match=r"^b "):
        office.business_seconds_between(paris(2026, 3, 9), datetime(2026, 3, 10))
    for seconds in (-1, float("nan"), float("inf")):
        with pytest.raises(ScheduleError, match="0 or more"):
            office.add_business_time(paris(2026, 3, 9), seconds)


# -- the plain-data form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"weekly": {"mon": ["9h-12h"]}}, "weekly.mon[0]", "not an interval"),
        ({"weekly": {"mon": ["25:00-26:00"]}}, "weekly.mon[0]", "not on the clock"),
        ({"weekly": {"mon": ["09:00-24:30"]}}, "weekly.mon[0]", "not on the clock"),
        ({"weekly": {"fri": ["22:00-02:00"]}}, "weekly.fri[0]", "may not cross midnight"),
        ({"weekly": {"mon": ["09:00-09:00"]}}, "weekly.mon[0]", "ends before it starts"),
        ({"weekly": {"mon": ["09:00-12:00", "11:00-13:00"]}}, "weekly.mon[1]", "overlaps"),
        ({"weekly": {"mon": ["13:00-14:00", "09:00-12:00"]}}, "weekly.mon[1]", "in order"),
        ({"weekly": {"lundi": ["09:00-12:00"]}}, "weekly.lundi", "unknown weekday"),
        ({"weekly": {"mon": [], "monday": []}}, "weekly.monday", "given twice"),
        ({"weekly": {"mon": 9}}, "weekly.mon", "not a list"),
        ({"weekly": ["mon"]}, "weekly", "mapping"),
        ({"timezone": "Europe/Pariss"}, "timezone", "not an IANA time zone"),
        ({"timezone": "Europe"}, "timezone", "not an IANA time zone"),
        ({"timezone": None}, "timezone", "required"),
        ({"country": "XX"}, "country", "not a country code"),
        ({"subdivision": "Bretagne"}, "subdivision", "not a subdivision of FR"),
        ({"country": None, "subdivision": "57"}, "subdivision", "needs its country"),
        ({"closures": ["2026-13-01"]}, "closures[0]", "not a date"),
        ({"closures": "2026-12-24"}, "closures", "a list"),
        ({"special": {"2026-12-24": ["09:00-12:00"]}}, "special.2026-12-24", "both closed"),
        ({"special": {"31/12": []}}, "special.31/12", "not a date"),
        ({"holidays_close": "yes"}, "holidays_close", "true or false"),
        ({"weeky": {}}, "weeky", "unknown field"),
    ],
)
def test_bad_data_is_refused_naming_the_field(changes: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(InvalidSchedule, match=words) as caught:
        parse_schedule({**CENTER, **changes})
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, CoreError)


def test_yaml_dates_and_single_intervals_are_read() -> None:
    special = {date(2026, 12, 31): "09:00-12:00", date(2026, 5, 1): ["10:00-12:00"]}
    data = {**CENTER, "closures": [date(2026, 12, 24)], "special": special}
    assert parse_schedule(data) == schedule(CENTER)
    assert parse_schedule({**OFFICE, "weekly": {"Monday": "00:00-24:00"}}).weekly[0] == (Opening(0, 1440),)


def test_the_printed_form_is_plain_data() -> None:
    assert schedule_data(schedule(CENTER, subdivision="Alsace-Moselle")) == {
        "timezone": "Europe/Paris",
        "country": "FR",
        "subdivision": "57",
        "holidays_close": True,
        "weekly": {**{d: ["09:00-12:30", "13:30-18:00"] for d in WEEK}, "sat": ["09:00-12:00"]},
        "closures": ["2026-12-24"],
        "special": {"2026-05-01": ["10:00-12:00"], "2026-12-31": ["09:00-12:00"]},
    }


def test_a_schedule_built_in_code_is_checked_too() -> None:
    with pytest.raises(InvalidSchedule, match=r"weekly\.tue"):
        Schedule(PARIS, ((), (Opening(600, 540),), (), (), (), (), ()))
    with pytest.raises(InvalidSchedule, match="codes"):
        Schedule(PARIS, country="FR", subdivision="Alsace-Moselle")
    with pytest.raises(InvalidSchedule, match="weekly: seven days"):
        Schedule(PARIS, ((),))


# -- properties ------------------------------------------------------------------------------

ZONES = [
    "Europe/Paris",
    "America/Martinique",
    "Indian/Reunion",
    "UTC",
    "America/Santiago",
    "Australia/Lord_Howe",
]
#: Instants near DST changes of those zones, where the arithmetic is easiest to get wrong.
TRANSITIONS = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 4, 5, 3, tzinfo=UTC),
    datetime(2026, 9, 6, 4, tzinfo=UTC),
    datetime(2026, 4, 4, 15, tzinfo=UTC),
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
    datetime(2027, 1, 1, tzinfo=UTC),
]


@st.composite
def day_openings(draw: st.DrawFn) -> tuple[Opening, ...]:
    """Up to three openings on quarter hours, some touching, some the whole day."""
    marks = sorted(draw(st.lists(st.integers(0, 96), max_size=6)))
    pairs = [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]
    return tuple(Opening(a * 15, b * 15) for a, b in pairs if a < b)


DATES = st.dates(date(2025, 12, 1), date(2027, 2, 1))


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    weekly = tuple(draw(day_openings()) for _ in range(7))
    if not any(weekly):
        weekly = ((Opening(540, 1080),), *weekly[1:])
    country, subdivision = draw(st.sampled_from([(None, None), ("FR", None), ("FR", "57"), ("FR", "972")]))
    closures = draw(st.frozensets(DATES, max_size=4))
    special = draw(st.dictionaries(DATES.filter(lambda d: d not in closures), day_openings(), max_size=4))
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    return Schedule(zone, weekly, country, subdivision, draw(st.booleans()), closures, special)


#: In UTC, so that the tests' own arithmetic is on elapsed time (a Paris-aware datetime adds wall time).
INSTANTS = st.one_of(
    st.datetimes(datetime(2025, 12, 1), datetime(2027, 2, 1), timezones=st.just(UTC)),
    st.builds(
        lambda t, s: t + timedelta(seconds=s), st.sampled_from(TRANSITIONS), st.integers(-2 * 86400, 2 * 86400)
    ),
    st.builds(lambda d, q: datetime(d.year, d.month, d.day, tzinfo=UTC) + q * timedelta(minutes=15), DATES, st.integers(0, 95)),
)  # fmt: skip
#: Whole quarter hours too, so that time runs out exactly at openings and closings.
DURATIONS = st.one_of(st.floats(0, 20 * 86400), st.integers(0, 4 * 96).map(lambda q: q * 900.0))
MICROSECOND = timedelta(microseconds=1)
PROPERTIES = settings(max_examples=200, deadline=None)


@PROPERTIES
@given(schedules(), INSTANTS, DURATIONS, DURATIONS)
def test_adding_business_time_twice_is_adding_the_sum(
    s: Schedule, start: datetime, a: float, b: float
) -> None:
    once = s.add_business_time(start, a + b)
    assert abs(s.add_business_time(s.add_business_time(start, a), b) - once) <= MICROSECOND


@PROPERTIES
@given(schedules(), INSTANTS, DURATIONS)
def test_business_time_added_is_business_time_elapsed(s: Schedule, start: datetime, x: float) -> None:
    due = s.add_business_time(start, x)
    assert s.is_open(due)
    assert s.business_seconds_between(start, due) == pytest.approx(x, abs=1e-6)


@PROPERTIES
@given(schedules(), INSTANTS, st.integers(0, 10 * 86400), st.lists(st.floats(0, 1), max_size=8))
def test_open_exactly_inside_the_open_intervals(
    s: Schedule, start: datetime, length: int, points: list[float]
) -> None:
    end = start + timedelta(seconds=length)
    intervals = s.open_intervals(start, end)
    for (a, b), (c, _) in pairwise(intervals):
        assert a < b < c  # in order, apart: touching ones are merged
    for a, b in intervals:
        assert start <= a < b <= end and s.is_open(a)
        assert b == end or not s.is_open(b)
    for fraction in points:
        p = start + fraction * (end - start)
        assert s.is_open(p) == any(a <= p < b for a, b in intervals) or p == end
    total = sum(((b - a) for a, b in intervals), timedelta())
    assert s.business_seconds_between(start, end) == total.total_seconds()


@PROPERTIES
@given(schedules(), INSTANTS, st.floats(0, 1))
def test_next_open_is_open_and_nothing_before_it_is(s: Schedule, at: datetime, fraction: float) -> None:
    opens = s.next_open(at)
    assert opens is not None and opens >= at and s.is_open(opens)
    assert s.open_intervals(at, opens) == []
    between = at + fraction * (opens - at)
    assert between == opens or not s.is_open(between)
    closes = s.next_close(opens)
    assert closes is None or (closes > opens and not s.is_open(closes))
    if closes is not None:
        assert s.business_seconds_between(opens, closes) == (closes - opens).total_seconds()


@PROPERTIES
@given(schedules())
def test_the_printed_form_parses_back(s: Schedule) -> None:
    assert parse_schedule(schedule_data(s)) == s
