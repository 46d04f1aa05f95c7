"""Call scripts (argumentaire) and surveys/polls (questionnaires), sans I/O.

The agent desktop shows both, on outbound campaigns and inbound queues alike. A
:class:`~callfloor.core.scripts.script.Script` is pages of text with contact variables
(``{first_name}``, ``{quote_number}``, ``{amount_due}``), the agent's choices leading from page
to page, and objection answers the agent opens from any page; a
:class:`~callfloor.core.scripts.script_session.ScriptSession` is one agent's walk through it. A
:class:`~callfloor.core.scripts.survey.Survey` is questions (single or multiple choice, scale,
NPS, free text, yes/no), some asked only when an earlier answer says so; a
:class:`~callfloor.core.scripts.survey_session.SurveySession` says which question comes next and
checks each answer. :mod:`.results` folds respondents' answers into counts, percentages, means
and the NPS.

Modules: :mod:`.wording` (a text in French and English), :mod:`.values` (amounts and dates as the
tenant's language writes them), :mod:`.template` (variables put into a text, safely),
:mod:`.script` and :mod:`.script_session`, :mod:`.survey` (questions and their checker),
:mod:`.answers` (what answers a question, its stored text, conditions), :mod:`.survey_session`,
:mod:`.results`.

Errors::

    ScriptError (CoreError)
    ├── CheckError    a script or survey that does not hold together; ``problems`` lists
    │                 each one (errors only) with the field it is about
    ├── IllegalStep   a step the walk cannot take in its state (a choice not on the page,
    │                 back before the first page, a question not asked), named
    └── AnswerError   an answer that does not answer its question (wrong type, out of range,
                      unknown option, too long), told in English and French
"""

from dataclasses import dataclass

from callfloor.core import CoreError
from callfloor.core.config import Locale
from callfloor.core.ivr import Severity

__all__ = ["AnswerError", "CheckError", "IllegalStep", "Problem", "ScriptError", "Severity"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a script or a survey: the field, as a dotted path in its YAML, and what.

    ``field`` runs from the script's or survey's own root (``pages.accueil.choices.0.next``,
    ``questions.2.when.0.equals``), so a tool can point at its line.
    """

    field: str
    en: str
    fr: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.field}: {self.en}" if self.field else self.en

    def text(self, locale: Locale) -> str:
        """The problem in ``locale``, after its field."""
        message = self.fr if locale is Locale.FR else self.en
        return f"{self.field} : {message}" if self.field and locale is Locale.FR else str(self)

    @property
    def location(self) -> tuple[str | int, ...]:
        """The field as a location (``("pages", "accueil", "choices", 0, "next")``)."""
        return tuple(int(p) if p.isdigit() else p for p in self.field.split(".") if p)


class ScriptError(CoreError):
    """Root of the scripts' and surveys' errors."""


class CheckError(ScriptError):
    """A script or survey that cannot be used; ``problems`` says where and why (errors only)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class IllegalStep(ScriptError):  # noqa: N818 - named for what happened, like the IVR's IllegalInput
    """A step the walk has no transition for in its state (e.g. ``back`` on the first page)."""

    def __init__(self, state: str, step: str, en: str, fr: str) -> None:
        super().__init__(f"{step!r} in state {state!r}: {en}")
        self.state, self.step, self.en, self.fr = state, step, en, fr


class AnswerError(ScriptError):
    """An answer refused, with the question it was for, in English (``str``) and French."""

    def __init__(self, question: str, en: str, fr: str) -> None:
        super().__init__(f"{question}: {en}")
        self.question, self.en, self.fr = question, en, fr
