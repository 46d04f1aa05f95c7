"""Outbound calling's data: campaigns, their contact lists (imports from CSV and XLSX), the
do-not-call register and the consents to canvassing, on top of :mod:`callfloor.storage.outbound`.

The dialing decisions live in :mod:`callfloor.core.dialer` and the legal checks in
``callfloor.core.compliance``; this package keeps what they read, tenant by tenant.

Errors: :class:`OutboundError` is the root; each carries a stable ``error_id``, the HTTP status
the API answers with, and its message in English (``str``) and French. :class:`CampaignError`
(bad campaign settings), :class:`UnknownCampaignError` (no such campaign in the tenant) and
:class:`MappingError` (a ``--map`` that names a field or a column that does not exist, or a file
without a phone column) derive from it. A file that is no spreadsheet at all raises
:class:`callfloor.crm.sheets.SheetError`, which the CRM's imports raise too. A bad *row* raises
nothing: it is reported with its line and the good rows are imported.
"""


class OutboundError(Exception):
    """Root of the outbound exceptions: a message in English and French, an id, a status."""

    error_id = "invalid_outbound"
    status = 422

    def __init__(self, en: str, fr: str) -> None:
        super().__init__(en)
        self.en = en
        self.fr = fr


class CampaignError(OutboundError):
    """Campaign settings that are refused (an unknown type, a drop rate above 100 %…)."""

    error_id = "invalid_campaign"


class DuplicateCampaignError(CampaignError):
    """A campaign of that name already exists in the tenant."""

    error_id = "duplicate"
    status = 409


class UnknownCampaignError(OutboundError):
    """No campaign of that name in the tenant."""

    error_id = "not_found"
    status = 404

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown campaign {name!r}", f"campagne inconnue {name!r}")
        self.name = name


class MappingError(OutboundError):
    """A column mapping that cannot be applied to the file."""

    error_id = "bad_mapping"
