"""Consent to canvassing and the do-not-call list, per attempt and per list.

Loi 2025-594 art. 13 rewrites C. consom. L223-1 from 11 August 2026: no phone canvassing of a
consumer who has not consented beforehand (al. 1); consent is free, specific, informed,
unambiguous and *revocable* (al. 2); the professional must prove it (al. 3); calls within a
current contract and related to it are outside the ban (al. 4: the campaign's
``existing_customer_exempt``). So a consent counts from ``given_at``, until ``revoked_at`` (a
revocation wins from its date, for good: only a new consent, a new fact, lifts it), and one
without proof text counts for nothing.

Before that date the former regime applies: canvassing is allowed unless the consumer is on the
opposition list (Bloctel), which callfloor checks as the do-not-call rule, together with the
tenant's own list ("ne m'appelez plus" dispositions), on every attempt and at every date.

At the campaign level, :func:`consent_basis` refuses a list none of whose targets can be called
(no consent, no exempted contract or B2B flag): "campaigns on lists without consent". A list
with *some* such targets is accepted, with their count: they are blocked one by one at dialing
time, as revocations keep arriving during a campaign.
"""

from datetime import datetime

from callfloor.core.compliance.model import AttemptFacts, CampaignFacts, Decision, ListCounts, Outcome
from callfloor.core.compliance.rules import Rule
from callfloor.core.compliance.wording import when_en, when_fr


def consent_required(rule: Rule, facts: AttemptFacts, at: datetime) -> Decision:
    """Passed with a proven consent valid at ``at``; deferred until it is given; else blocked."""
    consent, zone, rule_id = facts.target.consent, facts.target.zone, rule.rule_id
    if consent is None:
        return Decision(
            rule_id, Outcome.BLOCKED,
            "aucun consentement préalable au démarchage téléphonique",
            "no prior consent to phone canvassing",
        )  # fmt: skip
    if not consent.proof.strip():
        return Decision(
            rule_id, Outcome.BLOCKED,
            f"consentement ({consent.source}) sans preuve : le professionnel doit pouvoir l'établir",
            f"consent ({consent.source}) without proof: the professional must be able to show it",
        )  # fmt: skip
    revoked = consent.revoked_at
    if revoked is not None and (revoked <= at or revoked <= consent.given_at):
        return Decision(
            rule_id, Outcome.BLOCKED,
            f"consentement retiré le {when_fr(revoked, zone)}",
            f"consent revoked on {when_en(revoked, zone)}",
        )  # fmt: skip
    if consent.given_at > at:
        return Decision(
            rule_id, Outcome.DEFERRED,
            f"consentement donné seulement le {when_fr(consent.given_at, zone)}",
            f"consent given only on {when_en(consent.given_at, zone)}",
            consent.given_at,
        )  # fmt: skip
    return Decision(
        rule_id, Outcome.PASSED,
        f"consentement du {when_fr(consent.given_at, zone)} ({consent.source})",
        f"consent of {when_en(consent.given_at, zone)} ({consent.source})",
    )  # fmt: skip


def do_not_call(rule: Rule, facts: AttemptFacts, at: datetime) -> Decision:
    """Blocked when the number is on the tenant's do-not-call / opposition list."""
    del at  # the list is as the caller read it
    if facts.target.on_dnc:
        return Decision(
            rule.rule_id, Outcome.BLOCKED,
            f"{facts.target.number} est sur la liste d'opposition (ne pas appeler)",
            f"{facts.target.number} is on the do-not-call list",
        )  # fmt: skip
    return Decision(rule.rule_id, Outcome.PASSED, "pas sur la liste d'opposition", "not on the DNC list")


def consent_basis(rule: Rule, campaign: CampaignFacts, counts: ListCounts) -> Decision:
    """Blocked when no target of the list may be called; else passed, counting those that may not."""
    basis = counts.consent
    basis += counts.contract if campaign.existing_customer_exempt else 0
    basis += counts.professional if campaign.b2b_exempt else 0
    without, total = counts.total - basis, counts.total
    if total and not basis:
        return Decision(
            rule.rule_id, Outcome.BLOCKED,
            f"campagne refusée : aucun des {total} contacts n'a de consentement préalable, de contrat en "
            "cours (avec l'exemption clients) ni de statut professionnel (avec l'exemption B2B)",
            f"campaign refused: none of its {total} contacts has a prior consent, a current contract "
            "(with the existing-customer exemption) or a professional status (with the B2B exemption)",
        )  # fmt: skip
    return Decision(
        rule.rule_id, Outcome.PASSED,
        f"{basis} contact(s) sur {total} peuvent être appelés ; {without} sans consentement seront bloqués",
        f"{basis} of {total} contact(s) may be called; {without} without consent will be blocked",
    )  # fmt: skip
