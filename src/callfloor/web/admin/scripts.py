"""``/admin/scripts``: call scripts (argumentaires), their campaigns, and a preview of the first page.

The pages are :mod:`callfloor.web.admin.documents`'; this module says what a script is to them:
the API resource, the campaign field ``script``, the core checker (warnings on variables a
lead does not fill), the preview (the start page as an agent reads it, each variable as the
placeholder shown when a lead lacks it) and a new script's starting text.
"""

from typing import Any

from callfloor.api.routes.campaigns import script_resource
from callfloor.center.scripts import ScriptSpec, script_problems
from callfloor.core.config import Locale
from callfloor.core.scripts.template import render
from callfloor.web.admin.documents import DocumentKind, document_router
from callfloor.web.nav import N_

EXAMPLE: dict[str, Any] = {
    "start": "accueil",
    "pages": {
        "accueil": {
            "title": {"fr": "Accueil", "en": "Greeting"},
            "text": {"fr": "Bonjour {first_name} {last_name}…", "en": "Hello {first_name} {last_name}…"},
            "choices": [
                {"id": "interesse", "label": {"fr": "Intéressé", "en": "Interested"}, "next": "suite"},
                {"id": "refus", "label": {"fr": "Pas intéressé", "en": "Not interested"}},
            ],
        },
        "suite": {"title": {"fr": "Suite", "en": "Next"}, "text": {"fr": "…", "en": "…"}},
    },
    "objections": [],
}


def preview(spec: ScriptSpec, lang: Locale) -> dict[str, Any] | None:
    """The start page: title, text with its variables as placeholders, choices; the objections."""
    start = spec.pages.get(spec.start)
    if start is None:
        return None
    text = render(start.text.wording().text(lang), {}, lang)
    return {
        "title": start.title.wording().text(lang),
        "text": text.text,
        "variables": list(text.missing),
        "choices": [(c.label.wording().text(lang), c.next is None) for c in start.choices],
        "objections": [o.label.wording().text(lang) for o in spec.objections],
    }


KIND = DocumentKind(
    slug="scripts",
    title=N_("Scripts"),
    heading=N_("Script %(name)s"),
    body_label=N_("The script in YAML: start, pages, objections"),
    help=N_(
        "Each page has a title, a text with {variables} and choices; a choice leads to the page named in "
        "next, or ends the script, and may suggest a disposition. Texts are one text or fr: and en:."
    ),
    campaign_field="script",
    resource=script_resource,
    problems=script_problems,
    preview=preview,
    expected="a script is a mapping: start, pages, objections",
    example=EXAMPLE,
)
router = document_router(KIND)
