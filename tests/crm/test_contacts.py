"""The customer file's service: contacts and accounts written, cleaned, checked, kept per tenant."""

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm import CustomerFileError, CustomFieldError, DuplicateKeyError
from callfloor.crm.contacts import AddressInput, EmailInput, PhoneInput
from callfloor.crm.custom_fields import CustomFields
from callfloor.storage import NotFoundError
from callfloor.storage.contacts import Contact, ContactPhone
from tests.crm.customer_files import Two, two_tenants


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


def test_a_contact_keeps_its_numbers_e164_and_its_addresses_lower_cased(two: Two) -> None:
    contact = two.acme.create_contact(
        {"first_name": " Hélène ", "last_name": "Le Gall", "language": "fr", "timezone": "Europe/Paris"},
        phones=[PhoneInput("06 12 34 56 78"), PhoneInput("+33 (0)1 23 45 67 89", "work")],
        emails=[EmailInput("Helene.LeGall@Example.ORG")],
        addresses=[AddressInput(("12 rue de la Paix", ""), "75002", "Paris", "fr")],
    )
    assert [(p.number, p.label) for p in contact.phones] == [
        ("+33612345678", "mobile"),
        ("+33123456789", "work"),
    ]
    assert [e.address for e in contact.emails] == ["helene.legall@example.org"]
    assert (contact.addresses[0].lines, contact.addresses[0].country) == (["12 rue de la Paix"], "FR")
    assert (contact.first_name, contact.name_folded) == ("Hélène", "le gall helene")


def test_numbers_are_read_in_the_tenants_country(two: Two) -> None:
    belgian = two.globex.create_contact({"last_name": "Peeters"}, phones=[PhoneInput("0470 12 34 56")])
    assert belgian.phones[0].number == "+32470123456"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"timezone": "Europe/Lutece"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"language": "french"}, "language"),
        ({"first_name": "a\x00b"}, "first_name"),
        ({"last_name": "x" * 101}, "last_name"),
        ({"nickname": "Jo"}, None),
    ],
)
def test_bad_contact_fields_are_refused_with_the_field_named(
    two: Two, values: dict[str, str], field: str | None
) -> None:
    with pytest.raises(CustomerFileError) as error:
        two.acme.create_contact(values)
    assert error.value.field == field
    assert error.value.fr and error.value.en


@pytest.mark.parametrize(
    "lists",
    [
        {"phones": [PhoneInput("06 12 34")]},
        {"phones": [PhoneInput("call me")]},
        {"phones": [PhoneInput("0612345678", "pager")]},
        {"emails": [EmailInput("not-an-address")]},
        {"addresses": [AddressInput(("1 rue",), "75001", "Paris", "XX")]},
    ],
)
def test_bad_phones_emails_and_addresses_are_refused(two: Two, lists: dict[str, list[object]]) -> None:
    with pytest.raises(CustomerFileError):
        two.acme.create_contact({"last_name": "Martin"}, **lists)  # type: ignore[arg-type]


def test_accounts_check_their_siren_or_siret(two: Two) -> None:
    account = two.acme.create_account({"name": "Renault", "registration_number": "552 100 554"})
    assert (account.registration_number, account.name_folded) == ("552100554", "renault")
    assert two.acme.create_account({"name": "Poste", "registration_number": "35600000049837"})
    for bad in ("552100555", "12345", "ABCDEFGHI"):
        with pytest.raises(CustomerFileError, match="registration_number"):
            two.acme.create_account({"name": "X", "registration_number": bad})
    with pytest.raises(CustomerFileError, match="name"):
        two.acme.create_account({"name": "  "})


def test_customer_numbers_are_unique_per_tenant_when_set(two: Two) -> None:
    first = two.acme.create_contact({"last_name": "A", "customer_number": "C-1"})
    with pytest.raises(DuplicateKeyError):
        two.acme.create_contact({"last_name": "B", "customer_number": "C-1"})
    assert two.globex.create_contact({"last_name": "C", "customer_number": "C-1"}).customer_number == "C-1"
    blank = [two.acme.create_contact({"last_name": n, "customer_number": " "}) for n in "DE"]
    assert [c.customer_number for c in blank] == [None, None]
    assert two.acme.update_contact(first, {"customer_number": "C-1", "notes": "same"}).notes == "same"
    two.acme.create_account({"name": "Acme", "customer_number": "C-1"})  # accounts number apart


