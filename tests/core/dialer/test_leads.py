"""The lead book: scripted campaign scenarios, restore after a restart, and properties of random runs."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.core.dialer.leads import (
    DuplicateLeadError,
    Gate,
    LeadBook,
    LeadState,
    UnknownLeadError,
)
from callfloor.core.dialer.lifecycle import FINISHED, LeadStateError, LeadStatus
from callfloor.core.dialer.model import Lead, LeadSource, Outcome
from callfloor.core.dialer.recycling import RetryPolicy, RetryRule, RuleKind

H, MIN = 3600.0, 60.0
T9 = 9 * H  # times are seconds of one day


def lead(lead_id: str, priority: int = 0, agent: str | None = None) -> Lead:
    return Lead(lead_id, "+33612345678", priority, agent)


def book_of(*leads: Lead, **kwargs: object) -> LeadBook:
    book = LeadBook(**kwargs)  # type: ignore[arg-type]
    for item in leads:
        book.add(item)
    return book


def take(book: LeadBook, now: float, agent: str | None = None) -> str | None:
    found = book.next_lead(now, agent)
    return None if found is None else found.id


def test_no_answer_three_times_at_two_hour_intervals_then_exhausted() -> None:
    book = book_of(lead("a"), policy=RetryPolicy([RetryRule(Outcome.NO_ANSWER, RuleKind.RETRY, 2 * H, 3)]))
    now = T9
    for attempt in range(1, 4):
        if attempt > 1:
            assert take(book, now - 1) is None
        assert take(book, now) == "a"
        book.record("a", Outcome.NO_ANSWER, now)
        assert book.attempts("a") == attempt
        now += 2 * H
    assert book.status("a") is LeadStatus.EXHAUSTED
    assert book.state("a").reason == "rule_cap:outcomes.no_answer"
    assert take(book, now + 24 * H) is None


def test_busy_is_retried_after_fifteen_minutes() -> None:
    book = book_of(lead("a"))
    assert take(book, T9) == "a"
    book.record("a", Outcome.BUSY, T9)
    assert book.status("a") is LeadStatus.SCHEDULED
    assert book.next_due() == T9 + 15 * MIN
    assert take(book, T9 + 15 * MIN - 1) is None
    assert take(book, T9 + 15 * MIN) == "a"


@pytest.mark.parametrize(
    ("disposition", "status"), [("wrong_number", LeadStatus.EXHAUSTED), ("refusal", LeadStatus.DONE)]
)
def test_wrong_number_never_and_refusal_final(disposition: str, status: LeadStatus) -> None:
    book = book_of(lead("a"))
    take(book, T9)
    book.record("a", Outcome.ANSWERED, T9, disposition=disposition)
    assert book.status("a") is status
    assert take(book, T9 + 30 * 24 * H) is None
    assert book.next_due() is None


def test_a_callback_for_agent_1001_is_his_until_the_grace_passes() -> None:
    book = book_of(lead("a"), lead("b"))
    take(book, T9)
    book.record("a", Outcome.ANSWERED, T9, disposition="callback", callback_at=15 * H, callback_agent="1001")
    assert book.status("a") is LeadStatus.CALLBACK
    assert take(book, 15 * H) == "b"  # the campaign's pool, not 1001's callback
    assert take(book, 15 * H, "1002") is None
    assert book.next_due() == 15 * H + 15 * MIN  # when everyone may take it
    assert book.next_due("1001") == 15 * H
    handed = book.next_lead(15 * H + 5 * MIN, "1001")
    assert handed is not None and (handed.id, handed.agent) == ("a", "1001")


def test_pooled_modes_ask_for_an_agents_own_callbacks_only() -> None:
    book = book_of(lead("a"), lead("b"))
    take(book, T9)
    book.record("a", Outcome.ANSWERED, T9, disposition="callback", callback_at=15 * H, callback_agent="1001")
    assert book.next_callback(15 * H, "1002") is None
    assert book.next_callback(15 * H - 1, "1001") is None
    handed = book.next_callback(15 * H, "1001")
    assert handed is not None and (handed.id, handed.agent) == ("a", "1001")
    assert book.next_callback(15 * H, "1001") is None  # "b" is the campaign's, not 1001's
    assert book.status("b") is LeadStatus.UNTOUCHED


def test_a_callback_falls_to_anyone_once_its_agent_is_late_past_the_grace() -> None:
    book = book_of(lead("a"), grace_s=10 * MIN)
    take(book, T9)
    book.record("a", Outcome.ANSWERED, T9, disposition="callback", callback_at=15 * H, callback_agent="1001")
    assert take(book, 15 * H + 10 * MIN - 1, "1002") is None
    handed = book.next_lead(15 * H + 10 * MIN, "1002")
    assert handed is not None and (handed.id, handed.agent) == ("a", None)


def test_priority_first_then_oldest_due() -> None:
    book = LeadBook()
    book.add(lead("low"), due_at=T9 - H)
    book.add(lead("high", priority=5), due_at=T9)
    book.add(lead("mid-late", priority=1), due_at=T9)
    book.add(lead("mid-early", priority=1), due_at=T9 - 2 * H)
    assert [take(book, T9) for _ in range(5)] == ["high", "mid-early", "mid-late", "low", None]


def test_agent_callbacks_then_campaign_callbacks_then_the_rest() -> None:
    book = book_of(lead("mine"), lead("campaign"))
    assert [take(book, T9), take(book, T9)] == ["mine", "campaign"]
    book.record(
        "mine", Outcome.ANSWERED, T9, disposition="callback", callback_at=T9 + H, callback_agent="1001"
    )
    book.record("campaign", Outcome.DROPPED, T9)
    book.add(lead("rest", priority=9))
    assert [take(book, T9 + H, "1001") for _ in range(4)] == ["mine", "campaign", "rest", None]


def test_a_lead_in_progress_is_not_handed_out_twice() -> None:
    book = book_of(lead("a"))
    assert take(book, T9) == "a"
    assert take(book, T9 + 24 * H) is None
    assert book.status("a") is LeadStatus.IN_PROGRESS


def test_release_puts_the_lead_back_unchanged() -> None:
    book = book_of(lead("a"), lead("b"))
    take(book, T9)
    book.release("a")
    assert (book.status("a"), book.attempts("a")) == (LeadStatus.UNTOUCHED, 0)
    assert [take(book, T9), take(book, T9)] == ["b", "a"]  # a skipped lead is not offered again at once


def test_the_gate_defers_a_lead_and_the_next_one_is_handed_out() -> None:
    def gate(item: Lead, now: float) -> float | None:
        return 10 * H if item.id == "a" and now < 10 * H else None

    book = book_of(lead("a", priority=1), lead("b"), gate=gate)
    assert take(book, T9) == "b"
    assert (book.status("a"), book.next_due()) == (LeadStatus.UNTOUCHED, 10 * H)
    assert take(book, 10 * H) == "a"


def test_the_gate_bars_a_lead_for_good_with_infinity() -> None:
    book = book_of(lead("a"), gate=lambda item, now: math.inf)
    assert take(book, T9) is None
    assert (book.status("a"), book.state("a").reason) == (LeadStatus.EXHAUSTED, "gate")


def test_defer_until_compliance_allows() -> None:
    book = book_of(lead("a"))
    book.defer("a", 10 * H)
    assert take(book, T9) is None
    assert take(book, 10 * H) == "a"
    book.defer("a", 11 * H)  # in progress: released and deferred
    assert (book.status("a"), take(book, 11 * H - 1), take(book, 11 * H)) == (LeadStatus.UNTOUCHED, None, "a")


def test_blocked_is_no_attempt_and_waits_for_the_time_given() -> None:
    book = book_of(lead("a"))
    take(book, T9)
    book.record("a", Outcome.BLOCKED, T9, callback_at=10 * H)
    assert (book.status("a"), book.attempts("a"), book.next_due()) == (LeadStatus.UNTOUCHED, 0, 10 * H)


def test_never_bars_a_waiting_lead_at_once_and_one_in_progress_when_its_call_ends() -> None:
    book = book_of(lead("a"), lead("b"))
    book.never("a", "do_not_call")
    assert (book.status("a"), book.state("a").reason) == (LeadStatus.EXHAUSTED, "do_not_call")
    take(book, T9)
    book.never("b", "consent_revoked")
    assert book.status("b") is LeadStatus.IN_PROGRESS
    book.record("b", Outcome.NO_ANSWER, T9)
    assert (book.status("b"), book.attempts("b")) == (LeadStatus.EXHAUSTED, 1)


def test_a_clock_stepping_back_hands_out_no_lead_before_its_time() -> None:
    book = LeadBook()
    book.add(lead("first", priority=1), due_at=T9)
    book.add(lead("later"), due_at=T9)
    assert take(book, T9) == "first"  # "later" was due too, and waits its turn
    assert take(book, T9 - 60) is None
    assert take(book, T9) == "later"


def test_next_due_is_past_while_leads_are_callable() -> None:
    book = LeadBook()
    book.add(lead("a"), due_at=T9)
    book.add(lead("b"), due_at=T9 + 60)
    assert book.next_due() == T9
    take(book, T9 + 60)
    assert book.next_due() == T9 + 60  # "b" is callable: no sleeping
    take(book, T9 + 60)
    assert book.next_due() is None


def test_progress_counts_each_status() -> None:
    book = book_of(*(lead(str(i)) for i in range(6)))
    for outcome in (Outcome.ANSWERED, Outcome.BUSY, Outcome.INVALID):
        found = take(book, T9)
        assert found is not None
        book.record(found, outcome, T9)
    take(book, T9)
    assert book.progress() == {
        LeadStatus.UNTOUCHED: 2,
        LeadStatus.IN_PROGRESS: 1,
        LeadStatus.SCHEDULED: 1,
        LeadStatus.CALLBACK: 0,
        LeadStatus.DONE: 1,
        LeadStatus.EXHAUSTED: 1,
    }


def test_a_restored_book_carries_on_where_the_stored_one_was() -> None:
    book = book_of(lead("busy"), lead("cb"), lead("done"), lead("dialing"))
    for lead_id, outcome in (("busy", Outcome.BUSY), ("cb", Outcome.ANSWERED), ("done", Outcome.ANSWERED)):
        assert take(book, T9) == lead_id
        book.record(lead_id, outcome, T9, callback_at=12 * H if lead_id == "cb" else None, callback_agent="7")
    take(book, T9)
    again = LeadBook()
    for lead_id in book:
        again.restore(lead(lead_id), book.state(lead_id))
    assert again.state("busy") == book.state("busy")
    assert again.status("dialing") is LeadStatus.UNTOUCHED  # its call was lost with the restart
    reason = "callback:dispositions.callback"
    assert again.state("cb") == LeadState(
        LeadStatus.CALLBACK, 1, 12 * H, "7", reason, {"dispositions.callback": 1}
    )
    assert [take(again, 12 * H, "7") for _ in range(4)] == ["cb", "dialing", "busy", None]


def test_the_book_is_the_pacings_lead_source() -> None:
    source: LeadSource = book_of(lead("a"))  # mypy checks the protocol
    assert source.next_lead(T9) == lead("a")


def test_driver_mistakes_have_names() -> None:
    book = book_of(lead("a"))
    with pytest.raises(LeadStateError):
        book.record("a", Outcome.BUSY, T9)
    with pytest.raises(LeadStateError):
        book.release("a")
    with pytest.raises(UnknownLeadError):
        book.status("nobody")
    with pytest.raises(DuplicateLeadError):
        book.add(lead("a"))


# Properties of random runs: operations on a small book, with a clock that may even step back.
AGENTS = st.sampled_from([None, "1001", "1002"])
ADD = st.tuples(st.just("add"), st.integers(-2, 5), st.one_of(st.none(), st.floats(0, 8 * H)), AGENTS)
NEXT = st.tuples(st.just("next"), st.floats(-600, 3 * H), AGENTS, st.booleans())
RECORD = st.tuples(
    st.just("record"),
    st.integers(0, 50),
    st.sampled_from(Outcome),
    st.sampled_from([None, "sale", "refusal", "callback", "wrong_number", "busy"]),
    st.one_of(st.none(), st.floats(0, 6 * H)),
    AGENTS,
)
OPS = st.one_of(
    ADD,
    NEXT,
    NEXT,
    RECORD,
    RECORD,
    st.tuples(st.just("release"), st.integers(0, 50)),
    st.tuples(st.just("defer"), st.integers(0, 50), st.floats(0, 4 * H)),
    st.tuples(st.just("never"), st.integers(0, 50)),
)


def hours_gate(item: Lead, now: float) -> float | None:
    """Closed every other hour, and lead 13 never callable: a compliance gate in miniature."""
    if item.id == "13":
        return math.inf
    return None if int(now // H) % 2 == 0 else (now // H + 1) * H


class Run:
    """Plays operations on a book and checks its promises after each."""

    def __init__(self, gate: Gate | None) -> None:
        self.book = LeadBook(gate=gate, grace_s=10 * MIN)
        self.gate, self.now = gate, T9
        self.dialing: list[str] = []

    def play(self, op: tuple[object, ...]) -> None:
        getattr(self, f"do_{op[0]}")(*op[1:])
        self.check_counts()

    def do_add(self, priority: int, due_in: float | None, agent: str | None) -> None:
        due = None if due_in is None else self.now + due_in
        self.book.add(Lead(str(len(self.book)), "+33612345678", priority, agent), due)

    def do_next(self, step: float, agent: str | None, own: bool = False) -> None:
        self.now += step
        dues = {lead_id: self.book.state(lead_id).due_at for lead_id in self.book}
        before = {lead_id: self.book.status(lead_id) for lead_id in self.book}
        if own and agent is not None:
            found = self.book.next_callback(self.now, agent)
            assert found is None or found.agent == agent
        else:
            found = self.book.next_lead(self.now, agent)
        if found is None:
            if not own:
                self.check_wake(agent)
            return
        assert before[found.id] not in FINISHED and found.id not in self.dialing
        due = dues[found.id]
        assert due is None or due <= self.now
        assert found.agent in (None, agent)
        assert self.gate is None or self.gate(found, self.now) is None
        self.dialing.append(found.id)

    def do_record(
        self, pick: int, outcome: Outcome, code: str | None, callback_in: float | None, agent: str | None
    ) -> None:
        if self.dialing:
            lead_id = self.dialing.pop(pick % len(self.dialing))
            at = None if callback_in is None else self.now + callback_in
            self.book.record(
                lead_id, outcome, self.now, disposition=code, callback_at=at, callback_agent=agent
            )

    def do_release(self, pick: int) -> None:
        if self.dialing:
            self.book.release(self.dialing.pop(pick % len(self.dialing)))

    def do_defer(self, pick: int, until_in: float) -> None:
        if len(self.book):
            lead_id = str(pick % len(self.book))
            self.book.defer(lead_id, self.now + until_in)
            if lead_id in self.dialing:
                self.dialing.remove(lead_id)

    def do_never(self, pick: int) -> None:
        if len(self.book):
            self.book.never(str(pick % len(self.book)), "do_not_call")

    def check_wake(self, agent: str | None) -> None:
        """Nothing callable now: next_due says when to wake, and something is callable then."""
        wake = self.book.next_due(agent)
        if wake is None:
            assert all(status in FINISHED or status is LeadStatus.IN_PROGRESS for status in self.statuses())
            return
        assert wake > self.now
        if self.gate is None:
            copy = LeadBook(grace_s=10 * MIN)
            for lead_id in self.book:
                if self.book.status(lead_id) is not LeadStatus.IN_PROGRESS:
                    copy.restore(Lead(lead_id, "+33612345678"), self.book.state(lead_id))
            assert copy.next_lead(wake, agent) is not None

    def statuses(self) -> list[LeadStatus]:
        return [self.book.status(lead_id) for lead_id in self.book]

    def check_counts(self) -> None:
        progress = self.book.progress()
        assert sum(progress.values()) == len(self.book)
        statuses = self.statuses()
        assert progress == {status: statuses.count(status) for status in LeadStatus}
        assert progress[LeadStatus.IN_PROGRESS] == len(self.dialing)


@settings(max_examples=150, deadline=None)
@given(st.lists(ADD, min_size=1, max_size=20), st.lists(OPS, min_size=20, max_size=120), st.booleans())
def test_random_runs_keep_the_books_promises(
    leads: list[tuple[object, ...]], ops: list[tuple[object, ...]], gated: bool
) -> None:
    run = Run(hours_gate if gated else None)
    for op in leads:
        run.play(op)
    finished: set[str] = set()
    for op in ops:
        run.play(op)
        now_finished = {lead_id for lead_id in run.book if run.book.status(lead_id) in FINISHED}
        assert finished <= now_finished  # done and exhausted leads never come back
        finished = now_finished
