"""``/admin/campaigns``: the tenant's outbound campaigns, their lists, and importing a contact list.

The upload goes from the browser to ``POST /api/campaigns/{name}/lists`` (CSV or XLSX, an
optional column mapping); the page shows the import's report with each refused line's number,
field and reason. A dry run shows the same report and the columns found, writing nothing.

Before the upload, the page shows the file's columns with their first values and the field
each is taken as, and lets the admin choose another (``static/admin_mapping.js``): the choices
are written as the import's ``map`` (``phone=Portable, data.promo=Code promo``).
``POST /admin/campaigns/columns`` reads the columns as the import does (the same reader, the
same recognition of usual headers); the browser sends it a CSV file's first lines only.
"""

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse

from callfloor.api.errors import ApiError
from callfloor.api.routes.outbound_imports import MAX_SIZE
from callfloor.crm.sheets import SheetError, read_sheet
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.lead_rows import LEAD_FIELDS
from callfloor.outbound.mapping import plan
from callfloor.web.admin.base import Admin
from callfloor.web.nav import N_
from callfloor.web.render import page

router = APIRouter(include_in_schema=False)
TEXTS = {
    "report": N_("%(rows)s lines read: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                 "%(merged)s merged, %(refused)s refused."),
    "dry_run": N_("Dry run: nothing was written."),
    "columns": N_("Columns used: %(columns)s"),
    "ignored": N_("Columns ignored: %(columns)s"),
    "twice": N_("%(field)s is chosen for two columns."),
    "no_phone": N_("Choose the column of the phone number."),
    "comma": N_("A column whose name holds a comma cannot be mapped: rename it in the file."),
    "bad_key": N_("Lower-case letters, digits and _, starting with a letter."),
    "recognised": N_("Taken as %(field)s by its name unless another column is chosen for it."),
    "field_of": N_("Field of the column %(column)s"),
    "key_of": N_("Key of the extra data of the column %(column)s"),
}  # fmt: skip
#: How the form names the import's fields (a field missing here shows by its name).
FIELD_LABELS = {
    "phone": N_("Phone"), "first_name": N_("First name"), "last_name": N_("Last name"),
    "company": N_("Company"), "email": N_("E-mail address"), "postal_code": N_("Postal code"),
    "country": N_("Country"), "subdivision": N_("Region"), "zone": N_("Time zone"),
    "priority": N_("Priority"),
    "customer_number": N_("Customer number"), "quote_number": N_("Quote number"),
    "quote_amount": N_("Quote amount"), "quote_sent_at": N_("Quote sent on"), "amount_due": N_("Amount due"),
    "due_date": N_("Due date"), "b2b": N_("Business customer"), "customer": N_("Existing customer"),
    "notes": N_("Notes"),
}  # fmt: skip
#: The import's fields, none required: to say what each column is taken as, even with no phone yet.
_OPTIONAL = tuple(replace(f, required=False) for f in LEAD_FIELDS)
SAMPLES = 3


@router.get("/admin/campaigns")
def campaigns_page(request: Request, who: Admin) -> HTMLResponse:
    """Campaigns with their lists, and the list import form."""
    campaigns = Campaigns(who.session, who.tenant_id)
    rows = [(campaign, campaigns.lists(campaign)) for campaign in campaigns.repository.ordered()]
    return page(
        request,
        "admin/campaigns.html",
        user=who.user,
        session=who.session,
        campaigns=rows,
        fields=[f.name for f in LEAD_FIELDS],
        labels=[(f.name, FIELD_LABELS.get(f.name, f.name)) for f in LEAD_FIELDS],
        texts=TEXTS,
    )


@router.post("/admin/campaigns/columns")
def columns(who: Admin, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """The file's columns: name, first values, the field the import takes it as (null: none)."""
    data = file.file.read(MAX_SIZE + 1)
    if len(data) > MAX_SIZE:
        raise ApiError(413, "too_large", "Fichier trop grand.", "File too large.")
    try:
        sheet = read_sheet(data, file.filename or "")
    except SheetError as exc:
        raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc
    taken = {index: field for field, index in plan(sheet.header, _OPTIONAL, data_fields=True).columns.items()}
    first = [cells for _line, cells in sheet.rows[:SAMPLES]]
    return {
        "columns": [
            {"name": name, "field": taken.get(index), "samples": [r[index] for r in first if index < len(r)]}
            for index, name in enumerate(sheet.header)
        ]
    }
