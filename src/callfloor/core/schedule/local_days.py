"""Local days as instants: the midnight that begins a day on a tenant's clock, in UTC.

A local day is not 24 hours on DST days (23 or 25), so a day's end is the next day's midnight,
never its start plus a day. The wallboard's "today", the queue reports' periods and the pages'
date filters all cut time at these instants.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """The midnight that begins ``day`` in ``zone``, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
