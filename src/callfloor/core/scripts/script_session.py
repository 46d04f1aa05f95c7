"""One agent's walk through a script: the page shown, the choices made, back, the end.

Theory of operation. The walk is the list of steps taken, each a page and what the agent did
there: a choice, or ``finish`` (the call ended on that page). The current page and the state
follow from it: the start page when no step was taken, else where the last choice led;
``ended`` when the last step was a choice that ends the script, or a finish. ``back`` removes
the last step, so it undoes a choice and reopens an ended script alike. The steps each state
allows are a table (:data:`TRANSITIONS`): a step it lacks raises :class:`IllegalStep`, named,
and leaves the walk as it was.

Objection answers open from any page without moving the walk; the session keeps which were
opened, in order, for the campaign's statistics (which objections come up, and where).

The view (:meth:`ScriptSession.view`) is what the agent desktop shows: the page's title and
text with the contact's variables put in, the choices, the variables missing, and the
disposition the walk suggests for wrap-up.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from enum import StrEnum

from callfloor.core.config import Locale
from callfloor.core.scripts import CheckError, IllegalStep, Severity
from callfloor.core.scripts.script import Choice, Script, check
from callfloor.core.scripts.template import render
from callfloor.core.scripts.values import Value


class ScriptState(StrEnum):
    """Where the walk stands."""

    ON_PAGE = "on_page"
    ENDED = "ended"


class Step(StrEnum):
    """What the agent may do."""

    CHOOSE = "choose"
    BACK = "back"
    FINISH = "finish"


#: The steps each state allows.
TRANSITIONS: Mapping[ScriptState, frozenset[Step]] = {
    ScriptState.ON_PAGE: frozenset({Step.CHOOSE, Step.BACK, Step.FINISH}),
    ScriptState.ENDED: frozenset({Step.BACK}),
}


@dataclass(frozen=True, slots=True)
class Taken:
    """One step of the walk: the page, and the choice made there (None: finished on it)."""

    page: str
    choice: str | None


@dataclass(frozen=True, slots=True)
class ChoiceView:
    """A choice as the desktop shows it."""

    id: str
    label: str
    ends: bool


@dataclass(frozen=True, slots=True)
class PageView:
    """The page as the desktop shows it, variables put in."""

    page: str
    title: str
    text: str
    choices: tuple[ChoiceView, ...]
    missing: tuple[str, ...]
    state: ScriptState
    can_go_back: bool
    disposition: str | None


class ScriptSession:
    """A walk through ``script`` with one contact's variables, shown in ``locale``.

    The script must hold together (:class:`CheckError` otherwise): every page a choice names exists.
    """

    def __init__(
        self,
        script: Script,
        variables: Mapping[str, Value],
        locale: Locale = Locale.FR,
        zone: tzinfo | None = None,
    ) -> None:
        errors = [p for p in check(script) if p.severity is Severity.ERROR]
        if errors:
            raise CheckError(errors)
        self.script = script
        self.variables = dict(variables)
        self.locale = locale
        self.zone = zone
        self.path: list[Taken] = []
        self.objections_opened: list[tuple[str, str]] = []  # (objection, page it was opened on)

    @classmethod
    def replay(
        cls,
        script: Script,
        variables: Mapping[str, Value],
        steps: Sequence[str | None],
        locale: Locale = Locale.FR,
        zone: tzinfo | None = None,
    ) -> "ScriptSession":
        """A walk rebuilt from the choices made (None: finish), each checked as if clicked again.

        The desktop may keep only its list of choices between requests; the server replays it.
        """
        session = cls(script, variables, locale, zone)
        for step in steps:
            if step is None:
                session.finish()
            else:
                session.choose(step)
        return session

    @property
    def page_id(self) -> str:
        """The page shown (the one the walk ended on, once ended)."""
        if not self.path:
            return self.script.start
        last = self.path[-1]
        chosen = self._choice(last)
        return chosen.next if chosen is not None and chosen.next is not None else last.page

    @property
    def state(self) -> ScriptState:
        """On a page, or ended."""
        if not self.path:
            return ScriptState.ON_PAGE
        chosen = self._choice(self.path[-1])
        return ScriptState.ENDED if chosen is None or chosen.next is None else ScriptState.ON_PAGE

    def _choice(self, step: Taken) -> Choice | None:
        return None if step.choice is None else self.script.pages[step.page].choice(step.choice)

    def _allow(self, step: Step) -> None:
        if step not in TRANSITIONS[self.state]:
            en, fr = "the script has ended: go back first", "l'argumentaire est terminé : revenir d'abord"
            raise IllegalStep(self.state.value, step.value, en, fr)

    def choose(self, choice_id: str) -> None:
        """Take a choice of the current page."""
        self._allow(Step.CHOOSE)
        page = self.page_id
        if self.script.pages[page].choice(choice_id) is None:
            en, fr = (
                f"no choice {choice_id!r} on page {page!r}",
                f"pas de choix {choice_id!r} en page {page!r}",
            )
            raise IllegalStep(self.state.value, Step.CHOOSE.value, en, fr)
        self.path.append(Taken(page, choice_id))

    def finish(self) -> None:
        """End the script on the current page (the call ended here)."""
        self._allow(Step.FINISH)
        self.path.append(Taken(self.page_id, None))

    def back(self) -> None:
        """Undo the last step: the page before, or the script reopened on its last page."""
        self._allow(Step.BACK)
        if not self.path:
            en, fr = "already on the first page", "déjà sur la première page"
            raise IllegalStep(self.state.value, Step.BACK.value, en, fr)
        self.path.pop()

    def open_objection(self, objection_id: str) -> tuple[str, str]:
        """The label and answer of an objection, in the session's language, noted as opened here."""
        objection = self.script.objection(objection_id)
        if objection is None:
            en, fr = f"no objection {objection_id!r}", f"pas d'objection {objection_id!r}"
            raise IllegalStep(self.state.value, "open_objection", en, fr)
        self.objections_opened.append((objection_id, self.page_id))
        return self._text(objection.label.text(self.locale)), self._text(objection.answer.text(self.locale))

    def suggested_disposition(self) -> str | None:
        """The latest disposition the walk met: a page's when reached, a choice's when taken."""
        found: str | None = self.script.pages[self.script.start].disposition
        for step in self.path:
            chosen = self._choice(step)
            if chosen is not None:
                found = chosen.disposition or found
                if chosen.next is not None:
                    found = self.script.pages[chosen.next].disposition or found
        return found

    def view(self) -> PageView:
        """The current page as the agent desktop shows it."""
        page = self.script.pages[self.page_id]
        title = render(page.title.text(self.locale), self.variables, self.locale, self.zone)
        text = render(page.text.text(self.locale), self.variables, self.locale, self.zone)
        choices = tuple(
            ChoiceView(c.id, self._text(c.label.text(self.locale)), c.next is None) for c in page.choices
        )
        missing = tuple(dict.fromkeys((*title.missing, *text.missing)))
        return PageView(
            self.page_id, title.text, text.text, choices, missing, self.state, bool(self.path),
            self.suggested_disposition(),
        )  # fmt: skip

    def _text(self, template: str) -> str:
        return render(template, self.variables, self.locale, self.zone).text
