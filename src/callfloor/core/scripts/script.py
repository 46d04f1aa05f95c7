"""A call script (argumentaire): pages of text, the agent's choices between them, objection answers.

A script starts on its ``start`` page. Each page has a title and a text (both in French and
English, with contact variables such as ``{first_name}``), and the choices the agent may click:
each leads to another page, or ends the script (``next`` left out); a choice, or the page the
walk ends on, may suggest a disposition (``sale``, ``refusal``, ``appointment``…) for wrap-up. A
page with no choices is an end page. Objection answers (« Je n'ai pas le temps », « C'est trop
cher ») can be opened from any page, and do not move the walk.

:func:`check` finds, before any agent sees the script:

- errors, which refuse it: no pages, an unknown ``start``, a choice leading to a page that does
  not exist, two choices (or two objections) with one id, a text empty in both languages;
- warnings: a page the start does not reach (a script being edited often keeps one aside), no
  way to end the script from the start, a variable not among those the caller says exist (it
  would show as a placeholder on every call).
"""

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from callfloor.core.scripts import CheckError, Problem, Severity
from callfloor.core.scripts.template import variables_in
from callfloor.core.scripts.wording import Wording

#: The variables the drivers fill from the contact, the account, the lead, the quote and the agent.
STANDARD_VARIABLES = frozenset({
    "civility", "first_name", "last_name", "full_name", "company", "customer_number", "phone",
    "email", "quote_number", "quote_amount", "quote_date", "amount_due", "due_date", "agent_name",
    "campaign", "tenant_name",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Choice:
    """A button on a page: where it leads (None: the script ends), and the disposition it suggests."""

    id: str
    label: Wording
    next: str | None = None
    disposition: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the script; with no choices, the script ends on it."""

    title: Wording
    text: Wording
    choices: tuple[Choice, ...] = ()
    disposition: str | None = None

    def choice(self, choice_id: str) -> Choice | None:
        """The page's choice with this id, or None."""
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True, slots=True)
class Objection:
    """An answer to an objection, open from any page."""

    id: str
    label: Wording
    answer: Wording


@dataclass(frozen=True, slots=True)
class Script:
    """A named script: its pages by id, where it starts, and its objection answers."""

    name: str
    start: str
    pages: Mapping[str, Page]
    objections: tuple[Objection, ...] = ()

    @classmethod
    def checked(
        cls, name: str, start: str, pages: Mapping[str, Page], objections: tuple[Objection, ...] = ()
    ) -> "Script":
        """A script that holds together; :class:`CheckError` lists its errors otherwise."""
        script = cls(name, start, dict(pages), objections)
        errors = [p for p in check(script) if p.severity is Severity.ERROR]
        if errors:
            raise CheckError(errors)
        return script

    def objection(self, objection_id: str) -> Objection | None:
        """The objection answer with this id, or None."""
        return next((o for o in self.objections if o.id == objection_id), None)


def check(script: Script, known_variables: Collection[str] | None = None) -> list[Problem]:
    """Errors and warnings (see the module docstring); variables checked when ``known_variables`` is given."""
    if not script.pages:
        return [Problem("pages", "a script needs at least one page", "un argumentaire a au moins une page")]
    problems = _links(script) + _texts(script)
    if known_variables is not None:
        problems += _variables(script, known_variables)
    if script.start not in script.pages:
        return [
            Problem("start", f"unknown page {script.start!r}", f"page {script.start!r} inconnue"),
            *problems,
        ]
    if any(p.severity is Severity.ERROR for p in problems):
        return problems
    return problems + _reach(script)


def _links(script: Script) -> list[Problem]:
    problems = []
    for page_id, page in script.pages.items():
        seen: set[str] = set()
        for i, choice in enumerate(page.choices):
            where = f"pages.{page_id}.choices.{i}"
            if choice.id in seen:
                problems.append(
                    Problem(
                        f"{where}.id", f"duplicate choice {choice.id!r}", f"choix {choice.id!r} en double"
                    )
                )
            seen.add(choice.id)
            if choice.next is not None and choice.next not in script.pages:
                en, fr = f"unknown page {choice.next!r}", f"page {choice.next!r} inconnue"
                problems.append(Problem(f"{where}.next", en, fr))
    ids = [o.id for o in script.objections]
    problems += [
        Problem(f"objections.{i}.id", f"duplicate objection {o!r}", f"objection {o!r} en double")
        for i, o in enumerate(ids)
        if o in ids[:i]
    ]
    return problems


def _wordings(script: Script) -> Iterator[tuple[str, Wording]]:
    """Every text of the script with its field."""
    for page_id, page in script.pages.items():
        yield f"pages.{page_id}.title", page.title
        yield f"pages.{page_id}.text", page.text
        for i, choice in enumerate(page.choices):
            yield f"pages.{page_id}.choices.{i}.label", choice.label
    for i, objection in enumerate(script.objections):
        yield f"objections.{i}.label", objection.label
        yield f"objections.{i}.answer", objection.answer


def _texts(script: Script) -> list[Problem]:
    return [
        Problem(field, "empty in both languages", "vide dans les deux langues")
        for field, wording in _wordings(script)
        if not any(t.strip() for t in wording.texts())
    ]


def _variables(script: Script, known: Collection[str]) -> list[Problem]:
    problems = []
    for field, wording in _wordings(script):
        used = dict.fromkeys(v for t in wording.texts() for v in variables_in(t))
        for name in used:
            if name not in known:
                en = f"unknown variable {{{name}}}: it will show as a placeholder"
                fr = f"variable {{{name}}} inconnue : elle s'affichera en attente de valeur"
                problems.append(Problem(field, en, fr, Severity.WARNING))
    return problems


def reachable(script: Script) -> list[str]:
    """The pages a walk from the start can reach, in the order a breadth-first walk meets them."""
    seen, queue = [script.start], [script.start]
    while queue:
        page = script.pages[queue.pop(0)]
        for choice in page.choices:
            if choice.next is not None and choice.next not in seen:
                seen.append(choice.next)
                queue.append(choice.next)
    return seen


def _reach(script: Script) -> list[Problem]:
    reached = reachable(script)
    problems = [
        Problem(f"pages.{page_id}", "no choice leads to this page", "aucun choix ne mène à cette page",
                Severity.WARNING)
        for page_id in script.pages
        if page_id not in reached
    ]  # fmt: skip
    if not any(_ends(script.pages[p]) for p in reached):
        en, fr = "no way to end the script from the start", "aucune fin atteignable depuis le début"
        problems.append(Problem("start", en, fr, Severity.WARNING))
    return problems


def _ends(page: Page) -> bool:
    return not page.choices or any(c.next is None for c in page.choices)
