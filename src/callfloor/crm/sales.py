"""Selling: quotes (devis) drafted, sent, accepted or refused, and orders taken from them.

One tenant per service, like the storage repositories. Every status change goes through the
tables of :mod:`callfloor.crm.quote_status`; an illegal one is a :class:`StatusMoveError`
naming both states. Totals are recomputed by :mod:`callfloor.crm.pricing` whenever the lines
change, and stored. Numbers come from the tenant's counters in the caller's transaction, so
a quote that is rolled back gives its number back. The service reads no clock: ``now`` and
``today`` are arguments (the API takes them from the request, ``today`` in the tenant's zone).

An order is taken from a quote in one action, as an agent does during a call: a sent quote is
accepted then ordered, an accepted one ordered, and the order copies its lines and totals.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callfloor.crm import quote_status as rules
from callfloor.crm import timeline_rows as _timeline_rows  # noqa: F401 - registers the timeline sources
from callfloor.crm.lines import LineInput, copied, line_rows, price_lines, stored_totals
from callfloor.crm.merge import CONTACT_REFERENCES
from callfloor.crm.outbox import order_created
from callfloor.crm.quote_status import IllegalTransitionError, OrderStatus, QuoteStatus
from callfloor.crm.sales_errors import CustomerError, NotDraftError, QuoteExpiredError, StatusMoveError
from callfloor.storage.models import Tenant
from callfloor.storage.sales import Order, OrderLine, Quote, QuoteLine, next_number
from callfloor.storage.scope import TenantScope

# A merge of two contacts moves their quotes and orders to the survivor.
CONTACT_REFERENCES.register(Quote, Quote.contact_id)
CONTACT_REFERENCES.register(Order, Order.contact_id)

PREFIXES = {"quote": "D", "order": "C"}  # devis, commande
S = TypeVar("S", bound=StrEnum)
EDITABLE = frozenset({"contact_id", "account_id", "owner_user_id", "valid_until", "notes"})


def _moved(what: str, move: Callable[[str, S, S], S], old: str, new: S) -> str:
    """``new`` if the table allows it, else a :class:`StatusMoveError` naming both states."""
    try:
        return str(move(what, type(new)(old), new))
    except IllegalTransitionError:
        raise StatusMoveError(
            f"{what}: cannot go from {old} to {new}", f"{what} : impossible de passer de {old} à {new}"
        ) from None


class Sales:
    """Quotes and orders of one tenant."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.scope = TenantScope(session, tenant_id)
        tenant = session.get(Tenant, tenant_id)
        self.zone = ZoneInfo(tenant.timezone if tenant else "UTC")

    def local_date(self, now: datetime) -> date:
        """The tenant's calendar date at ``now`` (a quote's year and its sent day are local)."""
        return now.astimezone(self.zone).date()

    def _number(self, kind: str, now: datetime) -> str:
        year = self.local_date(now).year
        return f"{PREFIXES[kind]}-{year}-{next_number(self.session, self.tenant_id, kind, year):06d}"

    # Quotes

    def create_quote(self, fields: Mapping[str, Any], lines: Sequence[LineInput], *, now: datetime) -> Quote:
        """A draft quote with its lines priced; ``valid_until`` and a contact or account are required."""
        quote = Quote(tenant_id=self.tenant_id, status=QuoteStatus.DRAFT.value, notes="")
        self._apply(quote, fields)
        if quote.valid_until is None:
            raise CustomerError("valid_until: required", "valid_until : obligatoire", field="valid_until")
        priced = price_lines(self.scope.products, lines)
        quote.number = self._number("quote", now)
        quote.created_at = quote.updated_at = now
        quote.lines = line_rows(QuoteLine, self.tenant_id, priced)
        self._total(quote)
        return self.scope.quotes.add(quote)

    def update_quote(
        self, quote: Quote, fields: Mapping[str, Any], lines: Sequence[LineInput] | None, *, now: datetime
    ) -> Quote:
        """Change a draft: the fields given, and all its lines when ``lines`` is not None."""
        if quote.status != QuoteStatus.DRAFT:
            raise NotDraftError(
                f"quote {quote.number} is {quote.status}: only a draft changes",
                f"le devis {quote.number} est {quote.status} : seul un brouillon se modifie",
            )
        self._apply(quote, fields)
        if lines is not None:
            priced = price_lines(self.scope.products, lines)
            quote.lines.clear()
            self.session.flush()  # the old positions are freed before the new lines take them
            quote.lines.extend(line_rows(QuoteLine, self.tenant_id, priced))
            self._total(quote)
        quote.updated_at = now
        self.session.flush()
        return quote

    def send(self, quote: Quote, *, today: date, now: datetime) -> Quote:
        """Mark a draft sent on ``today``; it must have lines and still be valid."""
        if not quote.lines:
            raise CustomerError(
                f"quote {quote.number} has no line",
                f"le devis {quote.number} n'a aucune ligne",
                field="lines",
            )
        self._check_valid(quote, today)
        self._move_quote(quote, QuoteStatus.SENT, now)
        quote.sent_on = today
        return quote

    def accept(self, quote: Quote, *, today: date, now: datetime) -> Quote:
        """The customer accepts a sent quote, on or before its last valid day."""
        if quote.status == QuoteStatus.SENT:
            self._check_valid(quote, today)
        return self._move_quote(quote, QuoteStatus.ACCEPTED, now)

    def refuse(self, quote: Quote, *, now: datetime) -> Quote:
        """The customer refuses a sent quote."""
        return self._move_quote(quote, QuoteStatus.REFUSED, now)

    def cancel(self, quote: Quote, *, now: datetime) -> Quote:
        """The center withdraws a draft or a sent quote."""
        return self._move_quote(quote, QuoteStatus.CANCELLED, now)

    def expire_due(self, *, today: date, now: datetime) -> list[Quote]:
        """Move every sent quote whose last valid day is past to *expired*; the quotes moved."""
        sent = self.scope.quotes.find(statuses=[QuoteStatus.SENT])
        due = [q for q in sent if rules.expire_due(QuoteStatus.SENT, q.valid_until, today)]
        for quote in due:
            self._move_quote(quote, QuoteStatus.EXPIRED, now)
        return due

    def needs_follow_up(self, *, today: date, after_days: int) -> list[Quote]:
        """The sent quotes a relance de devis should call about today, oldest sent first."""
        sent = self.scope.quotes.find(statuses=[QuoteStatus.SENT])
        due = [
            q
            for q in sent
            if q.sent_on is not None
            and rules.needs_follow_up(QuoteStatus.SENT, q.sent_on, q.valid_until, today, after_days)
        ]
        return sorted(due, key=lambda q: (q.sent_on or today, q.id))

    # Orders

    def take_order(self, quote: Quote, *, taken_by: int | None, today: date, now: datetime) -> Order:
        """Order what a sent or accepted quote offers, in the caller's transaction (one action on a call)."""
        if quote.status == QuoteStatus.SENT:
            self.accept(quote, today=today, now=now)
        self._move_quote(quote, QuoteStatus.ORDERED, now)
        order = Order(
            tenant_id=self.tenant_id,
            number=self._number("order", now),
            quote_id=quote.id,
            contact_id=quote.contact_id,
            account_id=quote.account_id,
            status=OrderStatus.TAKEN.value,
            notes=quote.notes,
            taken_by_user_id=taken_by,
            taken_at=now,
            created_at=now,
            updated_at=now,
            total_excl_vat=quote.total_excl_vat,
            total_vat=quote.total_vat,
            total_incl_vat=quote.total_incl_vat,
        )
        order.lines = copied(OrderLine, self.tenant_id, quote.lines)
        self.scope.orders.add(order)
        order_created(self.session, order)  # the webhooks' delivery, in this very transaction
        return order

    def move_order(self, order: Order, status: OrderStatus, *, now: datetime) -> Order:
        """Move an order along its table (confirmed, shipped, delivered, or cancelled before shipping)."""
        order.status = _moved(f"order {order.number}", rules.move_order, order.status, status)
        order.updated_at = now
        self.session.flush()
        return order

    # Helpers

    def _move_quote(self, quote: Quote, status: QuoteStatus, now: datetime) -> Quote:
        quote.status = _moved(f"quote {quote.number}", rules.move_quote, quote.status, status)
        quote.updated_at = now
        self.session.flush()
        return quote

    def _check_valid(self, quote: Quote, today: date) -> None:
        if today > quote.valid_until:
            raise QuoteExpiredError(
                f"quote {quote.number} was valid until {quote.valid_until}",
                f"le devis {quote.number} était valable jusqu'au {quote.valid_until:%d/%m/%Y}",
            )

    def _total(self, quote: Quote) -> None:
        result = stored_totals(quote.lines)
        quote.total_excl_vat, quote.total_vat = result.excl_vat, result.vat
        quote.total_incl_vat = result.incl_vat

    def _apply(self, quote: Quote, fields: Mapping[str, Any]) -> None:
        """Check every field given, then set them (a bad id never reaches a flush)."""
        unknown = set(fields) - EDITABLE
        if unknown:
            name = sorted(unknown)[0]
            raise CustomerError(f"{name}: unknown field", f"{name} : champ inconnu", field=name)
        values = {name: getattr(quote, name) for name in EDITABLE} | dict(fields)
        values["notes"] = str(values["notes"] or "")
        self._check_people(values)
        for name, value in values.items():
            setattr(quote, name, value)

    def _check_people(self, values: dict[str, Any]) -> None:
        """Contact, account and owner must be the tenant's; with no account, the contact's is taken."""
        contact_id, owner = values["contact_id"], values["owner_user_id"]
        contact = self.scope.contacts.get(contact_id) if contact_id is not None else None
        if contact_id is not None and contact is None:
            raise _unknown("contact_id", f"contact {contact_id}", f"contact {contact_id}")
        if values["account_id"] is None and contact is not None:
            values["account_id"] = contact.account_id
        account_id = values["account_id"]
        if account_id is not None and self.scope.accounts.get(account_id) is None:
            raise _unknown("account_id", f"account {account_id}", f"compte {account_id}")
        if contact_id is None and account_id is None:
            raise CustomerError(
                "a contact or an account is required",
                "un contact ou un compte est requis",
                field="contact_id",
            )
        if owner is not None and self.scope.users.get(owner) is None:
            raise _unknown("owner_user_id", f"user {owner}", f"utilisateur {owner}")


def _unknown(field: str, en: str, fr: str) -> CustomerError:
    return CustomerError(f"unknown {en}", f"{fr} inconnu", field=field)
