"""A profile from plain data (a tenant's YAML, or the built-in ones); errors name the rule and field.

::

    name: FR
    country: FR
    zone: Europe/Paris                  # dates campaign-level checks
    canvassing: [prospecting, quote_followup]
    rules:
      - id: fr.decret-2022-1313.hours
        kind: calling_hours
        purposes: canvassing            # "canvassing", "all", or a list of purposes
        citation: "décret 2022-1313 art. 1 (C. consom. D223-9 al. 1)"
        in_force_from: 2023-03-01       # optional, and so is in_force_until (first day out)
        consumers_only: true            # optional, default false
        existing_customer_exempt: false # optional, default false
        params:
          weekly: {mon: ["10:00-13:00", "14:00-20:00"], ...}

Parameters per kind: ``calling_hours``: ``weekly``; ``attempt_cap``: ``max_attempts``,
``window_days``; ``refusal_cooldown``: ``days``; ``caller_id_plan``: ``automated`` and optional
``manual`` (default: the same), each ``{allow: [E.164 prefixes], refuse: [{prefixes, reason_fr,
reason_en}]}``; ``abandon_rate_cap``: ``max_percent``, ``window_days``; ``answer_delay``:
``seconds``, ``ring_seconds``; the other kinds take none.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from fractions import Fraction

from callfloor.core.compliance import InvalidFacts, InvalidProfile
from callfloor.core.compliance.model import Purpose, zone_info
from callfloor.core.compliance.rules import (
    AbandonParams,
    AnswerDelayParams,
    CallerIdParams,
    CallerIdPlan,
    CapParams,
    CooldownParams,
    HoursParams,
    NoParams,
    Profile,
    Refusal,
    Rule,
    RuleKind,
    RuleParams,
)
from callfloor.core.schedule import InvalidSchedule
from callfloor.core.schedule.hours import WEEKDAYS, Opening, check_day, parse_opening

PROFILE_KEYS = ("name", "country", "zone", "canvassing", "rules")
RULE_KEYS = (
    "id", "kind", "country", "purposes", "citation", "in_force_from", "in_force_until",
    "consumers_only", "existing_customer_exempt", "params",
)  # fmt: skip
_PREFIX = re.compile(r"\+\d{1,15}")
_RULE_ID = re.compile(r"[a-z0-9][a-z0-9.\-_]*")


def parse_profile(data: object) -> Profile:
    """The :class:`Profile` ``data`` describes, or :class:`InvalidProfile` naming rule and field."""
    fields = _mapping(data, "profile", "profile")
    _known(fields, PROFILE_KEYS, "profile")
    name = _text(fields.get("name"), "profile", "name")
    country = _text(fields.get("country"), "profile", "country").upper()
    zone = _text(fields.get("zone"), "profile", "zone")
    try:
        zone_info(zone)
    except InvalidFacts as exc:
        raise InvalidProfile("profile", "zone", str(exc)) from None
    canvassing = _purposes(fields.get("canvassing", []), frozenset(), "profile", "canvassing")
    raw_rules = fields.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise InvalidProfile("profile", "rules", "a non-empty list of rules")
    rules = tuple(_rule(raw, index, country, canvassing) for index, raw in enumerate(raw_rules))
    return Profile(name=name, country=country, zone=zone, canvassing=canvassing, rules=rules)


def _rule(data: object, index: int, country: str, canvassing: frozenset[Purpose]) -> Rule:
    fields = _mapping(data, f"#{index}", "rule")
    rule_id = _text(fields.get("id"), f"#{index}", "id")
    if not _RULE_ID.fullmatch(rule_id):
        raise InvalidProfile(rule_id, "id", "lower-case letters, digits, '.', '-' and '_' only")
    _known(fields, RULE_KEYS, rule_id)
    kind_text = _text(fields.get("kind"), rule_id, "kind")
    try:
        kind = RuleKind(kind_text)
    except ValueError:
        kinds = ", ".join(k.value for k in RuleKind)
        raise InvalidProfile(rule_id, "kind", f"{kind_text!r} is not a kind ({kinds})") from None
    return Rule(
        rule_id=rule_id,
        country=_text(fields.get("country", country), rule_id, "country").upper(),
        kind=kind,
        purposes=_purposes(fields.get("purposes"), canvassing, rule_id, "purposes"),
        params=_PARAMS[kind](_mapping(fields.get("params", {}), rule_id, "params"), rule_id),
        citation=_text(fields.get("citation"), rule_id, "citation"),
        in_force_from=_date(fields.get("in_force_from"), rule_id, "in_force_from"),
        in_force_until=_date(fields.get("in_force_until"), rule_id, "in_force_until"),
        consumers_only=_flag(fields.get("consumers_only", False), rule_id, "consumers_only"),
        existing_customer_exempt=_flag(
            fields.get("existing_customer_exempt", False), rule_id, "existing_customer_exempt"
        ),
    )


# -- parameters, per kind -------------------------------------------------------------------


def _no_params(params: Mapping[str, object], rule: str) -> NoParams:
    _known(params, (), rule, "params.")
    return NoParams()


def _hours(params: Mapping[str, object], rule: str) -> HoursParams:
    _known(params, ("weekly",), rule, "params.")
    weekly = _mapping(params.get("weekly"), rule, "params.weekly")
    _known(weekly, WEEKDAYS, rule, "params.weekly.")
    days: list[tuple[Opening, ...]] = []
    for name in WEEKDAYS:
        where = f"params.weekly.{name}"
        texts = weekly.get(name, [])
        if not isinstance(texts, list):
            raise InvalidProfile(rule, where, "a list of intervals like '10:00-13:00'")
        try:
            openings = tuple(parse_opening(text, f"{where}[{i}]") for i, text in enumerate(texts))
            check_day(openings, where)
        except InvalidSchedule as exc:
            raise InvalidProfile(rule, exc.field, exc.message) from None
        days.append(openings)
    return HoursParams(weekly=tuple(days))


def _cap(params: Mapping[str, object], rule: str) -> CapParams:
    _known(params, ("max_attempts", "window_days"), rule, "params.")
    return CapParams(
        max_attempts=_count(params.get("max_attempts"), rule, "params.max_attempts"),
        window=timedelta(days=_count(params.get("window_days"), rule, "params.window_days")),
    )


def _cooldown(params: Mapping[str, object], rule: str) -> CooldownParams:
    _known(params, ("days",), rule, "params.")
    return CooldownParams(period=timedelta(days=_count(params.get("days"), rule, "params.days")))


def _caller_id(params: Mapping[str, object], rule: str) -> CallerIdParams:
    _known(params, ("automated", "manual"), rule, "params.")
    automated = _plan(params.get("automated"), rule, "params.automated")
    manual = _plan(params["manual"], rule, "params.manual") if "manual" in params else automated
    return CallerIdParams(automated=automated, manual=manual)


def _plan(data: object, rule: str, where: str) -> CallerIdPlan:
    fields = _mapping(data, rule, where)
    _known(fields, ("allow", "refuse"), rule, f"{where}.")
    allow = _prefixes(fields.get("allow"), rule, f"{where}.allow")
    refuse_data = fields.get("refuse", [])
    if not isinstance(refuse_data, list):
        raise InvalidProfile(rule, f"{where}.refuse", "a list of {prefixes, reason_fr, reason_en}")
    refuse = []
    for i, item in enumerate(refuse_data):
        at = f"{where}.refuse[{i}]"
        entry = _mapping(item, rule, at)
        _known(entry, ("prefixes", "reason_fr", "reason_en"), rule, f"{at}.")
        refuse.append(
            Refusal(
                prefixes=_prefixes(entry.get("prefixes"), rule, f"{at}.prefixes"),
                reason_fr=_text(entry.get("reason_fr"), rule, f"{at}.reason_fr"),
                reason_en=_text(entry.get("reason_en"), rule, f"{at}.reason_en"),
            )
        )
    return CallerIdPlan(allow=allow, refuse=tuple(refuse))


def _abandon(params: Mapping[str, object], rule: str) -> AbandonParams:
    _known(params, ("max_percent", "window_days"), rule, "params.")
    percent = _number(params.get("max_percent"), rule, "params.max_percent")
    if not 0 <= percent <= 100:
        raise InvalidProfile(rule, "params.max_percent", f"{percent} is not a percentage (0 to 100)")
    window = timedelta(days=_count(params.get("window_days"), rule, "params.window_days"))
    return AbandonParams(max_percent=Fraction(str(percent)), window=window)


def _answer_delay(params: Mapping[str, object], rule: str) -> AnswerDelayParams:
    _known(params, ("seconds", "ring_seconds"), rule, "params.")
    return AnswerDelayParams(
        seconds=_number(params.get("seconds"), rule, "params.seconds"),
        ring_seconds=_number(params.get("ring_seconds", 0), rule, "params.ring_seconds"),
    )


_PARAMS: Mapping[RuleKind, Callable[[Mapping[str, object], str], RuleParams]] = {
    RuleKind.CALLING_HOURS: _hours,
    RuleKind.NO_PUBLIC_HOLIDAYS: _no_params,
    RuleKind.ATTEMPT_CAP: _cap,
    RuleKind.REFUSAL_COOLDOWN: _cooldown,
    RuleKind.CONSENT_REQUIRED: _no_params,
    RuleKind.DO_NOT_CALL: _no_params,
    RuleKind.CALLER_ID_PLAN: _caller_id,
    RuleKind.ABANDON_RATE_CAP: _abandon,
    RuleKind.ANSWER_DELAY: _answer_delay,
}


# -- plain values ---------------------------------------------------------------------------


def _mapping(data: object, rule: str, field: str) -> Mapping[str, object]:
    if not isinstance(data, Mapping) or not all(isinstance(key, str) for key in data):
        raise InvalidProfile(rule, field, "a mapping of names to values")
    return data


def _known(fields: Mapping[str, object], keys: tuple[str, ...], rule: str, prefix: str = "") -> None:
    unknown = sorted(key for key in fields if key not in keys)
    if unknown:
        known = ", ".join(keys) or "none"
        raise InvalidProfile(rule, f"{prefix}{unknown[0]}", f"unknown field; the fields are {known}")


def _text(value: object, rule: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidProfile(rule, field, "required: a non-empty text")
    return value.strip()


def _flag(value: object, rule: str, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidProfile(rule, field, f"{value!r} is not true or false")
    return value


def _count(value: object, rule: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidProfile(rule, field, f"{value!r} is not a whole number of 1 or more")
    return value


def _number(value: object, rule: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < float("inf"):
        raise InvalidProfile(rule, field, f"{value!r} is not a number of 0 or more")
    return float(value)


def _date(value: object, rule: str, field: str) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidProfile(rule, field, f"{value!r} is not a date like 2026-08-11")


def _prefixes(value: object, rule: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and _PREFIX.fullmatch(v) for v in value):
        raise InvalidProfile(rule, field, "a list of E.164 prefixes like '+33162'")
    return tuple(value)


def _purposes(value: object, canvassing: frozenset[Purpose], rule: str, field: str) -> frozenset[Purpose]:
    if value == "canvassing":
        return canvassing
    if value == "all":
        return frozenset(Purpose)
    if not isinstance(value, list):
        raise InvalidProfile(rule, field, "'canvassing', 'all', or a list of purposes")
    try:
        return frozenset(Purpose(v) for v in value)
    except ValueError:
        names = ", ".join(p.value for p in Purpose)
        raise InvalidProfile(rule, field, f"{value!r} names an unknown purpose ({names})") from None
