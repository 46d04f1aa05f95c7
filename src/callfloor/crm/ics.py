"""iCalendar (RFC 5545) text for appointments: invitations, updates, cancellations, a rep's feed.

A booked appointment goes to the customer as an e-mail attachment carrying one VEVENT with
``METHOD:REQUEST`` (RFC 5546 §3.2.2), which calendar clients offer to add. A change is the same
UID sent again with a higher SEQUENCE (RFC 5545 §3.8.7.4: a new start, end or status increments
it), so the client replaces the event instead of adding a second one; a cancellation is
``METHOD:CANCEL`` with ``STATUS:CANCELLED`` (RFC 5546 §3.2.5), itself a revision. A rep's
read-only feed is ``METHOD:PUBLISH`` (RFC 5546 §3.2.1) with one VEVENT per appointment and no
ATTENDEE, which that method leaves out.

Times are written in UTC (``...Z``, RFC 5545 §3.3.5 form 2), which every client reads without a
VTIMEZONE and shows in its own zone. The ``icalendar`` package writes the CRLF line ends and folds
lines at 75 octets (§3.1) and escapes text (§3.3.11). DTSTAMP, required in each VEVENT (§3.8.7.2),
is an argument: this module reads no clock.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress

from callfloor.crm import CrmError

PRODID = "-//callfloor//CRM appointments//FR"


class IcsError(CrmError):
    """An appointment that cannot be written as iCalendar: naive times, an empty UID, a bad address."""


@dataclass(frozen=True, slots=True)
class Person:
    """An organizer or attendee: an e-mail address and the name shown beside it (CN)."""

    email: str
    name: str = ""

    def __post_init__(self) -> None:
        local, at, domain = self.email.partition("@")
        if not (local and at and domain) or any(c in self.email for c in ' \r\n\t<>:;,"'):
            raise IcsError(f"{self.email!r} is not an e-mail address")


@dataclass(frozen=True, slots=True)
class Appointment:
    """What an appointment says of itself in a calendar; ``sequence`` counts its revisions."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    organizer: Person
    attendee: Person | None = None
    description: str = ""
    location: str = ""
    sequence: int = 0

    def __post_init__(self) -> None:
        if not self.uid.strip() or any(c in self.uid for c in "\r\n"):
            raise IcsError(f"uid {self.uid!r}: one line of text is required")
        if self.sequence < 0:
            raise IcsError(f"appointment {self.uid}: sequence {self.sequence} is negative")
        if _utc(self.end, "end") <= _utc(self.start, "start"):
            raise IcsError(f"appointment {self.uid}: ends at {self.end}, not after its start")


def _utc(moment: datetime, name: str) -> datetime:
    """``moment`` in UTC; a naive datetime is refused, for it would be read in each client's zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise IcsError(f"{name}: {moment.isoformat()} is naive, a time zone is required")
    return moment.astimezone(UTC)


def revised(
    appointment: Appointment,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    summary: str | None = None,
    description: str | None = None,
    location: str | None = None,
) -> Appointment:
    """The appointment changed, same UID and SEQUENCE one higher (RFC 5545 §3.8.7.4)."""
    return replace(
        appointment,
        start=appointment.start if start is None else start,
        end=appointment.end if end is None else end,
        summary=appointment.summary if summary is None else summary,
        description=appointment.description if description is None else description,
        location=appointment.location if location is None else location,
        sequence=appointment.sequence + 1,
    )


def invitation(appointment: Appointment, dtstamp: datetime) -> str:
    """The ``METHOD:REQUEST`` calendar for a booking or for its revision (send :func:`revised`'s)."""
    event = _event(appointment, dtstamp, "CONFIRMED")
    _add_attendee(event, appointment.attendee)
    return _calendar("REQUEST", [event])


def cancellation(appointment: Appointment, dtstamp: datetime) -> str:
    """The ``METHOD:CANCEL`` calendar that removes the appointment; its SEQUENCE is one higher."""
    cancelled = replace(appointment, sequence=appointment.sequence + 1)
    event = _event(cancelled, dtstamp, "CANCELLED")
    _add_attendee(event, appointment.attendee)
    return _calendar("CANCEL", [event])


def feed(appointments: Iterable[Appointment], dtstamp: datetime, name: str = "") -> str:
    """A rep's read-only ``METHOD:PUBLISH`` feed; ``name`` is the title clients show for it."""
    events = [_event(appointment, dtstamp, "CONFIRMED") for appointment in appointments]
    return _calendar("PUBLISH", events, name)


def _calendar(method: str, events: list[Event], name: str = "") -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODID)  # RFC 5545 §3.7.3
    calendar.add("version", "2.0")  # §3.7.4
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)  # §3.7.2, its values from RFC 5546 §1.4
    if name:
        calendar.add("x-wr-calname", name)  # not in the RFC, read by Apple, Google and Outlook
    for event in events:
        calendar.add_component(event)
    text: bytes = calendar.to_ical()
    return text.decode("utf-8")


def _event(appointment: Appointment, dtstamp: datetime, status: str) -> Event:
    event = Event()
    event.add("uid", appointment.uid)
    event.add("dtstamp", _utc(dtstamp, "dtstamp"))
    event.add("dtstart", _utc(appointment.start, "start"))
    event.add("dtend", _utc(appointment.end, "end"))
    event.add("sequence", appointment.sequence)
    event.add("status", status)
    event.add("summary", appointment.summary)
    for key, text in (("description", appointment.description), ("location", appointment.location)):
        if text:
            event.add(key, text)
    event.add("organizer", _address(appointment.organizer))
    return event


def _add_attendee(event: Event, attendee: Person | None) -> None:
    """The customer, asked to answer (RFC 5545 §3.8.4.1, parameters of §3.2)."""
    if attendee is None:
        return
    address = _address(attendee)
    address.params.update({"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"})
    event.add("attendee", address)


def _address(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    return address
