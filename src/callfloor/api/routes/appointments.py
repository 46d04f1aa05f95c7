"""Appointments in reps' calendars: free slots, booking, cancelling, rescheduling, .ics files.

Agents, supervisors and admins book (during a call, say); client viewers get 403. Slots are
searched in one calendar, or across the reps of an area (a postal code, or the contact's) or
with a skill. A booking is checked in the transaction that inserts it, the calendar locked, so
two agents taking the same slot at once get one appointment and one 409 ``slot_taken``.

The customer's confirmation (French or English by their language, the .ics attached) is sent
once the booking has committed, never inside its transaction: the booking, rescheduling and
cancelling routes run their own transaction, commit it, then send, and say in
``confirmation.status`` what became of the e-mail: ``sent``, ``not_configured`` (no
``CALLFLOOR_SMTP_HOST``: nothing sent), ``no_address`` (no contact, or no e-mail for them) or
``failed`` (the SMTP server refused; the appointment stands).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from callfloor.api.deps import Caller, require
from callfloor.api.errors import not_found
from callfloor.api.routes.calendars import ICS, appointment_refusals
from callfloor.api.routes.contacts import CUSTOMER_FILE
from callfloor.api.routes.products import now
from callfloor.channels.mail import Attachment, MailError, OutgoingMail, SmtpConfig, send
from callfloor.crm.appointment_errors import refuse
from callfloor.crm.appointment_mail import Confirmation, confirmation
from callfloor.crm.appointments import AppointmentBook, AppointmentInput
from callfloor.crm.calendars import SlotQuery
from callfloor.settings import Settings
from callfloor.storage.appointments import Appointment
from callfloor.storage.models import Tenant

router = APIRouter(prefix="/api/appointments", tags=["appointments"])
Booker = Annotated[Caller, Depends(require(CUSTOMER_FILE))]
Text = Annotated[str, Field(max_length=10_000)]
MailStatus = Literal["sent", "not_configured", "no_address", "failed"]


class AppointmentIn(BaseModel):
    """A booking: the calendar, the slot, what for, with whom."""

    model_config = ConfigDict(extra="forbid")

    calendar_id: int
    start: datetime
    end: datetime
    subject: Annotated[str, Field(min_length=1, max_length=200)]
    contact_id: int | None = None
    account_id: int | None = None
    notes: Text = ""
    location: Annotated[str, Field(max_length=300)] = ""
    source: Literal["agent", "ivr", "web"] = "agent"


class RescheduleIn(BaseModel):
    """The new slot, in the same calendar."""

    model_config = ConfigDict(extra="forbid")

    start: datetime
    end: datetime


class AppointmentOut(BaseModel):
    """An appointment; ``sequence`` counts its revisions, as its .ics says."""

    id: int
    calendar_id: int
    contact_id: int | None
    account_id: int | None
    start: datetime
    end: datetime
    subject: str
    notes: str
    location: str
    status: str
    sequence: int
    uid: str
    booked_by: int | None
    booked_at: datetime
    source: str
    cancelled_at: datetime | None
    ics_url: str


class ConfirmationOut(BaseModel):
    """What became of the customer's e-mail, and why in both languages."""

    status: MailStatus
    to: str | None = None
    language: str | None = None
    message: dict[str, str]


class BookingOut(BaseModel):
    """The appointment and its confirmation e-mail."""

    appointment: AppointmentOut
    confirmation: ConfirmationOut


class SlotOut(BaseModel):
    """A free slot, and whose calendar it is in."""

    calendar_id: int
    start: datetime
    end: datetime


def appointment_out(row: Appointment) -> AppointmentOut:
    """An appointment as the API shows it."""
    return AppointmentOut(
        id=row.id, calendar_id=row.calendar_id, contact_id=row.contact_id, account_id=row.account_id,
        start=row.start_at, end=row.end_at, subject=row.subject, notes=row.notes, location=row.location,
        status=row.status, sequence=row.sequence, uid=row.uid, booked_by=row.booked_by,
        booked_at=row.booked_at, source=row.source, cancelled_at=row.cancelled_at,
        ics_url=f"/api/appointments/{row.id}.ics",
    )  # fmt: skip


MESSAGES: dict[MailStatus, tuple[str, str]] = {
    "sent": ("Confirmation envoyée par e-mail.", "Confirmation sent by e-mail."),
    "not_configured": (
        "Aucun e-mail envoyé : pas de serveur SMTP configuré (CALLFLOOR_SMTP_HOST).",
        "No e-mail sent: no SMTP server is configured (CALLFLOOR_SMTP_HOST).",
    ),
    "no_address": (
        "Aucun e-mail envoyé : pas d'adresse pour ce client.",
        "No e-mail sent: no address for this customer.",
    ),
    "failed": (
        "L'e-mail n'a pas pu être envoyé ; le rendez-vous est maintenu.",
        "The e-mail could not be sent; the appointment stands.",
    ),
}


def _outcome(status: MailStatus, mail: Confirmation | None) -> ConfirmationOut:
    fr, en = MESSAGES[status]
    to, language = (mail.to, mail.language) if mail else (None, None)
    return ConfirmationOut(status=status, to=to, language=language, message={"fr": fr, "en": en})


def deliver(settings: Settings, mail: Confirmation | None) -> ConfirmationOut:
    """Send the confirmation, after the commit; what became of it."""
    config = SmtpConfig.from_settings(settings)
    if mail is None or config is None:
        return _outcome("no_address" if mail is None else "not_configured", mail)
    invite = Attachment("invitation.ics", "calendar", mail.ics, {"method": mail.method})
    try:
        send(config, OutgoingMail(mail.to, mail.subject, mail.text, [invite], reply_to=mail.reply_to))
    except MailError:
        return _outcome("failed", mail)
    return _outcome("sent", mail)


