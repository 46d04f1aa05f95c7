"""A survey or a poll: questions in order, some asked only when an earlier answer says so.

Question types: ``single`` (one option), ``multiple`` (any of the options), ``scale`` (an integer
from ``minimum`` to ``maximum``), ``nps`` (0 to 10: « Quelle est la probabilité que vous
recommandiez… »), ``text`` (free text up to ``max_length`` characters) and ``yes_no``. A poll
(sondage) is a survey whose results are the point: the same questions, tagged ``poll`` so that
campaigns and reports tell them apart.

A condition (``when`` in the YAML) reads the answer to an *earlier* question, with one test: ``equals``,
``not_equals``, ``in`` (one of the values), ``greater_than`` or ``less_than`` (scales and NPS
only). A question with several conditions is asked when all of them hold. Conditions are data,
never evaluated code; how each test reads each kind of answer is in
:mod:`callfloor.core.scripts.answers`. Since conditions only look back, a survey is asked in one
pass, and a session always completes.

:func:`check` refuses (errors): no question, two questions or two options with one id, a text
empty in both languages, a choice question with fewer than two options or another type with
options, a scale whose bounds are reversed or more than :data:`MAX_SCALE_SPAN` apart, a
``max_length`` outside 1 to :data:`MAX_TEXT`, a condition on an unknown or later question or on
free text, a test the question's type cannot take, a value that cannot be an answer to it.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from callfloor.core.scripts import CheckError, Problem, Severity
from callfloor.core.scripts.wording import Wording

#: The longest free-text answer a question may allow (characters).
MAX_TEXT = 2000
MAX_SCALE_SPAN = 100
NPS_RANGE = (0, 10)
#: No title: the survey's name stands for it.
UNTITLED = Wording("")


class QuestionType(StrEnum):
    """What kind of answer a question takes."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    NPS = "nps"
    TEXT = "text"
    YES_NO = "yes_no"


CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE})
NUMERIC_TYPES = frozenset({QuestionType.SCALE, QuestionType.NPS})


class SurveyKind(StrEnum):
    """A survey (enquête) or a poll (sondage)."""

    SURVEY = "survey"
    POLL = "poll"


class ConditionTest(StrEnum):
    """How a condition compares an earlier answer with its value."""

    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    IN = "in"
    GREATER_THAN = "greater_than"
    LESS_THAN = "less_than"


ConditionValue = str | int | bool


@dataclass(frozen=True, slots=True)
class Condition:
    """``question`` ``test`` ``value``; ``in`` takes a tuple of values."""

    question: str
    test: ConditionTest
    value: ConditionValue | tuple[ConditionValue, ...]


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a choice question."""

    id: str
    label: Wording


@dataclass(frozen=True, slots=True)
class Question:
    """A question: its type, options (choice questions), range (scales), and when it is asked."""

    id: str
    text: Wording
    type: QuestionType
    options: tuple[Option, ...] = ()
    required: bool = True
    minimum: int = 1  # scales; an NPS is always 0 to 10
    maximum: int = 5
    max_length: int = 500  # free text
    conditions: tuple[Condition, ...] = ()

    @property
    def bounds(self) -> tuple[int, int]:
        """The lowest and highest answer of a scale or an NPS."""
        return NPS_RANGE if self.type is QuestionType.NPS else (self.minimum, self.maximum)

    def option_ids(self) -> tuple[str, ...]:
        """The options' ids, in order."""
        return tuple(o.id for o in self.options)


@dataclass(frozen=True, slots=True)
class Survey:
    """A named survey or poll: its questions, in the order they are asked."""

    name: str
    questions: tuple[Question, ...]
    kind: SurveyKind = SurveyKind.SURVEY
    title: Wording = UNTITLED

    @classmethod
    def checked(
        cls,
        name: str,
        questions: tuple[Question, ...],
        kind: SurveyKind = SurveyKind.SURVEY,
        title: Wording = UNTITLED,
    ) -> "Survey":
        """A survey that holds together; :class:`CheckError` lists its errors otherwise."""
        survey = cls(name, questions, kind, title)
        errors = [p for p in check(survey) if p.severity is Severity.ERROR]
        if errors:
            raise CheckError(errors)
        return survey

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)


