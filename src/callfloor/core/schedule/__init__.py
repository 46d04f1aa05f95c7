"""Business hours, sans I/O: when a tenant's center is open, and how much open time lies between two instants.

A :class:`~callfloor.core.schedule.calendar.Schedule` is a weekly pattern of opening hours in an
IANA time zone, closed on the public holidays of a country (and subdivision: Alsace-Moselle,
the overseas departments…), with exceptional closures and exceptional hours by date. Three
features lean on it: ticket SLAs counted in business time, the IVR's ``hours`` node (open, or
closed and why), and the legal calling hours of outbound campaigns.

Theory of operation: each local date has a tuple of :class:`~callfloor.core.schedule.hours.Opening`
(wall-clock minutes: a closure empties it, special hours replace it, a holiday empties it, else
the weekday's). Each opening becomes a span of instants on the one UTC timeline, wall clock
first (09:00 stays 09:00 after a DST change; a wall time the clocks skip maps to the jump), and
every question (open?, next opening, business time) is a walk over those spans. Durations are
elapsed seconds, so a whole-day opening on the spring DST Sunday in Paris counts 23 hours.

:mod:`~callfloor.core.schedule.config` reads a schedule from plain data (a tenant's YAML) and
writes it back. Public holidays come from the ``holidays`` package, looked up per year and
cached in the schedule; nothing here reads a clock.

Errors::

    ScheduleError (CoreError)
    ├── InvalidSchedule   plain data or values that do not make a schedule; ``field`` names
    │                     where (``weekly.mon[1]``, ``timezone``, ``special.2026-12-31``)
    ├── NaiveDatetime     a datetime without a time zone: which instant it means is unknown
    └── NeverOpens        business time asked of a schedule that has no opening left
"""

from callfloor.core import CoreError


class ScheduleError(CoreError):
    """Root of the business-hours calendar's errors."""


class InvalidSchedule(ScheduleError):  # noqa: N818 - named for what it is, like the IVR's errors
    """A schedule that cannot be: ``field`` says where, the message says what."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class NaiveDatetime(ScheduleError):  # noqa: N818
    """A datetime with no time zone; the calendar works on instants, so it refuses to guess."""

    def __init__(self, argument: str) -> None:
        super().__init__(f"{argument} must be an aware datetime (with tzinfo), not a naive one")
        self.argument = argument


class NeverOpens(ScheduleError):  # noqa: N818
    """Business time asked of a schedule with no opening from that instant on."""
