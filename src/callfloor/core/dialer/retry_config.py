"""A campaign's retry rules from plain data (its YAML ``retry:`` section), and back.

::

    max_attempts: 10        # attempts per lead, every outcome; null: no cap (default 10)
    defaults: true          # start from the French defaults (recycling.DEFAULT_RULES)
    outcomes:               # answered, no_answer, busy, machine, dropped, failed, invalid, blocked
      no_answer: {then: retry, delay: 2h, max_attempts: 5}
      busy: {then: retry, delay: 15m}
      invalid: never        # a bare kind: final, never, defer
    dispositions:           # the campaign's codes, as agents choose them
      refusal: final
      wrong_number: never
      callback: {then: callback, delay: 1h}   # the agent's time, else in an hour

A delay is seconds (``900``) or a text of days, hours, minutes, seconds (``2h``, ``1h30m``,
``45s``, ``1d``). Errors are :class:`~callfloor.core.dialer.recycling.RetryRuleError`, naming
the rule (``outcomes.busy``) and its key (``delay``). :func:`policy_data` writes a policy with
``defaults: false`` and every rule spelled out, so that ``parse_policy(policy_data(p))`` holds
the same rules as ``p``.
"""

import math
import re
from collections.abc import Mapping

from callfloor.core.dialer.model import Outcome
from callfloor.core.dialer.recycling import (
    DEFAULT_MAX_ATTEMPTS,
    RetryPolicy,
    RetryRule,
    RetryRuleError,
    RuleKind,
)

KEYS = ("max_attempts", "defaults", "outcomes", "dispositions")
RULE_KEYS = ("then", "delay", "max_attempts")
_DELAY = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+)s)?")
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
_KINDS = ", ".join(RuleKind)


def parse_policy(data: object) -> RetryPolicy:
    """The :class:`RetryPolicy` ``data`` describes, or :class:`RetryRuleError` naming rule and key."""
    fields = _mapping(data, "retry", "")
    _no_unknown(fields, KEYS, "retry")
    most = fields.get("max_attempts", DEFAULT_MAX_ATTEMPTS)
    defaults = fields.get("defaults", True)
    if not isinstance(defaults, bool):
        raise RetryRuleError("retry", "defaults", "must be true or false", "doit valoir true ou false")
    rules = [
        _rule(_outcome(key), value)
        for key, value in _mapping(fields.get("outcomes", {}), "outcomes", "").items()
    ]
    for key, value in _mapping(fields.get("dispositions", {}), "dispositions", "").items():
        rules.append(_rule(_disposition(key), value))
    return RetryPolicy(rules, max_attempts=_count(most, "retry", "max_attempts"), defaults=defaults)


def policy_data(policy: RetryPolicy) -> dict[str, object]:
    """``policy`` as plain data :func:`parse_policy` reads back to the same rules."""
    outcomes: dict[str, object] = {}
    dispositions: dict[str, object] = {}
    for rule in policy.rules:
        target = outcomes if isinstance(rule.match, Outcome) else dispositions
        target[str(rule.match)] = _rule_data(rule)
    return {
        "max_attempts": policy.max_attempts,
        "defaults": False,
        "outcomes": outcomes,
        "dispositions": dispositions,
    }


def parse_delay(value: object, rule: str) -> float:
    """Seconds from a number or a text such as ``2h``, ``1h30m``, ``15m``, ``45s``, ``1d``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = value.strip().lower().replace(" ", "") if isinstance(value, str) else ""
    found = _DELAY.fullmatch(text) if text else None
    if found is None:
        en = f"{value!r} is not a delay such as 900, '15m' or '2h'"
        raise RetryRuleError(rule, "delay", en, f"{value!r} n'est pas un délai comme 900, '15m' ou '2h'")
    return float(sum(int(n) * unit for n, (_, unit) in zip(found.groups(), _UNITS, strict=True) if n))


def delay_text(seconds: float) -> str | float:
    """``seconds`` as the shortest text :func:`parse_delay` reads (a number if not whole)."""
    if seconds != int(seconds):
        return seconds
    rest, parts = int(seconds), []
    for letter, unit in _UNITS:
        if rest >= unit:
            parts.append(f"{rest // unit}{letter}")
            rest %= unit
    return "".join(parts) or "0s"


def _rule(match: Outcome | str, value: object) -> RetryRule:
    name = RetryRule(match, RuleKind.FINAL).key
    if isinstance(value, str):
        return RetryRule(match, _kind(value, name))
    fields = _mapping(value, name, "")
    _no_unknown(fields, RULE_KEYS, name)
    if "then" not in fields:
        raise RetryRuleError(name, "then", f"required: one of {_KINDS}", f"obligatoire : l'un de {_KINDS}")
    delay = fields.get("delay")
    return RetryRule(
        match,
        _kind(fields["then"], name),
        None if delay is None else parse_delay(delay, name),
        None if fields.get("max_attempts") is None else _count(fields["max_attempts"], name, "max_attempts"),
    )


def _rule_data(rule: RetryRule) -> str | dict[str, object]:
    if rule.delay_s is None and rule.max_attempts is None:
        return str(rule.kind)
    data: dict[str, object] = {"then": str(rule.kind)}
    if rule.delay_s is not None:
        data["delay"] = delay_text(rule.delay_s)
    if rule.max_attempts is not None:
        data["max_attempts"] = rule.max_attempts
    return data


def _kind(value: object, rule: str) -> RuleKind:
    try:
        return RuleKind(str(value).strip().lower())
    except ValueError:
        raise RetryRuleError(
            rule, "then", f"{value!r} is not one of {_KINDS}", f"{value!r} n'est pas l'un de {_KINDS}"
        ) from None


def _outcome(key: object) -> Outcome:
    try:
        return Outcome(str(key))
    except ValueError:
        names = ", ".join(Outcome)
        en, fr = f"unknown outcome; the outcomes are {names}", f"issue inconnue ; les issues sont {names}"
        raise RetryRuleError(f"outcomes.{key}", "", en, fr) from None


def _disposition(key: object) -> str:
    if not isinstance(key, str) or not key.strip():
        raise RetryRuleError(
            f"dispositions.{key}",
            "",
            "a disposition code is a non-empty text",
            "un code de qualification est un texte",
        )
    return key.strip()


def _count(value: object, rule: str, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _not_a_count(value, rule, key)
    if not math.isfinite(value) or value != int(value) or value < 1:
        raise _not_a_count(value, rule, key)
    return int(value)


def _not_a_count(value: object, rule: str, key: str) -> RetryRuleError:
    return RetryRuleError(
        rule, key, f"{value!r} is not a whole number ≥ 1", f"{value!r} n'est pas un entier ≥ 1"
    )


def _mapping(value: object, rule: str, key: str) -> Mapping[object, object]:
    if not isinstance(value, Mapping):
        raise RetryRuleError(rule, key, f"{value!r} is not a mapping", f"{value!r} n'est pas un dictionnaire")
    return value


def _no_unknown(fields: Mapping[object, object], known: tuple[str, ...], rule: str) -> None:
    unknown = sorted(str(key) for key in fields if key not in known)
    if unknown:
        allowed = ", ".join(known)
        raise RetryRuleError(
            rule,
            unknown[0],
            f"unknown key; the keys are {allowed}",
            f"clé inconnue ; les clés sont {allowed}",
        )
