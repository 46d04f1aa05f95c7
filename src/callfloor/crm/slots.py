"""Free appointment slots (créneaux) in a sales rep's calendar, and the double-booking check.

The rep's working intervals come computed (from business hours, holidays and absences, by the
schedule module); the busy intervals are their appointments and any other busy time. A slot is
offered when it lies inside the working intervals (two that touch are one), inside the window
asked for, starts no sooner than ``now`` plus the minimum notice, and keeps ``buffer`` away from
every busy interval.

Slot starts are aligned on the rep's wall clock (``granularity`` after local midnight: :00 and
:30 for 30 minutes) in the zone given, so that a customer in Paris is offered 9:00, not 9:00 one
day and 8:00 the next because summer time began. A wall time that does not exist (02:30 on the
spring-forward night) starts nothing; one that happens twice (the autumn night) may start two.

Within one free stretch, slots follow each other back to back, none overlapping the next: a
booking page shows them to one customer, who takes one. The buffer keeps slots away from what is
already booked; a slot once taken is busy, the next search keeps clear of it, and
:func:`conflicts` refuses a booking that a slot offered earlier no longer allows.

Every time is compared and returned in UTC: Python compares two datetimes of one zone by their
wall clocks (PEP 495), which is an hour wrong around a clock change. Intervals are half-open,
[start, end): one appointment may end at 10:00 and the next begin at 10:00.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from callfloor.crm import CrmError

Span = tuple[datetime, datetime]
ZERO = timedelta(0)


class SlotError(CrmError):
    """Times that cannot be reasoned about: naive, ended before they began, negative lengths."""


class Interval(NamedTuple):
    """A span of time [start, end), in UTC once it has gone through this module."""

    start: datetime
    end: datetime


def _utc(moment: datetime, name: str) -> datetime:
    """``moment`` in UTC; a naive datetime is refused, for it names no instant."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise SlotError(f"{name}: {moment.isoformat()} is naive, a time zone is required")
    return moment.astimezone(UTC)


def interval(span: Span, name: str = "interval") -> Interval:
    """``span`` checked (aware, ending after it starts) and in UTC."""
    start, end = _utc(span[0], f"{name} start"), _utc(span[1], f"{name} end")
    if end <= start:
        raise SlotError(f"{name}: ends at {end.isoformat()}, not after its start {start.isoformat()}")
    return Interval(start, end)


def overlaps(a: Span, b: Span) -> bool:
    """Whether two spans share a moment; touching ends do not (10:00-11:00 and 11:00-12:00)."""
    first, second = interval(a), interval(b)
    return first.start < second.end and second.start < first.end


def conflicts(candidate: Span, busy: Iterable[Span], buffer: timedelta = ZERO) -> list[Interval]:
    """The busy intervals a booking of ``candidate`` would clash with, ``buffer`` counted.

    Empty means the candidate may be booked: the check made when an appointment is saved, since
    a slot offered a minute ago may have been taken since.
    """
    _not_negative("buffer", buffer)
    return [
        span for span in map(interval, busy) if overlaps(candidate, (span.start - buffer, span.end + buffer))
    ]


def free_slots(
    working: Iterable[Span],
    busy: Iterable[Span],
    *,
    length: timedelta,
    zone: tzinfo,
    window: Span,
    now: datetime,
    granularity: timedelta = timedelta(minutes=30),
    buffer: timedelta = ZERO,
    notice: timedelta = ZERO,
) -> list[Interval]:
    """The free slots of ``length`` in the rep's calendar, in order (see the module's doc)."""
    _positive("length", length)
    _positive("granularity", granularity)
    _not_negative("buffer", buffer)
    _not_negative("notice", notice)
    asked = interval(window, "window")
    earliest = max(asked.start, _utc(now, "now") + notice)
    open_spans = _clipped(_merged(interval(span, "working") for span in working), earliest, asked.end)
    taken = _merged(Interval(b.start - buffer, b.end + buffer) for b in map(interval, busy))
    slots: list[Interval] = []
    for free in _subtracted(open_spans, taken):
        slots += _slots_in(free, length, zone, granularity)
    return slots


def _positive(name: str, duration: timedelta) -> None:
    if duration <= ZERO:
        raise SlotError(f"{name}: {duration} must be more than 0")


def _not_negative(name: str, duration: timedelta) -> None:
    if duration < ZERO:
        raise SlotError(f"{name}: {duration} is negative")


def _merged(spans: Iterable[Interval]) -> list[Interval]:
    """The spans sorted, those that overlap or touch made one."""
    merged: list[Interval] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Interval(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def _clipped(spans: list[Interval], start: datetime, end: datetime) -> list[Interval]:
    """What of ``spans`` lies between ``start`` and ``end``."""
    clipped = (Interval(max(span.start, start), min(span.end, end)) for span in spans)
    return [span for span in clipped if span.start < span.end]


def _subtracted(spans: list[Interval], holes: list[Interval]) -> list[Interval]:
    """What of ``spans`` (sorted, apart) no hole (sorted, apart) covers."""
    left: list[Interval] = []
    for span in spans:
        start = span.start
        for hole in holes:
            if hole.start < span.end and start < hole.end:
                if start < hole.start:
                    left.append(Interval(start, hole.start))
                start = max(start, hole.end)
        if start < span.end:
            left.append(Interval(start, span.end))
    return left


def _slots_in(free: Interval, length: timedelta, zone: tzinfo, granularity: timedelta) -> Iterator[Interval]:
    """Slots back to back in one free stretch, each at the first aligned start it can take."""
    earliest = free.start
    for start in _aligned_starts(free, zone, granularity):
        if start >= earliest and start + length <= free.end:
            yield Interval(start, start + length)
            earliest = start + length


def _aligned_starts(span: Interval, zone: tzinfo, granularity: timedelta) -> list[datetime]:
    """The instants in ``span`` whose wall time in ``zone`` is a multiple of ``granularity``."""
    day, last = span.start.astimezone(zone).date(), span.end.astimezone(zone).date()
    instants: set[datetime] = set()
    while day <= last:
        instants.update(_aligned_on(day, zone, granularity))
        day += timedelta(days=1)
    return sorted(moment for moment in instants if span.start <= moment < span.end)


def _aligned_on(day: date, zone: tzinfo, granularity: timedelta) -> Iterator[datetime]:
    """The aligned wall times of ``day`` as UTC instants: none for a skipped time, two for a repeated one."""
    wall = datetime.combine(day, time())
    while wall.date() == day:
        for fold in (0, 1):  # PEP 495: fold 1 is the second of a repeated wall time
            moment = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
            if moment.astimezone(zone).replace(tzinfo=None) == wall:
                yield moment
        wall += granularity
