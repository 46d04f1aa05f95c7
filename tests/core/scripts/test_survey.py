"""The survey checker: questions, options, ranges and conditions that cannot work are refused."""

from dataclasses import replace

import pytest

from callfloor.core.scripts import CheckError
from callfloor.core.scripts.survey import (
    MAX_TEXT,
    Condition,
    ConditionTest,
    Option,
    Question,
    QuestionType,
    Survey,
    check,
)
from callfloor.core.scripts.wording import Wording
from tests.core.scripts.examples import SATISFACTION

W = Wording.same
OPTIONS = (Option("a", W("A")), Option("b", W("B")))


def _fields(survey: Survey) -> list[str]:
    return [p.field for p in check(survey)]


def test_the_example_holds_together() -> None:
    assert check(SATISFACTION) == []
    assert SATISFACTION.question("ease") is SATISFACTION.questions[4]
    assert SATISFACTION.questions[0].bounds == (0, 10)


@pytest.mark.parametrize(
    ("question", "field"),
    [
        (Question("q", Wording(""), QuestionType.YES_NO), "questions.1.text"),
        (Question("q", W("?"), QuestionType.SINGLE, OPTIONS[:1]), "questions.1.options"),
        (
            Question("q", W("?"), QuestionType.MULTIPLE, (*OPTIONS, Option("a", W("A2")))),
            "questions.1.options.2.id",
        ),
        (
            Question("q", W("?"), QuestionType.SINGLE, (*OPTIONS, Option("c", Wording(" ")))),
            "questions.1.options.2.label",
        ),
        (Question("q", W("?"), QuestionType.SCALE, OPTIONS), "questions.1.options"),
        (Question("q", W("?"), QuestionType.SCALE, minimum=5, maximum=5), "questions.1.max"),
        (Question("q", W("?"), QuestionType.SCALE, minimum=0, maximum=101), "questions.1.max"),
        (Question("q", W("?"), QuestionType.TEXT, max_length=MAX_TEXT + 1), "questions.1.max_length"),
        (Question("q", W("?"), QuestionType.TEXT, max_length=0), "questions.1.max_length"),
        (Question("first", W("?"), QuestionType.YES_NO), "questions.1.id"),
    ],
)
def test_questions_that_cannot_work_are_refused(question: Question, field: str) -> None:
    first = Question("first", W("Premier"), QuestionType.SINGLE, OPTIONS)
    assert _fields(Survey("s", (first, question))) == [field]


@pytest.mark.parametrize(
    ("condition", "field"),
    [
        (Condition("nowhere", ConditionTest.EQUALS, "a"), "question"),
        (Condition("last", ConditionTest.EQUALS, True), "question"),  # a later question
        (Condition("comment", ConditionTest.EQUALS, "x"), "question"),  # free text
        (Condition("choice", ConditionTest.GREATER_THAN, 1), "greater_than"),
        (Condition("choice", ConditionTest.EQUALS, "z"), "equals"),
        (Condition("choice", ConditionTest.IN, ()), "in"),
        (Condition("choice", ConditionTest.IN, "a"), "in"),
        (Condition("choice", ConditionTest.EQUALS, ("a",)), "equals"),
        (Condition("score", ConditionTest.EQUALS, 11), "equals"),
        (Condition("score", ConditionTest.EQUALS, True), "equals"),  # a boolean is no score
        (Condition("score", ConditionTest.IN, (3, "3")), "in"),
        (Condition("yes", ConditionTest.EQUALS, "yes"), "equals"),
    ],
)
def test_conditions_that_cannot_work_are_refused(condition: Condition, field: str) -> None:
    survey = Survey("s", (
        Question("choice", W("?"), QuestionType.SINGLE, OPTIONS),
        Question("score", W("?"), QuestionType.NPS),
        Question("yes", W("?"), QuestionType.YES_NO),
        Question("comment", W("?"), QuestionType.TEXT),
        Question("asked", W("?"), QuestionType.YES_NO, conditions=(condition,)),
        Question("last", W("?"), QuestionType.YES_NO),
    ))  # fmt: skip
    assert _fields(survey) == [f"questions.4.when.0.{field}"]


@pytest.mark.parametrize(
    ("condition"),
    [
        Condition("score", ConditionTest.GREATER_THAN, 20),  # never true, but a comparison takes any integer
        Condition("score", ConditionTest.IN, (9, 10)),
        Condition("choice", ConditionTest.NOT_EQUALS, "b"),
        Condition("yes", ConditionTest.EQUALS, False),
    ],
)
def test_conditions_that_can_work_pass(condition: Condition) -> None:
    survey = Survey("s", (
        Question("choice", W("?"), QuestionType.MULTIPLE, OPTIONS),
        Question("score", W("?"), QuestionType.NPS),
        Question("yes", W("?"), QuestionType.YES_NO),
        Question("asked", W("?"), QuestionType.YES_NO, conditions=(condition,)),
    ))  # fmt: skip
    assert check(survey) == []


def test_an_empty_survey_is_refused_and_checked_raises_with_french() -> None:
    assert _fields(Survey("s", ())) == ["questions"]
    broken = replace(SATISFACTION.questions[1], conditions=(Condition("ease", ConditionTest.LESS_THAN, 3),))
    with pytest.raises(CheckError) as caught:
        Survey.checked("s", (broken, *SATISFACTION.questions[2:]))
    assert [p.fr for p in caught.value.problems] == ["une condition lit une question précédente"]
