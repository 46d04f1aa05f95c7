"""Outbound campaigns in the center YAML: what a campaign calls for, how it dials, under which rules.

::

    campaigns:
      - name: relance_devis
        type: quote_followup        # prospecting, quote_followup, survey, poll, collection, reminder
        mode: predictive            # preview, progressive, power, predictive
        queue: ventes               # whose agents take the calls
        caller_id: "+33162000001"   # checked against the country's caller-ID plan
        script: relance_devis       # a script of the same file or already stored
        survey: satisfaction_2026
        dispositions: [sale, appointment, refusal, callback, wrong_number]
        country: FR                 # the rules the campaign follows: FR or US
        b2b: false                  # calls to professionals: outside the consumer rules
        existing_customers_only: false
        target_drop_rate: 0.03
        power_ratio: 2              # power mode: calls per ready agent
        amd: false                  # answering-machine detection
        machine_message: false      # a detected machine gets the recorded message
        retry: {outcomes: {no_answer: {then: retry, delay: 2h, max_attempts: 5}}}
        schedule: {timezone: Europe/Paris, weekly: {mon: ["10:00-13:00", "14:00-19:00"]}}
        active: true

``retry`` is :mod:`callfloor.core.dialer.retry_config`'s form, ``schedule`` the one of
:mod:`callfloor.core.schedule.config` (the hours the center calls, always inside the legal
hours the compliance rules add on top). A caller ID the country's plan refuses (a French mobile
number, say) refuses the campaign, with the rule's reason.
"""

from typing import Annotated, Any, Self

from pydantic import Field, field_validator, model_validator

from callfloor.center.schema import Country, Name, Spec
from callfloor.core.compliance import ComplianceError
from callfloor.core.compliance.check import check_campaign
from callfloor.core.compliance.model import CampaignFacts, Decision, Purpose
from callfloor.core.compliance.profiles import BUILTIN
from callfloor.core.dialer.recycling import RetryRuleError
from callfloor.core.dialer.retry_config import parse_policy
from callfloor.core.dialer.settings import DialingMode
from callfloor.core.numbers import InvalidNumberError, normalize
from callfloor.core.schedule import InvalidSchedule
from callfloor.core.schedule.config import parse_schedule

NO_CALLER_ID = "an automated campaign needs a caller_id / une campagne automatisée doit présenter un numéro"
Rate = Annotated[float, Field(ge=0, le=1)]


class CampaignSpec(Spec):
    """An outbound campaign (campagne d'appels sortants)."""

    name: Name
    type: Purpose
    mode: DialingMode = DialingMode.PREVIEW
    queue: Name | None = None
    caller_id: str | None = None
    script: Name | None = None
    survey: Name | None = None
    dispositions: list[Name] = Field(default_factory=list)
    country: Country = "FR"
    b2b: bool = False
    existing_customers_only: bool = False
    target_drop_rate: Rate = 0.03
    power_ratio: Annotated[float, Field(ge=1, le=10)] = 1.0
    amd: bool = False
    machine_message: bool = False
    retry: dict[str, Any] = Field(default_factory=dict)
    schedule: dict[str, Any] = Field(default_factory=dict)
    active: bool = True

    @field_validator("country")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        if value not in BUILTIN:
            raise ValueError(f"no compliance profile for {value!r}; known: {', '.join(sorted(BUILTIN))}")
        return value

    @field_validator("retry")
    @classmethod
    def _retry_rules(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            parse_policy(value)
        except RetryRuleError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: dict[str, Any]) -> dict[str, Any]:
        if value:
            try:
                parse_schedule(value)
            except InvalidSchedule as exc:
                raise ValueError(str(exc)) from exc
        return value

    @model_validator(mode="after")
    def _caller_id_allowed(self) -> Self:
        if self.caller_id is None:
            if self.mode is not DialingMode.PREVIEW:
                raise ValueError(NO_CALLER_ID)
            return self
        try:
            self.caller_id = normalize(self.caller_id, self.country)
        except InvalidNumberError as exc:
            raise ValueError(f"caller_id: {exc}") from exc
        refusals = [d for d in caller_id_decisions(self) if not d.outcome.allows]
        if refusals:
            raise ValueError(
                "; ".join(f"caller_id: {d.reason_en} / {d.reason_fr} [{d.rule_id}]" for d in refusals)
            )
        return self

    def facts(self) -> CampaignFacts:
        """The campaign's settings as the compliance rules read them."""
        return CampaignFacts(
            purpose=self.type,
            profile=self.country,
            caller_id=self.caller_id or "",
            b2b_exempt=self.b2b,
            existing_customer_exempt=self.existing_customers_only,
            automated=self.mode is not DialingMode.PREVIEW,
        )


def caller_id_decisions(spec: CampaignSpec) -> list[Decision]:
    """The caller-ID plan's decisions on the campaign (an empty list when the profile has none)."""
    try:
        return list(check_campaign(BUILTIN[spec.country], spec.facts()))
    except ComplianceError as exc:  # facts the profile cannot read: say so rather than pass
        raise ValueError(str(exc)) from exc
