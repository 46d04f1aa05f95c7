"""A respondent's way through a survey: conditional questions, skips, changed answers, the end."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.scripts import AnswerError, CheckError, IllegalStep
from callfloor.core.scripts.answers import asked
from callfloor.core.scripts.survey import Survey
from callfloor.core.scripts.survey_session import SurveySession
from tests.core.scripts.examples import SATISFACTION
from tests.core.scripts.strategies import answers_to, surveys


def _next(session: SurveySession) -> str | None:
    question = session.next_question()
    return None if question is None else question.id


def test_a_promoter_is_not_asked_why_and_a_phone_user_is_asked_for_a_callback() -> None:
    session = SurveySession(SATISFACTION)
    assert _next(session) == "nps"
    session.answer("nps", 9)
    assert _next(session) == "channels"  # why_low is asked below 7 only
    session.answer("channels", ["phone"])
    assert _next(session) == "callback"
    session.answer("callback", True)
    session.answer("ease", 4)
    assert _next(session) == "plan"
    session.skip("plan")
    assert session.complete
    assert session.answers == {"nps": 9, "channels": ("phone",), "callback": True, "ease": 4}
    assert session.skipped == {"plan"}


def test_a_changed_answer_drops_the_answers_no_longer_asked() -> None:
    session = SurveySession(SATISFACTION)
    session.answer("nps", 3)
    session.answer("why_low", "Trop d'attente")
    session.answer("channels", ("phone", "sms"))
    session.answer("callback", False)
    session.answer("nps", 10)  # the agent goes back and corrects it
    session.answer("channels", ["sms"])
    assert session.answers == {"nps": 10, "channels": ("sms",)}
    assert _next(session) == "ease"
    assert [q.id for q in session.asked()] == ["nps", "channels", "ease", "plan"]


def test_questions_not_asked_cannot_be_answered_and_required_ones_cannot_be_skipped() -> None:
    session = SurveySession(SATISFACTION)
    session.answer("nps", 8)
    with pytest.raises(IllegalStep) as caught:
        session.answer("why_low", "rien")
    assert caught.value.fr == "la question 'why_low' n'est pas posée"
    with pytest.raises(IllegalStep):
        session.answer("nowhere", 1)
    with pytest.raises(AnswerError, match="required"):
        session.skip("ease")
    with pytest.raises(AnswerError):
        session.answer("ease", 6)
    assert session.answers == {"nps": 8}


def test_a_session_resumes_from_stored_answers() -> None:
    session = SurveySession(SATISFACTION, {"nps": 2, "why_low": "Prix", "callback": True, "ease": 5})
    assert session.answers == {"nps": 2, "why_low": "Prix", "ease": 5}  # callback is not asked yet
    assert _next(session) == "channels"
    with pytest.raises(AnswerError):
        SurveySession(SATISFACTION, {"nps": 12})


def test_a_survey_that_does_not_hold_together_cannot_be_asked() -> None:
    with pytest.raises(CheckError):
        SurveySession(Survey("empty", ()))


@given(surveys(), st.data())
def test_a_session_asks_only_questions_whose_conditions_hold_and_completes(
    survey: Survey, data: st.DataObject
) -> None:
    session = SurveySession(survey)
    for _ in range(len(survey.questions)):
        question = session.next_question()
        if question is None:
            break
        assert asked(question, session.answers)
        if not question.required and data.draw(st.booleans()):
            session.skip(question.id)
        else:
            session.answer(question.id, data.draw(answers_to(question)))
    assert session.complete
    answered = set(session.answers) | session.skipped
    assert answered == {q.id for q in session.asked()}


@given(surveys(), st.data())
def test_whatever_is_answered_in_any_order_every_answer_kept_is_to_a_question_asked(
    survey: Survey, data: st.DataObject
) -> None:
    session = SurveySession(survey)
    for _ in range(data.draw(st.integers(0, 12))):
        question = data.draw(st.sampled_from(session.asked()))
        session.answer(question.id, data.draw(answers_to(question)))
        for kept in session.answers:
            found = survey.question(kept)
            assert found is not None
            assert asked(found, session.answers)
