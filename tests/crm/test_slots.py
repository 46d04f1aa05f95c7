"""Free slots around lunch, appointments, buffers, notice and clock changes; no double booking; a
rep's calendar offers slots only in its working hours, off the tenant's closures and holidays."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from holidays import country_holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.core.schedule.config import parse_schedule
from callfloor.crm import CrmError
from callfloor.crm.calendars import SlotQuery, free_in, working_schedule
from callfloor.crm.slots import Interval, SlotError, Span, conflicts, free_slots, interval, overlaps
from callfloor.storage.appointments import Calendar

PARIS = ZoneInfo("Europe/Paris")
MIN = timedelta(minutes=1)


def at(day: date, hour: int, minute: int = 0, fold: int = 0, zone: ZoneInfo = PARIS) -> datetime:
    return datetime.combine(day, time(hour, minute, fold=fold), zone)


def walls(slots: list[Interval], zone: ZoneInfo = PARIS) -> list[str]:
    """Each slot's start as the rep reads it, with its offset: '09:30+02'."""
    return [slot.start.astimezone(zone).strftime("%H:%M%z")[:-2] for slot in slots]


TUESDAY = date(2025, 6, 10)
DAY = (at(TUESDAY, 0), at(TUESDAY + timedelta(days=1), 0))
WORKING = [(at(TUESDAY, 9), at(TUESDAY, 12)), (at(TUESDAY, 14), at(TUESDAY, 18))]  # lunch 12:00-14:00
BUSY = [(at(TUESDAY, 10), at(TUESDAY, 11)), (at(TUESDAY, 15, 15), at(TUESDAY, 15, 45))]


def tuesday(**changes: object) -> list[Interval]:
    asked: dict[str, object] = {"length": 30 * MIN, "zone": PARIS, "window": DAY, "now": at(TUESDAY, 8)}
    return free_slots(WORKING, BUSY, **{**asked, **changes})  # type: ignore[arg-type]


def test_slots_fill_the_day_around_lunch_and_appointments() -> None:
    assert walls(tuesday()) == [
        "09:00+02", "09:30+02", "11:00+02", "11:30+02",
        "14:00+02", "14:30+02", "16:00+02", "16:30+02", "17:00+02", "17:30+02",
    ]  # fmt: skip
    assert all(slot.end - slot.start == 30 * MIN and slot.start.tzinfo is UTC for slot in tuesday())


def test_a_buffer_keeps_slots_away_from_appointments() -> None:
    assert walls(tuesday(buffer=15 * MIN)) == [
        "09:00+02", "11:30+02", "14:00+02", "14:30+02", "16:00+02", "16:30+02", "17:00+02", "17:30+02",
    ]  # fmt: skip


def test_long_slots_are_back_to_back_on_aligned_starts() -> None:
    assert walls(tuesday(length=60 * MIN)) == ["09:00+02", "11:00+02", "14:00+02", "16:00+02", "17:00+02"]
    assert walls(tuesday(length=60 * MIN, granularity=60 * MIN)) == [
        "09:00+02", "11:00+02", "14:00+02", "16:00+02", "17:00+02",
    ]  # fmt: skip
    assert walls(tuesday(length=45 * MIN, granularity=15 * MIN))[:4] == [
        "09:00+02",
        "11:00+02",
        "14:00+02",
        "15:45+02",
    ]


def test_no_slot_starts_before_now_plus_the_notice() -> None:
    assert walls(tuesday(now=at(TUESDAY, 10, 20), notice=timedelta(hours=2))) == [
        "14:00+02", "14:30+02", "16:00+02", "16:30+02", "17:00+02", "17:30+02",
    ]  # fmt: skip
    assert walls(tuesday(now=at(TUESDAY, 9, 1)))[0] == "09:30+02"


def test_the_window_bounds_the_slots() -> None:
    assert walls(tuesday(window=(at(TUESDAY, 11, 15), at(TUESDAY, 15)))) == [
        "11:30+02",
        "14:00+02",
        "14:30+02",
    ]


