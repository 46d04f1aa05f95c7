"""GDPR: a person's data exported whole, then erased from every table, statistics kept, other tenants untouched."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, MetaData, String, Text, cast, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.catalogue import Catalogue
from callfloor.crm.consent import ConsentRegister
from callfloor.crm.contacts import AddressInput, CustomerFile, EmailInput, PhoneInput
from callfloor.crm.custom_fields import CustomFields
from callfloor.crm.gdpr import MARKER, PERSONAL_DATA, DataSubject, Erasure, PersonalDataHolders
from callfloor.crm.gdpr_html import render_html
from callfloor.crm.gdpr_rights import DataSubjectRights
from callfloor.crm.lines import LineInput
from callfloor.crm.merge import ContactMerger
from callfloor.crm.sales import Sales
from callfloor.crm.ticket_files import AttachmentStore
from callfloor.crm.ticket_status import TicketStatus
from callfloor.crm.tickets import TicketDesk, TicketInput
from callfloor.server.recordings import RecordingStore
from callfloor.storage import NotFoundError
from callfloor.storage.appointments import Appointment, Calendar
from callfloor.storage.contacts import Contact
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import InteractionEvent, User
from callfloor.storage.platform import Platform
from callfloor.storage.repositories import audit_entries
from callfloor.storage.sales import Order, Quote
from callfloor.storage.scope import TenantScope
from callfloor.storage.tickets import Ticket, TicketComment
from tests.crm.customer_files import ticket_floor
from tests.tenants import record_call

T0 = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
CALL = "a84b4c76e66710@192.0.2.7"
#: What identifies the person: any of these anywhere after the erasure is a leak.
NEEDLES = ("Ysolde", "Kervarec", "ysolde.kervarec@example.org", "612345678", "12 34 56 78")


@dataclass
class Person:
    """Ysolde Kervarec in tenant acme (with everything) and her namesake in tenant globex."""

    acme: int
    globex: int
    contact: int
    namesake: int
    namesake_ticket: int
    admin: int
    recording: Path
    attachment: Path
    data_dir: Path


def _contact(session: Session, tenant_id: int, language: str | None = None) -> Contact:
    CustomFields(session, tenant_id).define(
        entity="contact", key="loyalty", label_fr="Fidélité", label_en="Loyalty", type_="text"
    )
    customers = CustomerFile(session, tenant_id)
    account = customers.create_account({"name": "Menhirs SARL"})
    contact = customers.create_contact(
        {"first_name": "Ysolde", "last_name": "Kervarec", "account_id": account.id, "language": language,
         "notes": "Préfère <b>le matin</b>", "custom": {"loyalty": "gold, ysolde.kervarec@example.org"}},
        phones=[PhoneInput("06 12 34 56 78")], emails=[EmailInput("Ysolde.Kervarec@example.org")],
        addresses=[AddressInput(("3 rue des Menhirs",), "29000", "Quimper")],
    )  # fmt: skip
    ConsentRegister(session, tenant_id).record(
        contact, channel="phone", purpose="marketing", granted=False, source="appel de Ysolde Kervarec"
    )
    return contact


def _ticket(session: Session, tenant_id: int, contact_id: int, data_dir: Path) -> tuple[Ticket, Path]:
    floor = ticket_floor(session, tenant_id)
    desk = TicketDesk(session, tenant_id)
    given = TicketInput("Réclamation de Ysolde Kervarec", floor.category.id, contact_id=contact_id,
                        description="Rappeler au 0612345678 ou ysolde.kervarec@example.org")  # fmt: skip
    ticket = desk.create(given, actor=None, now=T0)
    desk.comment(ticket, "Mme Kervarec a renvoyé le colis", internal=False, actor=None, now=T0)
    desk.change_status(ticket, TicketStatus.OPEN, actor=None, now=T0)
    desk.escalate(
        ticket, floor.level2.id, "Ysolde Kervarec insiste", ["C-1", "Kervarec : non"], actor=None, now=T0
    )
    saved = AttachmentStore(data_dir).save(session, ticket, file_name="lettre-kervarec.txt",
                                           content_type="text/plain", data=b"Madame Kervarec", actor=None, now=T0)  # fmt: skip
    return ticket, data_dir / saved.path


def _sales(session: Session, tenant_id: int, contact_id: int) -> None:
    Catalogue(session, tenant_id).create(
        {"reference": "HS-1", "label": "Casque", "unit_price": Decimal("49.90"), "vat_rate": Decimal(20)},
        now=T0,
    )
    sales = Sales(session, tenant_id)
    customer = {"contact_id": contact_id, "valid_until": date(2026, 3, 31), "notes": "Pour Ysolde Kervarec"}
    sales.create_quote(customer, [LineInput(product="HS-1")], now=T0)
    sold = sales.create_quote(customer, [LineInput(product="HS-1", quantity=Decimal(3))], now=T0)
    sales.send(sold, today=date(2026, 3, 14), now=T0)
    order = sales.take_order(sold, taken_by=None, today=date(2026, 3, 14), now=T0)
    order.notes = "Livrer chez Ysolde Kervarec, 0612345678"


def _appointment(session: Session, tenant_id: int, contact_id: int, rep: User) -> None:
    """A visit at her home in a rep's calendar."""
    calendar = Calendar(tenant_id=tenant_id, user=rep, name="Rep Bretagne", hours={}, feed_token="t" * 32)
    session.add(calendar)
    session.flush()
    session.add(Appointment(tenant_id=tenant_id, calendar_id=calendar.id, contact_id=contact_id,
                            start_at=T0 + timedelta(days=2), end_at=T0 + timedelta(days=2, hours=1),
                            subject="Visite chez Ysolde Kervarec", notes="Appeler le 06 12 34 56 78 avant",
                            location="3 rue des Menhirs, Quimper", uid="rdv-1@callfloor", booked_at=T0,
                            updated_at=T0))  # fmt: skip
    session.flush()


