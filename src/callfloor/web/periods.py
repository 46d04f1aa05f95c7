"""A report's period as the pages take it: ``from`` and ``to`` dates, local days of the tenant's zone.

The date fields of a form send ISO dates (``2026-12-08``); a day begins and ends at the tenant's
local midnights, so a report of "the 8th" in Paris is what the floor lived that day there.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from callfloor.core.schedule.local_days import midnight
from callfloor.web.access import PageError
from callfloor.web.nav import N_


def bad_period() -> PageError:
    """The one answer for a period that cannot be read or runs backwards."""
    return PageError(422, N_("This period is not valid."))


def parse_day(text: str | None) -> date | None:
    """An ISO date from a form field (None when left empty); a bad one is a 422 page."""
    if not text:
        return None
    if len(text) > len("2026-12-08"):  # what a date field sends, and nothing longer to parse
        raise bad_period()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise bad_period() from None


@dataclass(frozen=True, slots=True)
class Period:
    """Local days ``first`` to ``last``, both included; either may be open (None)."""

    first: date | None
    last: date | None
    zone: ZoneInfo

    @classmethod
    def of(cls, first: str | None, last: str | None, zone: ZoneInfo) -> "Period":
        """The period a form gave; one that ends before it begins is a 422 page."""
        period = cls(parse_day(first), parse_day(last), zone)
        if period.first is not None and period.last is not None and period.last < period.first:
            raise bad_period()
        return period

    @property
    def since(self) -> datetime | None:
        """Its first moment (UTC), None when open."""
        return None if self.first is None else midnight(self.first, self.zone)

    @property
    def until(self) -> datetime | None:
        """The moment after its last day (UTC), None when open."""
        return None if self.last is None else midnight(self.last + timedelta(days=1), self.zone)
