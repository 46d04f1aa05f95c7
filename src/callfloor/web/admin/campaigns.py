"""``/admin/campaigns``: the tenant's outbound campaigns, their lists, and importing a contact list.

The upload goes from the browser to ``POST /api/campaigns/{name}/lists`` (CSV or XLSX, an
optional column mapping); the page shows the import's report with each refused line's number,
field and reason. A dry run shows the same report and the columns found, writing nothing.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.lead_rows import LEAD_FIELDS
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
}  # fmt: skip


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
        texts=TEXTS,
    )