def _calls(session: Session, tenant_id: int, contact_id: int) -> None:
    """A recorded call linked to her, an earlier one left unlinked with her number, and the log of the first."""
    for n, (interaction, linked) in enumerate(((CALL, contact_id), ("older@192.0.2.7", None))):
        at = T0 - timedelta(days=n)
        session.add(Interaction(tenant_id=tenant_id, interaction_id=interaction, channel="call", direction="inbound",
                                number="+33612345678", contact_id=linked, queue="support", agent="2001",
                                started_at=at, answered_at=at, ended_at=at + timedelta(seconds=60),
                                outcome="completed", wait_s=4.0, talk_s=56.0, notes="Mme Kervarec, colis"))  # fmt: skip
    log = TenantScope(session, tenant_id).log
    log.append("enqueued", T0, interaction_id=CALL, payload={"queue": "support", "channel": "call"})
    log.append(
        "answered", T0, interaction_id=CALL, payload={"queue": "support", "agent": "2001", "wait_s": 4.0}
    )
    log.append("completed", T0, interaction_id=CALL, payload={"agent": "2001", "talk_s": 56.0})


@pytest.fixture
def person(sessions: sessionmaker[Session], tmp_path: Path) -> Person:
    """Both tenants, committed: acme's Ysolde with phones, consent, a recorded call, a ticket, quotes, an order."""
    data_dir = tmp_path / "data"
    with sessions.begin() as session:
        platform = Platform(session)
        acme, globex = platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")
        admin = User(tenant_id=acme.id, email="boss@acme.example", name="Boss", role="admin")
        session.add(admin)
        contact, namesake = _contact(session, acme.id), _contact(session, globex.id)
        _calls(session, acme.id, contact.id)
        _ticket_row, attachment = _ticket(session, acme.id, contact.id, data_dir)
        namesake_ticket, _ = _ticket(session, globex.id, namesake.id, data_dir)
        _sales(session, acme.id, contact.id)
        _appointment(session, acme.id, contact.id, admin)
        ids = (acme.id, globex.id, contact.id, namesake.id, namesake_ticket.id, admin.id)
    _id, recording = record_call(
        RecordingStore(sessions, data_dir), ids[0], CALL, queue="support", agent=None
    )
    return Person(*ids, recording=recording, attachment=attachment, data_dir=data_dir)