def check(survey: Survey) -> list[Problem]:
    """Every error in ``survey`` (see the module docstring)."""
    if not survey.questions:
        return [Problem("questions", "a survey needs a question", "une enquête a au moins une question")]
    problems: list[Problem] = []
    earlier: dict[str, Question] = {}
    for i, question in enumerate(survey.questions):
        where = f"questions.{i}"
        if question.id in earlier:
            en, fr = f"duplicate question {question.id!r}", f"question {question.id!r} en double"
            problems.append(Problem(f"{where}.id", en, fr))
        problems += [Problem(f"{where}.{f}", en, fr) for f, en, fr in _question_problems(question)]
        for j, condition in enumerate(question.conditions):
            problems += [
                Problem(f"{where}.when.{j}.{f}", en, fr)
                for f, en, fr in _condition_problems(condition, earlier, survey)
            ]
        earlier.setdefault(question.id, question)
    return problems


Found = Iterator[tuple[str, str, str]]  # (field, English, French)


def _question_problems(question: Question) -> Found:
    if not any(t.strip() for t in question.text.texts()):
        yield "text", "empty in both languages", "vide dans les deux langues"
    if question.type in CHOICE_TYPES:
        yield from _option_problems(question)
    elif question.options:
        yield "options", f"a {question.type.value} question has no options", "options inattendues"
    if question.type is QuestionType.SCALE:
        low, high = question.bounds
        if not low < high <= low + MAX_SCALE_SPAN:
            en = f"minimum below maximum, at most {MAX_SCALE_SPAN} apart"
            yield "max", en, f"minimum sous le maximum, {MAX_SCALE_SPAN} d'écart au plus"
    if question.type is QuestionType.TEXT and not 1 <= question.max_length <= MAX_TEXT:
        yield "max_length", f"from 1 to {MAX_TEXT}", f"de 1 à {MAX_TEXT}"


def _option_problems(question: Question) -> Found:
    if len(question.options) < 2:
        yield "options", "at least two options", "au moins deux options"
    ids = question.option_ids()
    for i, option in enumerate(question.options):
        if option.id in ids[:i]:
            yield f"options.{i}.id", f"duplicate option {option.id!r}", f"option {option.id!r} en double"
        if not any(t.strip() for t in option.label.texts()):
            yield f"options.{i}.label", "empty in both languages", "vide dans les deux langues"


def _condition_problems(condition: Condition, earlier: dict[str, Question], survey: Survey) -> Found:
    read = earlier.get(condition.question)
    if read is None:
        later = survey.question(condition.question) is not None
        en = "a condition reads an earlier question" if later else f"unknown question {condition.question!r}"
        fr = (
            "une condition lit une question précédente"
            if later
            else f"question {condition.question!r} inconnue"
        )
        yield "question", en, fr
        return
    if read.type is QuestionType.TEXT:
        yield "question", "a condition cannot read free text", "une condition ne lit pas un texte libre"
        return
    if (
        condition.test in (ConditionTest.GREATER_THAN, ConditionTest.LESS_THAN)
        and read.type not in NUMERIC_TYPES
    ):
        en = f"{condition.test.value!r} compares scales and NPS only"
        yield condition.test.value, en, f"{condition.test.value!r} ne compare qu'échelles et NPS"
        return
    yield from _value_problems(condition, read)


def _value_problems(condition: Condition, read: Question) -> Found:
    value, key = condition.value, condition.test.value  # the YAML key holds the test and its value
    if condition.test is ConditionTest.IN:
        if not isinstance(value, tuple) or not value:
            yield key, "'in' takes a list of values", "« in » prend une liste de valeurs"
            return
        values: tuple[ConditionValue, ...] = value
    elif isinstance(value, tuple):
        yield key, f"{key!r} takes one value", f"{key!r} prend une valeur"
        return
    else:
        values = (value,)
    ordering = condition.test in (ConditionTest.GREATER_THAN, ConditionTest.LESS_THAN)
    for one in values:
        if not _fits(one, read, ordering):
            yield key, f"{one!r} cannot answer {read.id!r}", f"{one!r} ne répond pas à {read.id!r}"


def _fits(value: ConditionValue, read: Question, ordering: bool) -> bool:
    """Whether ``value`` can be an answer to ``read`` (any integer, for a comparison of order)."""
    if read.type in CHOICE_TYPES:
        return isinstance(value, str) and value in read.option_ids()
    if read.type is QuestionType.YES_NO:
        return isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    low, high = read.bounds
    return ordering or low <= value <= high
