"""A campaign's leads put to the rules with facts read from the database: DNC, consents, history."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.compliance import CampaignCompliance
from callfloor.outbound.consents import ConsentRow, PhoneConsents
from callfloor.outbound.dnc import DncRegister
from callfloor.storage.outbound import CallAttempt, Campaign, Lead
from callfloor.storage.platform import Platform

PARIS = ZoneInfo("Europe/Paris")
TUESDAY_11 = datetime(2026, 9, 15, 11, 0, tzinfo=PARIS)  # a working day, within the decree's hours
CALLER_ID = "+33162000001"


@dataclass
class Floor:
    session: Session
    tenant_id: int
    other_tenant_id: int

    def campaign(self, name: str, type_: str = "quote_followup", **settings: object) -> Campaign:
        return Campaigns(self.session, self.tenant_id).create(
            name, type_, "progressive", caller_id=CALLER_ID, **settings
        )

    def lead(self, campaign: Campaign, phone: str, **fields: object) -> Lead:
        lead = Lead(tenant_id=self.tenant_id, campaign_id=campaign.id, phone=phone, phone_type="mobile",
                    zone="Europe/Paris", country="FR", **fields)  # fmt: skip
        self.session.add(lead)
        self.session.flush()
        return lead

    def attempt(self, campaign: Campaign, phone: str, at: datetime, disposition: str | None = None) -> None:
        self.session.add(CallAttempt(tenant_id=campaign.tenant_id, campaign_id=campaign.id, number=phone,
                                     started_at=at, outcome="answered", disposition=disposition))  # fmt: skip
        self.session.flush()

    def consent(
        self, phone: str, purpose: str, at: datetime, proof: str = "formulaire v3, case cochée"
    ) -> None:
        PhoneConsents(self.session, self.tenant_id).record(
            ConsentRow(phone, purpose, "site web", at, proof, None, None)
        )


@pytest.fixture
def floor(sessions: sessionmaker[Session]) -> Iterator[Floor]:
    with sessions() as session, session.begin():
        platform = Platform(session)
        acme, globex = platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")
        yield Floor(session, acme.id, globex.id)
        session.rollback()


def _verdicts(
    floor: Floor, campaign: Campaign, now: datetime
) -> dict[str, tuple[bool, datetime | None, set[str]]]:
    compliance = CampaignCompliance(floor.session, campaign)
    return {
        c.lead.phone: (c.verdict.allowed, c.verdict.not_before, {d.rule_id for d in c.verdict.blocking})
        for c in compliance.check(compliance.pending(), now)
    }


def test_consent_and_the_opposition_list_decide_who_is_called_after_11_august_2026(floor: Floor) -> None:
    campaign = floor.campaign("relance")
    with_consent, without, opposed = "+33612345601", "+33612345602", "+33612345603"
    for phone in (with_consent, without, opposed):
        floor.lead(campaign, phone)
    floor.consent(with_consent, "quote_followup", datetime(2026, 5, 1, tzinfo=UTC))
    floor.consent(opposed, "quote_followup", datetime(2026, 5, 1, tzinfo=UTC))
    DncRegister(floor.session, floor.tenant_id).add(opposed, "api", reason="ne m'appelez plus")
    DncRegister(floor.session, floor.other_tenant_id).add(with_consent, "api")  # another tenant's list
    verdicts = _verdicts(floor, campaign, TUESDAY_11)
    assert verdicts[with_consent] == (True, TUESDAY_11, set())
    assert verdicts[without][:2] == (False, None) and verdicts[without][2] == {"fr.loi-2025-594.consent"}
    assert (
        verdicts[opposed][:2] == (False, None) and "fr.code-conso-l223-1.opposition" in verdicts[opposed][2]
    )


def test_a_consent_revoked_or_given_for_another_purpose_does_not_count(floor: Floor) -> None:
    campaign = floor.campaign("prospection", "prospecting")
    revoked, elsewhere = "+33612345611", "+33612345612"
    floor.lead(campaign, revoked)
    floor.lead(campaign, elsewhere)
    floor.consent(revoked, "prospecting", datetime(2026, 5, 1, tzinfo=UTC))
    PhoneConsents(floor.session, floor.tenant_id).revoke(
        revoked, "prospecting", "appel", datetime(2026, 9, 1, tzinfo=UTC)
    )
    floor.consent(elsewhere, "survey", datetime(2026, 5, 1, tzinfo=UTC))
    verdicts = _verdicts(floor, campaign, TUESDAY_11)
    assert not verdicts[revoked][0] and not verdicts[elsewhere][0]


def test_professionals_are_exempt_from_the_consumer_rules_customers_from_consent_only(
    floor: Floor,
) -> None:
    customers = floor.campaign("clients", existing_customers_only=True)
    b2b = floor.campaign("pros", b2b=True)
    plain = floor.campaign("tous")
    customer, company = "+33612345621", "+33612345622"
    floor.lead(customers, customer, data={"customer": "oui"})
    floor.lead(b2b, company, company="Garage Martin SARL")
    floor.lead(plain, customer, data={"customer": "oui"})
    floor.lead(plain, company, company="Garage Martin SARL")
    assert _verdicts(floor, customers, TUESDAY_11)[customer][0]
    assert _verdicts(floor, b2b, TUESDAY_11)[company][0]
    assert not any(allowed for allowed, _, _ in _verdicts(floor, plain, TUESDAY_11).values())


def test_four_attempts_in_30_days_and_a_refusal_defer_the_next_call(floor: Floor) -> None:
    campaign = floor.campaign("relance")
    other = floor.campaign("autre relance")  # same purpose: the attempts add up
    capped, refused, fresh = "+33612345631", "+33612345632", "+33612345633"
    for phone in (capped, refused, fresh):
        floor.lead(campaign, phone)
        floor.consent(phone, "quote_followup", datetime(2026, 5, 1, tzinfo=UTC))
    first = TUESDAY_11 - timedelta(days=20)
    for day in range(4):
        floor.attempt(other if day % 2 else campaign, capped, first + timedelta(days=day))
    refusal = TUESDAY_11 - timedelta(days=10)
    floor.attempt(campaign, refused, refusal, disposition="refus")
    floor.attempt(campaign, fresh, TUESDAY_11 - timedelta(days=40))  # outside the window
    verdicts = _verdicts(floor, campaign, TUESDAY_11)
    assert verdicts[fresh][0]
    allowed, not_before, rules = verdicts[capped]
    assert not allowed and rules == {"fr.decret-2022-1313.attempts"}
    assert not_before is not None and not_before >= first + timedelta(days=30)
    allowed, not_before, rules = verdicts[refused]
    assert not allowed and rules == {"fr.decret-2022-1313.refusal"}
    assert not_before == refusal.astimezone(UTC) + timedelta(days=60)  # 60 days to the hour, a Wednesday


def test_friday_evening_waits_for_monday_morning_and_done_leads_are_not_checked(floor: Floor) -> None:
    campaign = floor.campaign("relance")
    floor.lead(campaign, "+33612345641")
    floor.lead(campaign, "+33612345642", status="done")
    floor.consent("+33612345641", "quote_followup", datetime(2026, 5, 1, tzinfo=UTC))
    friday_evening = datetime(2026, 9, 18, 20, 30, tzinfo=PARIS)
    verdicts = _verdicts(floor, campaign, friday_evening)
    assert list(verdicts) == ["+33612345641"]
    allowed, not_before, rules = verdicts["+33612345641"]
    assert not allowed and rules == {"fr.decret-2022-1313.hours"}
    assert not_before == datetime(2026, 9, 21, 10, 0, tzinfo=PARIS)
