"""Ticket SLAs in business time: the tenant's hours, due times, the clock stopped, and breaches.

A category's targets are *business* seconds: eight hours from a Friday 16:00 in a 09:00-18:00
week lands on Tuesday 15:00, and a public holiday in between pushes it a day further. The hours
are the tenant's :class:`~callfloor.storage.tickets.TenantSchedule` (plain data that
``core.schedule.parse_schedule`` reads), or, when the tenant has none, Monday to Friday
09:00-18:00 in its time zone, closed on its country's public holidays (France's when its
country is unknown to the holidays package).

While a ticket waits for the customer (pending) or is resolved, its resolution clock is
stopped; when it starts again (an answer, a reopening) the due time moves by the business time
it was stopped. First responses are never paused. A ticket is late when a due time has passed
without its event (:func:`lateness`, the same rule as ``storage.tickets.late_condition`` in
SQL). Nothing here reads a clock: ``now`` is an argument.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from callfloor.core.schedule import InvalidSchedule, NeverOpens
from callfloor.core.schedule.calendar import Schedule
from callfloor.core.schedule.config import parse_schedule, schedule_data
from callfloor.core.schedule.public_holidays import supported_countries
from callfloor.storage.models import Tenant
from callfloor.storage.scope import TenantScope
from callfloor.storage.tickets import Ticket, TicketCategory

WORKING_DAYS = ("mon", "tue", "wed", "thu", "fri")


def default_schedule_data(tenant: Tenant) -> dict[str, Any]:
    """Monday to Friday 09:00-18:00 in the tenant's zone, closed on its country's public holidays."""
    country = tenant.country.upper() if tenant.country.upper() in supported_countries() else "FR"
    weekly = {day: ["09:00-18:00"] for day in WORKING_DAYS}
    return {"timezone": tenant.timezone, "country": country, "holidays_close": True, "weekly": weekly}


def schedule_of(scope: TenantScope) -> Schedule:
    """The tenant's business hours: stored, or the default."""
    stored = scope.schedule.data()
    if stored is not None:
        return parse_schedule(stored)
    tenant = scope.session.get(Tenant, scope.tenant_id)
    return parse_schedule(default_schedule_data(tenant) if tenant else {"timezone": "UTC"})


def store_schedule(scope: TenantScope, data: object, now: datetime) -> dict[str, Any]:
    """Check ``data`` (:class:`InvalidSchedule` naming the field) and keep it, normalised."""
    schedule = parse_schedule(data)
    if schedule.next_open(now) is None:
        raise InvalidSchedule("weekly", "the center would never open again: SLAs could never fall due")
    normalised = schedule_data(schedule)
    scope.schedule.put(normalised, now)
    return normalised


def _add(schedule: Schedule, start: datetime, seconds: float) -> datetime | None:
    try:
        return schedule.add_business_time(start, seconds)
    except NeverOpens:
        return None  # no opening left to count in: no due time rather than a wrong one


def due_times(schedule: Schedule, created: datetime, category: TicketCategory) -> tuple[datetime | None, ...]:
    """First response and resolution due times of a ticket of ``category`` created at ``created``."""
    return (
        _add(schedule, created, category.first_response_s),
        _add(schedule, created, category.resolution_s),
    )


def pushed(schedule: Schedule, due: datetime | None, stopped: datetime, now: datetime) -> datetime | None:
    """``due`` moved by the business time the clock stood still, from ``stopped`` to ``now``."""
    if due is None:
        return None
    return _add(schedule, due, max(0.0, schedule.business_seconds_between(stopped, now)))


@dataclass(frozen=True, slots=True)
class Lateness:
    """Which of a ticket's due times have passed without their event, at some instant."""

    first_response: bool
    resolution: bool

    def __bool__(self) -> bool:
        return self.first_response or self.resolution


def _past(event: datetime | None, due: datetime | None) -> bool:
    return due is not None and event is not None and event > due


def lateness(ticket: Ticket, now: datetime) -> Lateness:
    """Whether ``ticket`` is late at ``now``: a response after its due time, or none by now."""
    responded = ticket.first_response_at or now
    finished = ticket.resolved_at or ticket.paused_at or now
    return Lateness(_past(responded, ticket.first_response_due), _past(finished, ticket.resolution_due))


@dataclass(frozen=True, slots=True)
class BreachCount:
    """Late tickets of one team or one category: late first responses and resolutions, still open."""

    id: int | None
    name: str | None
    tickets: int = 0
    first_response: int = 0
    resolution: int = 0
    open: int = 0


@dataclass(slots=True)
class BreachReport:
    """Late tickets at ``now`` with their counts per team and per category (None: without one)."""

    now: datetime
    tickets: list[tuple[Ticket, Lateness]] = field(default_factory=list)
    by_team: list[BreachCount] = field(default_factory=list)
    by_category: list[BreachCount] = field(default_factory=list)


def _counts(rows: Sequence[tuple[Ticket, Lateness]], key: str) -> list[BreachCount]:
    names: dict[int | None, str | None] = {}
    tally: dict[int | None, Counter[str]] = {}
    for ticket, late in rows:
        owner = getattr(ticket, key)
        ident = None if owner is None else owner.id
        names[ident] = None if owner is None else owner.name
        counts = tally.setdefault(ident, Counter())
        counts.update(tickets=1, first_response=int(late.first_response), resolution=int(late.resolution))
        counts.update(open=int(ticket.resolved_at is None))
    order = sorted(tally, key=lambda i: (i is None, names[i] or ""))
    return [BreachCount(i, names[i], **tally[i]) for i in order]


def breach_report(scope: TenantScope, now: datetime, *, since: datetime | None = None) -> BreachReport:
    """The tickets late at ``now`` (created from ``since`` on, when given), counted per team and category."""
    found = scope.tickets.find(late_at=now, created_since=since)
    rows = [(t, lateness(t, now)) for t in found]
    return BreachReport(now.astimezone(UTC), rows, _counts(rows, "team"), _counts(rows, "category"))
