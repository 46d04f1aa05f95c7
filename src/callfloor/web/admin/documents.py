"""Campaign documents edited in the console: call scripts (argumentaires) and surveys.

``/admin/scripts`` lists the tenant's scripts with the campaigns that use them;
``/admin/scripts/{id}`` (``/admin/scripts/new`` for a new one) is a form: the name, the
campaigns the script is attached to, and its body in YAML (start, pages, objections), the
branching structure people write best as text. ``POST /admin/scripts/check`` reads that YAML as
the API's spec and the core checker do, and answers the spec as ``/api/scripts`` takes it, or
each problem at its line (a wrong name at the name field), with the warnings and a preview of
what an agent sees first. The browser then writes the script through ``/api/scripts`` and the
campaigns' ``script`` through ``/api/campaigns`` (``static/admin_documents.js``), so the API's
role, tenant, validation and audit apply. Surveys are the same at ``/admin/surveys``.

A :class:`DocumentKind` says what differs: the API resource, the campaign field, the checker,
the preview and a new document's starting text.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, TypeAdapter, ValidationError

from callfloor.api.resources import SpecResource
from callfloor.center.schema import Name
from callfloor.center.scripts import SCRIPT_CHECKS
from callfloor.core.config import Locale
from callfloor.core.scripts import Problem, Severity
from callfloor.outbound.campaigns import Campaigns
from callfloor.storage.scope import TenantScope
from callfloor.web.access import Viewer, not_found
from callfloor.web.admin.base import Admin, fragment, language_of
from callfloor.web.admin.yaml_check import (
    LineProblem,
    as_yaml,
    at_line,
    by_line,
    read_mapping,
    validation_lines,
)
from callfloor.web.i18n import translations
from callfloor.web.nav import N_
from callfloor.web.render import page
from callfloor.yamlfile import YamlDocument

MAX_YAML = 200_000
_NAME: TypeAdapter[str] = TypeAdapter(Name)
BAD_NAME = N_("A name is 1 to 64 letters, digits, _ . or -, starting with a letter or a digit.")
STAND_IN = "document"  # the name the body is checked under while the one given is wrong
TEXTS = {
    "saved": N_("Saved."),
    "deleted": N_("Deleted."),
    "line": N_("Line %(line)s"),
    "checked": N_("No error: the preview shows the first step."),
    "attached_first": N_("Detach it from its campaigns first."),
    "confirm_delete": N_("Delete %(name)s?"),
}


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """One kind of campaign document and what the console needs to know of it."""

    slug: str  # the pages' and the API's path: /admin/<slug>, /api/<slug>
    title: str  # the list's heading, a catalogue message
    heading: str  # one document's heading, "%(name)s" in it
    body_label: str  # the YAML editor's label
    help: str  # what the YAML holds, under the editor
    campaign_field: str  # the campaign's field that names a document of this kind
    resource: SpecResource[Any, Any]
    problems: Callable[[Any], list[Problem]]  # the core checker's errors and warnings
    preview: Callable[[Any, Locale], dict[str, Any] | None]  # what ``_<slug>_preview.html`` shows
    expected: str  # what a body is, said when it is not a mapping
    example: dict[str, Any]  # a new document's body

    @property
    def api(self) -> str:
        """The API's collection."""
        return f"/api/{self.slug}"


@dataclass(frozen=True, slots=True)
class Checked:
    """What the YAML check found: the spec (none while an error remains), problems by line or field."""

    spec: BaseModel | None
    problems: list[LineProblem]
    warnings: list[LineProblem]
    fields: dict[str, str]
    preview: dict[str, Any] | None = None


