"""Profiles from plain data: a new country without code, and errors that name the rule and the field."""

import copy
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callfloor.core import CoreError
from callfloor.core.compliance import ComplianceError, InvalidProfile
from callfloor.core.compliance.check import check_attempt
from callfloor.core.compliance.config import parse_profile
from callfloor.core.compliance.model import CampaignFacts, History, Outcome, Purpose, Target
from callfloor.core.compliance.profiles import FR, FR_DATA, US
from callfloor.core.compliance.rules import (
    AbandonParams,
    CallerIdParams,
    CapParams,
    CooldownParams,
    HoursParams,
    RuleKind,
)
from callfloor.core.schedule.hours import Opening

BRUSSELS = ZoneInfo("Europe/Brussels")
#: A country added as a tenant's YAML would: Belgium, weekdays 9–20 and Saturdays 10–17, no code.
BELGIUM: dict[str, Any] = {
    "name": "BE",
    "country": "be",
    "zone": "Europe/Brussels",
    "canvassing": ["prospecting"],
    "rules": [
        {
            "id": "be.example.hours",
            "kind": "calling_hours",
            "purposes": "canvassing",
            "citation": "an example, not Belgian law",
            "params": {"weekly": {**{d: ["09:00-20:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
                                  "sat": ["10:00-17:00"]}},
        },
        {"id": "be.example.holidays", "kind": "no_public_holidays", "purposes": ["prospecting", "survey"],
         "citation": "example"},
        {"id": "be.example.caller-id", "kind": "caller_id_plan", "purposes": "all", "citation": "example",
         "params": {"automated": {"allow": ["+32"]}}},
    ],
}  # fmt: skip


def test_builtin_profiles_are_data() -> None:
    assert parse_profile(FR_DATA) == FR
    hours = next(r for r in FR.rules if r.rule_id == "fr.decret-2022-1313.hours")
    assert hours.params == HoursParams(((Opening(600, 780), Opening(840, 1200)),) * 5 + ((), ()))
    assert hours.in_force_from == date(2023, 3, 1)
    assert hours.purposes == FR.canvassing == {Purpose.PROSPECTING, Purpose.QUOTE_FOLLOWUP}
    params = {r.kind: r.params for r in (*FR.rules, *US.rules)}
    assert params[RuleKind.ATTEMPT_CAP] == CapParams(4, timedelta(days=30))
    assert params[RuleKind.REFUSAL_COOLDOWN] == CooldownParams(timedelta(days=60))
    assert params[RuleKind.ABANDON_RATE_CAP] == AbandonParams(Fraction(3), timedelta(days=30))
    caller_id = params[RuleKind.CALLER_ID_PLAN]
    assert isinstance(caller_id, CallerIdParams)
    assert caller_id.manual == caller_id.automated  # the US plan gives one for both


def test_a_country_is_added_without_code() -> None:
    belgium = parse_profile(BELGIUM)
    assert (belgium.name, belgium.country) == ("BE", "BE")
    survey = belgium.rules[1]
    assert survey.country == "BE"  # the profile's, by default
    campaign = CampaignFacts(Purpose.PROSPECTING, "BE", "+3225551234")
    callee = Target("+3225551235", "Europe/Brussels", "BE")
    saturday_evening = datetime(2026, 7, 18, 17, tzinfo=BRUSSELS)
    verdict = check_attempt(belgium, campaign, callee, History(), saturday_evening)
    assert verdict.not_before == datetime(2026, 7, 20, 9, tzinfo=BRUSSELS)
    national_day = datetime(2026, 7, 21, 11, tzinfo=BRUSSELS)  # a Tuesday, Belgium's fête nationale
    holiday = check_attempt(belgium, campaign, callee, History(), national_day)
    assert [d.outcome for d in holiday.decisions] == [Outcome.PASSED, Outcome.DEFERRED, Outcome.PASSED]


def broken(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    """BELGIUM with the value at ``path`` replaced (or removed, for ``...``)."""
    data = copy.deepcopy(BELGIUM)
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "rule", "field", "message"),
    [
        (("zone",), "Europe/Nowhere", "profile", "zone", "IANA"),
        (("rules",), [], "profile", "rules", "non-empty"),
        (("colour",), "blue", "profile", "colour", "unknown field"),
        (("canvassing",), ["cold_calls"], "profile", "canvassing", "unknown purpose"),
        (("rules", 0, "kind"), "curfew", "be.example.hours", "kind", "not a kind"),
        (("rules", 0, "id"), "Be Hours", "Be Hours", "id", "lower-case"),
        (("rules", 0, "id"), ..., "#0", "id", "required"),
        (("rules", 0, "purposes"), None, "be.example.hours", "purposes", "'canvassing', 'all'"),
        (("rules", 0, "citation"), ..., "be.example.hours", "citation", "required"),
        (("rules", 0, "in_force_from"), "1 March", "be.example.hours", "in_force_from", "not a date"),
        (("rules", 0, "consumers_only"), "yes", "be.example.hours", "consumers_only", "true or false"),
        (("rules", 0, "params", "weekly", "mon"), ["20:00-09:00"], "be.example.hours", "params.weekly.mon[0]",
         "ends before it starts"),
        (("rules", 0, "params", "weekly", "mon"), ["14:00-20:00", "10:00-13:00"], "be.example.hours",
         "params.weekly.mon[1]", "overlaps"),
        (("rules", 0, "params", "weekly", "moonday"), [], "be.example.hours", "params.weekly.moonday",
         "unknown field"),
        (("rules", 0, "params", "weekly"), ..., "be.example.hours", "params.weekly", "mapping"),
        (("rules", 1, "params"), {"days": 3}, "be.example.holidays", "params.days", "unknown field"),
        (("rules", 2, "params", "automated", "allow"), ["32"], "be.example.caller-id",
         "params.automated.allow", "E.164"),
        (("rules", 2, "params", "automated", "refuse"), [{"prefixes": ["+3270"]}], "be.example.caller-id",
         "params.automated.refuse[0].reason_fr", "required"),
        (("rules", 1, "id"), "be.example.hours", "be.example.hours", "id", "unique"),
    ],
)  # fmt: skip
def test_errors_name_the_rule_and_the_field(
    path: tuple[str | int, ...], value: object, rule: str, field: str, message: str
) -> None:
    with pytest.raises(InvalidProfile, match=message) as caught:
        parse_profile(broken(path, value))
    assert (caught.value.rule, caught.value.field) == (rule, field)
    assert isinstance(caught.value, ComplianceError)
    assert isinstance(caught.value, CoreError)


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("attempt_cap", {"max_attempts": 0, "window_days": 30}, "params.max_attempts"),
        ("attempt_cap", {"max_attempts": 4, "window_days": True}, "params.window_days"),
        ("refusal_cooldown", {"days": 1.5}, "params.days"),
        ("abandon_rate_cap", {"max_percent": 103, "window_days": 30}, "params.max_percent"),
        ("abandon_rate_cap", {"max_percent": "3", "window_days": 30}, "params.max_percent"),
        ("answer_delay", {"seconds": -2}, "params.seconds"),
        ("caller_id_plan", {"automated": {"allow": ["+32"]}, "manual": "+32"}, "params.manual"),
    ],
)
def test_parameters_are_checked_per_kind(kind: str, params: dict[str, object], field: str) -> None:
    rule = {"id": "be.x", "kind": kind, "purposes": "all", "citation": "x", "params": params}
    data = broken(("rules", 0), rule)
    with pytest.raises(InvalidProfile) as caught:
        parse_profile(data)
    assert (caught.value.rule, caught.value.field) == ("be.x", field)


def test_a_yaml_date_and_an_ending_rule() -> None:
    data = broken(("rules", 0, "in_force_until"), date(2026, 8, 11))
    rule = parse_profile(data).rules[0]
    assert (rule.in_force(date(2026, 8, 10)), rule.in_force(date(2026, 8, 11))) == (True, False)
    with pytest.raises(InvalidProfile, match="not a date"):
        parse_profile(broken(("rules", 0, "in_force_until"), datetime(2026, 8, 11, tzinfo=BRUSSELS)))
