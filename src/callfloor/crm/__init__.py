"""The customer file (CRM): contacts and accounts, their history, tickets, sales, appointments.

Built into callfloor so that a center needs no second product, and able to sit beside an
existing CRM through import/export and webhooks. Models live in :mod:`callfloor.storage`;
this package holds the rules (search, duplicates and merge, SLAs, quote totals, free slots)
and the tenant-scoped services the API and the agent desktop call.

Errors: :class:`CrmError` is the root of the exceptions raised here. :class:`CustomerFileError`
(bad contact or account data, with French and English messages) derives from it, and
:class:`CustomFieldError` (a custom value that its definition refuses), :class:`DuplicateKeyError`
(a customer number or custom field key already used) and :class:`MergeError` (a contact merged
with itself) from that.
"""


class CrmError(Exception):
    """Root of the CRM's exceptions."""


class CustomerFileError(CrmError):
    """A change to contacts or accounts that is refused, told in English (``str``) and French.

    ``error_id`` is stable for clients; ``status`` is the HTTP status the API answers with.
    """

    error_id = "invalid_customer_data"
    status = 422

    def __init__(self, en: str, fr: str, *, field: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.fr = fr
        self.field = field


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
