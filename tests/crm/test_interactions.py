"""Interaction records: folded from the log's entries, ended by the right entry, linked by number."""

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.config import Channel
from callfloor.core.log import AgentEventType, InteractionEventType, LogEntry
from callfloor.crm.contacts import PhoneInput
from callfloor.crm.interactions import (
    InteractionRecorder,
    InteractionStart,
    InteractionTally,
    OpenInteractions,
)
from callfloor.crm.merge import ContactMerger
from callfloor.crm.search import ContactSearch
from callfloor.storage.scope import TenantScope
from tests.crm.customer_files import Two, two_tenants

E = InteractionEventType
T0 = 1_773_480_000.0  # 2026-03-14 09:20 UTC


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


def entry(at: float, type_: InteractionEventType, **fields: object) -> LogEntry:
    return LogEntry(T0 + at, type_, "c1", channel=Channel.CALL, **fields)  # type: ignore[arg-type]


def test_an_answered_and_transferred_call_ends_with_its_last_agents_completion() -> None:
    open_ = OpenInteractions()
    open_.start(InteractionStart("c1", T0, number="0612345678"))
    entries = [
        entry(5, E.ENQUEUED, queue="ventes"),
        entry(9, E.OFFERED, queue="ventes", agent="1001"),
        entry(12, E.ANSWERED, queue="ventes", agent="1001", wait_s=7.0),
        entry(40, E.TRANSFERRED, queue="ventes", agent="1001", reason="agent"),
        entry(40, E.COMPLETED, queue="ventes", agent="1001", talk_s=28.0, wrap_s=0.0, reason="transfer"),
        entry(44, E.ENQUEUED, queue="sav", reason="transfer"),
        entry(47, E.ANSWERED, queue="sav", agent="1002", wait_s=3.0, reason="transfer"),
        LogEntry(T0 + 50, AgentEventType.BUSY, agent="1002"),
    ]
    assert [open_.add(e) for e in entries] == [None] * len(entries)
    ended = open_.add(entry(110, E.COMPLETED, queue="sav", agent="1002", talk_s=50.0, wrap_s=13.0))
    assert ended is not None and len(open_) == 0
    assert (ended.queue, ended.agent, ended.outcome, ended.reason) == ("sav", "1002", "completed", None)
    assert (ended.answered_at, ended.wait_s, ended.talk_s) == (T0 + 12, 7.0, 78.0)
    assert ended.ended_at == T0 + 97  # the hang-up, before the wrap-up
    assert open_.add(entry(111, E.COMPLETED, queue="sav", agent="1002", talk_s=1.0)) is None  # a straggler


@pytest.mark.parametrize(
    ("last", "outcome", "reason"),
    [
        (entry(20, E.ABANDONED, queue="ventes", wait_s=15.0), "abandoned", None),
        (entry(20, E.IVR_ENDED, wait_s=20.0, reason="caller_hung_up"), "ivr_ended", "caller_hung_up"),
        (entry(20, E.TRANSFERRED, queue="ventes", wait_s=15.0, reason="max_wait"), "max_wait", "max_wait"),
        (
            entry(20, E.NO_ANSWER, queue="ventes", agent="1001", reason="callback"),
            "callback_no_answer",
            "callback",
        ),
    ],
)
def test_each_ending_gives_its_outcome(last: LogEntry, outcome: str, reason: str | None) -> None:
    open_ = OpenInteractions()
    open_.start(InteractionStart("c1", T0, number="0612345678"))
    assert open_.add(entry(5, E.TRANSFERRED, queue="ventes", wait_s=1.0, reason="overflow")) is None
    ended = open_.add(last)
    assert ended is not None
    assert (ended.outcome, ended.reason, ended.ended_at) == (outcome, reason, T0 + 20)
    assert ended.wait_s == last.wait_s


def test_an_outbound_call_unannounced_is_still_recorded_as_outbound() -> None:
    open_ = OpenInteractions()
    assert open_.add(entry(0, E.DIALED, agent="1001", reason="outbound")) is None
    ended = open_.add(entry(65, E.OUTBOUND_ENDED, agent="1001", talk_s=50.0, reason="answered"))
    assert ended is not None
    assert (ended.start.direction, ended.start.number, ended.start.at) == ("outbound", None, T0)
    assert (ended.outcome, ended.reason, ended.answered_at, ended.talk_s) == (
        "outbound_ended",
        "answered",
        T0 + 15,
        50.0,
    )


def test_discarded_interactions_are_forgotten() -> None:
    open_ = OpenInteractions()
    open_.start(InteractionStart("c1", T0))
    open_.discard("c1")
    assert len(open_) == 0


def _ended(number: str | None) -> InteractionTally:
    open_ = OpenInteractions()
    open_.start(InteractionStart("c1", T0, number=number))
    open_.add(entry(2, E.ANSWERED, queue="ventes", agent="1001", wait_s=2.0))
    ended = open_.add(entry(30, E.COMPLETED, queue="ventes", agent="1001", talk_s=28.0, wrap_s=0.0))
    assert ended is not None
    return ended


