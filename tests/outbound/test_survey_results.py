"""Recording agents' survey answers per respondent, resuming a survey, and its results per campaign."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.scripts.results import Count, Nps
from callfloor.outbound.survey_results import Respondent, SurveyResponseError, SurveyResponses
from callfloor.storage.contacts import Contact
from callfloor.storage.outbound import Campaign, Lead
from callfloor.storage.platform import Platform
from callfloor.storage.survey_responses import SurveyResponse, SurveyResponseRepository
from tests.core.scripts.examples import SATISFACTION

T0 = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


@dataclass
class Desk:
    """A tenant's survey answers, and another tenant's."""

    session: Session
    acme: SurveyResponses
    globex: SurveyResponses
    lead: int  # acme's, of contact ``contact``
    contact: int
    their_lead: int  # globex's


def _lead(session: Session, tenant_id: int, contact_id: int | None) -> Lead:
    campaign = Campaign(tenant_id=tenant_id, name="relance", type="survey", mode="preview")
    session.add(campaign)
    session.flush()
    lead = Lead(
        tenant_id=tenant_id, campaign_id=campaign.id, contact_id=contact_id, phone="+33612345678",
        phone_type="mobile", zone="Europe/Paris", country="FR",
    )  # fmt: skip
    session.add(lead)
    session.flush()
    return lead


@pytest.fixture
def desk(sessions: sessionmaker[Session]) -> Iterator[Desk]:
    with sessions() as session, session.begin():
        platform = Platform(session)
        acme, globex = platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")
        contact = Contact(tenant_id=acme.id, first_name="Anne", last_name="Durand")
        session.add(contact)
        session.flush()
        lead, theirs = _lead(session, acme.id, contact.id), _lead(session, globex.id, None)
        responses = SurveyResponses(session, acme.id), SurveyResponses(session, globex.id)
        yield Desk(session, *responses, lead.id, contact.id, theirs.id)
        session.rollback()


def _rows(responses: SurveyResponses, respondent: str) -> dict[str, tuple[str, int | None, str]]:
    rows = responses.repository.of_respondent(SATISFACTION.name, respondent)
    return {r.question: (r.value, r.number, r.type) for r in rows}


def test_answers_are_stored_per_respondent_with_their_call(desk: Desk) -> None:
    on_call = Respondent(interaction_id="call-1", campaign="relance", agent="2001")
    desk.acme.record(
        SATISFACTION, {"nps": 4, "why_low": "Trop d'attente", "channels": ["sms", "email"]}, on_call, at=T0
    )
    assert _rows(desk.acme, "interaction:call-1") == {
        "nps": ("4", 4, "nps"), "why_low": ("Trop d'attente", None, "text"), "channels": ("email,sms", None, "multiple"),
    }  # fmt: skip
    (row,) = [
        r
        for r in desk.acme.repository.of_respondent("satisfaction_2026", "interaction:call-1")
        if r.question == "nps"
    ]
    assert (row.campaign, row.agent, row.interaction_id, row.lead_id, row.answered_at) == (
        "relance",
        "2001",
        "call-1",
        None,
        T0,
    )
    assert desk.globex.repository.of_survey(SATISFACTION.name) == []


def test_saving_again_replaces_the_answers_and_drops_those_no_longer_asked(desk: Desk) -> None:
    lead = Respondent(interaction_id="call-1", lead_id=None, campaign="relance")
    desk.acme.record(SATISFACTION, {"nps": 4, "why_low": "Prix"}, lead, at=T0)
    later = T0 + timedelta(minutes=2)
    desk.acme.record(SATISFACTION, {"nps": 4, "channels": ("phone",), "callback": True}, lead, at=later)
    desk.acme.record(
        SATISFACTION,
        {"nps": 9, "channels": ("phone",), "callback": True},
        lead,
        at=later + timedelta(minutes=1),
    )
    rows = {
        r.question: r for r in desk.acme.repository.of_respondent(SATISFACTION.name, "interaction:call-1")
    }
    assert {q: r.value for q, r in rows.items()} == {"nps": "9", "channels": "phone", "callback": "yes"}
    assert rows["channels"].answered_at == later  # unchanged answers keep their time


def test_a_lead_surveyed_over_two_calls_is_one_respondent_resumed_where_it_stopped(desk: Desk) -> None:
    first = Respondent(interaction_id="call-1", lead_id=desk.lead, campaign="relance", agent="2001")
    desk.acme.record(SATISFACTION, {"nps": 10}, first, at=T0)
    second = Respondent(interaction_id="call-2", lead_id=desk.lead, agent="2002")
    session = desk.acme.resume(SATISFACTION, second)
    assert session.answers == {"nps": 10}
    next_question = session.next_question()
    assert next_question is not None and next_question.id == "channels"
    session.answer("channels", ["email"])
    session.answer("ease", 5)
    desk.acme.record(SATISFACTION, session.answers, second, at=T0 + timedelta(days=1))
    rows = {r.question: r for r in desk.acme.repository.of_respondent(SATISFACTION.name, f"lead:{desk.lead}")}
    assert [(q, r.interaction_id, r.agent, r.campaign, r.contact_id) for q, r in sorted(rows.items())] == [
        ("channels", "call-2", "2002", "relance", desk.contact),  # the lead's contact and campaign filled in
        ("ease", "call-2", "2002", "relance", desk.contact),
        ("nps", "call-2", "2002", "relance", desk.contact),
    ]


def test_a_lead_or_contact_of_another_tenant_is_refused(desk: Desk) -> None:
    with pytest.raises(SurveyResponseError, match="unknown lead"):
        desk.acme.record(SATISFACTION, {"nps": 9}, Respondent(lead_id=desk.their_lead), at=T0)
    with pytest.raises(SurveyResponseError, match="unknown contact"):
        desk.globex.record(
            SATISFACTION, {"nps": 9}, Respondent(interaction_id="c", contact_id=desk.contact), at=T0
        )


@pytest.mark.parametrize(
    ("answers", "respondent", "french"),
    [
        ({"nps": 11}, Respondent(interaction_id="c"), "nps : un entier de 0 à 10"),
        ({"nps": 9, "why_low": "?"}, Respondent(interaction_id="c"), "la question 'why_low' n'est pas posée"),
        ({"unknown": 1}, Respondent(interaction_id="c"), "la question 'unknown' n'est pas posée"),
        ({"nps": 9}, Respondent(), "un lead ou une interaction est requis"),
        ({"nps": 9}, Respondent(interaction_id="c", agent="x" * 17), "agent : 16 caractères au plus"),
    ],
)
def test_answers_a_session_would_refuse_are_not_stored(
    desk: Desk, answers: dict[str, object], respondent: Respondent, french: str
) -> None:
    with pytest.raises(SurveyResponseError) as caught:
        desk.acme.record(SATISFACTION, answers, respondent, at=T0)
    assert caught.value.fr == french
    assert desk.acme.repository.of_survey(SATISFACTION.name) == []


def test_a_naive_time_is_refused(desk: Desk) -> None:
    with pytest.raises(SurveyResponseError, match="time zone"):
        desk.acme.record(SATISFACTION, {"nps": 9}, Respondent(interaction_id="c"), at=T0.replace(tzinfo=None))


def test_results_per_campaign_and_in_total_with_answers_the_survey_no_longer_takes_left_out(
    desk: Desk,
) -> None:
    answers = [
        ("relance", {"nps": 10, "channels": ["email", "phone"], "callback": True, "ease": 5}),
        ("relance", {"nps": 9, "channels": ["email"], "ease": 4}),
        ("fidelite", {"nps": 3, "why_low": "Cher", "channels": ["sms"], "ease": 1}),
        (None, {"nps": 6, "channels": ["email"], "ease": 2}),  # an inbound queue's call
    ]
    for i, (campaign, given) in enumerate(answers):
        desk.acme.record(
            SATISFACTION, given, Respondent(interaction_id=f"call-{i}", campaign=campaign), at=T0
        )
    stale = SurveyResponse(survey=SATISFACTION.name, question="plan", type="single", respondent="interaction:call-0",
                           value="gold", answered_at=T0)  # fmt: skip
    SurveyResponseRepository(desk.session, desk.acme.tenant_id).add(stale)  # an option since removed
    report = desk.acme.results(SATISFACTION)
    assert (report.total.respondents, report.ignored) == (4, 1)
    assert list(report.by_campaign) == ["fidelite", "relance", None]
    nps = report.total.questions[0]
    # promoters 10, 9; detractors 3, 6: 50 % - 50 % = 0.
    assert nps.nps == Nps(promoters=2, passives=0, detractors=2, score=0.0)
    assert report.by_campaign["relance"].questions[0].nps == Nps(2, 0, 0, 100.0)
    channels = report.total.questions[2]
    assert channels.counts == (Count("email", 3, 75.0), Count("sms", 1, 25.0), Count("phone", 1, 25.0))
    assert report.total.questions[4].mean == 3.0  # (5+4+1+2)/4
    only = desk.acme.results(SATISFACTION, campaign="fidelite", start=T0, end=T0 + timedelta(seconds=1))
    assert (only.total.respondents, list(only.by_campaign)) == (1, ["fidelite"])
    assert desk.acme.results(SATISFACTION, start=T0 + timedelta(seconds=1)).total.respondents == 0
