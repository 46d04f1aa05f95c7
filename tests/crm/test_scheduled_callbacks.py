"""Scheduled callbacks: the tenant's wall clock, closed once, merged with the contact, exported and erased."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import PhoneInput
from callfloor.crm.gdpr_rights import DataSubjectRights
from callfloor.crm.history import History
from callfloor.crm.merge import ContactMerger
from callfloor.crm.scheduled_callbacks import CallbackBook, CallbackClosedError, CallbackError, CallbackInput
from callfloor.storage.callbacks import ScheduledCallback
from tests.crm.customer_files import Two, two_tenants

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)  # a Saturday, 10:30 in Paris


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    yield from two_tenants(sessions)


def test_a_time_without_offset_is_the_tenants_wall_clock_and_must_come_within_a_year(two: Two) -> None:
    marie = two.acme.create_contact({"first_name": "Marie"}, phones=[PhoneInput("06 12 34 56 78")])
    book = CallbackBook(two.session, two.acme.tenant_id)
    row = book.schedule(
        CallbackInput(marie.id, datetime(2026, 3, 30, 10, 0), note="Devis"), actor=None, now=NOW
    )
    assert row.due_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # summer time in Paris by then
    assert (row.number, row.status, row.assignee_id) == ("+33612345678", "pending", None)
    for late in (NOW - timedelta(minutes=1), NOW + timedelta(days=367)):
        with pytest.raises(CallbackError) as refused:
            book.schedule(CallbackInput(marie.id, late), actor=None, now=NOW)
        assert refused.value.field == "due_at"
    belgian = CallbackBook(two.session, two.globex.tenant_id)  # the other tenant knows no Marie
    with pytest.raises(CallbackError, match="contact_id"):
        belgian.schedule(CallbackInput(marie.id, datetime(2026, 3, 30, 10, 0)), actor=None, now=NOW)
    given = CallbackInput(marie.id, datetime(2026, 3, 30, 10), assignee_id=two.globex_user.id)
    with pytest.raises(CallbackError, match="assignee_id"):
        book.schedule(given, actor=None, now=NOW)
    assert book.close(row, "done", now=NOW).closed_at == NOW
    with pytest.raises(CallbackClosedError):
        book.close(row, "cancelled", now=NOW)


def test_callbacks_follow_the_contact_through_a_merge_its_history_and_its_erasure(
    two: Two, tmp_path: Path
) -> None:
    tenant = two.acme.tenant_id
    kept = two.acme.create_contact({"first_name": "Marie"}, phones=[PhoneInput("06 12 34 56 78")])
    twin = two.acme.create_contact({"first_name": "M."}, phones=[PhoneInput("06 12 34 56 79")])
    at = datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    book = CallbackBook(two.session, tenant)
    row = book.schedule(CallbackInput(twin.id, at, note="Rappeler Marie"), actor=two.acme_user, now=NOW)
    ContactMerger(two.session, tenant).merge(kept, twin)
    two.session.refresh(row)
    assert row.contact_id == kept.id
    (item,) = [i for i in History(two.session, tenant).contact(kept.id).items if i.kind == "callback"]
    assert (item.at, item.data["note"], item.data["number"]) == (at, "Rappeler Marie", "+33612345679")
    rights = DataSubjectRights(two.session, tenant, tmp_path)
    exported = rights.export(kept, now=NOW, actor=None)["data"]["scheduled_callbacks"]
    assert [(c["due_at"], c["note"]) for c in exported] == [("2026-03-16T09:00:00+00:00", "Rappeler Marie")]
    report = rights.erase(kept, actor=None)
    assert report.counts["scheduled_callbacks"] == {"scheduled_callbacks_deleted": 1}
    assert two.session.get(ScheduledCallback, row.id) is None