def test_slots_keep_their_wall_clock_hour_when_summer_time_begins() -> None:
    saturday, sunday = date(2025, 3, 29), date(2025, 3, 30)
    working = [(at(day, 9), at(day, 10)) for day in (saturday, sunday)]
    slots = free_slots(
        working,
        [],
        length=30 * MIN,
        zone=PARIS,
        window=(at(saturday, 0), at(sunday, 23)),
        now=at(saturday, 0),
    )
    assert walls(slots) == ["09:00+01", "09:30+01", "09:00+02", "09:30+02"]
    assert [slot.start.hour for slot in slots] == [8, 8, 7, 7]  # in UTC


def test_the_skipped_hour_of_the_spring_night_starts_nothing() -> None:
    night = date(2025, 3, 30)  # 02:00 CET becomes 03:00 CEST
    window = (at(night, 0), at(night, 23))
    slots = free_slots(
        [(at(night, 1), at(night, 4))], [], length=30 * MIN, zone=PARIS, window=window, now=window[0]
    )
    assert walls(slots) == ["01:00+01", "01:30+01", "03:00+02", "03:30+02"]


def test_the_repeated_hour_of_the_autumn_night_starts_twice() -> None:
    night = date(2025, 10, 26)  # 03:00 CEST becomes 02:00 CET
    window, working = (at(night, 0), at(night, 23)), [(at(night, 1), at(night, 4))]
    half_hours = free_slots(working, [], length=30 * MIN, zone=PARIS, window=window, now=at(night, 0))
    assert walls(half_hours) == [
        "01:00+02", "01:30+02", "02:00+02", "02:30+02", "02:00+01", "02:30+01", "03:00+01", "03:30+01",
    ]  # fmt: skip
    busy = [(at(night, 2, 15, fold=1), at(night, 2, 45, fold=1))]  # the second 02:15
    hours = free_slots(
        working, busy, length=60 * MIN, zone=PARIS, window=window, now=at(night, 0), granularity=60 * MIN
    )
    assert walls(hours) == ["01:00+02", "02:00+02", "03:00+01"]


def test_a_half_hour_clock_change_skips_the_hour_it_removes() -> None:
    lord_howe = ZoneInfo("Australia/Lord_Howe")  # 02:00 +10:30 becomes 02:30 +11
    night = date(2025, 10, 5)
    window = (at(night, 0, zone=lord_howe), at(night, 23, zone=lord_howe))
    working = [(at(night, 1, zone=lord_howe), at(night, 5, zone=lord_howe))]
    slots = free_slots(
        working, [], length=30 * MIN, zone=lord_howe, window=window, now=window[0], granularity=60 * MIN
    )
    assert [slot.start.astimezone(lord_howe).strftime("%H:%M%z") for slot in slots] == [
        "01:00+1030", "03:00+1100", "04:00+1100",
    ]  # fmt: skip


def test_starts_are_aligned_on_the_reps_wall_clock_in_an_unusual_zone() -> None:
    kathmandu = ZoneInfo("Asia/Kathmandu")  # UTC+05:45
    day = date(2025, 6, 10)
    slots = free_slots(
        [(at(day, 9, 10, zone=kathmandu), at(day, 11, zone=kathmandu))], [],
        length=30 * MIN, zone=kathmandu, window=(at(day, 0, zone=kathmandu), at(day, 23, zone=kathmandu)),
        now=at(day, 0, zone=kathmandu),
    )  # fmt: skip
    assert walls(slots, kathmandu) == ["09:30+05", "10:00+05", "10:30+05"]
    assert slots[0].start == datetime(2025, 6, 10, 3, 45, tzinfo=UTC)


