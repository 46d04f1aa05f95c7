"""The errors of calendars and appointments, told in English and French.

Each carries a stable ``error_id`` for clients and the HTTP ``status`` the API answers with, so
routes map the whole family in one place; ``field`` names the value refused, when one is. A
slot booked meanwhile by someone else is :class:`SlotTakenError` (409 ``slot_taken``): the
agent offers the customer another one.
"""

from callfloor.crm import CrmError, CustomerFileError, fields


class AppointmentError(CrmError):
    """A calendar or appointment change that is refused; ``str`` is English, ``fr`` French."""

    error_id = "invalid_appointment"
    status = 422

    def __init__(self, en: str, fr: str, *, field: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.fr = fr
        self.field = field


def refuse(field: str, en: str, fr: str) -> AppointmentError:
    """The error for a refused value of ``field``, the field named in both messages."""
    return AppointmentError(f"{field}: {en}", f"{field} : {fr}", field=field)


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
    try:
        return fields.text(value, field, max_length, multiline=multiline)
    except CustomerFileError as exc:
        raise AppointmentError(exc.en, exc.fr, field=field) from None
