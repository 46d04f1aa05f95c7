"""Consent to canvassing and the do-not-call list, per attempt; the consent basis of a list."""

from datetime import datetime

import pytest

from callfloor.core.compliance import InvalidFacts
from callfloor.core.compliance.consent import consent_basis, consent_required, do_not_call
from callfloor.core.compliance.model import AttemptFacts, ConsentFacts, History, ListCounts, Outcome
from callfloor.core.compliance.profiles import FR
from tests.core.compliance.facts import PROSPECTING, campaign, consent, paris, target

CONSENT, DNC = FR.rules[4], FR.rules[5]
NOW = paris(2026, 9, 2, 11)


def decide(agreement: ConsentFacts | None) -> tuple[Outcome, datetime | None]:
    decision = consent_required(CONSENT, AttemptFacts(PROSPECTING, target(consent=agreement), History()), NOW)
    return decision.outcome, decision.not_before


@pytest.mark.parametrize(
    ("agreement", "expected"),
    [
        (None, (Outcome.BLOCKED, None)),
        (consent(paris(2026, 9, 1, 9)), (Outcome.PASSED, None)),
        (consent(NOW), (Outcome.PASSED, None)),  # from its date
        # A revocation wins from its date, and a consent revoked before it was given never held.
        (consent(paris(2026, 9, 1, 9), revoked=NOW), (Outcome.BLOCKED, None)),
        (consent(paris(2026, 9, 1, 9), revoked=paris(2026, 9, 2, 11, 1)), (Outcome.PASSED, None)),
        (consent(paris(2026, 9, 3, 9)), (Outcome.DEFERRED, paris(2026, 9, 3, 9))),
        (consent(paris(2026, 9, 3, 9), revoked=paris(2026, 9, 2, 12)), (Outcome.BLOCKED, None)),
        (consent(paris(2026, 9, 1, 9), proof=""), (Outcome.BLOCKED, None)),
    ],
)
def test_consent(agreement: ConsentFacts | None, expected: tuple[Outcome, datetime | None]) -> None:
    assert decide(agreement) == expected


def test_consent_reasons_name_the_source_and_dates() -> None:
    facts = AttemptFacts(PROSPECTING, target(consent=consent(paris(2026, 5, 4, 12))), History())
    decision = consent_required(CONSENT, facts, NOW)
    assert "lundi 04/05/2026 12:00 (Europe/Paris)" in decision.reason_fr
    assert "formulaire acme.fr/offre" in decision.reason_en


def test_a_naive_consent_is_refused() -> None:
    with pytest.raises(InvalidFacts, match=r"consent\.given_at"):
        consent(datetime(2026, 5, 4, 12))


def test_do_not_call() -> None:
    listed = do_not_call(DNC, AttemptFacts(PROSPECTING, target(on_dnc=True), History()), NOW)
    assert (listed.outcome, listed.not_before) == (Outcome.BLOCKED, None)
    assert "+33145678901" in listed.reason_fr
    assert do_not_call(DNC, AttemptFacts(PROSPECTING, target(), History()), NOW).outcome is Outcome.PASSED


@pytest.mark.parametrize(
    ("counts", "b2b", "customers", "outcome"),
    [
        (ListCounts(none=10), True, True, Outcome.BLOCKED),
        (ListCounts(consent=1, none=10), False, False, Outcome.PASSED),
        (ListCounts(contract=4, professional=6), True, True, Outcome.PASSED),
        (ListCounts(contract=4, professional=6), False, True, Outcome.PASSED),
        (ListCounts(contract=4, professional=6), False, False, Outcome.BLOCKED),
        (ListCounts(), False, False, Outcome.PASSED),
    ],
)
def test_consent_basis(counts: ListCounts, b2b: bool, customers: bool, outcome: Outcome) -> None:
    settings = campaign(b2b_exempt=b2b, existing_customer_exempt=customers)
    assert consent_basis(CONSENT, settings, counts).outcome is outcome


def test_negative_counts_are_refused() -> None:
    with pytest.raises(InvalidFacts, match="negative"):
        ListCounts(consent=-1)
    assert ListCounts(1, 2, 3, 4).total == 10