def test_the_record_links_the_one_contact_its_number_names(two: Two) -> None:
    account = two.acme.create_account({"name": "Acme"})
    marie = two.acme.create_contact(
        {"first_name": "Marie", "account_id": account.id}, phones=[PhoneInput("06 12 34 56 78")]
    )
    two.globex.create_contact({"first_name": "Other"}, phones=[PhoneInput("+33612345678")])
    recorder = InteractionRecorder(two.session, two.acme.tenant_id, "FR")
    row = recorder.write(_ended("0612345678"), queue_id=None, agent_id=None)
    assert (row.contact_id, row.account_id, row.number) == (marie.id, account.id, "+33612345678")
    assert (row.outcome, row.queue, row.agent, row.talk_s, row.wait_s) == (
        "completed",
        "ventes",
        "1001",
        28.0,
        2.0,
    )
    assert row.started_at.timestamp() == T0 and row.answered_at is not None
    assert TenantScope(two.session, two.acme.tenant_id).interactions.by_interaction_id("c1") is row


def test_a_number_of_several_contacts_or_of_none_leaves_the_record_unlinked(two: Two) -> None:
    acme = two.acme
    account = acme.create_account({"name": "Standard"}, phones=[PhoneInput("0140000000")])
    for name in ("Anne", "Paul"):
        acme.create_contact({"first_name": name}, phones=[PhoneInput("0611111111")])
    recorder = InteractionRecorder(two.session, acme.tenant_id, "FR")
    shared = recorder.caller("+33 6 11 11 11 11")
    assert (shared.contact_id, shared.account_id, len(shared.candidates)) == (None, None, 2)
    assert recorder.caller("0699999999") == recorder.caller("0699999999")
    unknown = recorder.caller("0699999999")
    assert (unknown.contact_id, unknown.account_id, unknown.number) == (None, None, "+33699999999")
    withheld = recorder.caller("anonymous")
    assert (withheld.contact_id, withheld.number) == (None, "anonymous")  # as received
    switchboard = recorder.caller("01 40 00 00 00")
    assert (switchboard.contact_id, switchboard.account_id) == (None, account.id)
    # The same answers as the customer file's caller-ID look-up.
    search = ContactSearch(two.session, acme.tenant_id)
    assert shared.candidates == tuple(c.id for c in search.find_by_number("0611111111").contacts)
    assert [a.id for a in search.find_by_number("0140000000").accounts] == [account.id]


def test_a_merge_repoints_the_absorbed_contacts_interactions(two: Two) -> None:
    acme = two.acme
    kept = acme.create_contact({"first_name": "Jean"}, phones=[PhoneInput("0612345678")])
    absorbed = acme.create_contact({"first_name": "J."}, phones=[PhoneInput("0698765432")])
    row = InteractionRecorder(two.session, acme.tenant_id, "FR").write(
        _ended("0698765432"),
        queue_id=None,
        agent_id=None,
    )
    assert row.contact_id == absorbed.id
    report = ContactMerger(two.session, acme.tenant_id).merge(kept, absorbed)
    assert report.repointed["interactions.contact_id"] == 1
    two.session.refresh(row)
    assert row.contact_id == kept.id


@pytest.mark.parametrize("consent", ["informed", "objected", None])
def test_the_callers_answer_to_the_recording_notice_is_kept_on_the_record(
    two: Two, consent: str | None
) -> None:
    open_ = OpenInteractions()
    open_.start(InteractionStart("c1", T0, number="0612345678"))
    if consent is not None:
        open_.note_consent("c1", consent)
    open_.note_consent("unknown", "objected")  # an interaction not open: nothing happens
    open_.add(entry(2, E.ANSWERED, queue="ventes", agent="1001", wait_s=2.0))
    ended = open_.add(entry(30, E.COMPLETED, queue="ventes", agent="1001", talk_s=28.0, wrap_s=0.0))
    assert ended is not None
    row = InteractionRecorder(two.session, two.acme.tenant_id, "FR").write(
        ended, queue_id=None, agent_id=None
    )
    two.session.flush()
    stored = TenantScope(two.session, two.acme.tenant_id).interactions.by_interaction_id("c1")
    assert stored is row and stored.recording_consent == consent


def test_a_call_the_flow_sent_to_an_extension_keeps_that_talk_and_agent() -> None:
    open_ = OpenInteractions()
    open_.start(InteractionStart("c1", T0, number="0612345678"))
    ended = open_.add(entry(70, E.IVR_ENDED, agent="1003", wait_s=12.0, talk_s=55.0, reason="transfer"))
    assert ended is not None
    assert (ended.outcome, ended.reason, ended.agent, ended.talk_s) == ("ivr_ended", "transfer", "1003", 55.0)
