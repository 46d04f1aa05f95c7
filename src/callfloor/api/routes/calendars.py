"""Sales reps' calendars of the caller's tenant, their busy times, and each rep's read-only feed.

Admins and supervisors set calendars up (working hours, by default Monday to Friday 09:00-18:00
in the calendar's zone; area, skills, busy times); agents read
them, to book. A calendar's ``feed_url`` is shown to admins, supervisors and the rep: it needs
no login, its token being the credential, so ``POST /feed-token`` replaces a leaked one. The
feed itself (``/api/calendars/feed/{token}.ics``, ``METHOD:PUBLISH``) is what a rep subscribes
to in their phone's or Outlook's calendar; an unknown token is 404. Refusals answer with their
``error_id`` and both messages (422 naming the field, 409 for a rep's second calendar).
"""

import copy
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, DbSession, require
from callfloor.api.errors import not_found, refusals
from callfloor.api.routes.contacts import CUSTOMER_FILE
from callfloor.api.routes.products import now
from callfloor.core.roles import OBSERVE
from callfloor.crm.appointments import AppointmentBook
from callfloor.crm.calendars import DEFAULT_HOURS, CalendarInput, Calendars
from callfloor.storage.appointments import BusyTime, Calendar, calendar_by_feed_token

router = APIRouter(prefix="/api/calendars", tags=["appointments"])
Reader = Annotated[Caller, Depends(require(CUSTOMER_FILE))]
Planner = Annotated[Caller, Depends(require(OBSERVE))]
Names = Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=100)]
ICS = "text/calendar; charset=utf-8"


appointment_refusals = refusals  # the family's refusals answered with their status and messages


class CalendarIn(BaseModel):
    """A rep's calendar: whose, working hours (as ``/api/schedule`` writes them), area, skills."""

    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(description="The rep: a user of the tenant.")
    hours: dict[str, Any] = Field(
        default_factory=lambda: copy.deepcopy(dict(DEFAULT_HOURS)),
        description='e.g. {"weekly": {"mon": ["09:00-12:00", "14:00-18:00"]}}; default: Mon-Fri 09:00-18:00',
    )
    name: Annotated[str, Field(max_length=200)] = ""
    timezone: Annotated[str, Field(max_length=64)] | None = None
    postal_prefixes: Annotated[list[Annotated[str, Field(max_length=10)]], Field(max_length=200)] = []
    area_label: Annotated[str, Field(max_length=100)] = ""
    skills: Names = []
    slot_minutes: Annotated[int, Field(ge=5, le=1440)] = 30
    buffer_minutes: Annotated[int, Field(ge=0, le=1440)] = 0
    active: bool = True

    def to_input(self) -> CalendarInput:
        """The service's input."""
        return CalendarInput(**self.model_dump())


class CalendarOut(BaseModel):
    """A calendar; ``feed_url`` only for admins, supervisors and the rep."""

    id: int
    user_id: int
    name: str
    timezone: str
    hours: dict[str, Any]
    postal_prefixes: list[str]
    area_label: str
    skills: list[str]
    slot_minutes: int
    buffer_minutes: int
    active: bool
    feed_url: str | None


class BusyIn(BaseModel):
    """A period the rep is busy outside callfloor."""

    model_config = ConfigDict(extra="forbid")

    start: datetime
    end: datetime
    label: Annotated[str, Field(max_length=200)] = ""


class BusyOut(BusyIn):
    id: int
    calendar_id: int


def feed_url(calendar: Calendar) -> str:
    """Where the rep's feed is read."""
    return f"/api/calendars/feed/{calendar.feed_token}.ics"


def calendar_out(calendar: Calendar, caller: Caller) -> CalendarOut:
    """The calendar as ``caller`` may see it."""
    shown = caller.role in OBSERVE or caller.user.id == calendar.user_id
    fields = {name: getattr(calendar, name) for name in CalendarOut.model_fields if name != "feed_url"}
    return CalendarOut(**fields, feed_url=feed_url(calendar) if shown else None)


