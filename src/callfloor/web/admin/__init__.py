"""The admin console: the tenant's users, IVR flows, campaigns and floor objects, for admins only.

Each page family is a module with its own router; this one gathers them and serves ``/admin``,
the index of what exists. Pages read through the packages and write through the JSON API
from the browser (``static/admin.js``), so the API's role, tenant and validation rules apply.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from callfloor.web.admin import campaigns, ivr, specs, users
from callfloor.web.admin.base import Admin
from callfloor.web.nav import N_
from callfloor.web.render import page

router = APIRouter(include_in_schema=False)

#: The index's entries: where, what, and a line saying what for.
PAGES: list[tuple[str, str, str]] = [
    ("/admin/users", N_("Users and roles"), N_("Accounts, roles, deactivation.")),
    ("/admin/ivr", N_("IVR flows"), N_("Voice menus, their versions, rollback.")),
    ("/admin/campaigns", N_("Campaigns and lists"), N_("Outbound campaigns and contact list imports.")),
    *((f"/admin/{kind.slug}", kind.label, kind.hint) for kind in specs.KINDS),
]


@router.get("/admin")
def index(request: Request, who: Admin) -> HTMLResponse:
    """Links to every admin page."""
    return page(request, "admin/index.html", user=who.user, session=who.session, pages=PAGES)


for family in (users, ivr, campaigns, specs):
    router.include_router(family.router)
