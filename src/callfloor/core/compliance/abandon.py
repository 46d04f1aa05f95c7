"""The abandon-rate cap of predictive dialing (16 CFR 310.4(b)(1)(iv) and the safe harbor (b)(4)(i)).

A call is *abandoned* when a person answers and no agent is connected within two seconds of
the greeting. The TSR's safe harbor allows at most 3 % of the calls answered by a person
(abandoned ones included, since a person answered them), per campaign, over its duration if
under 30 days, else over each successive 30-day period. The dialer counts; this check says
whether predictive dialing may go on: at the cap exactly it may (3.0 % passes), above it the
campaign must fall back to progressive or preview dialing. Counts are compared exactly
(integers against the rule's fraction), so 30 of 1000 is 3 % and never 3.0000001 %.

The two-second rule and the 15-second ring are the dialer's to enforce; the profile's
``answer_delay`` rule carries them as data for it.

A profile without an abandon-rate rule (France has no statutory cap; a campaign's target drop
rate is its own setting) gets a *not applicable* decision with the rule id :data:`NO_RULE`.
"""

from fractions import Fraction

from callfloor.core.compliance import InvalidFacts
from callfloor.core.compliance.model import Decision, Outcome, Purpose
from callfloor.core.compliance.rules import AbandonParams, Profile, RuleKind
from callfloor.core.compliance.wording import percent_en, percent_fr

NO_RULE = "none"


def check_abandon_rate(
    profile: Profile, answered: int, abandoned: int, purpose: Purpose | None = None
) -> Decision:
    """Whether predictive dialing may go on, from the last window's answered and abandoned counts."""
    if not 0 <= abandoned <= answered:
        raise InvalidFacts(f"0 <= abandoned <= answered, not abandoned={abandoned}, answered={answered}")
    caps = profile.of_kind(RuleKind.ABANDON_RATE_CAP)
    rules = [rule for rule in caps if purpose is None or purpose in rule.purposes]
    if not rules:
        return Decision(
            NO_RULE, Outcome.NOT_APPLICABLE,
            f"le profil {profile.name} n'a pas de plafond d'abandon pour cet objet",
            f"profile {profile.name} has no abandon-rate cap for this purpose",
        )  # fmt: skip
    rule = rules[0]
    params = rule.params
    if not isinstance(params, AbandonParams):
        raise InvalidFacts(f"rule {rule.rule_id} has no abandon-rate cap")
    rate = Fraction(0) if answered == 0 else Fraction(abandoned * 100, answered)
    days, cap = params.window.days, params.max_percent
    counts_fr = f"{abandoned} abandon(s) sur {answered} appels décrochés en {days} jours"
    counts_en = f"{abandoned} abandoned of {answered} answered calls in {days} days"
    if rate <= cap:
        return Decision(
            rule.rule_id, Outcome.PASSED,
            f"{counts_fr} : {percent_fr(rate)} (maximum {percent_fr(cap)})",
            f"{counts_en}: {percent_en(rate)} (at most {percent_en(cap)})",
        )  # fmt: skip
    return Decision(
        rule.rule_id, Outcome.BLOCKED,
        f"{counts_fr} : {percent_fr(rate)}, au-delà de {percent_fr(cap)} ; "
        "la numérotation prédictive doit s'arrêter (passer en progressif ou en aperçu)",
        f"{counts_en}: {percent_en(rate)}, above {percent_en(cap)}; "
        "predictive dialing must stop (switch to progressive or preview)",
    )  # fmt: skip
