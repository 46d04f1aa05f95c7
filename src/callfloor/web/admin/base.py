"""What every admin page shares: the admin-only access dependency, the viewer's language, fragments."""

from typing import Annotated, Any

from fastapi import Depends, Request

from callfloor.core.config import Locale
from callfloor.core.roles import Role
from callfloor.storage.models import Tenant
from callfloor.web.access import Viewer, viewer
from callfloor.web.i18n import language, translations
from callfloor.web.render import templates

#: The viewer of an admin page; other roles get the 403 page.
Admin = Annotated[Viewer, Depends(viewer(frozenset({Role.ADMIN})))]


def language_of(request: Request, who: Viewer) -> Locale:
    """The language ``who`` reads the console in (as :func:`callfloor.web.render.page` picks it)."""
    return language(request, who.user, who.session.get(Tenant, who.tenant_id))


def fragment(name: str, lang: Locale, **values: Any) -> str:
    """A piece of a page (``templates/admin/_*.html``), in ``lang``, for a script to put in place."""
    catalogue = translations(lang)
    return templates.env.get_template(name).render(
        _=catalogue.gettext, ngettext=catalogue.ngettext, lang=lang.value, **values
    )
