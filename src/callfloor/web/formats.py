"""Dates, times, numbers and durations as the pages show them: the user's language, the tenant's zone.

Babel knows each locale's conventions (``05/12/2026 21:04`` and ``1 234,5`` in French,
``12/5/26, 9:04 PM`` and ``1,234.5`` in English); times are stored in UTC and shown in the
tenant's zone, as ARCHITECTURE.md says.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale as BabelLocale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, parse_pattern

from callfloor.core.config import Locale


class Formats:
    """The formatting of one page: one language, one time zone."""

    def __init__(self, lang: Locale, zone: ZoneInfo) -> None:
        self.lang, self.zone = lang, zone

    def moment(self, at: datetime | None) -> str:
        """A moment, short, in the tenant's zone ("" for none)."""
        if at is None:
            return ""
        return format_datetime(at.astimezone(self.zone), "short", locale=self.lang.value)

    def clock(self, at: datetime | None) -> str:
        """The time of day of a moment, in the tenant's zone."""
        return "" if at is None else format_time(at.astimezone(self.zone), "short", locale=self.lang.value)

    def day(self, day: date | None) -> str:
        """A day, medium length ("5 déc. 2026", "Dec 5, 2026")."""
        return "" if day is None else format_date(day, "medium", locale=self.lang.value)

    def number(self, value: float | int | None, digits: int = 0) -> str:
        """A number with the locale's separators, ``digits`` decimals at most."""
        if value is None:
            return "–"
        pattern = f"#,##0.{'#' * digits}" if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=self.lang.value)

    def percent(self, fraction: float | None, digits: int = 1) -> str:
        """A fraction as a percentage (0.034 → "3,4 %")."""
        if fraction is None:
            return "–"
        pattern = parse_pattern(BabelLocale.parse(self.lang.value).percent_formats[None].pattern)
        pattern.frac_prec = (digits, digits)  # the locale's own pattern ("#,##0 %"), with decimals
        return str(pattern.apply(fraction, self.lang.value))

    @staticmethod
    def duration(seconds: float | None) -> str:
        """A duration as m:ss, or h:mm:ss from an hour on ("–" for none)."""
        if seconds is None:
            return "–"
        total = max(round(seconds), 0)
        hours, rest = divmod(total, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
