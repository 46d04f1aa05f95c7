"""``/admin/users``: the tenant's users, their roles, new accounts and deactivation.

The page lists nothing itself: the browser reads and writes ``/api/users``, whose rules (no
demoting or deactivating oneself, unique e-mail) answer in the page's language.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from callfloor.core.roles import Role
from callfloor.web.admin.base import Admin
from callfloor.web.nav import N_
from callfloor.web.pages import ROLE_LABELS
from callfloor.web.render import page

router = APIRouter(include_in_schema=False)

#: The roles an admin can give, in the order the form offers them.
ROLES = [Role.AGENT, Role.SUPERVISOR, Role.ADMIN, Role.CLIENT_VIEWER]
#: The texts the page's script shows, translated when the page renders.
TEXTS = {
    "active": N_("Active"),
    "inactive": N_("Inactive"),
    "deactivate": N_("Deactivate"),
    "reactivate": N_("Reactivate"),
    "role_of": N_("Role of %(name)s"),
    "saved": N_("Saved."),
    "created": N_("Account created for %(email)s. Password, shown only once: %(password)s"),
}


@router.get("/admin/users")
def users_page(request: Request, who: Admin) -> HTMLResponse:
    """The users table and the new-user form."""
    roles = [(role.value, ROLE_LABELS[role.value]) for role in ROLES]
    return page(request, "admin/users.html", user=who.user, session=who.session, roles=roles, texts=TEXTS)
