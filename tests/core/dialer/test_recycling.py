"""Retry rules: what each outcome and disposition does to a lead, the caps, and the rule checks."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.dialer.lifecycle import FINISHED, LeadStatus
from callfloor.core.dialer.model import Outcome
from callfloor.core.dialer.recycling import (
    Decision,
    RetryPolicy,
    RetryRule,
    RetryRuleError,
    RuleKind,
    Why,
)

H, MIN = 3600.0, 60.0
NOW = 10 * H
POLICY = RetryPolicy()


@pytest.mark.parametrize(
    ("outcome", "delay"),
    [
        (Outcome.NO_ANSWER, 2 * H),
        (Outcome.BUSY, 15 * MIN),
        (Outcome.MACHINE, 4 * H),
        (Outcome.FAILED, 30 * MIN),
    ],
)
def test_default_retries_come_back_after_their_delay(outcome: Outcome, delay: float) -> None:
    decision = POLICY.decide(outcome, NOW)
    assert decision == Decision(LeadStatus.SCHEDULED, NOW + delay, f"outcomes.{outcome}", Why.RETRY)


@pytest.mark.parametrize(
    ("outcome", "most"), [(Outcome.NO_ANSWER, 5), (Outcome.BUSY, 5), (Outcome.MACHINE, 3)]
)
def test_default_retries_stop_at_their_rule_cap(outcome: Outcome, most: int) -> None:
    key = f"outcomes.{outcome}"
    last_retry = POLICY.decide(outcome, NOW, attempts=most - 2, rule_attempts={key: most - 2})
    assert last_retry.status is LeadStatus.SCHEDULED
    spent = POLICY.decide(outcome, NOW, attempts=most - 1, rule_attempts={key: most - 1})
    assert (spent.status, spent.due_at, spent.why) == (LeadStatus.EXHAUSTED, None, Why.RULE_CAP)


def test_no_answer_three_times_two_hours_apart_then_exhausted() -> None:
    policy = RetryPolicy([RetryRule(Outcome.NO_ANSWER, RuleKind.RETRY, 2 * H, 3)])
    counts: dict[str, int] = {}
    now, dues = NOW, []
    for attempt in range(3):
        decision = policy.decide(Outcome.NO_ANSWER, now, attempts=attempt, rule_attempts=counts)
        counts[decision.rule] = counts.get(decision.rule, 0) + 1
        dues.append(decision.due_at)
        now = decision.due_at or now
    assert dues == [NOW + 2 * H, NOW + 4 * H, None]
    assert decision.status is LeadStatus.EXHAUSTED


def test_total_cap_ends_retries_whatever_the_rule() -> None:
    decision = POLICY.decide(Outcome.BUSY, NOW, attempts=9, rule_attempts={"outcomes.no_answer": 4})
    assert (decision.status, decision.why) == (LeadStatus.EXHAUSTED, Why.TOTAL_CAP)
    assert POLICY.decide(Outcome.BUSY, NOW, attempts=8).status is LeadStatus.SCHEDULED


def test_no_total_cap_when_the_policy_has_none() -> None:
    policy = RetryPolicy(max_attempts=None)
    assert policy.decide(Outcome.BUSY, NOW, attempts=1000).status is LeadStatus.SCHEDULED


def test_a_callback_the_person_asked_for_is_kept_past_the_total_cap() -> None:
    decision = POLICY.decide(
        Outcome.ANSWERED, NOW, attempts=9, disposition="callback", callback_at=NOW + 5 * H
    )
    assert decision == Decision(LeadStatus.CALLBACK, NOW + 5 * H, "dispositions.callback", Why.CALLBACK)


def test_callback_for_an_agent_at_the_chosen_time() -> None:
    decision = POLICY.decide(
        Outcome.ANSWERED, NOW, disposition="callback", callback_at=15 * H, callback_agent="1001"
    )
    assert (decision.status, decision.due_at, decision.agent) == (LeadStatus.CALLBACK, 15 * H, "1001")


def test_callback_without_a_time_is_in_an_hour_and_one_in_the_past_is_now() -> None:
    assert POLICY.decide(Outcome.ANSWERED, NOW, disposition="callback").due_at == NOW + H
    assert POLICY.decide(Outcome.ANSWERED, NOW, disposition="callback", callback_at=NOW - H).due_at == NOW


def test_a_dropped_call_is_a_campaign_callback_within_the_hour() -> None:
    decision = POLICY.decide(Outcome.DROPPED, NOW)
    assert (decision.status, decision.due_at, decision.agent) == (LeadStatus.CALLBACK, NOW + H, None)
    spent = POLICY.decide(Outcome.DROPPED, NOW, attempts=2, rule_attempts={"outcomes.dropped": 2})
    assert spent.status is LeadStatus.EXHAUSTED


@pytest.mark.parametrize("code", ["sale", "appointment", "promise_to_pay", "refusal", "do_not_call"])
def test_final_dispositions_finish_the_lead(code: str) -> None:
    decision = POLICY.decide(Outcome.ANSWERED, NOW, disposition=code)
    assert decision == Decision(LeadStatus.DONE, None, f"dispositions.{code}", Why.FINAL)


def test_wrong_and_invalid_numbers_are_never_tried_again() -> None:
    wrong = POLICY.decide(Outcome.ANSWERED, NOW, disposition="wrong_number")
    assert (wrong.status, wrong.due_at, wrong.why) == (LeadStatus.EXHAUSTED, None, Why.NEVER)
    assert POLICY.decide(Outcome.INVALID, NOW).status is LeadStatus.EXHAUSTED


def test_blocked_is_no_attempt_and_waits_for_the_time_compliance_gave() -> None:
    decision = POLICY.decide(Outcome.BLOCKED, NOW, callback_at=NOW + 3 * H)
    assert decision == Decision(None, NOW + 3 * H, "outcomes.blocked", Why.DEFERRED, counted=False)
    assert POLICY.decide(Outcome.BLOCKED, NOW).due_at == NOW + H


def test_answered_with_no_or_an_unknown_disposition_is_done() -> None:
    assert POLICY.decide(Outcome.ANSWERED, NOW).status is LeadStatus.DONE
    assert POLICY.decide(Outcome.ANSWERED, NOW, disposition="mystery").rule == "outcomes.answered"


def test_an_unknown_disposition_with_a_time_is_a_callback() -> None:
    decision = POLICY.decide(Outcome.ANSWERED, NOW, disposition="rappel_devis", callback_at=NOW + H)
    assert (decision.status, decision.rule) == (LeadStatus.CALLBACK, "dispositions.callback")


def test_a_disposition_naming_an_outcome_takes_that_outcomes_rule() -> None:
    decision = POLICY.decide(Outcome.ANSWERED, NOW, disposition="machine")  # an agent in preview mode
    assert (decision.rule, decision.due_at) == ("outcomes.machine", NOW + 4 * H)


def test_campaign_rules_override_the_defaults() -> None:
    policy = RetryPolicy(
        [RetryRule(Outcome.BUSY, RuleKind.RETRY, 5 * MIN), RetryRule("refusal", RuleKind.NEVER)],
        max_attempts=4,
    )
    assert policy.decide(Outcome.BUSY, NOW).due_at == NOW + 5 * MIN
    assert policy.decide(Outcome.ANSWERED, NOW, disposition="refusal").status is LeadStatus.EXHAUSTED
    assert policy.decide(Outcome.ANSWERED, NOW, disposition="sale").status is LeadStatus.DONE
    assert policy.max_attempts == 4


def test_without_defaults_every_outcome_needs_a_rule() -> None:
    with pytest.raises(RetryRuleError) as caught:
        RetryPolicy([RetryRule(Outcome.BUSY, RuleKind.RETRY, 60)], defaults=False)
    assert caught.value.rule == "outcomes.answered"
    assert "règle" in caught.value.fr


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        (lambda: RetryRule(Outcome.BUSY, RuleKind.RETRY), "delay"),
        (lambda: RetryRule(Outcome.BUSY, RuleKind.RETRY, -1.0), "delay"),
        (lambda: RetryRule(Outcome.BUSY, RuleKind.RETRY, float("inf")), "delay"),
        (lambda: RetryRule("sale", RuleKind.FINAL, 60.0), "delay"),
        (lambda: RetryRule(Outcome.BUSY, RuleKind.RETRY, 60.0, 0), "max_attempts"),
        (lambda: RetryRule("wrong_number", RuleKind.NEVER, None, 2), "max_attempts"),
        (lambda: RetryRule(Outcome.BLOCKED, RuleKind.DEFER, 60.0, 2), "max_attempts"),
    ],
)
def test_impossible_rules_are_refused_naming_rule_and_key(rule: object, key: str) -> None:
    with pytest.raises(RetryRuleError) as caught:
        rule()  # type: ignore[operator]
    assert caught.value.key == key
    assert caught.value.rule.startswith(("outcomes.", "dispositions."))
    assert key in str(caught.value) and key in caught.value.fr


def test_policy_cap_below_one_is_refused() -> None:
    with pytest.raises(RetryRuleError):
        RetryPolicy(max_attempts=0)


CODES = st.sampled_from(["sale", "refusal", "callback", "wrong_number", "busy", "mystery", None])


@given(
    outcome=st.sampled_from(Outcome),
    disposition=CODES,
    attempts=st.integers(0, 15),
    rule_count=st.integers(0, 6),
    callback_in=st.one_of(st.none(), st.floats(-10 * H, 10 * H)),
)
def test_decisions_keep_their_promises(
    outcome: Outcome, disposition: str | None, attempts: int, rule_count: int, callback_in: float | None
) -> None:
    rule = POLICY.rule_for(outcome, disposition, timed=callback_in is not None)
    counts = {rule.key: min(rule_count, attempts)}
    callback_at = None if callback_in is None else NOW + callback_in
    decision = POLICY.decide(
        outcome,
        NOW,
        attempts=attempts,
        rule_attempts=counts,
        disposition=disposition,
        callback_at=callback_at,
    )
    assert decision.rule == rule.key
    assert decision.counted is (rule.kind is not RuleKind.DEFER)
    assert (decision.due_at is None) is (decision.status in FINISHED)
    if decision.due_at is not None:
        assert decision.due_at >= NOW
    if decision.status is LeadStatus.SCHEDULED:  # an automatic retry stays within both caps
        assert attempts + 1 < 10 and (rule.max_attempts is None or counts[rule.key] + 1 < rule.max_attempts)
    if rule.kind in (RuleKind.FINAL, RuleKind.NEVER):
        assert decision.status is (LeadStatus.DONE if rule.kind is RuleKind.FINAL else LeadStatus.EXHAUSTED)
