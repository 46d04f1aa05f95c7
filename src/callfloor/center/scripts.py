"""Call scripts and surveys in the center YAML: pydantic specs, and the core models they become.

A script (argumentaire) is written as its start and its pages by id; a text is either one
string (the same in French and English) or ``{fr: …, en: …}``::

    scripts:
      - name: relance_devis
        start: accueil
        pages:
          accueil:
            title: {fr: Accueil, en: Greeting}
            text:
              fr: "Bonjour {civility} {last_name}, au sujet du devis {quote_number} de {amount_due}…"
              en: "Hello {civility} {last_name}, about quote {quote_number} for {amount_due}…"
            choices:
              - {id: interesse, label: {fr: Intéressé, en: Interested}, next: rdv}
              - {id: refus, label: Refus, disposition: refusal}     # no next: the script ends
          rdv: {title: Rendez-vous, text: "Proposer un créneau avant le {due_date}."}
        objections:
          - {id: temps, label: "Je n'ai pas le temps", answer: "Deux minutes suffisent…"}

    surveys:
      - name: satisfaction_2026
        kind: survey                # or poll
        questions:
          - {id: nps, type: nps, text: "Recommanderiez-vous notre service ?"}
          - id: why_low
            type: text
            text: Pourquoi ?
            required: false
            when: [{question: nps, less_than: 7}]
          - id: channels
            type: multiple
            text: Canaux préférés
            options: [{id: email, label: E-mail}, {id: sms, label: SMS}]
          - {id: ease, type: scale, min: 1, max: 5, text: "Facilité, de 1 à 5"}

Question types: ``single``, ``multiple``, ``scale`` (``min``, ``max``), ``nps`` (0 to 10),
``text`` (``max_length``), ``yes_no``. A ``when`` condition names an earlier question and one
test: ``equals``, ``not_equals``, ``in``, ``greater_than``, ``less_than``.

The specs check the form; whether a script or survey holds together (unknown pages, options,
conditions on later questions…) is the core checkers' (:func:`callfloor.core.scripts.script.check`,
:func:`callfloor.core.scripts.survey.check`), so the import, the API and a ``check`` command
say the same. Validation with ``context={SCRIPT_CHECKS: False}`` checks the form only; then
:func:`script_problems` and :func:`survey_problems` list every problem, and :func:`located`
puts each at its line (``path:line: where: message``), as ``callfloor ivr check`` does for flows.
"""

from collections.abc import Collection
from typing import Annotated, Any, Self

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, ValidationInfo, model_validator

from callfloor.center.schema import Name, Spec
from callfloor.core.ivr import Severity
from callfloor.core.scripts import Problem
from callfloor.core.scripts.script import STANDARD_VARIABLES, Choice, Objection, Page, Script
from callfloor.core.scripts.script import check as check_script
from callfloor.core.scripts.survey import (
    MAX_TEXT,
    Condition,
    ConditionTest,
    Option,
    Question,
    QuestionType,
    Survey,
    SurveyKind,
)
from callfloor.core.scripts.survey import check as check_survey
from callfloor.core.scripts.wording import Wording
from callfloor.yamlfile import Location, YamlDocument

