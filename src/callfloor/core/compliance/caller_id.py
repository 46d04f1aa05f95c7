"""The caller ID a campaign presents: a valid number in a range its plan allows.

The plan is data (the profile's ``caller_id_plan`` rule, :mod:`~callfloor.core.compliance.profiles`
documents France's): E.164 prefixes allowed, and refused prefixes with their reason. The longest
matching prefix decides, a refusal winning a tie, so a narrow allowance (``+33162``) can sit in
a broad refusal (``+331``) and a narrow refusal (``+33937``) in a broad allowance (``+339``).
The plan for automated dialing applies unless the campaign dials in preview (``automated``
false). A number presented must also be a valid one: masking it or showing a number that does
not exist is not allowed (C. consom. L221-17; 16 CFR 310.4(a)(8)).
"""

from functools import lru_cache

import phonenumbers

from callfloor.core.compliance import InvalidFacts
from callfloor.core.compliance.model import CampaignFacts, Decision, Outcome
from callfloor.core.compliance.rules import CallerIdParams, CallerIdPlan, Refusal, Rule


@lru_cache(maxsize=256)  # a campaign presents one number for all its attempts
def caller_id_plan(rule: Rule, campaign: CampaignFacts) -> Decision:
    """Passed when the campaign's caller ID is valid and in an allowed range; else blocked, and why."""
    params = rule.params
    if not isinstance(params, CallerIdParams):
        raise InvalidFacts(f"rule {rule.rule_id} has no caller-ID plan")
    number = campaign.caller_id.strip()
    mode_fr, mode_en = ("automatisée", "automated") if campaign.automated else ("en aperçu", "preview")
    if not _valid(number):
        return Decision(
            rule.rule_id, Outcome.BLOCKED,
            f"identifiant d'appelant {number!r} : pas un numéro valide au format E.164",
            f"caller ID {number!r}: not a valid E.164 number",
        )  # fmt: skip
    plan = params.automated if campaign.automated else params.manual
    found = _match(plan, number)
    if found is True:
        return Decision(
            rule.rule_id, Outcome.PASSED,
            f"identifiant d'appelant {number} autorisé (numérotation {mode_fr})",
            f"caller ID {number} allowed ({mode_en} dialing)",
        )  # fmt: skip
    why_fr = found.reason_fr if found else "hors des tranches autorisées"
    why_en = found.reason_en if found else "outside the allowed ranges"
    return Decision(
        rule.rule_id, Outcome.BLOCKED,
        f"identifiant d'appelant {number} refusé (numérotation {mode_fr}) : {why_fr}",
        f"caller ID {number} refused ({mode_en} dialing): {why_en}",
    )  # fmt: skip


def _valid(number: str) -> bool:
    if not number.startswith("+"):
        return False
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    is_valid: bool = phonenumbers.is_valid_number(parsed)
    return is_valid


def _match(plan: CallerIdPlan, number: str) -> Refusal | bool:
    """True if allowed; the refusal that matches best; or False when nothing matches."""
    allowed = max((len(p) for p in plan.allow if number.startswith(p)), default=0)
    best: Refusal | None = None
    refused = 0
    for refusal in plan.refuse:
        length = max((len(p) for p in refusal.prefixes if number.startswith(p)), default=0)
        if length > refused:
            best, refused = refusal, length
    if allowed > refused:
        return True
    return best if best is not None else False
