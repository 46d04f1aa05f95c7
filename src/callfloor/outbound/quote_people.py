"""Who a quote is addressed to, read in bulk for a relance de devis: names, numbers, customer or not.

The numbers to try are the contact's mobile, work, home and other phones, in that order, then
the same of the quote's account (a quote names the contact's account when it names none, see
:class:`callfloor.crm.sales.Sales`); a fax never. :meth:`Recipient.lead` keeps the first that
:func:`callfloor.outbound.values.phone` reads as valid in the tenant's region, placed as a list
import places it (postal code, then number; a zone the contact states wins).

A customer is a contact, or an account, with an order that is not cancelled: a current contract
(code de la consommation L223-1 al. 4), which the compliance rules read as the lead's
``data.customer``. A quote alone makes nobody a customer: it is an offer, not a contract.

Every read goes by batches of ids (:func:`callfloor.outbound.importing.chunks`), a few queries
per 500 quotes whatever their number.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from callfloor.outbound import values
from callfloor.outbound.importing import chunks
from callfloor.outbound.lead_rows import Context, LeadRow
from callfloor.outbound.places import place_of
from callfloor.outbound.values import CellError
from callfloor.storage.contacts import Account, Contact, ContactEmail, ContactPhone, PostalAddress
from callfloor.storage.sales import Order

#: Phone labels in the order they are tried; ``fax`` is not among them.
PREFERENCE = ("mobile", "work", "home", "other")
#: An owner of phones, e-mails and addresses: ("contact", id) or ("account", id).
Owner = tuple[str, int]
#: A quote's (contact id, account id).
Pair = tuple[int | None, int | None]
_CONTACT = (
    Contact.account_id,
    Contact.first_name,
    Contact.last_name,
    Contact.customer_number,
    Contact.timezone,
)
_ACCOUNT = (Account.name, Account.customer_number)


@dataclass(frozen=True, slots=True)
class Recipient:
    """The person (or company) a quote is to, as a lead needs them."""

    contact_id: int | None
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    email: str | None = None
    postal_code: str = ""
    country: str | None = None
    zone: str | None = None
    customer: bool = False
    customer_number: str | None = None
    numbers: tuple[str, ...] = ()

    def lead(self, context: Context, priority: int, data: dict[str, Any]) -> LeadRow | None:
        """A lead on the first valid number, or None when no number is."""
        for number in self.numbers:
            try:
                info = values.phone(number, context.region)
            except CellError:
                continue  # a short number, or one stored before it was checked: try the next
            place = place_of(info.region, info.zones, self.postal_code, context.zone, number=info.e164,
                             country=self.country)  # fmt: skip
            if self.zone:
                place = replace(place, zone=self.zone)
            return LeadRow(info.e164, info.type, place, self.first_name, self.last_name, self.company,
                           self.email, self.postal_code, priority, data)  # fmt: skip
        return None


class Recipients:
    """The recipients of one tenant's quotes."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session, self.tenant_id = session, tenant_id

    def of(self, people: Iterable[Pair]) -> dict[Pair, Recipient]:
        """Each (contact id, account id) pair's recipient; the account is the contact's when None."""
        pairs = set(people)
        contacts = self._rows(Contact, _CONTACT, {c for c, _ in pairs if c is not None})
        accounts_of = {pair: pair[1] or _account(contacts, pair[0]) for pair in pairs}
        accounts = self._rows(Account, _ACCOUNT, {a for a in accounts_of.values() if a is not None})
        owners = [("contact", id_) for id_ in contacts] + [("account", id_) for id_ in accounts]
        file = _File(
            contacts,
            accounts,
            self._owned(ContactPhone, (ContactPhone.number, ContactPhone.label), owners),
            self._owned(ContactEmail, (ContactEmail.address,), owners),
            self._owned(PostalAddress, (PostalAddress.postal_code, PostalAddress.country), owners),
            self._customers(owners),
        )
        return {pair: file.recipient(pair[0], account) for pair, account in accounts_of.items()}

    def _rows(
        self, model: type[Contact] | type[Account], columns: tuple[Any, ...], ids: set[int]
    ) -> dict[int, Row[Any]]:
        """The tenant's contacts or accounts with these ids, by id."""
        found: dict[int, Row[Any]] = {}
        for part in chunks(sorted(ids)):
            query = select(model.id, *columns).where(model.tenant_id == self.tenant_id, model.id.in_(part))
            found.update((row.id, row) for row in self.session.execute(query))
        return found

    def _owned(
        self, model: type[ContactPhone] | type[ContactEmail] | type[PostalAddress], columns: tuple[Any, ...],
        owners: Sequence[Owner],
    ) -> dict[Owner, list[Row[Any]]]:  # fmt: skip
        """The phones, e-mails or addresses of these owners, oldest first."""
        found: dict[Owner, list[Row[Any]]] = defaultdict(list)
        for kind, column in (("contact", model.contact_id), ("account", model.account_id)):
            ids = [id_ for k, id_ in owners if k == kind]
            for part in chunks(ids):
                query = select(column.label("owner"), model.id, *columns)
                query = query.where(model.tenant_id == self.tenant_id, column.in_(part))
                for row in sorted(self.session.execute(query), key=lambda r: r.id):
                    found[(kind, row.owner)].append(row)
        return found

    def _customers(self, owners: Sequence[Owner]) -> set[Owner]:
        """The owners with an order that is not cancelled."""
        found: set[Owner] = set()
        for kind, column in (("contact", Order.contact_id), ("account", Order.account_id)):
            ids = [id_ for k, id_ in owners if k == kind]
            for part in chunks(ids):
                query = (
                    select(column)
                    .distinct()
                    .where(Order.tenant_id == self.tenant_id, column.in_(part), Order.status != "cancelled")
                )
                found.update((kind, id_) for id_ in self.session.scalars(query) if id_ is not None)
        return found


