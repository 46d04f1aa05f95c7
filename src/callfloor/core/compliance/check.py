"""Checking an attempt and a campaign against a profile: one decision per rule, and when it may go.

Each attempt-level rule is first placed: *not applicable* to another purpose or outside its
dates in force (the callee's local date), *exempt* when an explicit campaign setting lifts it
for this target (``b2b_exempt`` for a rule with ``consumers_only`` and a target flagged
``b2b``; ``existing_customer_exempt`` for a rule that allows it and a current customer); else
its kind's evaluator decides. A rule that ends on a date defers no later than that date.

The earliest instant (``Verdict.not_before``) is found by walking forward: at each step every
rule is asked again at the latest instant one of them deferred to, until all pass (found), one
blocks for good (None), or the walk leaves the horizon. Each step moves strictly forward, and a
rule coming into force on the way (loi 2025-594 from 11 August 2026) is met on its date. So,
checking again at ``not_before`` with the same facts allows the call.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta

from callfloor.core.compliance import ComplianceError, InvalidFacts
from callfloor.core.compliance.caller_id import caller_id_plan
from callfloor.core.compliance.consent import consent_basis, consent_required, do_not_call
from callfloor.core.compliance.frequency import attempt_cap, refusal_cooldown
from callfloor.core.compliance.hours import calling_hours, no_public_holidays
from callfloor.core.compliance.model import (
    AttemptFacts,
    CampaignFacts,
    Decision,
    History,
    ListCounts,
    Outcome,
    Target,
    Verdict,
    aware,
    zone_info,
)
from callfloor.core.compliance.rules import ATTEMPT_KINDS, Profile, Rule, RuleKind
from callfloor.core.compliance.wording import day_fr

#: How far ahead the walk looks; the longest legal wait (a 60-day cool-down) fits many times.
HORIZON = timedelta(days=2 * 366)
MAX_STEPS = 500

Evaluator = Callable[[Rule, AttemptFacts, datetime], Decision]
_EVALUATORS: Mapping[RuleKind, Evaluator] = {
    RuleKind.CALLING_HOURS: calling_hours,
    RuleKind.NO_PUBLIC_HOLIDAYS: no_public_holidays,
    RuleKind.ATTEMPT_CAP: attempt_cap,
    RuleKind.REFUSAL_COOLDOWN: refusal_cooldown,
    RuleKind.CONSENT_REQUIRED: consent_required,
    RuleKind.DO_NOT_CALL: do_not_call,
    RuleKind.CALLER_ID_PLAN: lambda rule, facts, at: caller_id_plan(rule, facts.campaign),
}


def check_attempt(
    profile: Profile, campaign: CampaignFacts, target: Target, history: History, now: datetime
) -> Verdict:
    """Each attempt-level rule's decision on calling ``target`` at ``now``; the earliest instant all pass."""
    _same_profile(profile, campaign)
    start = aware(now, "now")
    facts = AttemptFacts(campaign, target, history)
    rules = tuple(rule for rule in profile.rules if rule.kind in ATTEMPT_KINDS)
    decisions = _decide_all(rules, facts, start)
    if all(d.outcome.allows for d in decisions):
        return Verdict(allowed=True, not_before=start, decisions=decisions)
    not_before, later = _earliest(rules, facts, decisions, start)
    return Verdict(allowed=False, not_before=not_before, decisions=decisions, later=later)


def check_campaign(
    profile: Profile, campaign: CampaignFacts, now: datetime | None = None, counts: ListCounts | None = None
) -> tuple[Decision, ...]:
    """Configuration checks: the caller ID, and with ``counts`` the list's consent basis.

    Rules are taken in force at ``now`` (the profile's local date); without ``now``, every rule
    is, present or coming: the strictest reading, for a campaign configured ahead of its run.
    """
    _same_profile(profile, campaign)
    day = None if now is None else aware(now, "now").astimezone(zone_info(profile.zone)).date()
    kinds = {RuleKind.CALLER_ID_PLAN} | ({RuleKind.CONSENT_REQUIRED} if counts is not None else set())
    return tuple(_configured(rule, campaign, day, counts) for rule in profile.rules if rule.kind in kinds)