def test_overlaps_is_half_open_and_compares_instants_not_wall_clocks() -> None:
    assert overlaps(BUSY[0], (at(TUESDAY, 10, 59), at(TUESDAY, 12)))
    assert not overlaps(BUSY[0], (at(TUESDAY, 11), at(TUESDAY, 12)))
    assert overlaps(BUSY[0], (datetime(2025, 6, 10, 8, 30, tzinfo=UTC), datetime(2025, 6, 10, 9, tzinfo=UTC)))
    night = date(2025, 10, 26)
    first = (at(night, 2, 0), at(night, 2, 30))  # 00:00-00:30 UTC
    second = (at(night, 2, 10, fold=1), at(night, 2, 20, fold=1))  # 01:10-01:20 UTC
    assert not overlaps(first, second)


def test_conflicts_name_the_appointments_a_booking_would_clash_with() -> None:
    assert conflicts((at(TUESDAY, 10, 30), at(TUESDAY, 11, 30)), BUSY) == [interval(BUSY[0])]
    assert conflicts((at(TUESDAY, 11), at(TUESDAY, 11, 30)), BUSY) == []
    assert conflicts((at(TUESDAY, 11), at(TUESDAY, 11, 30)), BUSY, buffer=5 * MIN) == [interval(BUSY[0])]
    assert conflicts((at(TUESDAY, 9), at(TUESDAY, 18)), BUSY) == [interval(span) for span in BUSY]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"now": datetime(2025, 6, 10, 8)}, "now: 2025-06-10T08:00:00 is naive"),
        ({"window": (datetime(2025, 6, 10), at(TUESDAY, 23))}, "window start: .* is naive"),
        ({"window": (at(TUESDAY, 23), at(TUESDAY, 1))}, "window: ends at .*, not after its start"),
        ({"length": timedelta(0)}, "length: 0:00:00 must be more than 0"),
        ({"granularity": -MIN}, "granularity: .* must be more than 0"),
        ({"buffer": -MIN}, "buffer: .* is negative"),
        ({"notice": -MIN}, "notice: .* is negative"),
    ],
)
def test_bad_requests_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(SlotError, match=message):
        tuesday(**changes)


def test_naive_or_empty_intervals_are_refused_everywhere() -> None:
    with pytest.raises(SlotError, match=r"working start: .* is naive"):
        free_slots(
            [(datetime(2025, 6, 10, 9), at(TUESDAY, 12))], [], length=MIN, zone=PARIS, window=DAY, now=DAY[0]
        )
    with pytest.raises(SlotError, match="interval: ends at"):
        free_slots(
            WORKING, [(at(TUESDAY, 10), at(TUESDAY, 10))], length=MIN, zone=PARIS, window=DAY, now=DAY[0]
        )
    with pytest.raises(SlotError, match="naive"):
        overlaps((datetime(2025, 6, 10, 9), datetime(2025, 6, 10, 10)), BUSY[0])
    assert issubclass(SlotError, CrmError)


# Properties: over zones with ordinary, one-hour and half-hour clock changes, on their change days.
ZONED_DAYS = [
    (ZoneInfo("Europe/Paris"), date(2025, 3, 30)),
    (ZoneInfo("Europe/Paris"), date(2025, 10, 26)),
    (ZoneInfo("Europe/Paris"), date(2025, 6, 10)),
    (ZoneInfo("America/New_York"), date(2025, 11, 2)),
    (ZoneInfo("Asia/Kathmandu"), date(2025, 6, 10)),
    (ZoneInfo("Australia/Lord_Howe"), date(2025, 4, 6)),
    (ZoneInfo("Australia/Lord_Howe"), date(2025, 10, 5)),
]
STEP = 5 * MIN  # every wall time the strategies make is on this grid, and so is every aligned start
HOURS = 54