@dataclass(frozen=True, slots=True)
class _File:
    """What the customer file holds on the quotes' contacts and accounts."""

    contacts: dict[int, Row[Any]]
    accounts: dict[int, Row[Any]]
    phones: dict[Owner, list[Row[Any]]]
    emails: dict[Owner, list[Row[Any]]]
    addresses: dict[Owner, list[Row[Any]]]
    customers: set[Owner]

    def recipient(self, contact_id: int | None, account_id: int | None) -> Recipient:
        """The contact's facts first, the account's where the contact has none."""
        contact = self.contacts.get(contact_id) if contact_id is not None else None
        account = self.accounts.get(account_id) if account_id is not None else None
        owners = [("contact", row.id) for row in (contact,) if row is not None]
        owners += [("account", row.id) for row in (account,) if row is not None]
        address = _first(self.addresses, owners)
        return Recipient(
            contact.id if contact else None,
            first_name=contact.first_name if contact else "",
            last_name=contact.last_name if contact else "",
            company=account.name if account else "",
            email=_first(self.emails, owners, "address"),
            postal_code=address.postal_code if address else "",
            country=address.country if address else None,
            zone=contact.timezone if contact else None,
            customer=any(owner in self.customers for owner in owners),
            customer_number=(contact and contact.customer_number) or (account and account.customer_number),
            numbers=_numbers(self.phones, owners),
        )


def _account(contacts: dict[int, Row[Any]], contact_id: int | None) -> int | None:
    contact = contacts.get(contact_id) if contact_id is not None else None
    return contact.account_id if contact is not None else None


def _first(rows: dict[Owner, list[Row[Any]]], owners: Sequence[Owner], name: str | None = None) -> Any:
    """The first row of the first owner that has one (its column ``name`` when given), or None."""
    for owner in owners:
        if rows.get(owner):
            row = rows[owner][0]
            return getattr(row, name) if name else row
    return None


def _numbers(phones: dict[Owner, list[Row[Any]]], owners: Sequence[Owner]) -> tuple[str, ...]:
    """The numbers to try, the contact's before the account's, each by :data:`PREFERENCE`."""
    found: list[str] = []
    for owner in owners:
        listed = [p for p in phones.get(owner, []) if p.label in PREFERENCE]
        found += [p.number for p in sorted(listed, key=lambda p: PREFERENCE.index(p.label))]
    return tuple(dict.fromkeys(found))