def _configured(rule: Rule, campaign: CampaignFacts, day: date | None, counts: ListCounts | None) -> Decision:
    if campaign.purpose not in rule.purposes:
        return _not_applicable_purpose(rule, campaign)
    if day is not None and not rule.in_force(day):
        return _not_in_force(rule, day)
    if counts is not None and rule.kind is RuleKind.CONSENT_REQUIRED:
        return consent_basis(rule, campaign, counts)
    return caller_id_plan(rule, campaign)


def decide(rule: Rule, facts: AttemptFacts, at: datetime) -> Decision:
    """One rule's decision on one attempt at ``at``: placed first, then evaluated."""
    campaign, target = facts.campaign, facts.target
    if campaign.purpose not in rule.purposes:
        return _not_applicable_purpose(rule, campaign)
    day = at.astimezone(zone_info(target.zone)).date()
    if not rule.in_force(day):
        return _not_in_force(rule, day)
    if rule.consumers_only and target.b2b and campaign.b2b_exempt:
        return Decision(
            rule.rule_id, Outcome.EXEMPT,
            "appel professionnel (B2B) : la règle protège les consommateurs ; exemption B2B de la campagne",
            "business call (B2B): the rule protects consumers; the campaign's B2B exemption",
        )  # fmt: skip
    if rule.existing_customer_exempt and target.existing_customer and campaign.existing_customer_exempt:
        return Decision(
            rule.rule_id, Outcome.EXEMPT,
            "client sous contrat en cours, offre liée au contrat : exemption clients de la campagne",
            "customer with a current contract, offer related to it: the campaign's customer exemption",
        )  # fmt: skip
    return _until_rule_ends(rule, _EVALUATORS[rule.kind](rule, facts, at), target.zone)


def _decide_all(rules: tuple[Rule, ...], facts: AttemptFacts, at: datetime) -> tuple[Decision, ...]:
    return tuple(decide(rule, facts, at) for rule in rules)


def _earliest(
    rules: tuple[Rule, ...], facts: AttemptFacts, decisions: tuple[Decision, ...], start: datetime
) -> tuple[datetime | None, tuple[Decision, ...]]:
    """The first instant all rules pass, and the decisions where the walk stopped."""
    at = start
    for _ in range(MAX_STEPS):
        waits = [d.not_before for d in decisions if not d.outcome.allows]
        if not waits:
            return at, decisions
        if any(wait is None for wait in waits):
            return None, decisions
        later = max(wait for wait in waits if wait is not None)
        if later <= at:
            raise ComplianceError(f"a rule deferred to {later}, not after {at}")  # a bug, never data
        if later - start > HORIZON:
            return None, decisions
        at = later.astimezone(UTC)
        decisions = _decide_all(rules, facts, at)
    return None, decisions


def _until_rule_ends(rule: Rule, decision: Decision, zone: str) -> Decision:
    """A rule that ends on a date keeps a call from going no later than that date."""
    if rule.in_force_until is None or decision.outcome.allows:
        return decision
    end = datetime.combine(rule.in_force_until, time(), tzinfo=zone_info(zone)).astimezone(UTC)
    if decision.not_before is not None and decision.not_before <= end:
        return decision
    return Decision(
        rule.rule_id, Outcome.DEFERRED,
        f"{decision.reason_fr} ; la règle cesse le {day_fr(rule.in_force_until)}",
        f"{decision.reason_en}; the rule ends on {rule.in_force_until.isoformat()}",
        end,
    )  # fmt: skip


def _not_applicable_purpose(rule: Rule, campaign: CampaignFacts) -> Decision:
    return Decision(
        rule.rule_id, Outcome.NOT_APPLICABLE,
        f"ne s'applique pas à l'objet « {campaign.purpose} »",
        f"does not apply to purpose '{campaign.purpose}'",
    )  # fmt: skip


def _not_in_force(rule: Rule, day: date) -> Decision:
    start, end = rule.in_force_from, rule.in_force_until
    if start is not None and day < start:
        fr, en = f"pas encore en vigueur (à partir du {day_fr(start)})", f"not in force before {start}"
    else:
        assert end is not None  # noqa: S101 - a rule out of force has ended if it has begun
        fr, en = f"plus en vigueur depuis le {day_fr(end)}", f"no longer in force since {end}"
    return Decision(rule.rule_id, Outcome.NOT_APPLICABLE, fr, en)


def _same_profile(profile: Profile, campaign: CampaignFacts) -> None:
    if campaign.profile != profile.name:
        raise InvalidFacts(f"the campaign follows profile {campaign.profile!r}, not {profile.name!r}")
