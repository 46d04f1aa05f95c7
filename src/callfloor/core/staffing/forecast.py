"""The planner's inputs given as text: a service-level target (``80/20``) and an interval forecast.

A forecast is CSV with the columns ``interval,calls``: ``interval`` is a label (``08:00``, an
ISO datetime, anything the planner recognises) and ``calls`` the calls expected in that
interval. A header line naming the columns is optional and may put them in another order;
blank lines and lines starting with ``#`` are skipped. Reading the file is the caller's job:
this module takes lines of text, so that a forecast from a file, an upload or a test parses
alike. A bad row becomes a :class:`~callfloor.core.staffing.ForecastError` carrying its line
number, in place, and the other rows still parse: a planner fixes one typo, not a whole day.
"""

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from callfloor.core.staffing import ForecastError, InvalidParameterError

_TARGET = re.compile(r"\s*(\d+(?:\.\d+)?)\s*%?\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*")
_COLUMNS = ("interval", "calls")
_MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True, slots=True)
class ServiceTarget:
    """Answer ``share`` (0–1) of the offered calls within ``within_s`` seconds, written ``80/20``."""

    share: float
    within_s: float

    def __str__(self) -> str:
        return f"{self.share * 100:g}/{self.within_s:g}"


@dataclass(frozen=True, slots=True)
class ForecastRow:
    """Calls expected in one interval; ``line`` is the row's 1-based line in the text."""

    line: int
    interval: str
    calls: float

    def calls_per_hour(self, interval_minutes: float) -> float:
        """The arrival rate that brings ``calls`` in an interval of ``interval_minutes``."""
        if not 0 < interval_minutes < math.inf:
            raise InvalidParameterError(f"interval_minutes must be > 0, got {interval_minutes}")
        return self.calls * _MINUTES_PER_HOUR / interval_minutes


def parse_target(text: str) -> ServiceTarget:
    """``"80/20"`` (also ``"80%/20s"``) as 80 % of calls answered within 20 seconds."""
    match = _TARGET.fullmatch(text)
    if match is None:
        raise InvalidParameterError(f"the target looks like 80/20 (percent / seconds), got {text!r}")
    percent, seconds = float(match[1]), float(match[2])
    if not 0 < percent < 100:
        raise InvalidParameterError(f"the target's percentage must be above 0 and below 100, got {percent:g}")
    return ServiceTarget(percent / 100, seconds)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in next(csv.reader([line]), [])]


def _row(number: int, cells: list[str], header: list[str]) -> ForecastRow:
    if len(cells) != len(header):
        raise ForecastError(f"expected {len(header)} columns ({','.join(header)}), got {len(cells)}", number)
    columns = {name: header.index(name) for name in _COLUMNS}
    interval, calls = cells[columns["interval"]], cells[columns["calls"]]
    if not interval:
        raise ForecastError("the interval is empty", number)
    try:
        value = float(calls)
    except ValueError:
        raise ForecastError(f"calls must be a number, got {calls!r}", number) from None
    if not 0 <= value < math.inf:
        raise ForecastError(f"calls must be finite and >= 0, got {calls!r}", number)
    return ForecastRow(number, interval, value)


def parse_forecast(lines: Iterable[str]) -> list[ForecastRow | ForecastError]:
    """Every data row of a forecast, in order: a :class:`ForecastRow`, or the error that row gives."""
    parsed: list[ForecastRow | ForecastError] = []
    header: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = _cells(line)
        if header is None:
            header = [cell.lower() for cell in cells]
            if set(_COLUMNS) <= set(header):
                continue
            header = list(_COLUMNS)
        try:
            parsed.append(_row(number, cells, header))
        except ForecastError as exc:
            parsed.append(exc)
    return parsed
