"""Duplicates found with their reasons, and merges that lose nothing and duplicate nothing."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from callfloor.crm import MergeError
from callfloor.crm.consent import ConsentRegister
from callfloor.crm.contacts import AddressInput, EmailInput, PhoneInput
from callfloor.crm.duplicates import DuplicateFinder
from callfloor.crm.merge import ContactMerger, ContactReferences
from callfloor.storage.contacts import Contact, ContactEmail, ContactPhone
from callfloor.storage.repositories import audit_entries
from tests.crm.customer_files import Two, two_tenants


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


class OtherBase(DeclarativeBase):
    """Tables of a module that arrives after the merge was written (tickets, say)."""


class Ticket(OtherBase):
    """A row pointing at a contact, as later CRM tables will."""

    __tablename__ = "test_merge_tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    contact_id: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(50))


class Call(OtherBase):
    """A second kind of row, with no tenant column of its own."""

    __tablename__ = "test_merge_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    caller_contact_id: Mapped[int | None] = mapped_column(Integer)


def test_duplicates_share_a_number_an_address_or_the_folded_name_in_one_account(two: Two) -> None:
    acme = two.acme
    account = acme.create_account({"name": "Acme"})
    other = acme.create_account({"name": "Other"})
    jean = acme.create_contact(
        {"first_name": "Jean", "last_name": "Lefèvre", "account_id": account.id},
        phones=[PhoneInput("0612345678")],
        emails=[EmailInput("jean@acme.example")],
    )
    same_phone = acme.create_contact({"last_name": "Standard"}, phones=[PhoneInput("+33 6 12 34 56 78")])
    same_all = acme.create_contact(
        {"first_name": "JEAN", "last_name": "lefevre", "account_id": account.id},
        phones=[PhoneInput("06.12.34.56.78")],
        emails=[EmailInput("Jean@Acme.example")],
    )
    acme.create_contact(
        {"first_name": "Jean", "last_name": "Lefèvre", "account_id": other.id}
    )  # another company
    two.globex.create_contact({"last_name": "Lefèvre"}, phones=[PhoneInput("+33612345678")])  # another tenant
    found = DuplicateFinder(two.session, acme.tenant_id).candidates(jean)
    assert [(c.contact.id, c.reasons) for c in found] == [
        (same_all.id, ("phone", "email", "name")),
        (same_phone.id, ("phone",)),
    ]
    loner = acme.create_contact({"first_name": "Zoé", "last_name": "Unique"})
    assert DuplicateFinder(two.session, acme.tenant_id).candidates(loner) == []


def _pair(two: Two) -> tuple[Contact, Contact]:
    acme = two.acme
    account = acme.create_account({"name": "Acme"})
    survivor = acme.create_contact(
        {"first_name": "Jean", "last_name": "Martin", "tags": ["vip", "b2b"], "notes": "kept"},
        phones=[PhoneInput("0612345678")],
        emails=[EmailInput("jean@acme.example")],
        addresses=[AddressInput(("1 rue A",), "75001", "Paris")],
    )
    absorbed = acme.create_contact(
        {
            "civility": "M.",
            "last_name": "Martin",
            "customer_number": "C-42",
            "language": "fr",
            "account_id": account.id,
            "owner_user_id": two.acme_user.id,
            "tags": ["b2b", "late-payer"],
            "notes": "lost",
        },
        phones=[PhoneInput("+33612345678"), PhoneInput("0140000000", "work")],
        emails=[EmailInput("JEAN@acme.example"), EmailInput("j.martin@home.example", "home")],
        addresses=[AddressInput(("1 rue A",), "75001", "Paris"), AddressInput(("2 rue B",), "69001", "Lyon")],
    )
    return survivor, absorbed


def test_merge_moves_without_duplicates_fills_blanks_and_audits(two: Two) -> None:
    survivor, absorbed = _pair(two)
    consents = ConsentRegister(two.session, two.acme.tenant_id)
    consents.record(absorbed, channel="phone", purpose="marketing", granted=False, source="call of 14/03")
    absorbed_id = absorbed.id
    report = ContactMerger(two.session, two.acme.tenant_id).merge(survivor, absorbed, actor=two.acme_user)
    assert [p.number for p in survivor.phones] == ["+33612345678", "+33140000000"]
    assert [e.address for e in survivor.emails] == ["jean@acme.example", "j.martin@home.example"]
    assert [a.city for a in survivor.addresses] == ["Paris", "Lyon"]
    assert consents.opposes(survivor, "phone", "marketing")
    assert (survivor.civility, survivor.first_name, survivor.customer_number) == ("M.", "Jean", "C-42")
    assert (survivor.language, survivor.owner_user_id, survivor.notes) == ("fr", two.acme_user.id, "kept")
    assert survivor.account_id is not None
    assert survivor.tags == ["vip", "b2b", "late-payer"]
    assert two.session.get(Contact, absorbed_id) is None
    assert two.session.scalar(select(func.count()).select_from(ContactPhone)) == 2  # the shared one went
    assert two.session.scalar(select(func.count()).select_from(ContactEmail)) == 2
    assert report.moved == {"phones": 1, "emails": 1, "addresses": 1, "consents": 1}
    entry = audit_entries(two.session, two.acme.tenant_id)[-1]
    assert (entry.action, entry.target, entry.actor_id) == (
        "contact.merge",
        str(survivor.id),
        two.acme_user.id,
    )
    assert entry.details["absorbed"] == absorbed_id
    assert "customer_number" in entry.details["filled"]


def test_custom_keys_are_kept_where_the_survivor_has_none(two: Two) -> None:
    from callfloor.crm.custom_fields import CustomFields

    fields = CustomFields(two.session, two.acme.tenant_id)
    for key in ("segment", "source"):
        fields.define(entity="contact", key=key, label_fr=key, label_en=key, type_="text")
    survivor = two.acme.create_contact({"last_name": "A", "custom": {"segment": "pro"}})
    absorbed = two.acme.create_contact({"last_name": "B", "custom": {"segment": "home", "source": "web"}})
    ContactMerger(two.session, two.acme.tenant_id).merge(survivor, absorbed)
    assert survivor.custom == {"segment": "pro", "source": "web"}


def test_merge_repoints_the_registered_references_of_its_tenant(two: Two) -> None:
    connection = two.session.connection()
    OtherBase.metadata.create_all(connection)
    survivor, absorbed = _pair(two)
    stranger = two.globex.create_contact({"last_name": "Other tenant"})
    two.session.add_all(
        [
            Ticket(id=1, tenant_id=two.acme.tenant_id, contact_id=absorbed.id, subject="broken"),
            Ticket(id=2, tenant_id=two.acme.tenant_id, contact_id=survivor.id, subject="late"),
            Ticket(id=3, tenant_id=two.globex.tenant_id, contact_id=absorbed.id, subject="not ours"),
            Ticket(id=4, tenant_id=two.globex.tenant_id, contact_id=stranger.id, subject="theirs"),
            Call(id=1, caller_contact_id=absorbed.id),
        ]
    )
    two.session.flush()
    references = ContactReferences()
    references.register(Ticket, Ticket.contact_id)
    references.register(Ticket, Ticket.contact_id)
    references.register(Call, Call.caller_contact_id)
    report = ContactMerger(two.session, two.acme.tenant_id, references).merge(survivor, absorbed)
    tickets = dict(two.session.execute(select(Ticket.id, Ticket.contact_id)).all())
    assert tickets == {1: survivor.id, 2: survivor.id, 3: absorbed.id, 4: stranger.id}
    assert two.session.scalar(select(Call.caller_contact_id)) == survivor.id
    assert report.repointed == {"test_merge_tickets.contact_id": 1, "test_merge_calls.caller_contact_id": 1}
    references.unregister(Call, Call.caller_contact_id)
    assert list(references) == [(Ticket, Ticket.contact_id)]
    OtherBase.metadata.drop_all(connection)


def test_a_contact_cannot_absorb_itself_or_another_tenants(two: Two) -> None:
    mine = two.acme.create_contact({"last_name": "A"})
    theirs = two.globex.create_contact({"last_name": "B"})
    merger = ContactMerger(two.session, two.acme.tenant_id)
    with pytest.raises(MergeError):
        merger.merge(mine, mine)
    with pytest.raises(MergeError):
        merger.merge(mine, theirs)


def test_the_latest_consent_record_wins(two: Two) -> None:
    contact = two.acme.create_contact({"last_name": "A"})
    register = ConsentRegister(two.session, two.acme.tenant_id)
    assert not register.opposes(contact, "phone", "marketing")  # nothing said
    register.record(
        contact,
        channel="phone",
        purpose="marketing",
        granted=False,
        source="Bloctel",
        recorded_at=datetime(2026, 3, 1, tzinfo=UTC),
        recorded_by=two.acme_user,
    )
    assert register.opposes(contact, "phone", "marketing")
    assert not register.opposes(contact, "sms", "marketing")
    assert not register.opposes(contact, "phone", "survey")
    register.record(
        contact,
        channel="phone",
        purpose="marketing",
        granted=True,
        source="call, recorded",
        recorded_at=datetime(2026, 3, 2, tzinfo=UTC),
    )
    assert not register.opposes(contact, "phone", "marketing")
    # Entered late but given earlier: it does not override the later word.
    register.record(
        contact,
        channel="phone",
        purpose="marketing",
        granted=False,
        source="old letter",
        recorded_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    assert not register.opposes(contact, "phone", "marketing")
    assert [c.source for c in register.history(contact)] == ["old letter", "Bloctel", "call, recorded"]
    assert register.history(contact)[1].recorded_by == two.acme_user.id


@pytest.mark.parametrize(
    "kwargs",
    [
        {"channel": "fax", "purpose": "marketing", "source": "x"},
        {"channel": "sms", "purpose": "Marketing!", "source": "x"},
        {"channel": "sms", "purpose": "marketing", "source": "  "},
        {"channel": "sms", "purpose": "marketing", "source": "x", "recorded_at": datetime(2026, 1, 1)},
    ],
)
def test_bad_consents_are_refused(two: Two, kwargs: dict[str, object]) -> None:
    from callfloor.crm import CustomerFileError

    contact = two.acme.create_contact({"last_name": "A"})
    with pytest.raises(CustomerFileError):
        ConsentRegister(two.session, two.acme.tenant_id).record(contact, granted=True, **kwargs)  # type: ignore[arg-type]
    theirs = two.globex.create_contact({"last_name": "B"})
    with pytest.raises(CustomerFileError):
        ConsentRegister(two.session, two.acme.tenant_id).record(
            theirs, channel="sms", purpose="x", granted=True, source="s"
        )
