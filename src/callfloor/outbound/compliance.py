"""A campaign's leads put to the compliance rules: the facts read from storage, the verdicts given.

The core (:mod:`callfloor.core.compliance`) decides from plain facts; this module gathers them
for one campaign, in bulk so that checking a list of 100,000 leads costs a handful of queries:

- the callee: the lead's number, zone, country and subdivision (set at import);
- ``b2b``: the lead names a company, or its data says ``b2b``; it exempts only in a campaign
  whose ``b2b`` setting is on (the core's rule);
- ``existing_customer``: the lead's data says ``customer`` (a current contract, as the list's
  owner knows it); it lifts the consent requirement only in an ``existing_customers_only``
  campaign;
- the consent: the number's latest consent record for the campaign's purpose;
- the opposition list: the tenant's do-not-call entries in force;
- the history: every attempt the tenant placed to the number in the last 30 days in a campaign of
  the same purpose (décret 2022-1313 art. 1, 4 per 30 days), and the latest refusal, i.e. an
  attempt whose disposition is one of :data:`REFUSALS` (60 days).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callfloor.core.compliance.abandon import check_abandon_rate
from callfloor.core.compliance.check import check_attempt
from callfloor.core.compliance.model import (
    CampaignFacts,
    ConsentFacts,
    Decision,
    History,
    Purpose,
    Target,
    Verdict,
)
from callfloor.core.compliance.profiles import BUILTIN
from callfloor.core.compliance.rules import AbandonParams, RuleKind
from callfloor.core.dialer.model import Outcome
from callfloor.outbound.consents import PhoneConsents
from callfloor.outbound.dnc import DncRegister
from callfloor.outbound.importing import chunks
from callfloor.storage.outbound import CallAttempt, Campaign, Lead

#: Dispositions that record a refusal of the offer: no new call for 60 days.
REFUSALS = frozenset({"refusal", "refused", "refus", "not_interested", "do_not_call"})
#: Lead data values read as "yes" (as lists write them).
YES = frozenset({"1", "true", "yes", "oui", "y", "o", "x"})
#: Lead statuses still to call.
PENDING = ("untouched", "scheduled", "callback")
WINDOW = timedelta(days=60)  # the longest look back any rule needs (the refusal's cool-down)


def campaign_facts(campaign: Campaign) -> CampaignFacts:
    """The campaign's settings as the rules read them."""
    return CampaignFacts(
        purpose=Purpose(campaign.type),
        profile=campaign.country,
        caller_id=campaign.caller_id or "",
        b2b_exempt=campaign.b2b,
        existing_customer_exempt=campaign.existing_customers_only,
        automated=campaign.mode != "preview",
    )


def _flag(lead: Lead, key: str) -> bool:
    return str(lead.data.get(key, "")).strip().lower() in YES


@dataclass(frozen=True, slots=True)
class Checked:
    """One lead and its verdict."""

    lead: Lead
    verdict: Verdict


class CampaignCompliance:
    """The rules of one campaign's country, applied to its leads with facts from the database."""

    def __init__(self, session: Session, campaign: Campaign) -> None:
        self.session, self.campaign = session, campaign
        self.tenant_id = campaign.tenant_id
        self.profile = BUILTIN[campaign.country]
        self.facts = campaign_facts(campaign)

    def pending(self) -> Sequence[Lead]:
        """The campaign's leads still to call (not done, exhausted or being dialed)."""
        query = select(Lead).where(Lead.tenant_id == self.tenant_id, Lead.campaign_id == self.campaign.id)
        query = query.where(Lead.status.in_(PENDING))
        return self.session.scalars(query.order_by(Lead.priority.desc(), Lead.id)).all()

    def check(self, leads: Sequence[Lead], now: datetime) -> list[Checked]:
        """Each lead's verdict at ``now``."""
        numbers = [lead.phone for lead in leads]
        listed = DncRegister(self.session, self.tenant_id).listed(numbers, now)
        consents = PhoneConsents(self.session, self.tenant_id)
        histories = self.histories(numbers, now)
        checked = []
        for lead in leads:
            consent = consents.facts(lead.phone, self.campaign.type) if self._needs_consent() else None
            target = self.target(lead, lead.phone in listed, consent)
            verdict = check_attempt(
                self.profile, self.facts, target, histories.get(lead.phone, History()), now
            )
            checked.append(Checked(lead, verdict))
        return checked

    def target(self, lead: Lead, on_dnc: bool, consent: ConsentFacts | None) -> Target:
        """The callee as the rules see them."""
        return Target(
            number=lead.phone, zone=lead.zone, country=lead.country, subdivision=lead.subdivision,
            b2b=bool(lead.company.strip()) or _flag(lead, "b2b"), existing_customer=_flag(lead, "customer"),
            consent=consent, on_dnc=on_dnc,
        )  # fmt: skip

    def histories(self, numbers: Iterable[str], now: datetime) -> dict[str, History]:
        """Each number's attempts of the same purpose and latest refusal, over the last 60 days."""
        attempts: dict[str, list[datetime]] = defaultdict(list)
        refused: dict[str, datetime] = {}
        for part in chunks(sorted(set(numbers))):
            query = (
                select(CallAttempt.number, CallAttempt.started_at, CallAttempt.disposition)
                .join(Campaign, Campaign.id == CallAttempt.campaign_id)
                .where(CallAttempt.tenant_id == self.tenant_id, CallAttempt.number.in_(part))
                .where(Campaign.type == self.campaign.type, CallAttempt.started_at > now - WINDOW)
                .where(CallAttempt.outcome != Outcome.BLOCKED.value)
            )
            for number, started, disposition in self.session.execute(query):
                attempts[number].append(started)
                if disposition in REFUSALS and started > refused.get(number, started - WINDOW):
                    refused[number] = started
        return {
            number: History(tuple(sorted(attempts[number])), refused.get(number))
            for number in attempts.keys() | refused.keys()
        }

    def abandon_rate(self, now: datetime) -> Decision:
        """The campaign's abandon rate over its profile's window (16 CFR 310.4(b)(4)(i)), judged."""
        purpose = Purpose(self.campaign.type)
        caps = [r.params for r in self.profile.of_kind(RuleKind.ABANDON_RATE_CAP) if purpose in r.purposes]
        window = next((p.window for p in caps if isinstance(p, AbandonParams)), None)
        if window is None:
            return check_abandon_rate(self.profile, 0, 0, purpose)  # not applicable, and says so
        persons = (Outcome.ANSWERED.value, Outcome.DROPPED.value)
        query = (
            select(CallAttempt.outcome, func.count())
            .where(CallAttempt.tenant_id == self.tenant_id, CallAttempt.campaign_id == self.campaign.id)
            .where(CallAttempt.outcome.in_(persons), CallAttempt.started_at > now - window)
            .group_by(CallAttempt.outcome)
        )
        counts: dict[str, int] = dict(self.session.execute(query).all())
        answered = sum(counts.values())
        return check_abandon_rate(self.profile, answered, counts.get(Outcome.DROPPED.value, 0), purpose)

    def _needs_consent(self) -> bool:
        return any(rule.kind is RuleKind.CONSENT_REQUIRED for rule in self.profile.rules)
