"""What answers a question, how an answer is stored as text, and how conditions read answers.

An answer is, by question type: an option's id (``single``), a tuple of option ids in the
survey's order (``multiple``; empty only when the question is optional: « none of these »), an
integer in the question's bounds (``scale``, ``nps``), a text of 1 to ``max_length``
characters, trimmed, without control characters but line breaks and tabs (``text``), a
boolean (``yes_no``). :func:`validate` takes what the desktop sends, already typed;
:func:`decode` takes text (a form field, a stored row), and :func:`encode` writes what is stored:
the text, and the integer a scale, an NPS or a yes/no (1 yes, 0 no) is counted by. Option ids
are names (no comma), so a multiple answer is stored as ``email,sms``.

How a condition reads an answer (:func:`holds`): an unanswered question (not asked, skipped)
matches no test at all, not even ``not_equals``; for a multiple answer, ``equals x`` means x was
chosen, ``not_equals x`` that it was not, ``in`` that one of the values was; yes/no compares
booleans; scales and NPS compare integers.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from callfloor.core.scripts import AnswerError
from callfloor.core.scripts.survey import (
    CHOICE_TYPES,
    NUMERIC_TYPES,
    Condition,
    ConditionTest,
    ConditionValue,
    Question,
    QuestionType,
)

Answer = str | int | bool | tuple[str, ...]
#: Control characters refused in free text (PostgreSQL refuses NUL; the others garble exports).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_INTEGER = re.compile(r"-?[0-9]{1,9}")
YES, NO = "yes", "no"


@dataclass(frozen=True, slots=True)
class Stored:
    """An answer as a row keeps it: its text, and the integer it counts as, if any."""

    text: str
    number: int | None


def _refuse(question: Question, en: str, fr: str) -> AnswerError:
    return AnswerError(question.id, en, fr)


def validate(question: Question, value: object) -> Answer:
    """``value`` as an answer to ``question``; :class:`AnswerError` says why it is not one."""
    kind = question.type
    if kind is QuestionType.SINGLE:
        if not isinstance(value, str) or value not in question.option_ids():
            raise _refuse(question, f"{value!r} is not one of the options", f"{value!r} n'est pas une option")
        return value
    if kind is QuestionType.MULTIPLE:
        return _choices(question, value)
    if kind in NUMERIC_TYPES:
        low, high = question.bounds
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _refuse(question, f"an integer from {low} to {high}", f"un entier de {low} à {high}")
        return value
    if kind is QuestionType.YES_NO:
        if not isinstance(value, bool):
            raise _refuse(question, "yes or no", "oui ou non")
        return value
    return _text(question, value)


def _choices(question: Question, value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple | set | frozenset) or not all(isinstance(v, str) for v in value):
        raise _refuse(question, "a list of options", "une liste d'options")
    unknown = [v for v in value if v not in question.option_ids()]
    if unknown:
        raise _refuse(question, f"not options: {unknown!r}", f"options inconnues : {unknown!r}")
    if not value and question.required:
        raise _refuse(question, "choose at least one option", "choisir au moins une option")
    return tuple(o for o in question.option_ids() if o in value)


def _text(question: Question, value: object) -> str:
    if not isinstance(value, str):
        raise _refuse(question, "a text", "un texte")
    text = value.strip()
    if not text:
        raise _refuse(
            question, "an empty answer: skip the question instead", "réponse vide : passer la question"
        )
    if len(text) > question.max_length:
        limit = question.max_length
        raise _refuse(question, f"{limit} characters at most", f"{limit} caractères au plus")
    if _CONTROL.search(text):
        raise _refuse(question, "control characters", "caractères de contrôle")
    return text


def encode(question: Question, answer: Answer) -> Stored:
    """What a row keeps of a (valid) answer."""
    if isinstance(answer, tuple):
        return Stored(",".join(answer), None)
    if isinstance(answer, bool):
        return Stored(YES if answer else NO, 1 if answer else 0)
    if isinstance(answer, int):
        return Stored(str(answer), answer)
    return Stored(answer, None)


def decode(question: Question, text: str) -> Answer:
    """The answer ``text`` stands for (as :func:`encode` writes it, or typed in a form), validated."""
    kind = question.type
    if kind is QuestionType.MULTIPLE:
        return validate(question, tuple(p.strip() for p in text.split(",") if p.strip()))
    if kind in NUMERIC_TYPES:
        if not _INTEGER.fullmatch(text.strip()):
            raise _refuse(question, f"{text!r} is not an integer", f"{text!r} n'est pas un entier")
        return validate(question, int(text.strip()))
    if kind is QuestionType.YES_NO:
        word = text.strip().lower()
        if word not in (YES, NO, "oui", "non", "true", "false", "1", "0"):
            raise _refuse(question, "yes or no", "oui ou non")
        return validate(question, word in (YES, "oui", "true", "1"))
    return validate(question, text.strip() if kind in CHOICE_TYPES else text)


def holds(condition: Condition, answers: Mapping[str, Answer]) -> bool:
    """Whether ``answers`` satisfy ``condition`` (see the module docstring)."""
    if condition.question not in answers:
        return False
    actual = answers[condition.question]
    values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
    if condition.test is ConditionTest.IN:
        return any(_equal(actual, v) for v in values)
    if condition.test in (ConditionTest.EQUALS, ConditionTest.NOT_EQUALS):
        return _equal(actual, values[0]) == (condition.test is ConditionTest.EQUALS)
    number, bound = _integer(actual), _integer(values[0])
    if number is None or bound is None:
        return False
    return number > bound if condition.test is ConditionTest.GREATER_THAN else number < bound


def _equal(actual: Answer, value: ConditionValue) -> bool:
    if isinstance(actual, tuple):
        return value in actual
    if isinstance(actual, bool) or isinstance(value, bool):
        return isinstance(actual, bool) and isinstance(value, bool) and actual == value
    return actual == value


def _integer(value: Answer | ConditionValue) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def asked(question: Question, answers: Mapping[str, Answer]) -> bool:
    """Whether ``question`` is asked, given the answers so far: all its conditions hold."""
    return all(holds(c, answers) for c in question.conditions)
