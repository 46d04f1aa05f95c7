"""Rendering a page: the template, the language, the user's menu and formats.

Every page goes through :func:`page`, so each template gets the same values: ``lang``, ``_``
and ``ngettext`` (the catalogue of the language), ``fmt`` (:class:`~callfloor.web.formats.Formats`
in the tenant's zone), ``me`` (the user, or None), ``tenant`` ``sections`` (the menu) and
``texts`` (the messages a page's script shows, translated).
A ``?lang=`` in the URL is remembered: in a cookie, and in the account of a logged-in user.
"""

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from callfloor.core.roles import Role
from callfloor.storage.models import Tenant, User
from callfloor.web.formats import Formats
from callfloor.web.i18n import LANG_COOKIE, asked, language, translations
from callfloor.web.nav import sections_for

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
DEFAULT_ZONE = "Europe/Paris"


def page(
    request: Request,
    name: str,
    *,
    user: User | None = None,
    session: Session | None = None,
    status: int = 200,
    texts: dict[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    """``name`` rendered for ``request`` (and ``user``, when logged in); ``texts`` (catalogue
    messages by key) are given to the template translated, as ``texts``, for its scripts."""
    tenant = session.get(Tenant, user.tenant_id) if session is not None and user and user.tenant_id else None
    lang = language(request, user, tenant)
    chosen = asked(request)
    if chosen is not None and user is not None and session is not None and user.locale != chosen.value:
        user.locale = chosen.value  # the request's transaction commits it
        session.flush()
    catalogue = translations(lang)
    context = {
        "lang": lang.value,
        "_": catalogue.gettext,
        "ngettext": catalogue.ngettext,
        "fmt": Formats(lang, ZoneInfo(tenant.timezone if tenant else DEFAULT_ZONE)),
        "me": user,
        "tenant": tenant,
        "sections": sections_for(Role(user.role)) if user is not None else [],
        "texts": {key: catalogue.gettext(message) for key, message in (texts or {}).items()},
        **values,
    }
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if asked(request) is not None:
        response.set_cookie(LANG_COOKIE, lang.value, max_age=365 * 86400, samesite="lax")
    return response
