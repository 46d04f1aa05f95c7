"""Opening hours within one day, in wall-clock minutes, and their ``"09:00-12:30"`` spelling.

An opening never crosses midnight: a night shift is two openings, ``22:00-24:00`` on one day and
``00:00-06:00`` on the next. So each date owns its openings, and a holiday or an exceptional
closure on that date closes exactly them.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from callfloor.core.schedule import InvalidSchedule

MINUTES_PER_DAY = 24 * 60
#: Weekday keys, Monday first, as ``date.weekday()`` counts them.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INTERVAL = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")


@dataclass(frozen=True, slots=True)
class Opening:
    """Open from ``opens`` to ``closes``, minutes after local midnight; ``closes`` may be 1440 (24:00)."""

    opens: int
    closes: int

    def __str__(self) -> str:
        return f"{_clock(self.opens)}-{_clock(self.closes)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_opening(text: object, where: str) -> Opening:
    """``"09:00-12:30"`` as an :class:`Opening`, or :class:`InvalidSchedule` at ``where``."""
    match = _INTERVAL.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidSchedule(where, f"{text!r} is not an interval like '09:00-12:30'")
    oh, om, ch, cm = (int(g) for g in match.groups())
    if oh > 23 or om > 59 or ch > 24 or cm > 59 or (ch == 24 and cm > 0):
        raise InvalidSchedule(where, f"{text!r} has a time that is not on the clock (00:00 to 24:00)")
    opening = Opening(oh * 60 + om, ch * 60 + cm)
    check_opening(opening, where)
    return opening


def check_opening(opening: Opening, where: str) -> None:
    """An opening starts before it ends, within the day; one that would cross midnight is refused."""
    if not 0 <= opening.opens < MINUTES_PER_DAY or not 0 < opening.closes <= MINUTES_PER_DAY:
        raise InvalidSchedule(where, f"{opening} is not within 00:00-24:00")
    if opening.closes <= opening.opens:
        raise InvalidSchedule(
            where,
            f"{opening} ends before it starts; an interval may not cross midnight: "
            "split it into an evening until 24:00 and a morning from 00:00 the next day",
        )


def check_day(openings: Sequence[Opening], where: str) -> None:
    """A day's openings are each sound, in order, and do not overlap (they may touch)."""
    for index, opening in enumerate(openings):
        check_opening(opening, f"{where}[{index}]")
    for index in range(1, len(openings)):
        before, after = openings[index - 1], openings[index]
        if after.opens < before.closes:
            raise InvalidSchedule(
                f"{where}[{index}]", f"{after} overlaps or comes before {before}; list them in order"
            )
