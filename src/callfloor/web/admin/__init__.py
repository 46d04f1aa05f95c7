"""The admin console: the tenant's users, floor objects, IVR flows, campaigns and their documents.

Each page family is a module with its own router; this one gathers them and serves ``/admin``,
the index of what exists (also the console's own menu, as the templates' ``admin_pages``).
Pages read through the packages and write through the JSON API from the browser
(``static/admin*.js``), so the API's role, tenant and validation rules apply; the few POSTs of
the pages themselves (checking a YAML text or a schedule, reading a file's columns) write
nothing and are admins' only, like every page here.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from callfloor.web.admin import (
    campaigns,
    ivr,
    queue_form,
    retention,
    schedule_form,
    scripts,
    specs,
    surveys,
    thresholds,
    users,
)
from callfloor.web.admin.base import Admin
from callfloor.web.nav import N_
from callfloor.web.render import page, templates

router = APIRouter(include_in_schema=False)

#: The index's entries: where, what, and a line saying what for.
PAGES: list[tuple[str, str, str]] = [
    ("/admin/users", N_("Users and roles"), N_("Accounts, roles, deactivation.")),
    ("/admin/queues", N_("Queues"), N_("Strategy, skills and their steps, waiting, wrap-up, overflow.")),
    ("/admin/schedule", N_("Business hours"), N_("Opening hours, closures, public holidays.")),
    ("/admin/ivr", N_("IVR flows"), N_("Voice menus, their versions, rollback.")),
    ("/admin/campaigns", N_("Campaigns and lists"), N_("Outbound campaigns and contact list imports.")),
    ("/admin/scripts", scripts.KIND.title, N_("What agents say on a campaign's calls, page by page.")),
    ("/admin/surveys", surveys.KIND.title, N_("Questions agents ask, and when.")),
    ("/admin/retention", N_("Retention"), N_("How long call recordings are kept.")),
    ("/admin/thresholds", N_("Wallboard thresholds"), N_("When the wallboard's figures turn amber or red.")),
    *((f"/admin/{kind.slug}", kind.label, kind.hint) for kind in specs.KINDS if kind.listed),
]
templates.env.globals["admin_pages"] = PAGES


@router.get("/admin")
def index(request: Request, who: Admin) -> HTMLResponse:
    """Links to every admin page."""
    return page(request, "admin/index.html", user=who.user, session=who.session, pages=PAGES)


# Before ``specs``, whose ``/admin/{slug}`` would take any path of one segment.
for family in (
    users,
    ivr,
    campaigns,
    queue_form,
    schedule_form,
    scripts,
    surveys,
    retention,
    thresholds,
    specs,
):
    router.include_router(family.router)
