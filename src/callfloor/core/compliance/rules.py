"""Rules as data: an id, a country, purposes, dates in force, a kind, and that kind's parameters.

The *kind* is the only part written in code (one evaluator per kind, in ``hours``, ``frequency``,
``consent``, ``caller_id``, ``abandon``); everything else is data, so a country is added by
writing its rules, not code (:mod:`~callfloor.core.compliance.config` reads them). A profile is
one country's rules; its ids are unique and stable, since attempts' audit records cite them.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from callfloor.core.compliance import InvalidProfile
from callfloor.core.compliance.model import Purpose
from callfloor.core.schedule.hours import Opening


class RuleKind(StrEnum):
    """What a rule checks; each kind has its parameters and its evaluator."""

    CALLING_HOURS = "calling_hours"  # weekly windows on the callee's clock
    NO_PUBLIC_HOLIDAYS = "no_public_holidays"  # the callee's public holidays
    ATTEMPT_CAP = "attempt_cap"  # at most N attempts in a sliding window
    REFUSAL_COOLDOWN = "refusal_cooldown"  # no call for a period after a refusal
    CONSENT_REQUIRED = "consent_required"  # prior, proven, unrevoked consent
    DO_NOT_CALL = "do_not_call"  # not on the tenant's DNC / opposition list
    CALLER_ID_PLAN = "caller_id_plan"  # the number presented is in allowed ranges
    ABANDON_RATE_CAP = "abandon_rate_cap"  # campaign-level: abandoned / answered
    ANSWER_DELAY = "answer_delay"  # the dialer's: a person answered, an agent within N s


#: The kinds asked about each attempt; the others are campaign-level (caller ID is both).
ATTEMPT_KINDS = frozenset(
    {
        RuleKind.CALLING_HOURS,
        RuleKind.NO_PUBLIC_HOLIDAYS,
        RuleKind.ATTEMPT_CAP,
        RuleKind.REFUSAL_COOLDOWN,
        RuleKind.CONSENT_REQUIRED,
        RuleKind.DO_NOT_CALL,
        RuleKind.CALLER_ID_PLAN,
    }
)


@dataclass(frozen=True, slots=True)
class NoParams:
    """A kind whose rule needs nothing but its id, purposes and dates."""


@dataclass(frozen=True, slots=True)
class HoursParams:
    """Openings per weekday, Monday first, in wall-clock minutes of the callee's zone."""

    weekly: tuple[tuple[Opening, ...], ...]


@dataclass(frozen=True, slots=True)
class CapParams:
    """At most ``max_attempts`` in any ``window`` (sliding, in elapsed time)."""

    max_attempts: int
    window: timedelta


@dataclass(frozen=True, slots=True)
class CooldownParams:
    """No call until ``period`` has fully elapsed since the latest refusal."""

    period: timedelta


@dataclass(frozen=True, slots=True)
class Refusal:
    """Numbers starting with one of ``prefixes`` (E.164) are refused, for this reason."""

    prefixes: tuple[str, ...]
    reason_fr: str
    reason_en: str


@dataclass(frozen=True, slots=True)
class CallerIdPlan:
    """Ranges a caller ID may be in (E.164 prefixes), and refused ranges with their reasons.

    The longest matching prefix decides; on equal length, a refusal wins over an allowance.
    """

    allow: tuple[str, ...]
    refuse: tuple[Refusal, ...] = ()


@dataclass(frozen=True, slots=True)
class CallerIdParams:
    """One plan for automated dialing (progressive, power, predictive), one for preview."""

    automated: CallerIdPlan
    manual: CallerIdPlan


@dataclass(frozen=True, slots=True)
class AbandonParams:
    """At most ``max_percent`` of answered calls abandoned, over each ``window`` of a campaign."""

    max_percent: Fraction
    window: timedelta


@dataclass(frozen=True, slots=True)
class AnswerDelayParams:
    """Rule data the dialer reads: ring at least ``ring_seconds``; an agent within ``seconds``."""

    seconds: float
    ring_seconds: float


RuleParams = (
    NoParams | HoursParams | CapParams | CooldownParams | CallerIdParams | AbandonParams | AnswerDelayParams
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One legal rule, as data. Dates in force are local dates of the callee (half-open)."""

    rule_id: str
    country: str
    kind: RuleKind
    purposes: frozenset[Purpose]
    params: RuleParams
    citation: str
    in_force_from: date | None = None
    in_force_until: date | None = None  # the first day it no longer applies
    consumers_only: bool = False  # lifted by the campaign's b2b_exempt for a B2B target
    existing_customer_exempt: bool = False  # lifted by existing_customer_exempt for a customer

    def in_force(self, day: date) -> bool:
        """Whether the rule applies on local date ``day``."""
        after_start = self.in_force_from is None or self.in_force_from <= day
        return after_start and (self.in_force_until is None or day < self.in_force_until)


@dataclass(frozen=True, slots=True)
class Profile:
    """One country's rules. ``zone`` dates campaign-level checks; ``canvassing`` is documentation."""

    name: str
    country: str
    zone: str
    canvassing: frozenset[Purpose]
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.rule_id in seen:
                raise InvalidProfile(rule.rule_id, "id", "two rules have this id; ids must be unique")
            seen.add(rule.rule_id)

    @property
    def rule_ids(self) -> frozenset[str]:
        """Every rule id of the profile."""
        return frozenset(rule.rule_id for rule in self.rules)

    def of_kind(self, kind: RuleKind) -> tuple[Rule, ...]:
        """The profile's rules of ``kind``, in their order."""
        return tuple(rule for rule in self.rules if rule.kind is kind)