def busy_out(busy: BusyTime) -> BusyOut:
    """A busy time."""
    return BusyOut(
        id=busy.id, calendar_id=busy.calendar_id, start=busy.start_at, end=busy.end_at, label=busy.label
    )


def calendar_of(caller: Caller, calendar_id: int) -> Calendar:
    """The calendar of the caller's tenant, or 404."""
    found = Calendars(caller.session, caller.tenant_id).scope.calendars.get(calendar_id)
    if found is None:
        raise not_found()
    return found


@router.get("/feed/{token}.ics", response_class=Response, responses={200: {"content": {ICS: {}}}})
def calendar_feed(session: DbSession, token: Annotated[str, Path(max_length=100)]) -> Response:
    """A rep's read-only iCalendar feed; no login, the token is the credential."""
    calendar = calendar_by_feed_token(session, token)
    if calendar is None:
        raise not_found()
    text = AppointmentBook(session, calendar.tenant_id).feed(calendar, now())
    return Response(text, media_type=ICS, headers={"Cache-Control": "no-store"})


@router.get("")
def list_calendars(caller: Reader) -> list[CalendarOut]:
    """The tenant's calendars, by id."""
    return [
        calendar_out(c, caller) for c in Calendars(caller.session, caller.tenant_id).scope.calendars.list()
    ]


@router.post("", status_code=201)
def create_calendar(caller: Planner, body: CalendarIn) -> CalendarOut:
    """A rep's calendar, with its feed token; one per rep."""
    with appointment_refusals():
        calendar = Calendars(caller.session, caller.tenant_id).create(body.to_input(), now=now())
    return calendar_out(calendar, caller)


@router.get("/{calendar_id}")
def get_calendar(caller: Reader, calendar_id: int) -> CalendarOut:
    """One calendar."""
    return calendar_out(calendar_of(caller, calendar_id), caller)


@router.put("/{calendar_id}")
def replace_calendar(caller: Planner, calendar_id: int, body: CalendarIn) -> CalendarOut:
    """Replace a calendar's setup; ``active: false`` stops bookings and keeps its appointments."""
    calendar = calendar_of(caller, calendar_id)
    with appointment_refusals():
        Calendars(caller.session, caller.tenant_id).update(calendar, body.to_input())
    return calendar_out(calendar, caller)


@router.post("/{calendar_id}/feed-token")
def renew_feed_token(caller: Planner, calendar_id: int) -> CalendarOut:
    """A new feed URL; the old one answers 404 from now on."""
    calendar = calendar_of(caller, calendar_id)
    Calendars(caller.session, caller.tenant_id).new_feed_token(calendar)
    return calendar_out(calendar, caller)


@router.get("/{calendar_id}/busy")
def list_busy(
    caller: Reader,
    calendar_id: int,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> list[BusyOut]:
    """The calendar's busy times overlapping [from, to) (default: the next 31 days)."""
    calendar, low = calendar_of(caller, calendar_id), start or now()
    high = end or low + timedelta(days=31)
    found = Calendars(caller.session, caller.tenant_id).scope.busy_times.overlapping(calendar.id, low, high)
    return [busy_out(b) for b in found]


@router.post("/{calendar_id}/busy", status_code=201)
def add_busy(caller: Planner, calendar_id: int, body: BusyIn) -> BusyOut:
    """Mark the rep busy (a training, leave, a visit booked elsewhere)."""
    calendar = calendar_of(caller, calendar_id)
    with appointment_refusals():
        busy = Calendars(caller.session, caller.tenant_id).add_busy(
            calendar, body.start, body.end, body.label
        )
    return busy_out(busy)


@router.delete("/{calendar_id}/busy/{busy_id}", status_code=204)
def remove_busy(caller: Planner, calendar_id: int, busy_id: int) -> Response:
    """The rep is free again then."""
    scope = Calendars(caller.session, caller.tenant_id).scope
    busy = scope.busy_times.get(busy_id)
    if busy is None or busy.calendar_id != calendar_of(caller, calendar_id).id:
        raise not_found()
    scope.busy_times.delete(busy)
    return Response(status_code=204)
