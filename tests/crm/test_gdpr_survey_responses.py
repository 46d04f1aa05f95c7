"""Survey responses under the RGPD: exported with the person's data, unlinked and anonymised on erasure."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.crm.gdpr import MARKER
from callfloor.crm.gdpr_rights import DataSubjectRights
from callfloor.crm.gdpr_survey_responses import SurveyResponseHolder
from callfloor.crm.merge import ContactMerger
from callfloor.outbound.survey_results import Respondent, SurveyResponses
from callfloor.storage.contacts import Contact
from callfloor.storage.interactions import Interaction
from callfloor.storage.outbound import Campaign, Lead
from callfloor.storage.platform import Platform
from callfloor.storage.survey_responses import SurveyResponse
from tests.core.scripts.examples import SATISFACTION

T0 = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)
SECRET = "Je suis Mme Kervarec, rappelez-moi au 06 12 34 56 78"


@dataclass
class Survey:
    """Acme's answers: the person's (linked, on an unlinked call, as an unlinked lead), someone else's."""

    session: Session
    rights: DataSubjectRights
    contact: int
    other: int


def _call(session: Session, tenant_id: int, interaction_id: str, number: str, contact_id: int | None) -> None:
    session.add(Interaction(
        tenant_id=tenant_id, interaction_id=interaction_id, channel="call", direction="inbound", number=number,
        contact_id=contact_id, started_at=T0, ended_at=T0, outcome="completed",
    ))  # fmt: skip


@pytest.fixture
def survey(sessions: sessionmaker[Session], tmp_path: Path) -> Iterator[Survey]:
    with sessions() as session, session.begin():
        acme = Platform(session).create_tenant("acme", "Acme")
        people = CustomerFile(session, acme.id)
        person = people.create_contact({"last_name": "Kervarec"}, phones=[PhoneInput("06 12 34 56 78")])
        other = people.create_contact({"last_name": "Autre"}, phones=[PhoneInput("06 99 99 99 99")])
        _call(session, acme.id, "unlinked-call", "+33612345678", None)
        campaign = Campaign(tenant_id=acme.id, name="relance", type="survey", mode="preview")
        session.add(campaign)
        session.flush()
        lead = Lead(
            tenant_id=acme.id, campaign_id=campaign.id, contact_id=None, phone="+33612345678", phone_type="mobile",
            zone="Europe/Paris", country="FR",
        )  # fmt: skip
        session.add(lead)
        session.flush()
        responses = SurveyResponses(session, acme.id)
        low = {"nps": 2, "why_low": SECRET, "channels": ["email"], "ease": 1}
        responses.record(SATISFACTION, low, Respondent(interaction_id="linked", contact_id=person.id), at=T0)
        responses.record(SATISFACTION, {"nps": 9}, Respondent(interaction_id="unlinked-call"), at=T0)
        responses.record(SATISFACTION, {"nps": 10, "channels": ["sms"]}, Respondent(lead_id=lead.id), at=T0)
        theirs = {"nps": 5, "why_low": "Trop long", "channels": ["email"], "ease": 3}
        responses.record(
            SATISFACTION, theirs, Respondent(interaction_id="theirs", contact_id=other.id), at=T0
        )
        yield Survey(session, DataSubjectRights(session, acme.id, tmp_path), person.id, other.id)
        session.rollback()


def _contact(survey: Survey, contact_id: int) -> Contact:
    contact = survey.session.get(Contact, contact_id)
    assert contact is not None
    return contact


def _rows(survey: Survey) -> list[SurveyResponse]:
    query = select(SurveyResponse).where(SurveyResponse.tenant_id == survey.rights.tenant_id)
    return list(survey.session.scalars(query.order_by(SurveyResponse.id)))


def test_the_export_holds_the_persons_answers_and_theirs_only(survey: Survey) -> None:
    subject = survey.rights.subject(_contact(survey, survey.contact))
    exported = SurveyResponseHolder().export(survey.session, subject)
    assert sorted((a["interaction_id"] or "", a["question"], a["value"]) for a in exported) == [
        ("", "channels", "sms"), ("", "nps", "10"),  # as the lead of the person's number
        ("linked", "channels", "email"), ("linked", "ease", "1"), ("linked", "nps", "2"),
        ("linked", "why_low", SECRET),
        ("unlinked-call", "nps", "9"),  # on a call from the person's number
    ]  # fmt: skip


def test_erasure_keeps_the_figures_but_nothing_that_leads_back_to_the_person(survey: Survey) -> None:
    before = SurveyResponses(survey.session, survey.rights.tenant_id).results(SATISFACTION)
    report = survey.rights.erase(_contact(survey, survey.contact), actor=None)
    assert report.counts["survey_responses"] == {"survey_responses_unlinked": 7, "survey_texts_anonymised": 1}
    rows = _rows(survey)
    assert SECRET not in [r.value for r in rows]
    theirs = [r for r in rows if r.contact_id == survey.other]
    assert {r.respondent for r in theirs} == {"interaction:theirs"}
    assert "Trop long" in [r.value for r in theirs]
    erased = [r for r in rows if r.contact_id != survey.other]
    assert all(
        r.respondent.startswith("erased:") and r.lead_id is None and r.contact_id is None for r in erased
    )
    assert [r.value for r in erased if r.question == "why_low"] == [MARKER]
    assert len({r.respondent for r in erased}) == 3  # still three respondents
    after = SurveyResponses(survey.session, survey.rights.tenant_id).results(SATISFACTION)
    assert after.total == before.total  # the same figures (free text is counted, not read)


def test_a_dry_run_counts_and_changes_nothing(survey: Survey) -> None:
    report = survey.rights.erase(_contact(survey, survey.contact), actor=None, dry_run=True)
    assert report.counts["survey_responses"]["survey_responses_unlinked"] == 7
    assert SECRET in [r.value for r in _rows(survey)]


def test_a_merge_moves_the_answers_to_the_survivor(survey: Survey) -> None:
    merger = ContactMerger(survey.session, survey.rights.tenant_id)
    merger.merge(_contact(survey, survey.other), _contact(survey, survey.contact))
    linked = [r for r in _rows(survey) if r.contact_id == survey.other]
    assert sorted(r.interaction_id or "" for r in linked) == ["linked"] * 4 + ["theirs"] * 4
