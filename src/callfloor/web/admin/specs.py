"""Generic admin pages over the spec APIs: agents, skills, numbers, dispositions; queues and hours too.

Each kind is a list and a JSON form of one object as its API takes it; the browser reads and
writes the API, and shows its 422 messages (with the fields they name) next to the form. The
pages know each API's shape only through :class:`Kind`: its path, the field that names an
object, how it is written, which fields an edit may send. Queues and business hours, edited
every day, have forms of their own (:mod:`.queue_form`, :mod:`.schedule_form`); their JSON
pages stay, unlisted, for what a form does not show, and the forms link to them.
"""

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from callfloor.web.access import not_found
from callfloor.web.admin.base import Admin
from callfloor.web.nav import N_
from callfloor.web.render import page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of object and how its API is used."""

    slug: str
    label: str
    hint: str
    api: str
    key: str = "name"  # the field that names an object in the list
    update: str = "PUT"  # PUT replaces the whole spec; PATCH sends only ``fields``
    fields: tuple[str, ...] = ()  # what an edit sends (empty: everything but ``dropped``)
    dropped: tuple[str, ...] = ("id",)
    single: bool = False  # one object per tenant, read and replaced at ``api``
    listed: bool = True  # in the index and the menu (else reached from its form)
    example: dict[str, Any] = field(default_factory=dict)  # a new object's starting point


KINDS: tuple[Kind, ...] = (
    Kind("agents", N_("Agents"), N_("Extensions, skills, chat and e-mail capacity."), "/api/agents",
         key="extension", update="PATCH",
         fields=("extension", "skills", "max_chats", "max_emails", "auto_answer"),
         example={"user_id": 0, "extension": "2002", "skills": {}}),
    Kind("skills", N_("Skills"), N_("What agents know, and queues ask for."), "/api/skills",
         example={"name": "new_skill"}),
    Kind("queues-json", N_("Queues in JSON"), N_("Strategy, skills, steps, overflow."), "/api/queues",
         example={"name": "new_queue"}, listed=False),
    Kind("numbers", N_("Numbers"), N_("Which queue or flow each number leads to."), "/api/numbers",
         key="number", example={"number": "0800000000", "queue": "support"}),
    Kind("dispositions", N_("Dispositions"), N_("Call outcomes agents choose."), "/api/dispositions",
         key="code", example={"code": "new_code", "label": {"fr": "Libellé", "en": "Label"}}),
    Kind("pause-reasons", N_("Pause reasons"), N_("Why agents pause, in the desk's order."),
         "/api/pause-reasons", single=True, dropped=("default",)),
    Kind("schedule-json", N_("Business hours in JSON"), N_("Opening hours, closures, holidays."),
         "/api/schedule", single=True, dropped=("default",), listed=False),
)  # fmt: skip
_BY_SLUG = {kind.slug: kind for kind in KINDS}
TEXTS = {
    "saved": N_("Saved."),
    "deleted": N_("Deleted."),
    "edit": N_("Edit"),
    "delete": N_("Delete"),
    "confirm_delete": N_("Delete %(name)s?"),
    "editing": N_("Editing %(name)s"),
    "creating": N_("New"),
    "not_json": N_("This is not valid JSON: %(error)s"),
}


@router.get("/admin/{slug}")
def kind_page(request: Request, who: Admin, slug: str) -> HTMLResponse:
    """The list and the form of one kind."""
    kind = _BY_SLUG.get(slug)
    if kind is None:
        raise not_found()
    return page(request, "admin/specs.html", user=who.user, session=who.session, kind=kind, texts=TEXTS)
