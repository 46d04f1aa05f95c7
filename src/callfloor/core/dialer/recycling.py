"""When a lead may be tried again (recyclage des fiches): retry rules per outcome and disposition.

Each attempt ends in an :class:`~callfloor.core.dialer.model.Outcome` the network gives and,
when a person was reached, a disposition code the agent chose (sale, refusal, callback…). A
:class:`RetryRule` says what becomes of the lead after such an attempt: tried again after a
delay up to a number of times, called back at an agreed time, deferred without counting,
finished (``final``: done) or never tried again (``never``: exhausted). A :class:`RetryPolicy`
holds a campaign's rules over French call-center defaults (:data:`DEFAULT_RULES`) and a cap
of attempts per lead, and :meth:`RetryPolicy.decide` turns one attempt into a
:class:`Decision`: the lead's new status and when it is due.

Which rule applies: the disposition's own rule if it has one; else, for a disposition code
that names an outcome (an agent in preview mode marking ``busy``), that outcome's rule; else,
when a person answered and the agent gave a callback time, the ``callback`` disposition's rule
(a time is never lost to a code the campaign forgot to configure); else the outcome's rule (an
``answered`` call with no code or an unknown one is finished).

Caps: a rule's ``max_attempts`` counts the attempts that rule matched; the policy's
``max_attempts`` counts every attempt of the lead and ends automatic retries only: a callback
the person asked for is kept (the legal cap of calls to one person, décret 2022-1313 art. 1,
is compliance's to enforce, through the lead book's gate). Blocked attempts are no attempts.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from callfloor.core.dialer import DialerError
from callfloor.core.dialer.lifecycle import LeadStatus
from callfloor.core.dialer.model import Outcome


class RetryRuleError(DialerError):
    """A retry rule that cannot be, told in English (``str``) and French; names the rule and key."""

    error_id = "invalid_retry_rule"

    def __init__(self, rule: str, key: str, en: str, fr: str) -> None:
        where = f"{rule}.{key}" if key else rule
        super().__init__(f"retry rule {where}: {en}")
        self.rule, self.key, self.en = rule, key, en
        self.fr = f"règle de rappel {where} : {fr}"


class RuleKind(StrEnum):
    """What a rule does to the lead after an attempt it matches."""

    RETRY = "retry"  # again after delay_s, while the caps allow
    CALLBACK = "callback"  # a scheduled callback: at the agreed time, else after delay_s
    DEFER = "defer"  # no attempt (blocked): due again at the given time, else after delay_s
    FINAL = "final"  # done: the campaign got its answer
    NEVER = "never"  # exhausted: no use calling again (wrong or invalid number)


#: Kinds that take a delay; RETRY requires one.
TIMED = frozenset({RuleKind.RETRY, RuleKind.CALLBACK, RuleKind.DEFER})


@dataclass(frozen=True, slots=True)
class RetryRule:
    """What follows an attempt that ended in ``match``: an :class:`Outcome`, or a disposition code."""

    match: Outcome | str
    kind: RuleKind
    delay_s: float | None = None
    max_attempts: int | None = None  # attempts this rule matched, this one included

    def __post_init__(self) -> None:
        if not isinstance(self.match, Outcome) and not self.match.strip():
            raise RetryRuleError(
                "dispositions", "", "a disposition code is empty", "un code de qualification est vide"
            )
        self._check_delay()
        if self.max_attempts is not None and (isinstance(self.max_attempts, bool) or self.max_attempts < 1):
            raise RetryRuleError(
                self.key, "max_attempts", "must be a whole number ≥ 1", "doit être un entier ≥ 1"
            )
        if self.kind in (RuleKind.FINAL, RuleKind.NEVER, RuleKind.DEFER) and self.max_attempts is not None:
            raise RetryRuleError(
                self.key,
                "max_attempts",
                f"a {self.kind} rule counts no attempts",
                f"une règle {self.kind} ne compte pas",
            )

    def _check_delay(self) -> None:
        if self.delay_s is None:
            if self.kind is RuleKind.RETRY:
                raise RetryRuleError(
                    self.key, "delay", "a retry needs a delay", "une relance demande un délai"
                )
            return
        if self.kind not in TIMED:
            raise RetryRuleError(
                self.key,
                "delay",
                f"a {self.kind} rule takes no delay",
                f"une règle {self.kind} ne prend pas de délai",
            )
        if not math.isfinite(self.delay_s) or self.delay_s < 0:
            raise RetryRuleError(
                self.key, "delay", "must be a finite duration ≥ 0", "doit être une durée finie ≥ 0"
            )

    @property
    def key(self) -> str:
        """The rule's name, as in the campaign's YAML: ``outcomes.busy``, ``dispositions.refusal``."""
        if isinstance(self.match, Outcome):
            return f"outcomes.{self.match}"
        return f"dispositions.{self.match}"


class Why(StrEnum):
    """Why a decision is what it is; reports group exhausted leads by it."""

    RETRY = "retry"
    CALLBACK = "callback"
    DEFERRED = "deferred"
    FINAL = "final"
    NEVER = "never"
    RULE_CAP = "rule_cap"  # the rule's max_attempts reached
    TOTAL_CAP = "total_cap"  # the policy's max_attempts per lead reached


@dataclass(frozen=True, slots=True)
class Decision:
    """What becomes of a lead after one attempt."""

    status: LeadStatus | None  # None: as before the attempt (it was none: blocked)
    due_at: float | None  # when it may be tried again; None: never
    rule: str  # the key of the rule applied
    why: Why
    counted: bool = True  # whether it counts as an attempt (and for its rule)
    agent: str | None = None  # a callback reserved for this agent


def _rule(
    match: Outcome | str, kind: RuleKind, delay_s: float | None = None, most: int | None = None
) -> RetryRule:
    return RetryRule(match, kind, delay_s, most)


HOUR, MINUTE = 3600.0, 60.0
#: French call-center practice: rings out again in 2 h, busy in 15 min, a machine in 4 h (the
#: person may be home by then), a network failure in 30 min; a dropped call (the person
#: answered and heard only the recorded message) is owed a call back by an agent within the
#: hour, ahead of ordinary retries; an invalid number, never.
DEFAULT_RULES: tuple[RetryRule, ...] = (
    _rule(Outcome.ANSWERED, RuleKind.FINAL),
    _rule(Outcome.NO_ANSWER, RuleKind.RETRY, 2 * HOUR, 5),
    _rule(Outcome.BUSY, RuleKind.RETRY, 15 * MINUTE, 5),
    _rule(Outcome.MACHINE, RuleKind.RETRY, 4 * HOUR, 3),
    _rule(Outcome.FAILED, RuleKind.RETRY, 30 * MINUTE, 3),
    _rule(Outcome.DROPPED, RuleKind.CALLBACK, HOUR, 3),
    _rule(Outcome.INVALID, RuleKind.NEVER),
    _rule(Outcome.BLOCKED, RuleKind.DEFER, HOUR),  # the time compliance gave, else an hour
    _rule("sale", RuleKind.FINAL),
    _rule("appointment", RuleKind.FINAL),
    _rule("promise_to_pay", RuleKind.FINAL),
    _rule("refusal", RuleKind.FINAL),
    _rule("do_not_call", RuleKind.FINAL),
    _rule("wrong_number", RuleKind.NEVER),
    _rule("callback", RuleKind.CALLBACK, HOUR),  # the agent's time, else an hour
)
DEFAULT_MAX_ATTEMPTS = 10
_OUTCOME_CODES = frozenset(Outcome)


class RetryPolicy:
    """A campaign's retry rules (its own over :data:`DEFAULT_RULES`) and its cap per lead."""

    __slots__ = ("_dispositions", "_outcomes", "max_attempts")

    def __init__(
        self,
        rules: Iterable[RetryRule] = (),
        *,
        max_attempts: int | None = DEFAULT_MAX_ATTEMPTS,
        defaults: bool = True,
    ) -> None:
        if max_attempts is not None and (isinstance(max_attempts, bool) or max_attempts < 1):
            raise RetryRuleError("max_attempts", "", "must be a whole number ≥ 1", "doit être un entier ≥ 1")
        self.max_attempts = max_attempts
        self._outcomes: dict[Outcome, RetryRule] = {}
        self._dispositions: dict[str, RetryRule] = {}
        for rule in (*(DEFAULT_RULES if defaults else ()), *rules):
            if isinstance(rule.match, Outcome):
                self._outcomes[rule.match] = rule
            else:
                self._dispositions[rule.match] = rule
        missing = [o for o in Outcome if o not in self._outcomes]
        if missing:
            raise RetryRuleError(
                f"outcomes.{missing[0]}", "", "every outcome needs a rule", "chaque issue demande une règle"
            )

    @classmethod
    def from_mapping(cls, data: object) -> "RetryPolicy":
        """The policy a campaign's YAML ``retry:`` section describes (see :mod:`.retry_config`)."""
        from callfloor.core.dialer.retry_config import parse_policy  # the parser builds on this module

        return parse_policy(data)

    @property
    def rules(self) -> tuple[RetryRule, ...]:
        """Every rule in force: outcomes first, in :class:`Outcome` order, then dispositions."""
        return (*(self._outcomes[o] for o in Outcome), *self._dispositions.values())

    def rule_for(self, outcome: Outcome, disposition: str | None = None, *, timed: bool = False) -> RetryRule:
        """The rule that applies (see the module's docstring); ``timed``: a callback time was given."""
        if disposition in self._dispositions:
            return self._dispositions[disposition]
        if disposition in _OUTCOME_CODES:
            return self._outcomes[Outcome(disposition)]
        if timed and outcome is Outcome.ANSWERED and "callback" in self._dispositions:
            return self._dispositions["callback"]
        return self._outcomes[outcome]

    def decide(
        self,
        outcome: Outcome,
        now: float,
        *,
        attempts: int = 0,
        rule_attempts: Mapping[str, int] = MappingProxyType({}),
        disposition: str | None = None,
        callback_at: float | None = None,
        callback_agent: str | None = None,
    ) -> Decision:
        """What becomes of a lead tried ``attempts`` times before (``rule_attempts`` per rule key)."""
        rule = self.rule_for(outcome, disposition, timed=callback_at is not None)
        if rule.kind is RuleKind.DEFER:
            return Decision(None, _due(rule, now, callback_at), rule.key, Why.DEFERRED, counted=False)
        if rule.kind is RuleKind.FINAL:
            return Decision(LeadStatus.DONE, None, rule.key, Why.FINAL)
        if rule.kind is RuleKind.NEVER:
            return Decision(LeadStatus.EXHAUSTED, None, rule.key, Why.NEVER)
        if rule.max_attempts is not None and rule_attempts.get(rule.key, 0) + 1 >= rule.max_attempts:
            return Decision(LeadStatus.EXHAUSTED, None, rule.key, Why.RULE_CAP)
        if rule.kind is RuleKind.CALLBACK:
            due = _due(rule, now, callback_at)
            return Decision(LeadStatus.CALLBACK, due, rule.key, Why.CALLBACK, agent=callback_agent)
        if self.max_attempts is not None and attempts + 1 >= self.max_attempts:
            return Decision(LeadStatus.EXHAUSTED, None, rule.key, Why.TOTAL_CAP)
        return Decision(LeadStatus.SCHEDULED, _due(rule, now, None), rule.key, Why.RETRY)


def _due(rule: RetryRule, now: float, at: float | None) -> float:
    """The given time (not before now), else now plus the rule's delay."""
    if at is not None:
        return max(now, at)
    return now + (rule.delay_s or 0.0)
