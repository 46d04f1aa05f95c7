"""The customer file (CRM): contacts and accounts, their history, tickets, sales, appointments.

Built into callfloor so that a center needs no second product, and able to sit beside an
existing CRM through import/export and webhooks. Models live in :mod:`callfloor.storage`;
this package holds the rules (search, duplicates and merge, SLAs, quote totals, free slots)
and the tenant-scoped services the API and the agent desktop call.

Errors: :class:`CrmError` is the root of the exceptions raised here.
"""


class CrmError(Exception):
    """Root of the CRM's exceptions."""
