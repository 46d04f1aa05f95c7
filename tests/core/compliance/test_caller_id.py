"""The caller ID plan: France's ranges for automated and preview dialing, with the reason of each refusal."""

import pytest

from callfloor.core.compliance.caller_id import caller_id_plan
from callfloor.core.compliance.model import Outcome
from callfloor.core.compliance.profiles import FR, US
from callfloor.core.compliance.rules import RuleKind
from tests.core.compliance.facts import campaign

(FR_PLAN,) = FR.of_kind(RuleKind.CALLER_ID_PLAN)
(US_PLAN,) = US.of_kind(RuleKind.CALLER_ID_PLAN)


@pytest.mark.parametrize(
    ("number", "automated", "manual", "reason"),
    [
        ("+33162123456", True, True, ""),  # dedicated to automated calling systems
        ("+33270123456", True, True, ""),
        ("+33569123456", True, True, ""),
        ("+33949123456", True, True, ""),
        ("+590947512345", True, True, ""),  # Guadeloupe's dedicated range, under its own code
        ("+262947912345", True, True, ""),  # La Réunion / Mayotte
        ("+33800123456", True, True, ""),  # numéro vert
        ("+33809123456", True, True, ""),  # plain-rate special number
        ("+33145678900", False, True, "géographique ou polyvalent hors des tranches dédiées"),
        ("+33556123456", False, True, "géographique ou polyvalent hors des tranches dédiées"),
        ("+33970123456", False, True, "géographique ou polyvalent hors des tranches dédiées"),
        ("+262262123456", False, True, "géographique ou polyvalent hors des tranches dédiées"),
        ("+33612345678", False, False, "numéro mobile"),
        ("+33756123456", False, False, "numéro mobile"),
        ("+262692123456", False, False, "numéro mobile"),  # a Réunion mobile
        ("+33937123456", False, False, "plateforme technique"),
        ("+33810123456", False, False, "surtaxé"),
        ("+33899123456", False, False, "surtaxé"),
        ("+442071234567", False, False, "hors des tranches autorisées"),  # a London number
        ("+33123", False, False, "pas un numéro valide"),
        ("0162123456", False, False, "pas un numéro valide"),  # not E.164
    ],
)
def test_french_ranges(number: str, automated: bool, manual: bool, reason: str) -> None:
    for mode, allowed in ((True, automated), (False, manual)):
        decision = caller_id_plan(FR_PLAN, campaign(caller_id=number, automated=mode))
        assert decision.outcome is (Outcome.PASSED if allowed else Outcome.BLOCKED), (number, mode)
        assert decision.rule_id == "fr.arcep-2022-1583.caller-id"
        if not allowed:
            assert reason in decision.reason_fr


def test_the_reason_is_said_in_english_too() -> None:
    decision = caller_id_plan(FR_PLAN, campaign(caller_id="+33612345678"))
    assert "a mobile number" in decision.reason_en
    assert "automated dialing" in decision.reason_en


@pytest.mark.parametrize(
    ("number", "allowed"),
    [("+12125550100", True), ("+18005550100", True), ("+33162123456", False), ("+15555551234", False)],
)
def test_us_caller_id_is_any_valid_nanp_number(number: str, allowed: bool) -> None:
    decision = caller_id_plan(US_PLAN, campaign(profile="US", caller_id=number))
    assert (decision.outcome is Outcome.PASSED) is allowed