def test_links_to_another_tenant_are_refused(two: Two) -> None:
    theirs = two.globex.create_account({"name": "Globex"})
    with pytest.raises(CustomerFileError, match="account_id"):
        two.acme.create_contact({"last_name": "Martin", "account_id": theirs.id})
    with pytest.raises(CustomerFileError, match="owner_user_id"):
        two.acme.create_contact({"last_name": "Martin", "owner_user_id": two.globex_user.id})
    ours = two.acme.create_contact({"last_name": "Martin", "owner_user_id": two.acme_user.id})
    assert ours.owner_user_id == two.acme_user.id
    with pytest.raises(NotFoundError):
        two.globex.delete(ours)


def test_update_replaces_given_lists_and_keeps_the_others(two: Two) -> None:
    contact = two.acme.create_contact(
        {"last_name": "Martin"}, phones=[PhoneInput("0612345678")], emails=[EmailInput("a@b.fr")]
    )
    two.acme.update_contact(contact, {"first_name": "Jeanne"}, phones=[PhoneInput("0698765432")])
    assert [p.number for p in contact.phones] == ["+33698765432"]
    assert [e.address for e in contact.emails] == ["a@b.fr"]
    assert contact.name_folded == "martin jeanne"
    numbers = two.session.scalars(select(ContactPhone.number)).all()
    assert numbers == ["+33698765432"]  # the old row went, no orphan left


def test_deleting_an_account_keeps_its_contacts(two: Two) -> None:
    account = two.acme.create_account({"name": "Acme"}, phones=[PhoneInput("0140000000", "work")])
    contact = two.acme.create_contact({"last_name": "Martin", "account_id": account.id})
    two.acme.delete(account)
    two.session.expire_all()
    assert two.session.get(Contact, contact.id) is not None
    assert two.session.get(Contact, contact.id).account_id is None  # type: ignore[union-attr]
    assert two.session.scalars(select(ContactPhone)).all() == []


def test_custom_values_are_checked_against_the_tenants_definitions(two: Two) -> None:
    fields = CustomFields(two.session, two.acme.tenant_id)
    fields.define(
        entity="contact",
        key="loyalty",
        label_fr="Fidélité",
        label_en="Loyalty",
        type_="choice",
        choices=["gold", "silver"],
    )
    fields.define(
        entity="contact", key="birthday", label_fr="Anniversaire", label_en="Birthday", type_="date"
    )
    fields.define(entity="contact", key="score", label_fr="Score", label_en="Score", type_="number")
    fields.define(entity="contact", key="vip", label_fr="VIP", label_en="VIP", type_="bool")
    fields.define(entity="account", key="sector", label_fr="Secteur", label_en="Sector", type_="text")
    custom = {"loyalty": "gold", "birthday": "1980-02-29", "score": 4.5, "vip": True, "gone": None}
    with pytest.raises(CustomFieldError, match="gone"):
        two.acme.create_contact({"last_name": "A", "custom": custom})
    del custom["gone"]
    assert two.acme.create_contact({"last_name": "A", "custom": custom}).custom == custom
    for key, bad in (
        ("loyalty", "bronze"),
        ("birthday", "29/02/1980"),
        ("birthday", "1981-02-29"),
        ("score", True),
        ("score", "4"),
        ("vip", 1),
        ("sector", "retail"),
    ):
        with pytest.raises(CustomFieldError) as error:
            two.acme.create_contact({"last_name": "B", "custom": {key: bad}})
        assert error.value.field == key
    account = two.acme.create_account({"name": "Acme", "custom": {"sector": "retail"}})
    assert account.custom == {"sector": "retail"}
    with pytest.raises(CustomFieldError, match="sector"):  # another tenant defines nothing
        two.globex.create_account({"name": "Globex", "custom": {"sector": "retail"}})


def test_custom_field_definitions_are_checked(two: Two) -> None:
    fields = CustomFields(two.session, two.acme.tenant_id)
    field = fields.define(entity="contact", key="vip", label_fr="VIP", label_en="VIP", type_="bool")
    with pytest.raises(DuplicateKeyError):
        fields.define(entity="contact", key="vip", label_fr="V", label_en="V", type_="text")
    fields.define(entity="account", key="vip", label_fr="VIP", label_en="VIP", type_="bool")  # other entity
    assert (
        fields.define(entity="contact", key="vip", label_fr="V", label_en="V", type_="text", field=field)
        is field
    )
    for kwargs in (
        {"entity": "ticket", "key": "k", "type_": "text"},
        {"entity": "contact", "key": "Bad Key", "type_": "text"},
        {"entity": "contact", "key": "k", "type_": "money"},
        {"entity": "contact", "key": "k", "type_": "choice"},
        {"entity": "contact", "key": "k", "type_": "text", "choices": ["a"]},
        {"entity": "contact", "key": "k", "type_": "choice", "choices": ["a", "a"]},
    ):
        with pytest.raises(CustomFieldError):
            fields.define(label_fr="L", label_en="L", **kwargs)  # type: ignore[arg-type]
