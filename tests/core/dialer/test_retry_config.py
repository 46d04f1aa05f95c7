"""Retry rules from a campaign's YAML section: the format, delays, errors naming rule and key, round trip."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.dialer.model import Outcome
from callfloor.core.dialer.recycling import RetryPolicy, RetryRule, RetryRuleError, RuleKind
from callfloor.core.dialer.retry_config import delay_text, parse_delay, parse_policy, policy_data

SECTION = {
    "max_attempts": 6,
    "outcomes": {
        "no_answer": {"then": "retry", "delay": "2h", "max_attempts": 4},
        "busy": {"then": "retry", "delay": 600},
        "machine": "never",
    },
    "dispositions": {"refusal": "final", "rappel": {"then": "callback", "delay": "1h30m"}},
}


def test_a_section_gives_its_rules_over_the_defaults() -> None:
    policy = RetryPolicy.from_mapping(SECTION)
    assert policy.max_attempts == 6
    rules = {rule.key: rule for rule in policy.rules}
    assert rules["outcomes.no_answer"] == RetryRule(Outcome.NO_ANSWER, RuleKind.RETRY, 7200.0, 4)
    assert rules["outcomes.busy"] == RetryRule(Outcome.BUSY, RuleKind.RETRY, 600.0)
    assert rules["outcomes.machine"] == RetryRule(Outcome.MACHINE, RuleKind.NEVER)
    assert rules["dispositions.rappel"] == RetryRule("rappel", RuleKind.CALLBACK, 5400.0)
    assert rules["dispositions.wrong_number"].kind is RuleKind.NEVER  # from the defaults


def test_an_empty_section_is_the_default_policy() -> None:
    assert parse_policy({}).rules == RetryPolicy().rules
    assert parse_policy({"max_attempts": None}).max_attempts is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2h", 7200),
        ("15m", 900),
        ("15min", 900),
        ("1h30m", 5400),
        ("45s", 45),
        ("1d", 86400),
        (" 2H ", 7200),
        (90, 90),
    ],
)
def test_delays_read_as_people_write_them(text: object, seconds: float) -> None:
    assert parse_delay(text, "outcomes.busy") == seconds


@given(st.integers(0, 10 * 86400))
def test_delay_text_reads_back(seconds: int) -> None:
    assert parse_delay(delay_text(seconds), "r") == seconds


@pytest.mark.parametrize(
    ("section", "rule", "key"),
    [
        ({"retries": {}}, "retry", "retries"),
        ({"max_attempts": 0}, "retry", "max_attempts"),
        ({"max_attempts": True}, "retry", "max_attempts"),
        ({"max_attempts": "3"}, "retry", "max_attempts"),
        ({"defaults": "yes"}, "retry", "defaults"),
        ({"outcomes": ["busy"]}, "outcomes", ""),
        ({"outcomes": {"ringing": "never"}}, "outcomes.ringing", ""),
        ({"outcomes": {"busy": {"delay": "15m"}}}, "outcomes.busy", "then"),
        ({"outcomes": {"busy": {"then": "later", "delay": "15m"}}}, "outcomes.busy", "then"),
        ({"outcomes": {"busy": {"then": "retry", "delay": "soon"}}}, "outcomes.busy", "delay"),
        ({"outcomes": {"busy": {"then": "retry", "delay": "15m", "tries": 3}}}, "outcomes.busy", "tries"),
        (
            {"outcomes": {"busy": {"then": "retry", "delay": "15m", "max_attempts": 2.5}}},
            "outcomes.busy",
            "max_attempts",
        ),
        ({"outcomes": {"busy": "retry"}}, "outcomes.busy", "delay"),
        ({"dispositions": {"sale": {"then": "final", "delay": "1h"}}}, "dispositions.sale", "delay"),
        ({"dispositions": {"": "final"}}, "dispositions.", ""),
        ({"dispositions": {"x": 3}}, "dispositions.x", ""),
    ],
)
def test_errors_name_the_rule_and_the_key_in_both_languages(section: object, rule: str, key: str) -> None:
    with pytest.raises(RetryRuleError) as caught:
        parse_policy(section)
    assert (caught.value.rule, caught.value.key) == (rule, key)
    assert rule in str(caught.value) and rule in caught.value.fr
    assert caught.value.fr.startswith("règle de rappel")


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(RetryRuleError, match="not a mapping"):
        parse_policy(["no_answer"])


DELAYS = st.one_of(st.integers(0, 3 * 86400).map(float), st.floats(0.5, 1e5).filter(lambda x: x != int(x)))
RETRIES = st.builds(lambda d, m: (RuleKind.RETRY, d, m), DELAYS, st.one_of(st.none(), st.integers(1, 9)))
TIMED = st.builds(
    lambda k, d: (k, d), st.sampled_from([RuleKind.CALLBACK, RuleKind.DEFER]), st.one_of(st.none(), DELAYS)
)
PLAIN = st.sampled_from([(RuleKind.FINAL, None), (RuleKind.NEVER, None)])
SHAPES = st.one_of(RETRIES, TIMED.map(lambda t: (*t, None)), PLAIN.map(lambda t: (*t, None)))
MATCHES = st.one_of(st.sampled_from(Outcome), st.from_regex(r"[a-z_]{1,12}", fullmatch=True))


@given(st.lists(st.tuples(MATCHES, SHAPES), max_size=12), st.one_of(st.none(), st.integers(1, 20)))
def test_policy_data_reads_back_to_the_same_rules(
    specs: list[tuple[Outcome | str, tuple[RuleKind, float | None, int | None]]], most: int | None
) -> None:
    rules = [RetryRule(match, kind, delay, cap) for match, (kind, delay, cap) in specs]
    policy = RetryPolicy(rules, max_attempts=most)
    again = parse_policy(policy_data(policy))
    assert again.rules == policy.rules
    assert again.max_attempts == policy.max_attempts