def spans(min_size: int, max_size: int, longest: int) -> st.SearchStrategy[list[tuple[int, int]]]:
    pair = st.tuples(st.integers(0, HOURS * 12), st.integers(1, longest // 5))
    return st.lists(pair, min_size=min_size, max_size=max_size)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, object]:
    zone, day = draw(st.sampled_from(ZONED_DAYS))
    origin = datetime.combine(day, time(), zone).astimezone(UTC) - timedelta(hours=6)

    def span(offset: int, steps: int) -> Span:
        return (origin + offset * STEP, origin + (offset + steps) * STEP)

    window = (draw(st.integers(0, 20 * 12)), draw(st.integers(1, HOURS * 12)))  # early enough to hold slots
    return {
        "working": [span(*pair) for pair in draw(spans(1, 8, 600))],
        "busy": [span(*pair) for pair in draw(spans(0, 6, 180))],
        "length": draw(st.sampled_from([15, 30, 45, 60, 90])) * MIN,
        "zone": zone,
        "window": span(*window),
        "now": origin + draw(st.integers(0, 20 * 12)) * STEP,
        "granularity": draw(st.sampled_from([15, 30, 60])) * MIN,
        "buffer": draw(st.sampled_from([0, 5, 10, 15])) * MIN,
        "notice": draw(st.sampled_from([0, 60, 120])) * MIN,
    }


def covered(candidate: Interval, working: list[Span]) -> bool:
    """Whether the working intervals together cover the candidate, touching ones joined."""
    reached, moved = candidate.start, True
    while moved and reached < candidate.end:
        moved = False
        for start, end in working:
            if start <= reached < end:
                reached, moved = end, True
    return reached >= candidate.end


def aligned(moment: datetime, zone: ZoneInfo, granularity: timedelta) -> bool:
    wall = moment.astimezone(zone)
    return (wall.replace(tzinfo=None) - datetime.combine(wall.date(), time())) % granularity == timedelta(0)


def bookable(candidate: Interval, request: dict[str, object]) -> bool:
    window, now = interval(request["window"]), request["now"]  # type: ignore[arg-type]
    return (
        window.start <= candidate.start
        and candidate.end <= window.end
        and candidate.start >= now + request["notice"]  # type: ignore[operator]
        and covered(candidate, request["working"])  # type: ignore[arg-type]
        and not conflicts(candidate, request["busy"], request["buffer"])  # type: ignore[arg-type]
    )


@settings(max_examples=150)
@given(requests())
def test_free_slots_are_bookable_aligned_and_apart(request: dict[str, object]) -> None:
    slots = free_slots(**request)  # type: ignore[arg-type]
    zone, granularity = request["zone"], request["granularity"]
    for slot in slots:
        assert slot.end - slot.start == request["length"]
        assert aligned(slot.start, zone, granularity)  # type: ignore[arg-type]
        assert bookable(slot, request)
    assert all(before.end <= after.start for before, after in pairwise(slots))


@settings(max_examples=150)
@given(requests())
def test_no_bookable_aligned_start_is_missed(request: dict[str, object]) -> None:
    slots = free_slots(**request)  # type: ignore[arg-type]
    window, length = interval(request["window"]), request["length"]  # type: ignore[arg-type]
    start = window.start
    while start + length <= window.end:  # type: ignore[operator]
        candidate = Interval(start, start + length)  # type: ignore[operator]
        if aligned(start, request["zone"], request["granularity"]) and bookable(candidate, request):  # type: ignore[arg-type]
            assert conflicts(candidate, slots), f"{candidate} is free and no slot offered overlaps it"
        start += STEP


# Property: what a rep's calendar offers (crm.calendars.free_in over its working schedule) lies
# within the rep's hours, off the tenant's closures and public holidays, and clear of appointments.
MAY = date(2025, 4, 28)  # two weeks holding 1 and 8 May (French holidays; 1 May only in Belgium)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _wall(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def day_hours(draw: st.DrawFn) -> list[str]:
    """0 to 2 ranges on a half-hour grid, apart, ending by 23:30 (no stretch runs over midnight)."""
    points = sorted(draw(st.sets(st.integers(0, 47), max_size=4).filter(lambda p: len(p) % 2 == 0)))
    return [f"{_wall(a * 30)}-{_wall(b * 30)}" for a, b in zip(points[::2], points[1::2], strict=True)]


@st.composite
def rep_calendars(draw: st.DrawFn) -> dict[str, object]:
    days = st.integers(0, 13).map(lambda n: MAY + timedelta(days=n))
    zone = draw(st.sampled_from(["Europe/Paris", "America/Martinique"]))
    hours: dict[str, object] = {
        "timezone": zone,
        "weekly": {day: ranges for day in DAYS if (ranges := draw(day_hours()))},
        "holidays_close": draw(st.booleans()),
        "closures": [d.isoformat() for d in draw(st.sets(days, max_size=2))],
    }
    if country := draw(st.sampled_from([None, "BE"])):
        hours["country"] = country
    special = draw(st.sets(days, max_size=2)) - {date.fromisoformat(d) for d in hours["closures"]}  # type: ignore[attr-defined]
    hours["special"] = {d.isoformat(): ["10:00-12:00"] for d in special}
    tenant = {"timezone": "Europe/Paris", "country": "FR", "weekly": {"mon": ["09:00-18:00"]},
              "closures": [d.isoformat() for d in draw(st.sets(days, max_size=3))]}  # fmt: skip
    origin = datetime.combine(MAY, time(), ZoneInfo(zone))
    busy = [
        (origin + start * 15 * MIN, origin + (start + steps) * 15 * MIN)
        for start, steps in draw(st.lists(st.tuples(st.integers(0, 14 * 96), st.integers(1, 16)), max_size=8))
    ]
    return {
        "hours": hours, "tenant": tenant, "busy": busy,
        "slot_minutes": draw(st.sampled_from([15, 30, 60])), "buffer_minutes": draw(st.sampled_from([0, 15])),
        "length": draw(st.sampled_from([30, 60, 90])) * MIN,
    }  # fmt: skip


def expected_openings(
    hours: dict[str, object], tenant: dict[str, object], day: date
) -> list[tuple[int, int]]:
    """The rep's ranges on their local ``day``, in minutes, as the calendars module documents them."""
    special: dict[str, list[str]] = hours["special"]  # type: ignore[assignment]
    if day.isoformat() in hours["closures"]:  # type: ignore[operator]
        return []
    holiday = day in country_holidays(str(hours.get("country", "FR")), years=day.year)
    if day.isoformat() in special:
        ranges = special[day.isoformat()]
    elif day.isoformat() in tenant["closures"] or (hours["holidays_close"] and holiday):  # type: ignore[operator]
        return []
    else:
        ranges = hours["weekly"].get(DAYS[day.weekday()], [])  # type: ignore[attr-defined]
    spans = [r.split("-") for r in ranges]
    return [(int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])) for a, b in spans]