#: ``validate(..., context={SCRIPT_CHECKS: False})`` checks the form only.
SCRIPT_CHECKS = "script_checks"
# A page's text may run over lines; no other control character (NUL above all, which PostgreSQL refuses).
LongText = Annotated[str, StringConstraints(max_length=10_000, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*$")]
ConditionValue = bool | int | str


def _one_text(value: Any) -> Any:
    """A plain string is the same text in both languages."""
    return {"fr": value, "en": value} if isinstance(value, str) else value


class TextSpec(Spec):
    """A text in French and English; one may be left out (it then shows in both)."""

    fr: LongText = ""
    en: LongText = ""

    def wording(self) -> Wording:
        """The core wording."""
        return Wording(self.fr, self.en)


Text = Annotated[TextSpec, BeforeValidator(_one_text)]


class ChoiceSpec(Spec):
    """A choice of a page: the page it leads to (none: the script ends), the disposition it suggests."""

    id: Name
    label: Text
    next: Name | None = None
    disposition: Name | None = None


class PageSpec(Spec):
    """A page: title, text with ``{variables}``, choices; the disposition suggested when reached."""

    title: Text
    text: Text
    choices: list[ChoiceSpec] = Field(default_factory=list)
    disposition: Name | None = None


class ObjectionSpec(Spec):
    """An objection and its answer, open from any page."""

    id: Name
    label: Text
    answer: Text


class ScriptSpec(Spec):
    """A tenant's script: its start, its pages by id, its objection answers."""

    name: Name
    start: Name
    pages: Annotated[dict[Name, PageSpec], Field(min_length=1)]
    objections: list[ObjectionSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _holds_together(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(SCRIPT_CHECKS) is False:
            return self
        _refuse_errors(check_script(core_script(self)))
        return self


class ConditionSpec(Spec):
    """``question`` and one test of its answer (``in``; ``in_`` is read too, as surveys kept
    before 2026-12 stored it)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    question: Name
    equals: ConditionValue | None = None
    not_equals: ConditionValue | None = None
    in_: list[ConditionValue] | None = Field(default=None, alias="in")
    greater_than: int | None = None
    less_than: int | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        if len(self._tests()) != 1:
            raise ValueError(f"one test, of {', '.join(t.value for t in ConditionTest)}")
        return self

    def _tests(self) -> list[tuple[ConditionTest, Any]]:
        given = {t: getattr(self, "in_" if t is ConditionTest.IN else t.value) for t in ConditionTest}
        return [(t, v) for t, v in given.items() if v is not None]

    def condition(self) -> Condition:
        """The core condition."""
        test, value = self._tests()[0]
        return Condition(self.question, test, tuple(value) if isinstance(value, list) else value)


class OptionSpec(Spec):
    """An option of a choice question."""

    id: Name
    label: Text


class QuestionSpec(Spec):
    """A question: its type, options, range or length, whether it is required, and when it is asked."""

    id: Name
    type: QuestionType
    text: Text
    options: list[OptionSpec] = Field(default_factory=list)
    required: bool = True
    min: int | None = None
    max: int | None = None
    max_length: Annotated[int, Field(ge=1, le=MAX_TEXT)] = 500
    when: list[ConditionSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _range_for_scales(self) -> Self:
        if self.type is not QuestionType.SCALE and (self.min, self.max) != (None, None):
            raise ValueError("min and max are for scales (an NPS is always 0 to 10)")
        return self

    def question(self) -> Question:
        """The core question (a scale is 1 to 5 unless ``min`` and ``max`` say otherwise)."""
        options = tuple(Option(o.id, o.label.wording()) for o in self.options)
        conditions = tuple(c.condition() for c in self.when)
        low, high = 1 if self.min is None else self.min, 5 if self.max is None else self.max
        return Question(
            self.id, self.text.wording(), self.type, options, self.required, low, high, self.max_length,
            conditions,
        )  # fmt: skip


class SurveySpec(Spec):
    """A tenant's survey or poll: its questions, in the order they are asked."""

    name: Name
    kind: SurveyKind = SurveyKind.SURVEY
    title: Text | None = None
    questions: Annotated[list[QuestionSpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _holds_together(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(SCRIPT_CHECKS) is False:
            return self
        _refuse_errors(check_survey(core_survey(self)))
        return self


def _refuse_errors(problems: list[Problem]) -> None:
    errors = [str(p) for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ValueError("; ".join(errors))


def core_script(spec: ScriptSpec) -> Script:
    """The core script of a spec (checked only if the spec was validated with its checks)."""
    pages = {
        page_id: Page(
            page.title.wording(),
            page.text.wording(),
            tuple(Choice(c.id, c.label.wording(), c.next, c.disposition) for c in page.choices),
            page.disposition,
        )
        for page_id, page in spec.pages.items()
    }
    objections = tuple(Objection(o.id, o.label.wording(), o.answer.wording()) for o in spec.objections)
    return Script(spec.name, spec.start, pages, objections)


def core_survey(spec: SurveySpec) -> Survey:
    """The core survey of a spec."""
    title = spec.title.wording() if spec.title is not None else Wording("")
    return Survey(spec.name, tuple(q.question() for q in spec.questions), spec.kind, title)


def script_problems(spec: ScriptSpec, variables: Collection[str] = STANDARD_VARIABLES) -> list[Problem]:
    """Every error and warning in a script, its variables checked against ``variables``."""
    return check_script(core_script(spec), variables)


def survey_problems(spec: SurveySpec) -> list[Problem]:
    """Every error in a survey."""
    return check_survey(core_survey(spec))


def located(doc: YamlDocument, base: Location, problems: list[Problem]) -> list[str]:
    """Each problem as ``path:line: where: message``, ``base`` being where the script or survey stands."""
    found = sorted((doc.line((*base, *p.location)), i, p) for i, p in enumerate(problems))
    return [
        doc.problem((*base, *p.location), f"{'warning: ' if p.severity is Severity.WARNING else ''}{p.en}")
        for _, _, p in found
    ]
