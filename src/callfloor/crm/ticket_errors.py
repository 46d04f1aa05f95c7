"""The errors of tickets, teams, categories and attachments, told in English and French.

Each carries a stable ``error_id`` for clients and the HTTP ``status`` the API answers with, so
routes map the whole family in one place; ``field`` names the value refused, when one is.
"""

from callfloor.crm import RefusalError, fields


class TicketError(RefusalError):
    """A ticket change that is refused."""

    error_id = "invalid_ticket"


refuse = TicketError.of_field


class StatusMoveError(TicketError):
    """A status change the ticket table forbids from where the ticket is."""

    error_id = "illegal_status_change"
    status = 409


class EscalationError(TicketError):
    """An escalation of a ticket already at level 2, or no longer being worked."""

    error_id = "cannot_escalate"
    status = 409


class TicketClosedError(TicketError):
    """A change to a closed ticket: its file is final."""

    error_id = "ticket_closed"
    status = 409


class DuplicateNameError(TicketError):
    """A team or category name already used in the tenant."""

    error_id = "duplicate"
    status = 409


class AttachmentTypeError(TicketError):
    """A file whose content type is not accepted, or whose bytes are not what it claims."""

    error_id = "unsupported_media_type"
    status = 415


class AttachmentSizeError(TicketError):
    """A file larger than attachments may be."""

    error_id = "too_large"
    status = 413


def text(value: str, field: str, max_length: int, *, multiline: bool = False) -> str:
    """The customer file's text rule (:func:`callfloor.crm.fields.text`), refusals told as tickets'."""
    return fields.text_as(TicketError, value, field, max_length, multiline=multiline)