@settings(max_examples=100, deadline=None)
@given(rep_calendars())
def test_every_offered_slot_is_within_working_hours_and_clear_of_appointments(
    case: dict[str, object],
) -> None:
    hours: dict[str, object] = case["hours"]  # type: ignore[assignment]
    tenant: dict[str, object] = case["tenant"]  # type: ignore[assignment]
    calendar = Calendar(id=1, hours=hours, timezone=hours["timezone"], slot_minutes=case["slot_minutes"],
                        buffer_minutes=case["buffer_minutes"])  # fmt: skip
    zone = ZoneInfo(str(hours["timezone"]))
    start = datetime.combine(MAY, time(), zone)
    query = SlotQuery(start, start + timedelta(days=14), case["length"])  # type: ignore[arg-type]
    working = working_schedule(calendar, parse_schedule(tenant))
    busy = [interval(span) for span in case["busy"]]  # type: ignore[attr-defined]
    buffer = timedelta(minutes=calendar.buffer_minutes)
    for slot in free_in(calendar, working, busy, query, now=start):
        local_start, local_end = slot.start.astimezone(zone), slot.end.astimezone(zone)
        day = local_start.date()
        begins = local_start.hour * 60 + local_start.minute
        ends = begins + (local_end - local_start) // MIN
        assert local_end.date() == day, f"{slot} runs over midnight"
        openings = expected_openings(hours, tenant, day)
        assert any(opens <= begins and ends <= closes for opens, closes in openings), (
            f"{local_start:%a %d %b %H:%M}-{local_end:%H:%M} is outside {openings}"
        )
        assert not conflicts((slot.start, slot.end), busy, buffer), f"{slot} overlaps an appointment"
