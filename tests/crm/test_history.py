"""Timelines of contacts and accounts: every kind of item, newest first, paged without gaps or repeats."""

import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import PhoneInput
from callfloor.crm.history import (
    ConsentSource,
    CursorError,
    History,
    InteractionSource,
    TimelineItem,
    TimelineKey,
    TimelineOwner,
    TimelineSources,
)
from callfloor.storage.contacts import Consent, Contact
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import Recording
from tests.crm.customer_files import Two, full_file, two_tenants

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


def call(
    session: Session, tenant_id: int, at: datetime, *, contact: int | None, account: int | None = None
) -> Interaction:
    """A finished inbound call, as the live floor records it."""
    row = Interaction(
        tenant_id=tenant_id, interaction_id=uuid.uuid4().hex, channel="call", direction="inbound",
        number="+33612345678", contact_id=contact, account_id=account, queue="ventes", agent="1001",
        started_at=at, answered_at=at + timedelta(seconds=5), ended_at=at + timedelta(minutes=3),
        outcome="completed", wait_s=5.0, talk_s=175.0,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def consent(session: Session, tenant_id: int, at: datetime, contact: int) -> Consent:
    """An opposition to marketing calls, recorded at ``at``."""
    row = Consent(
        tenant_id=tenant_id, contact_id=contact, channel="phone", purpose="marketing", granted=False,
        source="call", recorded_at=at,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


@dataclass
class NoteSource:
    """A kind of item of a module of our own (tickets, quotes… will be the same), kept in memory."""

    notes: list[TimelineItem]
    kind: str = "note"

    def items(
        self, session: Session, owner: TimelineOwner, before: TimelineKey | None, limit: int
    ) -> Sequence[TimelineItem]:
        mine = [
            n for n in self.notes if n.contact_id == owner.contact_id and (before is None or n.key < before)
        ]
        return sorted(mine, key=lambda n: n.key, reverse=True)[:limit]


def everything(history: History, contact_id: int, limit: int) -> list[TimelineItem]:
    """Every page of a contact's timeline, in order."""
    found: list[TimelineItem] = []
    before = None
    for _ in range(1000):
        page = history.contact(contact_id, limit=limit, before=before)
        assert len(page.items) <= limit
        found += page.items
        if page.next is None:
            return found
        before = page.next
    raise AssertionError("the pages never end")


def test_a_contacts_timeline_holds_its_calls_with_recordings_and_consents_newest_first(two: Two) -> None:
    session, tenant = two.session, two.acme.tenant_id
    marie = two.acme.create_contact({"first_name": "Marie"}, phones=[PhoneInput("0612345678")])
    other = two.acme.create_contact({"first_name": "Other"})
    first = call(session, tenant, T0, contact=marie.id)
    opposed = consent(session, tenant, T0 + timedelta(minutes=2), marie.id)
    second = call(session, tenant, T0 + timedelta(hours=1), contact=marie.id)
    call(session, tenant, T0 + timedelta(hours=2), contact=other.id)
    recording = Recording(
        tenant_id=tenant, interaction_id=second.interaction_id, path="r.wav", started_at=second.started_at,
        duration_s=170.0, stereo=True, consent="informed", retain_until=T0 + timedelta(days=90),
    )  # fmt: skip
    session.add(recording)
    session.flush()
    page = History(session, tenant).contact(marie.id)
    assert [(i.kind, i.id) for i in page.items] == [
        ("interaction", second.id),
        ("consent", opposed.id),
        ("interaction", first.id),
    ]
    assert page.next is None
    recordings = page.items[0].data["recordings"]
    assert [r["duration_s"] for r in recordings] == [170.0] and recordings[0]["url"].startswith(
        "/api/recordings/"
    )
    assert page.items[2].data["recordings"] == []
    assert page.items[0].data["outcome"] == "completed" and page.items[1].data["granted"] is False


def test_an_accounts_timeline_includes_its_contacts_and_its_own_not_other_tenants(two: Two) -> None:
    session, tenant = two.session, two.acme.tenant_id
    account = two.acme.create_account({"name": "Acme"})
    staff = two.acme.create_contact({"first_name": "Anne", "account_id": account.id})
    outsider = two.acme.create_contact({"first_name": "Paul"})
    switchboard = call(session, tenant, T0, contact=None, account=account.id)
    anne = call(session, tenant, T0 + timedelta(minutes=1), contact=staff.id)
    agreed = consent(session, tenant, T0 + timedelta(minutes=2), staff.id)
    call(session, tenant, T0 + timedelta(minutes=3), contact=outsider.id)
    foreign = two.globex.create_contact({"first_name": "Foreign", "account_id": None})
    call(session, two.globex.tenant_id, T0, contact=foreign.id)
    page = History(session, tenant).account(account.id)
    assert [(i.kind, i.id) for i in page.items] == [
        ("consent", agreed.id),
        ("interaction", anne.id),
        ("interaction", switchboard.id),
    ]
    assert page.items[1].contact_id == staff.id
    assert History(session, two.globex.tenant_id).account(account.id).items == []
    assert History(session, tenant).contact(foreign.id).items == []


def test_a_registered_source_of_a_new_kind_appears_in_order(two: Two) -> None:
    session, tenant = two.session, two.acme.tenant_id
    marie = two.acme.create_contact({"first_name": "Marie"})
    older = call(session, tenant, T0, contact=marie.id)
    newer = call(session, tenant, T0 + timedelta(hours=1), contact=marie.id)
    notes = [
        TimelineItem(T0 + timedelta(minutes=30), "note", 1, marie.id, {"text": "devis envoyé"}),
        TimelineItem(T0 + timedelta(hours=1), "note", 2, marie.id, {"text": "même instant"}),
        TimelineItem(T0, "note", 3, marie.id + 1, {"text": "someone else's"}),
    ]
    sources = TimelineSources()
    for source in (InteractionSource(), ConsentSource(), NoteSource(notes)):
        sources.register(source)
    items = everything(History(session, tenant, sources), marie.id, 2)
    # At the same instant, (at, kind, id) decides: "note" sorts after "interaction", so first.
    assert [(i.kind, i.id) for i in items] == [
        ("note", 2),
        ("interaction", newer.id),
        ("note", 1),
        ("interaction", older.id),
    ]
    sources.unregister("note")
    assert [i.kind for i in History(session, tenant, sources).contact(marie.id).items] == ["interaction"] * 2


def test_a_cursor_that_is_not_one_is_refused(two: Two) -> None:
    history = History(two.session, two.acme.tenant_id)
    for cursor in ("nonsense", "bm90fGF8Y3Vyc29y", TimelineKey(T0, "x", 1).encode()[:-3]):
        with pytest.raises(CursorError) as refused:
            history.contact(1, before=cursor)
        assert refused.value.error_id == "invalid_cursor" and refused.value.fr
    naive = TimelineKey(datetime(2026, 1, 1), "interaction", 1).encode()  # naive: the point
    with pytest.raises(CursorError):
        history.contact(1, before=naive)


ITEMS = st.lists(
    st.tuples(st.sampled_from(["interaction", "consent", "note"]), st.integers(0, 3)), max_size=14
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=ITEMS, limit=st.integers(1, 6))
def test_paging_yields_every_item_once_in_order(two: Two, items: list[tuple[str, int]], limit: int) -> None:
    """Many items share an instant; whatever the page size, the pages hold each exactly once."""
    session, tenant = two.session, two.acme.tenant_id
    contact = Contact(tenant_id=tenant, first_name="Page", name_folded="page")
    session.add(contact)
    session.flush()
    notes: list[TimelineItem] = []
    expected = []
    for number, (kind, second) in enumerate(items):
        at = T0 + timedelta(seconds=second)
        if kind == "interaction":
            expected.append((at, kind, call(session, tenant, at, contact=contact.id).id))
        elif kind == "consent":
            expected.append((at, kind, consent(session, tenant, at, contact.id).id))
        else:
            notes.append(TimelineItem(at, "note", number, contact.id, {}))
            expected.append((at, kind, number))
    sources = TimelineSources()
    for source in (InteractionSource(), ConsentSource(), NoteSource(notes)):
        sources.register(source)
    found = everything(History(session, tenant, sources), contact.id, limit)
    assert [(i.at, i.kind, i.id) for i in found] == sorted(expected, reverse=True)


def test_a_contacts_timeline_holds_its_call_tickets_quotes_order_and_appointment_newest_first(
    two: Two,
) -> None:
    marie = two.acme.create_contact({"first_name": "Marie"})
    file = full_file(two.session, two.acme.tenant_id, marie.id, T0)
    expected = [
        ("appointment", file.appointment.id),
        ("order", file.order.id),
        ("quote", file.order.quote_id),
        ("quote", file.quote.id),
        ("ticket", file.closed.id),
        ("ticket", file.ticket.id),
        ("interaction", file.call.id),
    ]
    history = History(two.session, two.acme.tenant_id)
    assert [(i.kind, i.id) for i in history.contact(marie.id).items] == expected
    for limit in (1, 2, 3):
        assert [(i.kind, i.id) for i in everything(history, marie.id, limit)] == expected
    items = {i.kind: i for i in history.contact(marie.id).items}
    assert (
        items["appointment"].at == file.appointment.start_at
        and items["appointment"].data["status"] == "booked"
    )
    assert items["order"].data["total_incl_vat"] == "12.00" and items["ticket"].data["number"].startswith(
        "T-"
    )
    account = two.acme.create_account({"name": "Curie SA"})
    two.acme.update_contact(marie, {"account_id": account.id})
    assert [(i.kind, i.id) for i in history.account(account.id).items] == expected
    assert History(two.session, two.globex.tenant_id).contact(marie.id).items == []


def test_the_api_and_the_server_register_every_kind_of_item() -> None:
    """A fresh interpreter that imports the API app, or the server's runner, shows every kind and open tickets."""
    probe = (
        "import sys, importlib; importlib.import_module(sys.argv[1]);"
        "from callfloor.crm.history import TIMELINE_SOURCES; from callfloor.crm.screen_pop import POP_SECTIONS;"
        "print(sorted(s.kind for s in TIMELINE_SOURCES), [n for n, _ in POP_SECTIONS])"
    )
    for module in ("callfloor.api.app", "callfloor.server.runner"):
        shown = subprocess.run(
            [sys.executable, "-c", probe, module], capture_output=True, text=True, timeout=120, check=True
        )
        kinds = (
            "['appointment', 'callback', 'consent', 'interaction', 'order', 'quote', 'survey_answer', 'ticket']"
            " ['open_tickets']"
        )
        assert shown.stdout.strip() == kinds, (module, shown.stderr)
