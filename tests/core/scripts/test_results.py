"""Survey results, checked against counts made by hand."""

from callfloor.core.scripts.answers import Answer
from callfloor.core.scripts.results import Count, Nps, nps_of, percent, tally
from callfloor.core.scripts.survey import QuestionType
from tests.core.scripts.examples import SATISFACTION

RESPONDENTS: list[dict[str, Answer]] = [
    {"nps": 10, "channels": ("email", "phone"), "callback": True, "ease": 5, "plan": "plus"},
    {"nps": 9, "channels": ("email",), "ease": 4, "plan": "basic"},
    {"nps": 7, "channels": ("sms", "phone"), "callback": False, "ease": 4},
    {"nps": 3, "why_low": "Trop cher", "channels": ("email",), "ease": 1, "plan": "basic"},
]


def test_choice_questions_count_respondents_and_their_share() -> None:
    results = tally(SATISFACTION, RESPONDENTS)
    assert results.respondents == 4
    channels = results.questions[2]
    assert channels.answered == 4
    # 3 of 4 chose e-mail, 1 sms, 2 phone: 75 + 25 + 50, more than 100 in all (multiple choice).
    assert channels.counts == (Count("email", 3, 75.0), Count("sms", 1, 25.0), Count("phone", 2, 50.0))
    plan = results.questions[5]
    assert (plan.answered, plan.counts) == (3, (Count("basic", 2, 66.7), Count("plus", 1, 33.3)))


def test_yes_no_and_text_questions() -> None:
    results = tally(SATISFACTION, RESPONDENTS)
    callback, why = results.questions[3], results.questions[1]
    assert callback.counts == (Count("yes", 1, 50.0), Count("no", 1, 50.0))
    assert (why.type, why.answered, why.counts) == (QuestionType.TEXT, 1, ())


def test_scales_have_their_distribution_mean_and_median() -> None:
    ease = tally(SATISFACTION, RESPONDENTS).questions[4]
    assert [c.count for c in ease.counts] == [1, 0, 0, 2, 1]  # values 1 to 5
    assert (ease.mean, ease.median, ease.nps) == (3.5, 4.0, None)  # (5+4+4+1)/4, median of 1 4 4 5


def test_the_nps_is_promoters_minus_detractors() -> None:
    nps = tally(SATISFACTION, RESPONDENTS).questions[0]
    # 2 promoters (10, 9), 1 passive (7), 1 detractor (3): 50 % - 25 % = 25.
    assert nps.nps == Nps(promoters=2, passives=1, detractors=1, score=25.0)
    assert (nps.mean, nps.median) == (7.25, 8.0)
    assert len(nps.counts) == 11
    assert nps_of([6, 6, 6]).score == -100.0
    assert nps_of([0, 9, 10]).score == 33.3
    assert nps_of([]) == Nps(0, 0, 0, None)


def test_nobody_answered_gives_no_percentages() -> None:
    results = tally(SATISFACTION, [])
    assert results.respondents == 0
    assert results.questions[0].counts[0] == Count("0", 0, None)
    assert results.questions[0].mean is None
    assert percent(1, 3) == 33.3
