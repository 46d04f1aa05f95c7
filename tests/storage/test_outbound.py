"""Outbound tables on every backend: the 0016 migration, uniqueness, checks, and what deletes what."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.migrate import downgrade, upgrade
from callfloor.storage.models import Tenant
from callfloor.storage.outbound import CallAttempt, Campaign, ContactList, DncEntry, Lead, PhoneConsent
from callfloor.storage.platform import Platform
from callfloor.testing.databases import backends, temporary_database

AT = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
TABLES = {"campaigns", "contact_lists", "leads", "call_attempts", "dnc_entries", "phone_consents"}


def _lead(tenant_id: int, campaign: Campaign, phone: str = "+33612345678", **fields: object) -> Lead:
    values = {"phone_type": "mobile", "zone": "Europe/Paris", "country": "FR", **fields}
    return Lead(tenant_id=tenant_id, campaign_id=campaign.id, phone=phone, **values)


def _floor(session: Session) -> tuple[Tenant, Campaign]:
    tenant = Platform(session).create_tenant("acme", "Acme")
    campaign = Campaign(tenant_id=tenant.id, name="relance", type="quote_followup")
    session.add(campaign)
    session.flush()
    return tenant, campaign


def _refused(session: Session, row: object) -> None:
    with session.begin_nested():
        session.add(row)
        with pytest.raises(IntegrityError):
            session.flush()


def test_leads_are_unique_per_campaign_and_checked(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        tenant, campaign = _floor(session)
        session.add(_lead(tenant.id, campaign))
        session.flush()
        _refused(session, _lead(tenant.id, campaign))
        _refused(session, _lead(tenant.id, campaign, "+33612345679", status="lost"))
        _refused(session, _lead(tenant.id, campaign, "+33612345679", phone_type="pager"))
        _refused(session, Campaign(tenant_id=tenant.id, name="relance", type="survey"))
        _refused(session, Campaign(tenant_id=tenant.id, name="x", type="survey", target_drop_rate=2.0))
        session.add(DncEntry(tenant_id=tenant.id, number="+33612345678", source="api"))
        session.flush()
        _refused(session, DncEntry(tenant_id=tenant.id, number="+33612345678", source="import"))
        (stored,) = session.scalars(select(Lead))
        assert (stored.status, stored.attempts, stored.priority, stored.data) == ("untouched", 0, 0, {})
        session.rollback()


def test_attempts_outlive_their_lead_and_keep_their_campaign(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        tenant, campaign = _floor(session)
        listed = ContactList(tenant_id=tenant.id, campaign_id=campaign.id, name="mars")
        session.add(listed)
        session.flush()
        lead = _lead(tenant.id, campaign, list_id=listed.id)
        session.add(lead)
        session.flush()
        rules = [{"rule": "fr.decret-2022-1313.hours", "outcome": "passed"}]
        attempt = CallAttempt(tenant_id=tenant.id, lead_id=lead.id, campaign_id=campaign.id, started_at=AT,
                              outcome="no_answer", number=lead.phone, rules=rules)  # fmt: skip
        session.add(attempt)
        session.flush()
        _refused(session, CallAttempt(tenant_id=tenant.id, campaign_id=campaign.id, started_at=AT,
                                      outcome="maybe", number="+33612345678"))  # fmt: skip
        session.execute(text("DELETE FROM contact_lists"))
        assert session.scalar(select(Lead.list_id)) is None  # the lead stays in its campaign
        session.execute(text("DELETE FROM leads"))
        session.expire_all()
        assert (attempt.lead_id, attempt.rules) == (None, rules)
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(text("DELETE FROM campaigns"))  # deactivated, never deleted, once called
        session.rollback()


def test_a_tenant_goes_with_all_its_outbound_rows(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        tenant, campaign = _floor(session)
        lead = _lead(tenant.id, campaign)
        session.add(lead)
        session.flush()
        session.add_all([
            CallAttempt(tenant_id=tenant.id, lead_id=lead.id, campaign_id=campaign.id, started_at=AT,
                        outcome="answered", number=lead.phone),
            DncEntry(tenant_id=tenant.id, number="+33612345678", source="api"),
            PhoneConsent(tenant_id=tenant.id, number="+33612345678", purpose="prospecting", source="web",
                         given_at=AT, proof="oui"),
        ])  # fmt: skip
        session.flush()
        session.execute(text("DELETE FROM tenants"))
        for model in (Campaign, Lead, CallAttempt, DncEntry, PhoneConsent):
            assert session.scalar(select(func.count()).select_from(model)) == 0
        session.rollback()


@pytest.mark.parametrize("backend", backends())
def test_outbound_upgrade_and_downgrade(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        upgrade(engine, "0015")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine, "0016")
        assert set(inspect(engine).get_table_names()) >= TABLES
        indexes = {i["name"] for i in inspect(engine).get_indexes("leads")}
        assert {"ix_leads_next_callable", "ix_leads_list_id", "ix_leads_contact_id"} <= indexes
        downgrade(engine, "0015")
        assert not TABLES & set(inspect(engine).get_table_names())
        assert "interactions" in inspect(engine).get_table_names()
