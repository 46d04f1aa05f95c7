"""The customer file (CRM): contacts and accounts, their history, tickets, sales, appointments.

Built into callfloor so that a center needs no second product, and able to sit beside an
existing CRM through import/export and webhooks. Models live in :mod:`callfloor.storage`;
this package holds the rules (search, duplicates and merge, SLAs, quote totals, free slots)
and the tenant-scoped services the API and the agent desktop call.

Errors: :class:`CrmError` is the root of the exceptions raised here. :class:`RefusalError` derives
from it: a change the customer file refuses, told in English and French with a stable
``error_id`` and the HTTP status the API answers (the API maps the whole family in one place);
each area has its own kind of refusal: :class:`CustomerFileError` (bad contact or account
data), ``TicketError``, ``SalesError``, ``AppointmentError`` (in their ``*_errors`` modules),
``SurveyError`` (survey answers, :mod:`callfloor.crm.surveys`), and
:class:`CustomFieldError` (a custom value that its definition refuses), :class:`DuplicateKeyError`
(a customer number or custom field key already used) and :class:`MergeError` (a contact merged
with itself) from that.
"""

from typing import Self


class CrmError(Exception):
    """Root of the CRM's exceptions."""


class RefusalError(CrmError):
    """A change that is refused, told in English (``str``) and French.

    ``error_id`` is stable for clients; ``status`` is the HTTP status the API answers with;
    ``field`` names the value refused, when one is.
    """

    error_id = "invalid"
    status = 422

    def __init__(self, en: str, fr: str, *, field: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.fr = fr
        self.field = field

    @classmethod
    def of_field(cls, field: str, en: str, fr: str) -> Self:
        """The refusal of a value of ``field``, the field named in both messages."""
        return cls(f"{field}: {en}", f"{field} : {fr}", field=field)


class CustomerFileError(RefusalError):
    """A change to contacts or accounts that is refused."""

    error_id = "invalid_customer_data"


class CustomFieldError(CustomerFileError):
    """A custom value whose key is not defined for the entity, or whose type is wrong."""

    error_id = "invalid_custom_field"


class DuplicateKeyError(CustomerFileError):
    """A customer number or a custom field key already in use in the tenant."""

    error_id = "duplicate"
    status = 409


class MergeError(CustomerFileError):
    """Two contacts that cannot be merged (a contact with itself)."""

    error_id = "cannot_merge"
    status = 409