def _rights(session: Session, person: Person, tenant_id: int | None = None) -> DataSubjectRights:
    return DataSubjectRights(session, tenant_id or person.acme, person.data_dir)


def _export(sessions: sessionmaker[Session], person: Person) -> dict[str, Any]:
    with sessions.begin() as session:
        contact = session.get(Contact, person.contact)
        assert contact is not None
        return _rights(session, person).export(contact, now=T0, actor=session.get(User, person.admin))


def _erase(sessions: sessionmaker[Session], person: Person, *, dry_run: bool = False) -> Any:
    with sessions.begin() as session:
        contact = session.get(Contact, person.contact)
        assert contact is not None
        return _rights(session, person).erase(contact, actor=session.get(User, person.admin), dry_run=dry_run)


def traces(session: Session, tenant_id: int, needles: Sequence[str]) -> list[str]:
    """``table.column`` for every text or JSON column of every table holding a needle in the tenant's rows."""
    tables = MetaData()
    tables.reflect(bind=session.connection())
    found = []
    for table in tables.sorted_tables:
        for column in (c for c in table.columns if isinstance(c.type, String | Text | JSON)):
            text = func.lower(cast(column, Text))
            query = select(func.count()).select_from(table)
            query = query.where(or_(*(text.contains(needle.lower()) for needle in needles)))
            if "tenant_id" in table.c:
                query = query.where(table.c.tenant_id == tenant_id)
            if session.scalar(query):
                found.append(f"{table.name}.{column.name}")
    return found


def test_the_export_holds_everything_on_the_person(sessions: sessionmaker[Session], person: Person) -> None:
    document = _export(sessions, person)
    assert (document["tenant"], document["language"], document["exported_at"]) == (
        "Acme",
        "fr",
        T0.isoformat(),
    )
    data = document["data"]
    contact = data["contact"]
    assert (contact["first_name"], contact["last_name"], contact["account"]) == (
        "Ysolde",
        "Kervarec",
        "Menhirs SARL",
    )
    assert contact["phones"] == [{"number": "+33612345678", "label": "mobile"}]
    assert contact["emails"] == [{"address": "ysolde.kervarec@example.org", "label": "work"}]
    assert contact["addresses"][0]["city"] == "Quimper"
    assert contact["custom"] == {"loyalty": "gold, ysolde.kervarec@example.org"}
    assert [(c["channel"], c["granted"]) for c in contact["consents"]] == [("phone", False)]
    calls = data["interactions"]
    assert [c["interaction_id"] for c in calls] == [
        "older@192.0.2.7",
        CALL,
    ]  # oldest first, the unlinked one too
    assert [e["type"] for e in calls[1]["log"]] == ["enqueued", "answered", "completed"]
    assert calls[1]["recordings"] == [r["id"] for r in data["recordings"]] and len(data["recordings"]) == 1
    (ticket,) = data["tickets"]
    assert ticket["subject"] == "Réclamation de Ysolde Kervarec"
    assert [c["body"] for c in ticket["comments"]] == ["Mme Kervarec a renvoyé le colis"]
    assert [a["file_name"] for a in ticket["attachments"]] == ["lettre-kervarec.txt"]
    assert "escalated" in [e["type"] for e in ticket["events"]]
    assert [q["status"] for q in data["quotes"]] == ["draft", "ordered"]
    assert data["quotes"][0]["lines"][0] == {"reference": "HS-1", "label": "Casque", "quantity": "1.000",
                                             "unit_price": "49.90", "discount": "0.00", "vat_rate": "20.00"}  # fmt: skip
    assert [o["total_incl_vat"] for o in data["orders"]] == ["179.64"]
    assert [(a["subject"], a["calendar"]) for a in data["appointments"]] == [
        ("Visite chez Ysolde Kervarec", "Rep Bretagne")
    ]
    assert (
        set(document["titles"])
        == set(data)
        >= {"contact", "interactions", "recordings", "tickets", "quotes", "orders"}
    )


