"""Exporting contacts, accounts and products to CSV or XLSX, in the columns the importer reads.

The columns are the canonical ones of :mod:`callfloor.crm.columns`: as many numbered phone and
e-mail columns as the record with the most of them needs, one postal address (the first), and
a ``custom.<key>`` column per custom field of the tenant. Importing an export with the same
upsert key changes nothing. Numbers of the tenant's own country are written in the national
format French Excel keeps as text (« 06 12 34 56 78 »); others in international format.
Amounts are written with a decimal comma, as French Excel reads them.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from callfloor.crm.columns import (
    ADDRESS_COLUMNS,
    CUSTOM_PREFIX,
    EMAIL_LABELS,
    PHONE_LABELS,
    SCALARS,
    numbered,
)
from callfloor.crm.sheets import write_csv, write_xlsx
from callfloor.storage.contacts import Account, Contact, CustomFieldRepository
from callfloor.storage.models import Tenant
from callfloor.storage.sales import Product

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def phone_text(number: str, region: str) -> str:
    """A stored E.164 number as a spreadsheet user reads it; it reads back to the same number."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    if phonenumbers.is_valid_number(parsed) and phonenumbers.region_code_for_number(parsed) == region:
        return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL))
    return number


def decimal_text(value: Decimal) -> str:
    """``49,90``: a decimal comma, as French spreadsheets write amounts."""
    return str(value).replace(".", ",")


def _first_columns(labels: dict[str, str]) -> dict[str, str]:
    """Label -> the first column that carries it (``home`` -> ``phone`` for contacts)."""
    first: dict[str, str] = {}
    for column, label in labels.items():
        first.setdefault(label, column)
    return first


class Exporter:
    """The rows of one kind of record of one tenant."""

    def __init__(self, session: Session, tenant_id: int, kind: str) -> None:
        self.session, self.tenant_id, self.kind = session, tenant_id, kind
        tenant = session.get(Tenant, tenant_id)
        self.region = tenant.country if tenant is not None else "FR"

    def table(self) -> tuple[list[str], list[list[str]]]:
        """The header and the rows, in id order."""
        if self.kind == "products":
            products = self.session.scalars(
                select(Product).where(Product.tenant_id == self.tenant_id).order_by(Product.id)
            ).all()
            return list(SCALARS["products"]), [self._product(p) for p in products]
        return self._owners()

    def file(self, format_: str) -> bytes:
        """The whole export as a CSV or XLSX file."""
        header, rows = self.table()
        return write_csv(header, rows) if format_ == "csv" else write_xlsx(header, rows, self.kind)

    def _product(self, p: Product) -> list[str]:
        active = "true" if p.active else "false"
        return [
            p.reference,
            p.label,
            p.description,
            decimal_text(p.unit_price),
            decimal_text(p.vat_rate),
            active,
        ]

    def _owners(self) -> tuple[list[str], list[list[str]]]:
        model: type[Contact | Account] = Contact if self.kind == "contacts" else Account
        lists = (model.phones, model.emails, model.addresses)
        query = select(model).where(model.tenant_id == self.tenant_id).order_by(model.id)
        if model is Contact:
            query = query.options(selectinload(Contact.account))
        loaded = self.session.scalars(query.options(*(selectinload(a) for a in lists))).all()
        owners = cast(Sequence[Contact | Account], loaded)
        phones = _counts(PHONE_LABELS[self.kind], [[p.label for p in o.phones] for o in owners])
        emails = _counts(EMAIL_LABELS, [[e.label for e in o.emails] for o in owners])
        entity = "contact" if self.kind == "contacts" else "account"
        customs = sorted(CustomFieldRepository(self.session, self.tenant_id).for_entity(entity))
        header = [
            *SCALARS[self.kind],
            *self._numbered(PHONE_LABELS[self.kind], phones),
            *self._numbered(EMAIL_LABELS, emails),
            *ADDRESS_COLUMNS,
            *(CUSTOM_PREFIX + key for key in customs),
        ]
        return header, [self._owner(o, phones, emails, customs) for o in owners]

    @staticmethod
    def _numbered(labels: dict[str, str], counts: dict[str, int]) -> list[str]:
        first = _first_columns(labels)
        return [column for label, count in counts.items() for column in numbered(first[label], count)]

    def _owner(
        self, owner: Any, phones: dict[str, int], emails: dict[str, int], customs: Sequence[str]
    ) -> list[str]:
        row = [self._scalar(owner, name) for name in SCALARS[self.kind]]
        row += self._slots([(phone_text(p.number, self.region), p.label) for p in owner.phones], phones)
        row += self._slots([(e.address, e.label) for e in owner.emails], emails)
        first = owner.addresses[0] if owner.addresses else None
        lines = list(first.lines) if first else []
        place = (first.postal_code, first.city, first.country) if first else ("", "", "")
        row += [*(lines + [""] * 4)[:4], *place]
        row += [_custom_text(owner.custom.get(key)) for key in customs]
        return row

    @staticmethod
    def _slots(items: Iterable[tuple[str, str]], counts: dict[str, int]) -> list[str]:
        """The values of one list in their label's columns, blanks filling the columns left."""
        by_label: dict[str, list[str]] = {label: [] for label in counts}
        for value, label in items:
            by_label[label].append(value)
        return [v for label, count in counts.items() for v in (by_label[label] + [""] * count)[:count]]

    @staticmethod
    def _scalar(owner: Any, name: str) -> str:
        if name == "tags":
            return ", ".join(owner.tags)
        if name == "company":
            return owner.account.name if owner.account is not None else ""
        if name == "account_number":
            return (owner.account.customer_number or "") if owner.account is not None else ""
        value = getattr(owner, name)
        return "" if value is None else str(value)


def _counts(labels: dict[str, str], owners: Sequence[Sequence[str]]) -> dict[str, int]:
    """Label -> how many columns it needs (the most any record has; the first label one at least)."""
    counts = {label: max((o.count(label) for o in owners), default=0) for label in _first_columns(labels)}
    first = next(iter(counts))
    counts[first] = max(counts[first], 1)
    return counts


def _custom_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def export_file(session: Session, tenant_id: int, kind: str, format_: str) -> bytes:
    """The tenant's ``kind`` (contacts, accounts, products) as a ``format_`` (csv, xlsx) file."""
    return Exporter(session, tenant_id, kind).file(format_)