def _mail(session: Session, book: AppointmentBook, row: Appointment, at: datetime) -> Confirmation | None:
    """The confirmation of ``row`` as it now stands (invitation, or cancellation), for its contact."""
    contact = book.scope.contacts.get(row.contact_id) if row.contact_id else None
    if contact is None:
        return None
    cancelled = row.status == "cancelled"
    text = book.cancellation(row, at) if cancelled else book.invitation(row, at)
    tenant = session.get(Tenant, book.tenant_id)
    return confirmation(row, contact, ics_text=text, method="CANCEL" if cancelled else "REQUEST",
                        tenant_locale=tenant.locale if tenant else "fr")  # fmt: skip


def _committed(caller: Caller, change: Callable[[AppointmentBook, datetime], Appointment]) -> BookingOut:
    """Make the change in a transaction of its own, commit it, then send the customer's e-mail."""
    at = now()
    with caller.context.sessions.begin() as session, appointment_refusals():
        book = AppointmentBook(session, caller.tenant_id)
        row = change(book, at)
        shown, mail = appointment_out(row), _mail(session, book, row, at)
    return BookingOut(appointment=shown, confirmation=deliver(caller.context.settings, mail))


def _existing(book: AppointmentBook, appointment_id: int) -> Appointment:
    row = book.scope.appointments.get(appointment_id)
    if row is None:
        raise not_found()
    return row


def _appointment(caller: Caller, appointment_id: int) -> Appointment:
    return _existing(AppointmentBook(caller.session, caller.tenant_id), appointment_id)


@router.get("/slots")
def free_slots(
    caller: Booker,
    *,
    calendar: int | None = None,
    rep: Annotated[int | None, Query(description="The rep's user id.")] = None,
    area: Annotated[str | None, Query(max_length=100, description="A postal code or an area label.")] = None,
    contact_id: Annotated[int | None, Query(description="Reps covering the contact's postal code.")] = None,
    skill: Annotated[str | None, Query(max_length=40)] = None,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="Default: 7 days after from.")] = None,
    length: Annotated[int, Query(ge=5, le=1440, description="Minutes.")] = 60,
) -> list[SlotOut]:
    """Free slots of one calendar, or of every rep matching the area and skill, in time order."""
    at = now()
    low = start or at
    book = AppointmentBook(caller.session, caller.tenant_id)
    with appointment_refusals():
        if contact_id is not None:
            area = book.calendars.contact_postal_code(contact_id)
            if area is None:
                raise refuse(
                    "contact_id", "the contact has no postal code", "le contact n'a pas de code postal"
                )
        chosen = book.calendars.choose(rep=rep, area=area, skill=skill)
        chosen = [c for c in chosen if calendar is None or c.id == calendar]
        query = SlotQuery(low, end or low + timedelta(days=7), timedelta(minutes=length))
        slots = book.calendars.free(chosen, query, now=at)
    return [SlotOut(calendar_id=s.calendar_id, start=s.start, end=s.end) for s in slots]


@router.get("")
def list_appointments(
    caller: Booker,
    *,
    calendar_id: int | None = None,
    contact_id: int | None = None,
    account_id: int | None = None,
    status: Literal["booked", "cancelled"] | None = None,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AppointmentOut]:
    """The tenant's appointments matching every filter given, by start time."""
    rows = AppointmentBook(caller.session, caller.tenant_id).scope.appointments.find(
        calendar_id=calendar_id, contact_id=contact_id, account_id=account_id, status=status,
        start_from=start, start_to=end, limit=limit,
    )  # fmt: skip
    return [appointment_out(r) for r in rows]


@router.post("", status_code=201)
def book_appointment(caller: Booker, body: AppointmentIn) -> BookingOut:
    """Book a slot (409 ``slot_taken`` when it has just been taken), then e-mail the customer."""
    given = AppointmentInput(**body.model_dump())
    return _committed(caller, lambda book, at: book.book(given, actor=caller.user, now=at))


@router.get("/{appointment_id}.ics", response_class=Response, responses={200: {"content": {ICS: {}}}})
def appointment_ics(caller: Booker, appointment_id: int) -> Response:
    """The appointment's calendar as the customer last received it (invitation or cancellation)."""
    row, book = _appointment(caller, appointment_id), AppointmentBook(caller.session, caller.tenant_id)
    text = book.cancellation(row, now()) if row.status == "cancelled" else book.invitation(row, now())
    return Response(
        text, media_type=ICS, headers={"Content-Disposition": f'attachment; filename="rdv-{row.id}.ics"'}
    )


@router.get("/{appointment_id}")
def get_appointment(caller: Booker, appointment_id: int) -> AppointmentOut:
    """One appointment."""
    return appointment_out(_appointment(caller, appointment_id))


@router.post("/{appointment_id}/cancel")
def cancel_appointment(caller: Booker, appointment_id: int) -> BookingOut:
    """Cancel; the customer gets the cancellation (``METHOD:CANCEL``)."""
    return _committed(caller, lambda book, at: book.cancel(_existing(book, appointment_id), now=at))


@router.post("/{appointment_id}/reschedule")
def reschedule_appointment(caller: Booker, appointment_id: int, body: RescheduleIn) -> BookingOut:
    """Move to another free slot of the same calendar; same uid, sequence one higher, a new invitation."""
    return _committed(
        caller,
        lambda book, at: book.reschedule(_existing(book, appointment_id), body.start, body.end, now=at),
    )
