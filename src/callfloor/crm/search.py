"""Finding contacts: by name, number in any format, e-mail, company or customer number; caller ID.

A caller ID or an agent gives a number as it comes (« 06 12 34 56 78 », ``+33612345678``,
``0033 6…``, ``612345678``, ``+33 (0)6…``); it is normalised in the tenant's country exactly as
stored numbers were, so the match is one equality on the (tenant, number) index. Names are
matched on their folded form (:func:`callfloor.crm.fields.fold`), word by word, so « helene »
finds « Hélène Le Gall » and so does « le gall hel ».
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from callfloor.crm.fields import fold, number_keys
from callfloor.storage.contacts import Account, Contact, ContactEmail, ContactPhone
from callfloor.storage.models import Tenant

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results and how many there are in all."""

    items: Sequence[T]
    total: int


@dataclass(frozen=True, slots=True)
class CallerMatch:
    """Who a number belongs to: contacts and accounts (a switchboard number sits on an account)."""

    contacts: Sequence[Contact] = field(default_factory=list)
    accounts: Sequence[Account] = field(default_factory=list)


def _words_in(column: InstrumentedAttribute[str], query: str) -> ColumnElement[bool]:
    words = fold(query).split()
    if not words:
        return false()
    return and_(*(column.contains(w, autoescape=True) for w in words))


class ContactSearch:
    """Searches of one tenant's customer file."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        tenant = session.get(Tenant, tenant_id)
        self.region = tenant.country if tenant else "FR"

    def search(
        self,
        q: str | None = None,
        *,
        name: str | None = None,
        number: str | None = None,
        email: str | None = None,
        company: str | None = None,
        customer_number: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Contact]:
        """Contacts matching every criterion given; ``q`` matches any of them."""
        conditions = [Contact.tenant_id == self.tenant_id]
        given = {
            self._by_name: name,
            self._by_number: number,
            self._by_email: email,
            self._by_company: company,
            self._by_customer_number: customer_number,
        }
        conditions += [match(value) for match, value in given.items() if value]
        if q and q.strip():
            conditions.append(or_(*(match(q) for match in given)))
        return self._page(select(Contact).where(*conditions), limit, offset)

    def accounts(self, q: str | None = None, *, limit: int = 50, offset: int = 0) -> Page[Account]:
        """Accounts whose name, customer number, registration number or a number matches ``q``."""
        query = select(Account).where(Account.tenant_id == self.tenant_id)
        if q and q.strip():
            text = q.strip()
            query = query.where(
                or_(
                    _words_in(Account.name_folded, text),
                    Account.customer_number == text,
                    Account.registration_number == text.replace(" ", ""),
                    Account.id.in_(self._phones(ContactPhone.account_id, text)),
                )
            )
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(Account.name_folded, Account.id).limit(limit).offset(offset)
        )
        return Page(rows.all(), total)

    def find_by_number(self, raw: str) -> CallerMatch:
        """Who a caller ID or a typed number belongs to (screen pop, IVR): contacts, then accounts."""
        if not number_keys(raw, self.region):
            return CallerMatch()
        contacts = self.session.scalars(
            self._loaded(select(Contact))
            .where(Contact.tenant_id == self.tenant_id, self._by_number(raw))
            .order_by(Contact.id)
        ).all()
        accounts = self.session.scalars(
            select(Account)
            .where(Account.tenant_id == self.tenant_id)
            .where(Account.id.in_(self._phones(ContactPhone.account_id, raw)))
            .order_by(Account.id)
        ).all()
        return CallerMatch(contacts, accounts)

    def _page(self, query: Select[Contact], limit: int, offset: int) -> Page[Contact]:
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        ordered = query.order_by(Contact.name_folded, Contact.id).limit(limit).offset(offset)
        return Page(self.session.scalars(self._loaded(ordered)).all(), total)

    @staticmethod
    def _loaded(query: Select[Contact]) -> Select[Contact]:
        return query.options(
            selectinload(Contact.phones),
            selectinload(Contact.emails),
            selectinload(Contact.addresses),
            selectinload(Contact.account),
        )

    def _phones(self, owner: InstrumentedAttribute[int | None], raw: str) -> Select[int | None]:
        keys = number_keys(raw, self.region)
        return select(owner).where(ContactPhone.tenant_id == self.tenant_id, ContactPhone.number.in_(keys))

    def _by_name(self, text: str) -> ColumnElement[bool]:
        return _words_in(Contact.name_folded, text)

    def _by_number(self, text: str) -> ColumnElement[bool]:
        if not number_keys(text, self.region):
            return false()
        return Contact.id.in_(self._phones(ContactPhone.contact_id, text))

    def _by_email(self, text: str) -> ColumnElement[bool]:
        if "@" not in text:
            return false()
        owners = select(ContactEmail.contact_id).where(
            ContactEmail.tenant_id == self.tenant_id,
            ContactEmail.address.contains(text.strip().lower(), autoescape=True),
        )
        return Contact.id.in_(owners)

    def _by_company(self, text: str) -> ColumnElement[bool]:
        accounts = select(Account.id).where(
            Account.tenant_id == self.tenant_id, _words_in(Account.name_folded, text)
        )
        return Contact.account_id.in_(accounts)

    def _by_customer_number(self, text: str) -> ColumnElement[bool]:
        return Contact.customer_number == text.strip()
