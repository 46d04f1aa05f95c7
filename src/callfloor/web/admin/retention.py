"""``/admin/retention``: how long the tenant keeps its call recordings, queue by queue.

A recording's deletion date is set when it is made (the call's start plus its queue's
``recording_retention_days``), and the purge (``callfloor recordings purge``) deletes it once
that date is past; so a new duration applies to calls recorded afterwards. The page is a table
of the queues with their recording mode and a number of days each; the browser writes each
changed queue through ``/api/queues`` (``static/admin_forms.js``), the path the queue form and
the JSON editor take. Nothing else is deleted on a schedule: call records and the customer file
stay until a person's data is erased (the right to erasure), which the page says.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from callfloor.center.apply import queue_spec
from callfloor.storage.scope import TenantScope
from callfloor.web.admin.base import Admin
from callfloor.web.admin.queue_form import RECORDING
from callfloor.web.nav import N_
from callfloor.web.render import page

router = APIRouter(include_in_schema=False)
#: Six months, the longest the CNIL recommends keeping recordings made to train or assess staff.
ADVISED_DAYS = 183
TEXTS = {
    "saved": N_("Saved."),
    "unchanged": N_("Nothing to save: no duration changed."),
    "longer": N_("Longer than six months."),
}


@router.get("/admin/retention")
def retention_page(request: Request, who: Admin) -> HTMLResponse:
    """Each queue's recording mode and the days its recordings are kept."""
    queues = [(row.id, queue_spec(row)) for row in TenantScope(who.session, who.tenant_id).queues.list()]
    return page(
        request, "admin/retention.html", user=who.user, session=who.session, queues=queues,
        recording=RECORDING, advised=ADVISED_DAYS, texts=TEXTS,
    )  # fmt: skip
