"""Survey responses in the database: one per question of a survey per respondent, links that outlive rows."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.contacts import Contact
from callfloor.storage.migrate import downgrade, upgrade
from callfloor.storage.outbound import Campaign, Lead
from callfloor.storage.platform import Platform
from callfloor.storage.survey_responses import SurveyResponse, SurveyResponseRepository, respondent_key
from callfloor.testing.databases import backends, temporary_database

T0 = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


def _row(respondent: str, question: str, value: str, at: datetime, **context: object) -> SurveyResponse:
    return SurveyResponse(
        survey="satisfaction", question=question, type="single", respondent=respondent, value=value,
        answered_at=at, **context,
    )  # fmt: skip


def test_the_respondent_is_the_lead_else_the_interaction() -> None:
    assert respondent_key(12, "call-1") == "lead:12"
    assert respondent_key(None, "call-1") == "interaction:call-1"
    with pytest.raises(ValueError, match="lead or an interaction"):
        respondent_key(None, "")


def test_answers_are_read_by_respondent_survey_period_and_campaign_within_the_tenant(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session, session.begin():
        platform = Platform(session)
        acme, globex = platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")
        mine, theirs = (
            SurveyResponseRepository(session, acme.id),
            SurveyResponseRepository(session, globex.id),
        )
        mine.add(_row("interaction:b", "plan", "basic", T0, campaign="relance"))
        mine.add(_row("interaction:a", "plan", "plus", T0 + timedelta(minutes=1)))
        mine.add(_row("interaction:a", "ease", "4", T0, campaign="relance"))
        mine.add(_row("interaction:a", "late", "x", T0 + timedelta(hours=1)))  # the end is excluded
        theirs.add(_row("interaction:a", "plan", "basic", T0))
        end = T0 + timedelta(hours=1)
        assert [(r.respondent, r.question) for r in mine.of_survey("satisfaction", start=T0, end=end)] == [
            ("interaction:a", "ease"), ("interaction:a", "plan"), ("interaction:b", "plan"),
        ]  # fmt: skip
        assert [r.question for r in mine.of_survey("satisfaction", campaign="relance")] == ["ease", "plan"]
        assert [r.question for r in mine.of_respondent("satisfaction", "interaction:a")] == [
            "ease",
            "plan",
            "late",
        ]
        assert mine.of_survey("other") == []
        assert mine.surveys() == ["satisfaction"]
        assert [r.value for r in theirs.of_survey("satisfaction")] == ["basic"]


def test_one_answer_per_question_of_a_survey_per_respondent(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        tenant = Platform(session).create_tenant("acme", "Acme")
        responses = SurveyResponseRepository(session, tenant.id)
        responses.add(_row("lead:1", "plan", "basic", T0))
        responses.add(_row("lead:1", "ease", "3", T0))
        with pytest.raises(IntegrityError):
            responses.add(_row("lead:1", "plan", "plus", T0))
        session.rollback()


def test_an_unknown_question_type_is_refused_by_the_database(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        tenant = Platform(session).create_tenant("acme", "Acme")
        row = _row("lead:1", "plan", "basic", T0)
        row.type = "essay"
        with pytest.raises(IntegrityError, match="type"):
            SurveyResponseRepository(session, tenant.id).add(row)
        session.rollback()


def test_deleting_the_contact_or_the_lead_keeps_the_answer(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("acme", "Acme")
        contact = Contact(tenant_id=tenant.id, first_name="Anne", last_name="Durand")
        campaign = Campaign(tenant_id=tenant.id, name="relance", type="quote_followup", mode="preview")
        session.add_all([contact, campaign])
        session.flush()
        lead = Lead(
            tenant_id=tenant.id, campaign_id=campaign.id, contact_id=contact.id, phone="+33612345678",
            phone_type="mobile", zone="Europe/Paris", country="FR",
        )  # fmt: skip
        session.add(lead)
        session.flush()
        row = SurveyResponseRepository(session, tenant.id).add(
            _row(f"lead:{lead.id}", "plan", "basic", T0, lead_id=lead.id, contact_id=contact.id)
        )
        ids = (tenant.id, contact.id, lead.id, row.id)
    with sessions.begin() as session:
        session.execute(text("DELETE FROM leads WHERE id = :id"), {"id": ids[2]})
        session.execute(text("DELETE FROM contacts WHERE id = :id"), {"id": ids[1]})
    with sessions() as session:
        kept = session.get(SurveyResponse, ids[3])
        assert kept is not None
        assert (kept.contact_id, kept.lead_id, kept.respondent, kept.value) == (
            None,
            None,
            f"lead:{ids[2]}",
            "basic",
        )


@pytest.mark.parametrize("backend", backends())
def test_the_migration_goes_down_and_up(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path) as engine:
        assert "survey_responses" in inspect(engine).get_table_names()
        downgrade(engine, "0016")
        assert "survey_responses" not in inspect(engine).get_table_names()
        assert "leads" in inspect(engine).get_table_names()
        upgrade(engine)
        assert "survey_responses" in inspect(engine).get_table_names()
