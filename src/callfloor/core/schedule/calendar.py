"""A tenant's business hours, and the questions asked of them: open now? until when? how much open time?

Every method takes aware datetimes (any zone; naive ones raise :class:`NaiveDatetime`) and
returns aware datetimes **in UTC**, as the rest of the core keeps its instants;
:meth:`Schedule.local` shows one in the tenant's zone.

Openings are wall-clock hours: 09:00-18:00 is 09:00 to 18:00 on the local clock whatever the
DST offset of the day, and a span of open time is counted in elapsed seconds. An instant at an
opening's start is open, at its end closed (spans are half-open).
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from callfloor.core.schedule import InvalidSchedule, NaiveDatetime, NeverOpens, ScheduleError
from callfloor.core.schedule.hours import WEEKDAYS, Opening, check_day
from callfloor.core.schedule.public_holidays import holidays_of_year, resolve

ONE_DAY = timedelta(days=1)
#: Past the last configured date, this long without an opening means none will ever come:
#: the weekly pattern repeats, and holidays close a few days a year, never a whole year.
QUIET_DAYS = timedelta(days=400)
Span = tuple[datetime, datetime]


class ClosureReason(StrEnum):
    """Why the center is closed at an instant; the IVR picks its message by it."""

    OUTSIDE_HOURS = "outside_hours"
    PUBLIC_HOLIDAY = "public_holiday"
    EXCEPTIONAL_CLOSURE = "exceptional_closure"


@dataclass(frozen=True, slots=True)
class Closure:
    """The center is closed for ``reason``; on a public holiday, ``holiday`` is its name."""

    reason: ClosureReason
    holiday: str | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """Weekly openings (Monday first) in ``zone``, with public holidays, closures and special hours.

    A date's openings are, in this order of precedence: none if it is in ``closures``; its
    ``special`` hours if it has some (a tenant may open on a holiday that way); none if it is a
    public holiday of ``country`` (and ``subdivision``) and ``holidays_close``; else its weekday's.
    ``country`` and ``subdivision`` are the ``holidays`` package's codes (the parser resolves names).
    """

    zone: ZoneInfo
    weekly: tuple[tuple[Opening, ...], ...] = ((),) * 7
    country: str | None = None
    subdivision: str | None = None
    holidays_close: bool = True
    closures: frozenset[date] = frozenset()
    special: Mapping[date, tuple[Opening, ...]] = field(default_factory=lambda: MappingProxyType({}))
    _holidays: dict[int, Mapping[date, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )  # per year, filled on first use: the only state, and a pure function of the fields

    def __post_init__(self) -> None:
        if len(self.weekly) != len(WEEKDAYS):
            raise InvalidSchedule("weekly", f"seven days, Monday first, not {len(self.weekly)}")
        for name, openings in zip(WEEKDAYS, self.weekly, strict=True):
            check_day(openings, f"weekly.{name}")
        for day, openings in self.special.items():
            check_day(openings, f"special.{day}")
        both = sorted(self.closures & self.special.keys())
        if both:
            raise InvalidSchedule(f"special.{both[0]}", "a date cannot be both closed and specially open")
        self._check_country()

    def _check_country(self) -> None:
        if self.country is None:
            if self.subdivision is not None:
                raise InvalidSchedule("subdivision", "a subdivision needs its country")
        elif resolve(self.country, self.subdivision) != (self.country, self.subdivision):
            raise InvalidSchedule("country", "give the holidays package's codes (parse names with config)")

    # -- the days ---------------------------------------------------------------------------

    def holiday(self, day: date) -> str | None:
        """The name of the public holiday on local date ``day``, if it is one."""
        if self.country is None:
            return None
        table = self._holidays.get(day.year)
        if table is None:
            table = self._holidays[day.year] = holidays_of_year(self.country, self.subdivision, day.year)
        return table.get(day)

    def openings(self, day: date) -> tuple[Opening, ...]:
        """The openings of local date ``day``, after closures, special hours and holidays."""
        if day in self.closures:
            return ()
        if day in self.special:
            return self.special[day]
        if self.holidays_close and self.holiday(day) is not None:
            return ()
        return self.weekly[day.weekday()]

    def local(self, at: datetime) -> datetime:
        """``at`` on the tenant's clock."""
        return _utc(at, "at").astimezone(self.zone)

    # -- instants ---------------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """Whether the center is open at ``at``."""
        instant = _utc(at, "at")
        span = next(self._spans(instant), None)  # the first span that ends after it
        return span is not None and span[0] <= instant

    def closure(self, at: datetime) -> Closure | None:
        """Why the center is closed at ``at`` (None when it is open): a closure, a holiday, or hours."""
        if self.is_open(at):
            return None
        day = self.local(at).date()
        if day in self.closures:
            return Closure(ClosureReason.EXCEPTIONAL_CLOSURE)
        name = self.holiday(day) if self.holidays_close and day not in self.special else None
        if name is not None:
            return Closure(ClosureReason.PUBLIC_HOLIDAY, name)
        return Closure(ClosureReason.OUTSIDE_HOURS)

    def next_open(self, at: datetime) -> datetime | None:
        """The first open instant from ``at`` on (``at`` itself if open); None if it never opens again."""
        instant = _utc(at, "at")
        span = next(self._spans(instant), None)
        return None if span is None else max(span[0], instant)

    def next_close(self, at: datetime) -> datetime | None:
        """The first closed instant from ``at`` on (``at`` itself if closed); None if it never closes."""
        instant = _utc(at, "at")
        horizon = self._quiet_from(instant.astimezone(self.zone).date())
        until = _instant(self.zone, datetime.combine(horizon, time()))
        for start, end in self._merged(instant, until):
            if start > instant:
                return instant
            return None if end >= until else end
        return instant

    def open_intervals(self, start: datetime, end: datetime) -> list[Span]:
        """The open spans overlapping ``[start, end)``, clipped to it, in order, touching ones merged."""
        low, high = _utc(start, "start"), _utc(end, "end")
        if high <= low:
            return []
        return [(max(s, low), min(e, high)) for s, e in self._merged(low, high) if s < high]

    # -- business time ----------------------------------------------------------------------

    def add_business_time(self, start: datetime, seconds: float) -> datetime:
        """The first open instant by which ``seconds`` of open time have passed since ``start``.

        That is an SLA's due time. It is always open: time running out exactly at a closing lands
        on the next opening, so zero seconds from a closed moment is the next opening, and
        ``add(add(s, a), b) == add(s, a + b)``.
        """
        instant = _utc(start, "start")
        if not 0 <= seconds < math.inf:
            raise ScheduleError(f"seconds must be 0 or more, and finite, not {seconds}")
        left = timedelta(seconds=seconds)
        for opens, closes in self._spans(instant):
            counted_from = max(opens, instant)
            if left < closes - counted_from:
                return counted_from + left
            left -= closes - counted_from
        raise NeverOpens(f"no opening after {instant.isoformat()} to count {seconds} seconds in")

    def business_seconds_between(self, a: datetime, b: datetime) -> float:
        """Open time elapsed from ``a`` to ``b``, in seconds (negative if ``b`` comes first)."""
        start, end = _utc(a, "a"), _utc(b, "b")
        if end < start:
            return -self.business_seconds_between(b, a)
        total = timedelta()
        for opens, closes in self._spans(start):
            if opens >= end:
                break
            total += min(closes, end) - max(opens, start)
        return total.total_seconds()

    # -- the timeline -----------------------------------------------------------------------

    def _spans(self, after: datetime) -> Iterator[Span]:
        """Each opening ending after ``after`` as UTC instants, in order, until none will come."""
        day = after.astimezone(self.zone).date() - ONE_DAY  # a span may belong to the day before
        quiet = self._quiet_from(day)
        while day <= quiet:
            spans = self._day_spans(day)
            if spans:
                quiet = max(quiet, day + QUIET_DAYS)
            yield from (span for span in spans if span[1] > after)
            day += ONE_DAY

    def _quiet_from(self, day: date) -> date:
        """The date by which, with no opening since ``day``, none will come."""
        return max((day, *self.closures, *self.special)) + QUIET_DAYS

    def _merged(self, after: datetime, until: datetime) -> Iterator[Span]:
        """:meth:`_spans` with touching spans joined, up to the first that reaches ``until``."""
        current: Span | None = None
        for start, end in self._spans(after):
            if current is not None and start == current[1]:
                current = (current[0], end)
            else:
                if current is not None:
                    yield current
                if start >= until:
                    return
                current = (start, end)
            if end >= until:
                break
        if current is not None:
            yield current

    def _day_spans(self, day: date) -> list[Span]:
        midnight = datetime.combine(day, time())
        spans = [
            (_instant(self.zone, midnight + timedelta(minutes=o.opens)),
             _instant(self.zone, midnight + timedelta(minutes=o.closes)))
            for o in self.openings(day)
        ]  # fmt: skip
        return [(start, end) for start, end in spans if start < end]  # an opening the clocks skip


def _utc(at: datetime, argument: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise NaiveDatetime(argument)
    return at.astimezone(UTC)


def _instant(zone: ZoneInfo, wall: datetime) -> datetime:
    """The first instant whose clock in ``zone`` reads ``wall`` or later, in UTC.

    A repeated wall time (autumn) is its first occurrence; one the clocks skip (spring) is the jump.
    """
    first = wall.replace(tzinfo=zone).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    return _jump(zone, wall.replace(tzinfo=zone, fold=1).astimezone(UTC), first)


def _jump(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The instant between ``before`` and ``after`` where the offset changes (tzdb: whole seconds)."""
    offset = after.astimezone(zone).utcoffset()
    low, high = 0, int((after - before).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if (before + timedelta(seconds=middle)).astimezone(zone).utcoffset() == offset:
            high = middle
        else:
            low = middle
    return before + timedelta(seconds=high)
