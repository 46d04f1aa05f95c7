"""The pages' texts in French and English, and the language a request is answered in.

Texts are gettext messages whose ids are the English text; the catalogues are the ``.po`` files
under ``web/locale`` (``fr`` translates every message, ``en`` may refine one), read with Babel
and compiled in memory the first time a language is needed, so editing a ``.po`` file needs no
build step. ``tests/web/test_i18n.py`` checks that every message the templates and the page
modules use has its French translation.

The language: the one asked for in the URL (``?lang=en``, remembered in a cookie and, for a
logged-in user, in their account), else the user's own, else the cookie's, else the tenant's,
else the browser's first choice, else French.
"""

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request

from callfloor.core.config import Locale
from callfloor.storage.models import Tenant, User

LANG_COOKIE = "callfloor_lang"
LOCALES = Path(__file__).parent / "locale"
DOMAIN = "messages"


def catalogue_path(lang: Locale) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALES / lang.value / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: Locale) -> NullTranslations:
    """The compiled catalogue of ``lang`` (an empty one when it has no file)."""
    path = catalogue_path(lang)
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang.value, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _known(value: str | None) -> Locale | None:
    if value is None:
        return None
    short = value.strip().lower()[:2]
    return Locale(short) if short in {"fr", "en"} else None


def asked(request: Request) -> Locale | None:
    """The language the URL asks for (``?lang=``), if any."""
    return _known(request.query_params.get("lang"))


def language(request: Request, user: User | None = None, tenant: Tenant | None = None) -> Locale:
    """The language to answer ``request`` in (see the module's docstring for the order)."""
    accept = request.headers.get("accept-language", "").split(",")[0]
    for candidate in (
        request.query_params.get("lang"),
        user.locale if user is not None else None,
        request.cookies.get(LANG_COOKIE),
        tenant.locale if tenant is not None else None,
        accept,
    ):
        if (found := _known(candidate)) is not None:
            return found
    return Locale.FR
