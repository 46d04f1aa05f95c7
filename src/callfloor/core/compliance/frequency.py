"""How often one person may be called: an attempt cap over a sliding window, and a cool-down after a refusal.

Décret 2022-1313 art. 1 (C. consom. D223-9 al. 3): no more than four attempts ("démarcher ou
tenter de démarcher") to one consumer in any thirty calendar days; after a refusal during the
conversation, none before sixty full calendar days ("révolus") have passed.

Windows are elapsed time from the instants recorded (30 × 24 h; a DST change shifts the local
clock by an hour, never the count of days). An attempt at ``a`` counts at ``t`` while
``t - window < a``; so it leaves the window at ``a + window``, when a fifth attempt becomes
possible. Attempts are counted whatever their outcome (no answer, busy, machine): the decree
counts attempts, not conversations.

The decree counts per professional ("un même professionnel") and consumer; :class:`History`
holds what the caller gives it. Storage should give every canvassing attempt the tenant made to
that person, across campaigns, to count as the decree does.
"""

from datetime import datetime

from callfloor.core.compliance import InvalidFacts
from callfloor.core.compliance.model import AttemptFacts, Decision, Outcome
from callfloor.core.compliance.rules import CapParams, CooldownParams, Rule
from callfloor.core.compliance.wording import when_en, when_fr


def attempt_cap(rule: Rule, facts: AttemptFacts, at: datetime) -> Decision:
    """Passed below the cap; else deferred until enough attempts leave the window."""
    params = rule.params
    if not isinstance(params, CapParams):
        raise InvalidFacts(f"rule {rule.rule_id} has no attempt cap")
    recent = sorted(a for a in facts.history.attempts if a > at - params.window)
    days, cap, zone = params.window.days, params.max_attempts, facts.target.zone
    if len(recent) < cap:
        return Decision(
            rule.rule_id, Outcome.PASSED,
            f"{len(recent)} tentative(s) sur {days} jours glissants (maximum {cap})",
            f"{len(recent)} attempt(s) in the last {days} days (at most {cap})",
        )  # fmt: skip
    later = recent[len(recent) - cap] + params.window
    return Decision(
        rule.rule_id, Outcome.DEFERRED,
        f"déjà {len(recent)} tentatives sur {days} jours glissants (maximum {cap}) ; "
        f"possible à partir de {when_fr(later, zone)}",
        f"already {len(recent)} attempts in the last {days} days (at most {cap}); "
        f"possible from {when_en(later, zone)}",
        later,
    )  # fmt: skip


def refusal_cooldown(rule: Rule, facts: AttemptFacts, at: datetime) -> Decision:
    """Passed without a refusal or once the period has elapsed since it; else deferred to its end."""
    params = rule.params
    if not isinstance(params, CooldownParams):
        raise InvalidFacts(f"rule {rule.rule_id} has no cool-down period")
    refused, days, zone = facts.history.refused_at, params.period.days, facts.target.zone
    if refused is None:
        return Decision(rule.rule_id, Outcome.PASSED, "aucun refus enregistré", "no refusal recorded")
    end = refused + params.period
    if at >= end:
        return Decision(
            rule.rule_id, Outcome.PASSED,
            f"refus du {when_fr(refused, zone)} : plus de {days} jours écoulés",
            f"refusal on {when_en(refused, zone)}: more than {days} days ago",
        )  # fmt: skip
    return Decision(
        rule.rule_id, Outcome.DEFERRED,
        f"refus du {when_fr(refused, zone)} : pas d'appel avant {days} jours, soit {when_fr(end, zone)}",
        f"refused on {when_en(refused, zone)}: no call for {days} days, until {when_en(end, zone)}",
        end,
    )  # fmt: skip