def test_the_export_reads_as_a_page_in_the_contacts_language(
    sessions: sessionmaker[Session], person: Person
) -> None:
    page = render_html(_export(sessions, person))
    assert '<html lang="fr">' in page and "Vos données personnelles" in page and "Acme" in page
    for shown in (
        "Kervarec",
        "+33612345678",
        "Mme Kervarec a renvoyé le colis",
        "lettre-kervarec.txt",
        "179.64",
    ):
        assert shown in page
    assert "Prénom" in page and "Commandes" in page and T0.isoformat() in page
    assert "&lt;b&gt;le matin&lt;/b&gt;" in page and "<b>le matin" not in page  # typed text is escaped
    with sessions.begin() as session:
        contact = session.get(Contact, person.contact)
        assert contact is not None
        contact.language = "en-GB"
    english = render_html(_export(sessions, person))
    assert '<html lang="en">' in english and "Your personal data" in english and "First name" in english


def test_a_dry_run_counts_and_changes_nothing(sessions: sessionmaker[Session], person: Person) -> None:
    report = _erase(sessions, person, dry_run=True)
    assert report.dry_run and report.files == 2
    assert report.counts["contact"] == {
        "contacts_deleted": 1, "phones_deleted": 1, "emails_deleted": 1, "addresses_deleted": 1,
        "consents_deleted": 1, "merge_entries_scrubbed": 0,
    }  # fmt: skip
    assert report.counts["interactions"] == {"interactions_unlinked": 2}
    assert report.counts["recordings"] == {"recordings_deleted": 1, "recording_files_deleted": 1}
    assert report.counts["tickets"] == {"tickets_anonymised": 1, "comments_anonymised": 1,
                                        "history_entries_anonymised": 2, "attachments_deleted": 1}  # fmt: skip
    assert (report.counts["quotes"], report.counts["orders"]) == (
        {"quotes_anonymised": 2},
        {"orders_kept_anonymised": 1},
    )
    assert person.recording.exists() and person.attachment.exists()
    with sessions() as session:
        assert session.get(Contact, person.contact) is not None
        assert "contacts.first_name" in traces(session, person.acme, NEEDLES)
        assert not [e for e in audit_entries(session, person.acme) if e.action == "contact.gdpr_erase"]


def test_erasure_leaves_no_trace_but_the_statistics(sessions: sessionmaker[Session], person: Person) -> None:
    with sessions() as session:
        before = _statistics(session, person.acme)
    report = _erase(sessions, person)
    assert not report.dry_run and report.counts["interactions"] == {"interactions_unlinked": 2}
    assert not person.recording.exists() and not person.attachment.exists()
    with sessions() as session:
        assert traces(session, person.acme, NEEDLES) == []
        assert _statistics(session, person.acme) == before  # interactions, log, tickets, quotes, orders
        assert session.get(Contact, person.contact) is None
        ticket = session.scalars(select(Ticket).where(Ticket.tenant_id == person.acme)).one()
        assert (ticket.subject, ticket.contact_id, ticket.status, ticket.level) == (MARKER, None, "open", 2)
        assert [e.type for e in ticket.events][:2] == ["created", "comment"]  # the history keeps its order
        assert session.scalars(select(Order.contact_id, Order.notes)).all() is not None
        order = session.scalars(select(Order).where(Order.tenant_id == person.acme)).one()
        assert (order.contact_id, order.notes, str(order.total_incl_vat)) == (None, MARKER, "179.64")
        visit = session.scalars(select(Appointment).where(Appointment.tenant_id == person.acme)).one()
        assert (visit.contact_id, visit.subject, visit.location, visit.status) == (
            None,
            MARKER,
            MARKER,
            "booked",
        )
        (entry,) = [e for e in audit_entries(session, person.acme) if e.action == "contact.gdpr_erase"]
        assert (entry.actor_id, entry.target) == (person.admin, str(person.contact))
        assert entry.details["counts"]["recordings"]["recordings_deleted"] == 1


