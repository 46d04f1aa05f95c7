"""Outbound compliance, sans I/O: every attempt is checked, every decision names its rule.

Theory of operation: a country *profile* (:mod:`~callfloor.core.compliance.rules`) is a tuple
of rules written as plain data (:mod:`~callfloor.core.compliance.profiles` holds "FR" and
"US"; :func:`~callfloor.core.compliance.config.parse_profile` reads any other from a tenant's
YAML). Each rule has a stable id (``fr.decret-2022-1313.hours``), the purposes it applies to,
dates in force, a *kind* implemented here in code (``calling_hours``, ``attempt_cap``…) and
that kind's parameters. :func:`~callfloor.core.compliance.check.check_attempt` asks every
attempt-level rule about one call to one person at one instant and returns one
:class:`~callfloor.core.compliance.model.Decision` per rule (passed, deferred, blocked,
exempt, not applicable), with reasons in French and English, plus the earliest instant at
which every rule would pass, found by walking forward from rule to rule (lunch break,
evening, week-end, public holiday, the 30-day attempt window, the 60-day cool-down…).

Entry points: ``check.check_attempt`` (the dialer, before each call; the CLI's ``compliance
check``), ``check.check_campaign`` (configuration: caller ID, a list's consent basis),
``abandon.check_abandon_rate`` (predictive dialing's 3 %), ``zones.zone_of`` (the callee's
zone, at import), ``profiles.FR`` / ``profiles.US`` / ``profiles.BUILTIN`` and
``config.parse_profile``. A verdict that is "never" carries, in ``Verdict.later``, the decision
that makes it so.

Purposes (the campaign types) and canvassing. The French rules protect consumers against
*prospection commerciale* (démarchage, "sollicitation commerciale", code de la consommation
art. L223-1 and D223-9). Our reading, which each profile's data can change:

- ``prospecting``: canvassing, the very case.
- ``quote_followup`` (relance de devis): canvassing. A quote is an offer, not a contract, and
  the call aims at a sale; the request for a quote is no express consent to be canvassed.
- ``survey`` and ``poll`` (études, sondages): not canvassing, unless disguised (a "survey"
  that ends in an offer is canvassing and must be declared as ``prospecting``). Arcep's
  caller-ID rules still apply to them (Conseil d'État, 6 June 2024, Syntec Conseil).
- ``collection`` (recouvrement amiable) and ``reminder`` (échéance, rendez-vous, renouvellement
  of a current contract): the execution of a contract, not an offer; not canvassing.

Exemptions are explicit campaign settings (:class:`~callfloor.core.compliance.model.CampaignFacts`),
never guessed from the list:

- ``b2b_exempt``: the canvassing rules protect *consumers*; a call to a professional about
  their trade is outside décret 2022-1313 and L223-1 (and outside the TSR, 16 CFR 310.6(b)(7)).
  A rule with ``consumers_only`` is then *exempt* for a target flagged ``b2b``; a target
  flagged ``b2b`` in a campaign without the setting is checked as a consumer.
- ``existing_customer_exempt``: the campaign's offer relates to the customers' current contract
  (L223-1 al. 4 as amended by loi 2025-594 art. 13: "sollicitation … dans le cadre de
  l'exécution d'un contrat en cours et [ayant] un rapport avec l'objet de ce contrat"). It lifts
  the consent requirement only: the décret's hours, holidays, cap and cool-down apply to
  current customers too (its notice says so).

What the decree lets consent lift (calls outside the hours with "consentement exprès et
préalable", D223-9 al. 2) is consent to *out-of-hours* calls, which is not the consent to
canvassing of :class:`~callfloor.core.compliance.model.ConsentFacts`; hours are not lifted.

Errors::

    ComplianceError (CoreError)
    ├── InvalidProfile    profile data that does not make rules; ``rule`` and ``field`` name where
    └── InvalidFacts      facts that cannot be checked: a naive datetime, an unknown time zone,
                          a campaign of another profile, negative counts
"""

from callfloor.core import CoreError


class ComplianceError(CoreError):
    """Root of the compliance checker's errors."""


class InvalidProfile(ComplianceError):  # noqa: N818 - named for what it is, like the schedule's errors
    """A profile's data that cannot be: ``rule`` (its id, or its index) and ``field`` say where."""

    def __init__(self, rule: str, field: str, message: str) -> None:
        super().__init__(f"rule {rule}, field {field}: {message}")
        self.rule, self.field, self.message = rule, field, message


class InvalidFacts(ComplianceError):  # noqa: N818
    """Facts about a campaign, a target or a history that no rule can be checked against."""