def document_router(kind: DocumentKind) -> APIRouter:
    """The list page, the edit page and the check of ``kind``."""
    router = APIRouter(include_in_schema=False)

    @router.get(f"/admin/{kind.slug}")
    def list_page(request: Request, who: Admin) -> HTMLResponse:
        """The tenant's documents, each with the campaigns that use it."""
        rows = sorted(kind.resource.repository(_scope(who)).list(), key=lambda d: d.name)
        users = _campaign_names(who, kind)
        listed = [(row, users.get(row.name, [])) for row in rows]
        return page(
            request, "admin/documents.html", user=who.user, session=who.session, kind=kind, rows=listed
        )

    @router.get(f"/admin/{kind.slug}/new")
    def new_page(request: Request, who: Admin) -> HTMLResponse:
        """The form of a new document, from an example."""
        return _edit(request, who, kind, None, as_yaml(kind.example))

    @router.get(f"/admin/{kind.slug}/{{document_id}}")
    def edit_page(request: Request, who: Admin, document_id: int) -> HTMLResponse:
        """The form of one document of the tenant (another tenant's is 404)."""
        found = kind.resource.repository(_scope(who)).get(document_id)
        if found is None:
            raise not_found()
        return _edit(request, who, kind, found, as_yaml(dict(found.definition)))

    @router.post(f"/admin/{kind.slug}/check")
    def check_yaml(
        request: Request,
        who: Admin,
        name: Annotated[str, Body(max_length=200)],
        text: Annotated[str, Body(alias="yaml", max_length=MAX_YAML)],
    ) -> dict[str, Any]:
        """The spec as the API takes it when the YAML holds together, else its problems; the
        warnings and the preview either way (the preview once the form is right)."""
        lang = language_of(request, who)
        found = check(kind, name, text, lang)
        preview = found.preview
        return {
            "spec": found.spec.model_dump(mode="json", by_alias=True) if found.spec else None,
            "problems": found.problems,
            "warnings": found.warnings,
            "fields": found.fields,
            "preview": fragment(f"admin/_{kind.slug}_preview.html", lang, preview=preview) if preview else "",
        }

    return router


def check(kind: DocumentKind, name: str, text: str, lang: Locale) -> Checked:
    """Read ``text`` as the body of a document called ``name``: the form first, then the checker.
    A wrong name is said at its field, and the body is still checked (under a stand-in name)."""
    doc = read_mapping(text, kind.slug, kind.expected)
    fields = _name_problems(name, lang)
    if not isinstance(doc, YamlDocument):
        return Checked(None, doc, [], fields)
    named = [at_line(doc, ("name",), "the name is written in the Name field")] if "name" in doc.data else []
    body = {**doc.data, "name": STAND_IN if fields else name}
    try:
        spec = kind.resource.spec.model_validate(body, context={SCRIPT_CHECKS: False})
    except ValidationError as exc:
        return Checked(None, by_line(named + validation_lines(doc, exc.errors())), [], fields)
    found = kind.problems(spec)
    errors = named + _lines(doc, found, Severity.ERROR, lang)
    warnings = _lines(doc, found, Severity.WARNING, lang)
    usable = spec if not errors and not fields else None
    return Checked(usable, by_line(errors), by_line(warnings), fields, kind.preview(spec, lang))


def _name_problems(name: str, lang: Locale) -> dict[str, str]:
    """What is wrong with a document's name, at the name field."""
    try:
        _NAME.validate_python(name)
    except ValidationError:
        return {"name": translations(lang).gettext(BAD_NAME)}
    return {}


def _lines(doc: YamlDocument, problems: list[Problem], severity: Severity, lang: Locale) -> list[LineProblem]:
    shown = [p for p in problems if p.severity is severity]
    return [at_line(doc, p.location, p.fr if lang is Locale.FR else p.en) for p in shown]


def _edit(request: Request, who: Viewer, kind: DocumentKind, found: Any, text: str) -> HTMLResponse:
    """The form of ``found`` (None: a new document)."""
    name = found.name if found is not None else ""
    lang = language_of(request, who)
    campaigns = Campaigns(who.session, who.tenant_id).repository.ordered()
    attached = [(c, bool(name) and getattr(c, kind.campaign_field) == name) for c in campaigns]
    preview = check(kind, name, text, lang).preview
    return page(
        request, "admin/document.html", user=who.user, session=who.session, kind=kind, document=found,
        doc_name=name, text=text, campaigns=attached, texts={**TEXTS, "heading": kind.heading},
        preview=fragment(f"admin/_{kind.slug}_preview.html", lang, preview=preview) if preview else "",
    )  # fmt: skip


def _campaign_names(who: Viewer, kind: DocumentKind) -> dict[str, list[str]]:
    """The campaigns naming each document."""
    names: dict[str, list[str]] = {}
    for campaign in Campaigns(who.session, who.tenant_id).repository.ordered():
        used = getattr(campaign, kind.campaign_field)
        if used:
            names.setdefault(used, []).append(campaign.name)
    return names


def _scope(who: Viewer) -> TenantScope:
    return TenantScope(who.session, who.tenant_id)
