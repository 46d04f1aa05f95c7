"""One imported row of the catalogue: a product found by its reference, written through the catalogue.

Amounts are read as French and English spreadsheets write them (``49,90``, ``1 234,50``,
``49.9``, ``20 %``) and handed to :class:`~callfloor.crm.catalogue.Catalogue` as decimals, whose
rules then accept or refuse them as they do an API call's.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from callfloor.crm.catalogue import RULES, Catalogue
from callfloor.crm.columns import Header
from callfloor.crm.import_owners import RowError
from callfloor.crm.sales_errors import SalesError
from callfloor.crm.sheets import SheetError
from callfloor.storage.sales import Product

Record = dict[str, str]
_TRUE = frozenset({"true", "vrai", "oui", "yes", "1", "x", ""})
_FALSE = frozenset({"false", "faux", "non", "no", "0"})


def amount(text: str, field: str) -> Decimal | None:
    """A decimal as spreadsheets write it; None when blank."""
    cleaned = text.strip().removesuffix("%").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.removesuffix("€").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise RowError(field, f"{text!r} is not a number", f"{text!r} n'est pas un nombre") from None
    if not value.is_finite():
        raise RowError(field, f"{text!r} is not a number", f"{text!r} n'est pas un nombre")
    return value


def flag(text: str) -> bool:
    """true/false, oui/non, vrai/faux, 1/0, x; blank is true (a listed product is on sale)."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise RowError("active", f"{text!r} is not true or false", f"{text!r} n'est ni oui ni non")


class ProductRows:
    """Writes rows of products, keyed by reference."""

    def __init__(self, session: Session, tenant_id: int, header: Header, now: datetime) -> None:
        self.catalogue = Catalogue(session, tenant_id)
        self.columns = set(header.columns.values())
        self.now = now
        self.known: dict[str, Product] = {}
        if "reference" not in self.columns:
            raise SheetError("a product file needs a reference column", "il faut une colonne référence")

    def prefetch(self, batch: Sequence[Record]) -> None:
        """Load the products this batch names, in one query."""
        references = [r["reference"].strip() for r in batch if r["reference"].strip() not in self.known]
        self.known.update(self.catalogue.products.by_references(references))

    def write(self, record: Record) -> str:
        """Create or update the row's product; ``created``, ``updated`` or ``unchanged``."""
        fields = self._fields(record)
        existing = self.known.get(record["reference"].strip())
        if existing is None:
            product = self.catalogue.create(fields, now=self.now)
            self.known[product.reference] = product
            return "created"
        changed = {name: value for name, value in fields.items() if self._differs(existing, name, value)}
        if not changed:
            return "unchanged"
        self.catalogue.update(existing, changed)
        return "updated"

    def _fields(self, record: Record) -> dict[str, Any]:
        fields: dict[str, Any] = {name: record[name] for name in RULES if name in self.columns}
        for name in ("unit_price", "vat_rate"):
            if name in fields:
                fields[name] = amount(fields[name], name)
        if "active" in fields:
            fields["active"] = flag(fields["active"])
        return fields

    @staticmethod
    def _differs(product: Product, name: str, value: Any) -> bool:
        try:
            return bool(RULES[name](value) != getattr(product, name))
        except SalesError:
            return True  # the catalogue refuses it, naming the field
