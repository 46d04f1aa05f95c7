"""Finding contacts by name, number in any format, e-mail, company, customer number; caller ID."""

from collections.abc import Iterator

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile, EmailInput, PhoneInput
from callfloor.crm.search import ContactSearch
from callfloor.storage.platform import Platform
from tests.crm.customer_files import Two, two_tenants


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


def _file(two: Two) -> ContactSearch:
    acme = two.acme
    renault = acme.create_account(
        {"name": "Régie Renault", "customer_number": "A-1"}, phones=[PhoneInput("0140000000")]
    )
    acme.create_contact(
        {"first_name": "Hélène", "last_name": "Le Gall", "customer_number": "C-7", "account_id": renault.id},
        phones=[PhoneInput("06 12 34 56 78")],
        emails=[EmailInput("helene@renault.example")],
    )
    acme.create_contact({"first_name": "Jean", "last_name": "Martin"}, phones=[PhoneInput("+33698765432")])
    acme.create_contact({"first_name": "Jeanne", "last_name": "Hélin"}, emails=[EmailInput("jh@example.org")])
    two.globex.create_contact(
        {"first_name": "Hélène", "last_name": "Le Gall"}, phones=[PhoneInput("+33612345678")]
    )
    return ContactSearch(two.session, acme.tenant_id)


def _names(search: ContactSearch, q: str | None = None, **criteria: str) -> list[str]:
    return [c.display_name for c in search.search(q, **criteria).items]


def test_names_are_found_in_part_without_case_or_accents(two: Two) -> None:
    search = _file(two)
    assert _names(search, "helene") == ["Hélène Le Gall"]
    assert _names(search, "HÉLÈNE LE GALL") == ["Hélène Le Gall"]
    assert _names(search, "le gall hel") == ["Hélène Le Gall"]
    assert _names(search, "hel") == ["Jeanne Hélin", "Hélène Le Gall"]  # last name order
    assert _names(search, "jean") == ["Jeanne Hélin", "Jean Martin"]
    assert _names(search, "jean martin") == ["Jean Martin"]
    assert _names(search, "100%_") == []  # LIKE wildcards are text


def test_numbers_emails_companies_and_customer_numbers_are_found(two: Two) -> None:
    search = _file(two)
    for number in ("06 12 34 56 78", "+33612345678", "0033 6 12 34 56 78", "612345678", "06.12.34.56.78"):
        assert _names(search, number) == ["Hélène Le Gall"], number
    assert _names(search, "HELENE@renault.example") == ["Hélène Le Gall"]
    assert _names(search, "@example.org") == ["Jeanne Hélin"]
    assert _names(search, "renault") == ["Hélène Le Gall"]  # the account's name
    assert _names(search, "C-7") == ["Hélène Le Gall"]
    assert _names(search, number="0698765432") == ["Jean Martin"]
    assert _names(search, company="regie") == ["Hélène Le Gall"]
    assert _names(search, name="jean", email="jh@") == ["Jeanne Hélin"]  # every criterion given
    assert _names(search, customer_number="C-8") == []


def test_search_pages_and_counts(two: Two) -> None:
    search = _file(two)
    for n in range(12):
        two.acme.create_contact({"first_name": "Paul", "last_name": f"Dupont {n:02}"})
    first, last = search.search("paul", limit=5), search.search("paul", limit=5, offset=10)
    assert (first.total, len(first.items), len(last.items)) == (12, 5, 2)
    assert [c.last_name for c in last.items] == ["Dupont 10", "Dupont 11"]
    assert search.search().total == 15  # no criterion: the whole file


def test_caller_id_finds_contacts_and_accounts_of_its_tenant_only(two: Two) -> None:
    search = _file(two)
    found = search.find_by_number("0033612345678")
    assert [c.display_name for c in found.contacts] == ["Hélène Le Gall"]
    assert [c.tenant_id for c in found.contacts] == [two.acme.tenant_id]
    assert found.accounts == []
    switchboard = search.find_by_number("+33 1 40 00 00 00")
    assert ([a.name for a in switchboard.accounts], switchboard.contacts) == (["Régie Renault"], [])
    assert search.find_by_number("anonymous").contacts == []
    assert search.find_by_number("").accounts == []
    assert search.accounts("renault").total == 1
    assert search.accounts("0140000000").items[0].name == "Régie Renault"
    assert ContactSearch(two.session, two.globex.tenant_id).find_by_number("0612345678").contacts == []


def _french_numbers() -> st.SearchStrategy[str]:
    """National significant numbers (9 digits) that phonenumbers calls valid in France."""
    digits = st.text("0123456789", min_size=8, max_size=8)
    return st.builds(lambda first, rest: first + rest, st.sampled_from("123456789"), digits).filter(
        lambda n: phonenumbers.is_valid_number(phonenumbers.parse("+33" + n))
    )


def _pairs(digits: str, sep: str) -> str:
    return sep.join(digits[i : i + 2] for i in range(0, len(digits), 2))


def written(nsn: str, style: int) -> str:
    """The number ``+33 nsn`` as people and caller IDs write it, in style ``style``."""
    national = "0" + nsn
    return [
        national,
        _pairs(national, " "),
        _pairs(national, "."),
        _pairs(national, "-"),
        "+33" + nsn,
        f"+33 {nsn[0]} {_pairs(nsn[1:], ' ')}",
        f"+33 (0){nsn[0]} {_pairs(nsn[1:], ' ')}",
        "0033" + nsn,
        f"0033 {nsn[0]} {_pairs(nsn[1:], ' ')}",
        "33" + nsn,
        nsn,
        f"  {national} ",
    ][style]


STYLES = st.integers(min_value=0, max_value=11)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(nsn=_french_numbers(), stored=STYLES, typed=STYLES)
def test_any_format_of_a_french_number_finds_the_same_contact(
    sessions: sessionmaker[Session], nsn: str, stored: int, typed: int
) -> None:
    with sessions() as session, session.begin():
        tenant = Platform(session).tenant_by_slug("hyp") or Platform(session).create_tenant("hyp", "Hyp")
        contact = CustomerFile(session, tenant.id).create_contact(
            {"last_name": "Client"}, phones=[PhoneInput(written(nsn, stored))]
        )
        assert contact.phones[0].number == "+33" + nsn
        search = ContactSearch(session, tenant.id)
        assert [c.id for c in search.search(written(nsn, typed)).items] == [contact.id]
        assert [c.id for c in search.find_by_number(written(nsn, typed)).contacts] == [contact.id]
        session.rollback()