def test_a_namesake_in_another_tenant_is_untouched(sessions: sessionmaker[Session], person: Person) -> None:
    _erase(sessions, person)
    with sessions() as session:
        namesake = session.get(Contact, person.namesake)
        assert namesake is not None and namesake.last_name == "Kervarec"
        assert [p.number for p in namesake.phones] == ["+33612345678"]
        ticket = session.get(Ticket, person.namesake_ticket)
        assert ticket is not None and ticket.contact_id == namesake.id
        assert ticket.subject == "Réclamation de Ysolde Kervarec"
        assert [c.body for c in ticket.comments] == ["Mme Kervarec a renvoyé le colis"]
        assert all(Path(person.data_dir / a.path).exists() for a in ticket.attachments)
        assert "contacts.last_name" in traces(session, person.globex, NEEDLES)
        with pytest.raises(NotFoundError):
            _rights(session, person).erase(namesake, actor=None)  # acme cannot reach globex's contact


def test_a_rolled_back_erasure_keeps_rows_and_files(sessions: sessionmaker[Session], person: Person) -> None:
    with sessions() as session, session.begin():
        contact = session.get(Contact, person.contact)
        assert contact is not None
        _rights(session, person).erase(contact, actor=None)
        session.rollback()
    assert person.recording.exists() and person.attachment.exists()
    with sessions() as session:
        assert session.get(Contact, person.contact) is not None
        comments = session.scalars(select(TicketComment.body).where(TicketComment.tenant_id == person.acme))
        assert list(comments) == ["Mme Kervarec a renvoyé le colis"]


def test_the_interaction_log_is_left_as_it_was(sessions: sessionmaker[Session], person: Person) -> None:
    query = select(InteractionEvent.id, InteractionEvent.type, InteractionEvent.payload).order_by(
        InteractionEvent.id
    )
    with sessions() as session:
        before = session.execute(query).all()
    _erase(sessions, person)
    with sessions() as session:
        assert session.execute(query).all() == before


class Notebook:
    """A module of its own keeping notes on contacts, registered the way appointments will be."""

    kind = "notebook"
    title = {"fr": "Carnet", "en": "Notebook"}  # noqa: RUF012

    def __init__(self) -> None:
        self.notes: dict[int, str] = {}

    def export(self, session: Session, subject: DataSubject) -> list[str]:
        return [self.notes[subject.contact_id]] if subject.contact_id in self.notes else []

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        return Erasure({"notes_deleted": int(subject.contact_id in self.notes)}, self.notes.clear)


def test_a_registered_holder_is_exported_and_erased(sessions: sessionmaker[Session], person: Person) -> None:
    holders, notebook = PersonalDataHolders(), Notebook()
    for holder in [*PERSONAL_DATA, notebook]:
        holders.register(holder)
    notebook.notes[person.contact] = "aime les menhirs"
    with sessions.begin() as session:
        contact = session.get(Contact, person.contact)
        assert contact is not None
        rights = DataSubjectRights(session, person.acme, person.data_dir, holders)
        document = rights.export(contact, now=T0, actor=None)
        assert document["data"]["notebook"] == ["aime les menhirs"]
        assert "Carnet" in render_html(document)
        assert rights.erase(contact, actor=None).counts["notebook"] == {"notes_deleted": 1}
    assert notebook.notes == {}
    assert "notebook" not in {h.kind for h in PERSONAL_DATA}


def _statistics(session: Session, tenant_id: int) -> dict[str, int]:
    counted = {
        "interactions": Interaction,
        "log": InteractionEvent,
        "tickets": Ticket,
        "quotes": Quote,
        "orders": Order,
    }
    return {
        name: session.scalar(select(func.count()).select_from(model).where(model.tenant_id == tenant_id)) or 0
        for name, model in counted.items()
    }


def test_the_name_a_merge_wrote_in_the_audit_log_goes_too(
    sessions: sessionmaker[Session], person: Person
) -> None:
    with sessions.begin() as session:
        twin = CustomerFile(session, person.acme).create_contact(
            {"first_name": "Y.", "last_name": "Kervarec"}
        )
        survivor = session.get(Contact, person.contact)
        assert survivor is not None
        ContactMerger(session, person.acme).merge(survivor, twin)
    report = _erase(sessions, person)
    assert report.counts["contact"]["merge_entries_scrubbed"] == 1
    with sessions() as session:
        assert traces(session, person.acme, NEEDLES) == []
        (merge,) = [e for e in audit_entries(session, person.acme) if e.action == "contact.merge"]
        assert (merge.target, merge.details["absorbed_name"]) == (str(person.contact), MARKER)
