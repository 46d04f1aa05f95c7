"""The pages' message catalogues: the messages the code uses, and bringing the ``.po`` files up to date.

``python -m callfloor.web.catalogue`` extracts every ``_("…")``, ``ngettext(…)`` and ``N_("…")``
of the templates and of the web modules, adds the new ones to each language's ``.po`` file (an
empty translation for a translator to fill in), keeps the translations there and drops the
messages no longer used. The French catalogue must translate all of them
(``tests/web/test_i18n.py``); English ids are English already.
"""

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from callfloor.core.config import Locale
from callfloor.web.i18n import DOMAIN, catalogue_path

WEB = Path(__file__).resolve().parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}


def messages() -> Iterator[tuple[str, str, int]]:
    """Every message id used, with the file and line that use it."""
    for filename, lineno, message, _comments, _context in extract_from_dir(
        WEB, METHODS, OPTIONS, DEFAULT_KEYWORDS, strip_comment_tags=True
    ):
        ids = message if isinstance(message, tuple) else (message,)
        yield from ((text, filename, lineno) for text in ids if text)


def update() -> dict[Locale, int]:
    """Bring each language's catalogue up to date; how many messages each lacks a translation for
    (English apart: its ids are its texts)."""
    used = Catalog(domain=DOMAIN)
    for text, filename, lineno in messages():
        used.add(text, locations=[(filename, lineno)])
    missing = {}
    for lang in Locale:
        path = catalogue_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as po:
                catalog = read_po(po, locale=lang.value, domain=DOMAIN)
        else:
            catalog = Catalog(locale=lang.value, domain=DOMAIN, project="callfloor")
        catalog.update(used, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as po:
            write_po(po, catalog, width=100, sort_output=True, include_previous=False, include_lineno=False)
        missing[lang] = sum(1 for m in catalog if m.id and not m.string)
    return {lang: count for lang, count in missing.items() if lang is not Locale.EN}


if __name__ == "__main__":
    for lang, count in update().items():
        print(f"{lang.value}: {count} untranslated")
