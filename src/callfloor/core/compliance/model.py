"""The checker's vocabulary: the facts it is given and the decisions it returns.

Facts come from elsewhere (the campaign's settings, the lead, its attempts, the DNC and consent
tables) and are taken as they are: the checker never looks anything up. Every instant is an
aware datetime (a naive one raises :class:`InvalidFacts`: which instant it means is unknown).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callfloor.core.compliance import InvalidFacts


class Purpose(StrEnum):
    """What a campaign calls for (its type); the package docstring says which are canvassing."""

    PROSPECTING = "prospecting"
    QUOTE_FOLLOWUP = "quote_followup"  # relance de devis
    SURVEY = "survey"
    POLL = "poll"  # sondage
    COLLECTION = "collection"  # recouvrement amiable
    REMINDER = "reminder"  # échéance, rendez-vous, renouvellement d'un contrat en cours


class Outcome(StrEnum):
    """What one rule says of one attempt (or of one campaign's configuration)."""

    PASSED = "passed"
    DEFERRED = "deferred"  # not now; ``not_before`` says when this rule would pass
    BLOCKED = "blocked"  # not without new facts (a consent, another caller ID…)
    EXEMPT = "exempt"  # the rule would apply, an explicit exemption setting lifts it
    NOT_APPLICABLE = "not_applicable"  # another purpose, or not in force at that instant

    @property
    def allows(self) -> bool:
        """Whether this outcome lets the call go."""
        return self not in (Outcome.DEFERRED, Outcome.BLOCKED)


@dataclass(frozen=True, slots=True)
class ConsentFacts:
    """A consent to phone canvassing (loi 2025-594 art. 13; L223-1 al. 2 and 3).

    Valid from ``given_at`` until ``revoked_at`` (a revocation wins from its date). ``proof``
    is what the professional must be able to show (the wording accepted, the form's version,
    a recording's id); a consent without it cannot be relied on.
    """

    given_at: datetime
    source: str
    proof: str
    revoked_at: datetime | None = None

    def __post_init__(self) -> None:
        aware(self.given_at, "consent.given_at")
        if self.revoked_at is not None:
            aware(self.revoked_at, "consent.revoked_at")


@dataclass(frozen=True, slots=True)
class Target:
    """The person called, as the rules need them (the lead, with its DNC and consent facts)."""

    number: str  # E.164
    zone: str  # the callee's IANA zone: hours are the callee's (D223-9 al. 1; 16 CFR 310.4(c))
    country: str  # ISO 3166-1 alpha-2, for the callee's public holidays
    subdivision: str | None = None  # a ``holidays`` code or name: "57", "Alsace-Moselle", "974"
    b2b: bool = False  # a professional called about their trade
    existing_customer: bool = False  # a current contract with the tenant
    consent: ConsentFacts | None = None
    on_dnc: bool = False  # on the tenant's do-not-call / opposition list

    def __post_init__(self) -> None:
        zone_info(self.zone)


@dataclass(frozen=True, slots=True)
class History:
    """Earlier attempts to this person, and their latest refusal of canvassing.

    For the decree's cap, ``attempts`` should be every canvassing attempt the tenant made to the
    person, whatever the campaign (it counts per professional: see ``frequency``).
    """

    attempts: tuple[datetime, ...] = ()
    refused_at: datetime | None = None

    def __post_init__(self) -> None:
        for index, at in enumerate(self.attempts):
            aware(at, f"history.attempts[{index}]")
        if self.refused_at is not None:
            aware(self.refused_at, "history.refused_at")


@dataclass(frozen=True, slots=True)
class CampaignFacts:
    """A campaign's settings that rules read.

    ``automated`` is true when the system places the calls (progressive, power, predictive):
    Arcep's caller-ID restrictions for systèmes automatisés d'appels then apply; a preview
    campaign, where the agent launches each call, is not one.
    """

    purpose: Purpose
    profile: str  # the profile's name: "FR", "US"
    caller_id: str  # E.164
    b2b_exempt: bool = False
    existing_customer_exempt: bool = False
    automated: bool = True


@dataclass(frozen=True, slots=True)
class AttemptFacts:
    """Everything an attempt-level rule may read, bundled for the evaluators."""

    campaign: CampaignFacts
    target: Target
    history: History


@dataclass(frozen=True, slots=True)
class ListCounts:
    """A campaign's targets by the basis they can be called on, each counted once.

    ``consent``: a valid consent; ``contract``: no consent but a current contract; ``professional``:
    neither, but flagged B2B; ``none``: no basis at all.
    """

    consent: int = 0
    contract: int = 0
    professional: int = 0
    none: int = 0

    def __post_init__(self) -> None:
        if min(self.consent, self.contract, self.professional, self.none) < 0:
            raise InvalidFacts(f"list counts cannot be negative: {self}")

    @property
    def total(self) -> int:
        """Every target of the list."""
        return self.consent + self.contract + self.professional + self.none


@dataclass(frozen=True, slots=True)
class Decision:
    """What one rule says, and why, in French and English; ``not_before`` when deferred."""

    rule_id: str
    outcome: Outcome
    reason_fr: str
    reason_en: str
    not_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an attempt may go now, the earliest instant it may, and every rule's decision.

    ``not_before`` is the instant checked when ``allowed``; None when no instant within the
    horizon would do without new facts (a refusal of consent, a DNC entry…). ``later`` are the
    decisions where the search for it stopped, when not allowed now: all passing at
    ``not_before``, or with the one that blocks for good (a call deferred to Tuesday 11 August
    2026 meets the consent rule there), so that "never" always comes with its reason.
    """

    allowed: bool
    not_before: datetime | None
    decisions: tuple[Decision, ...]
    later: tuple[Decision, ...] = ()

    @property
    def blocking(self) -> tuple[Decision, ...]:
        """The decisions that keep the call from going now."""
        return tuple(d for d in self.decisions if not d.outcome.allows)


def aware(at: datetime, argument: str) -> datetime:
    """``at`` in UTC, or :class:`InvalidFacts` if it is naive."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidFacts(f"{argument} must be an aware datetime (with tzinfo), not a naive one")
    return at.astimezone(UTC)


@cache
def zone_info(key: str) -> ZoneInfo:
    """The IANA zone named ``key``, or :class:`InvalidFacts`."""
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidFacts(f"{key!r} is not an IANA time zone (e.g. 'Europe/Paris')") from None
