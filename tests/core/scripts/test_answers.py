"""Answers: what answers each type of question, how it is stored, and how conditions read it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.scripts import AnswerError
from callfloor.core.scripts.answers import Answer, Stored, decode, encode, holds, validate
from callfloor.core.scripts.survey import Condition, ConditionTest, Option, Question, QuestionType
from callfloor.core.scripts.wording import Wording
from tests.core.scripts.strategies import answers_to, surveys

W = Wording.same
OPTIONS = (Option("email", W("E-mail")), Option("sms", W("SMS")), Option("phone", W("Tél.")))
SINGLE = Question("plan", W("?"), QuestionType.SINGLE, OPTIONS)
MULTIPLE = Question("channels", W("?"), QuestionType.MULTIPLE, OPTIONS)
OPTIONAL_MULTIPLE = Question("extras", W("?"), QuestionType.MULTIPLE, OPTIONS, required=False)
SCALE = Question("ease", W("?"), QuestionType.SCALE, minimum=1, maximum=5)
NPS = Question("nps", W("?"), QuestionType.NPS)
TEXT = Question("comment", W("?"), QuestionType.TEXT, max_length=10)
YES_NO = Question("callback", W("?"), QuestionType.YES_NO)


@pytest.mark.parametrize(
    ("question", "value", "answer"),
    [
        (SINGLE, "sms", "sms"),
        (MULTIPLE, ["phone", "email"], ("email", "phone")),  # in the survey's order
        (MULTIPLE, {"sms"}, ("sms",)),
        (OPTIONAL_MULTIPLE, [], ()),  # « none of these »
        (SCALE, 5, 5),
        (NPS, 0, 0),
        (TEXT, "  très bien \n", "très bien"),
        (TEXT, "ligne 1\nl2", "ligne 1\nl2"),
        (YES_NO, False, False),
    ],
)
def test_valid_answers(question: Question, value: object, answer: Answer) -> None:
    assert validate(question, value) == answer


@pytest.mark.parametrize(
    ("question", "value", "french"),
    [
        (SINGLE, "fax", "'fax' n'est pas une option"),
        (SINGLE, 1, "1 n'est pas une option"),
        (MULTIPLE, [], "choisir au moins une option"),
        (MULTIPLE, "email", "une liste d'options"),
        (MULTIPLE, ["email", "fax"], "options inconnues : ['fax']"),
        (SCALE, 6, "un entier de 1 à 5"),
        (SCALE, 3.0, "un entier de 1 à 5"),
        (NPS, True, "un entier de 0 à 10"),  # a boolean is no score
        (NPS, 11, "un entier de 0 à 10"),
        (TEXT, "   ", "réponse vide : passer la question"),
        (TEXT, "x" * 11, "10 caractères au plus"),
        (TEXT, "a\x00b", "caractères de contrôle"),
        (TEXT, 42, "un texte"),
        (YES_NO, "yes", "oui ou non"),
    ],
)
def test_invalid_answers_are_refused_in_both_languages(
    question: Question, value: object, french: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        validate(question, value)
    assert (caught.value.question, caught.value.fr) == (question.id, french)


@pytest.mark.parametrize(
    ("question", "answer", "stored"),
    [
        (MULTIPLE, ("email", "phone"), Stored("email,phone", None)),
        (OPTIONAL_MULTIPLE, (), Stored("", None)),
        (NPS, 9, Stored("9", 9)),
        (YES_NO, True, Stored("yes", 1)),
        (YES_NO, False, Stored("no", 0)),
        (TEXT, "bien", Stored("bien", None)),
    ],
)
def test_what_a_row_keeps(question: Question, answer: Answer, stored: Stored) -> None:
    assert encode(question, answer) == stored
    assert decode(question, stored.text) == answer


@pytest.mark.parametrize(
    ("question", "text", "answer"),
    [
        (YES_NO, "Oui", True),
        (YES_NO, "0", False),
        (SCALE, " 4 ", 4),
        (MULTIPLE, "sms, email", ("email", "sms")),
    ],
)
def test_form_input_is_decoded(question: Question, text: str, answer: Answer) -> None:
    assert decode(question, text) == answer


@pytest.mark.parametrize(
    ("question", "text"), [(SCALE, "4.5"), (SCALE, "quatre"), (YES_NO, "peut-être"), (SINGLE, "")]
)
def test_form_input_that_answers_nothing_is_refused(question: Question, text: str) -> None:
    with pytest.raises(AnswerError):
        decode(question, text)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("channels", ConditionTest.EQUALS, "sms"), True),  # chosen among others
        (Condition("channels", ConditionTest.NOT_EQUALS, "sms"), False),
        (Condition("channels", ConditionTest.IN, ("phone", "email")), False),
        (Condition("nps", ConditionTest.LESS_THAN, 7), True),
        (Condition("nps", ConditionTest.GREATER_THAN, 6), False),
        (Condition("nps", ConditionTest.IN, (5, 6)), True),
        (Condition("callback", ConditionTest.EQUALS, False), True),
        (Condition("callback", ConditionTest.EQUALS, 0), False),  # a boolean is not 0
        (Condition("plan", ConditionTest.EQUALS, "pro"), True),
        (Condition("comment", ConditionTest.NOT_EQUALS, "x"), False),  # not answered: matches nothing
        (Condition("comment", ConditionTest.EQUALS, "x"), False),
    ],
)
def test_conditions_read_answers_as_documented(condition: Condition, expected: bool) -> None:
    answers: dict[str, Answer] = {"channels": ("sms",), "nps": 6, "callback": False, "plan": "pro"}
    assert holds(condition, answers) is expected


@given(st.data())
def test_a_stored_answer_reads_back_as_given(data: st.DataObject) -> None:
    survey = data.draw(surveys())
    question = data.draw(st.sampled_from(survey.questions))
    answer = data.draw(answers_to(question))
    assert validate(question, answer) == answer
    assert decode(question, encode(question, answer).text) == answer
