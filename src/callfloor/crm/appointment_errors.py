"""The errors of calendars and appointments, told in English and French.

Each carries a stable ``error_id`` for clients and the HTTP ``status`` the API answers with, so
routes map the whole family in one place; ``field`` names the value refused, when one is. A
slot booked meanwhile by someone else is :class:`SlotTakenError` (409 ``slot_taken``): the
agent offers the customer another one.
"""

from callfloor.crm import RefusalError, fields


class AppointmentError(RefusalError):
    """A calendar or appointment change that is refused."""

    error_id = "invalid_appointment"


refuse = AppointmentError.of_field


class SlotTakenError(AppointmentError):
    """The slot is no longer free: another appointment or a busy time holds part of it."""

    error_id = "slot_taken"
    status = 409


class OutsideHoursError(AppointmentError):
    """A slot outside the rep's working hours."""

    error_id = "outside_working_hours"
    status = 409


class CancelledError(AppointmentError):
    """A change to a cancelled appointment: book a new one instead."""

    error_id = "appointment_cancelled"
    status = 409


class DuplicateCalendarError(AppointmentError):
    """A second calendar for a rep who has one."""

    error_id = "duplicate"
    status = 409


def text(value: str, field: str, max_length: int, *, multiline: bool = False) -> str:
    """The customer file's text rule (:func:`callfloor.crm.fields.text`), refusals told as appointments'."""
    return fields.text_as(AppointmentError, value, field, max_length, multiline=multiline)
