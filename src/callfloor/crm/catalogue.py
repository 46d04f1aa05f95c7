"""A tenant's catalogue of products: what quote lines are written from.

Prices are excluding VAT with at most two decimals and VAT rates are percentages with at most
two (5.5, 2.1): the columns keep no more, and a value the database would round is refused here
rather than changed silently. Changing a product never touches the quotes written from it,
whose lines keep their own copy.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from callfloor.crm.pricing import CENT, HUNDRED
from callfloor.crm.sales_errors import DuplicateReferenceError, ProductError
from callfloor.storage.sales import Product
from callfloor.storage.scope import TenantScope


def decimal_places(value: Decimal) -> int:
    """How many decimals ``value`` is written with (``Decimal("5.50")`` has 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _text(value: Any, name: str, limit: int) -> str:
    text = str(value or "").strip()
    if not text or len(text) > limit:
        raise ProductError(
            f"{name}: required, {limit} characters at most",
            f"{name} : obligatoire, {limit} caractères au plus",
            field=name,
        )
    return text


def _price(value: Any) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise ProductError(
            f"unit_price: {value} is not an amount of at most 2 decimals",
            f"unit_price : {value} n'est pas un montant à 2 décimales au plus",
            field="unit_price",
        )
    return value


def _rate(value: Any) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= HUNDRED:
        raise ProductError(
            f"vat_rate: {value} is not a percentage",
            f"vat_rate : {value} n'est pas un pourcentage",
            field="vat_rate",
        )
    if decimal_places(value.normalize()) > 2:
        raise ProductError(
            f"vat_rate: {value} has more than 2 decimals",
            f"vat_rate : {value} a plus de 2 décimales",
            field="vat_rate",
        )
    return value


RULES: dict[str, Callable[[Any], Any]] = {
    "reference": lambda v: _text(v, "reference", 40),
    "label": lambda v: _text(v, "label", 200),
    "description": lambda v: str(v or ""),
    "unit_price": _price,
    "vat_rate": _rate,
    "active": bool,
}
REQUIRED = ("reference", "label", "unit_price", "vat_rate")


class Catalogue:
    """Create, change and delete one tenant's products."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.products = TenantScope(session, tenant_id).products

    def create(self, fields: Mapping[str, Any], *, now: datetime) -> Product:
        """A new product; ``reference``, ``label``, ``unit_price`` and ``vat_rate`` are required."""
        missing = [name for name in REQUIRED if fields.get(name) is None]
        if missing:
            raise ProductError(f"{missing[0]}: required", f"{missing[0]} : obligatoire", field=missing[0])
        product = Product(description="", active=True, created_at=now)
        self._apply(product, fields)
        return self.products.add(product)

    def update(self, product: Product, fields: Mapping[str, Any]) -> Product:
        """Change the fields given; the others stay as they are."""
        self._apply(product, fields)
        self.session.flush()
        return product

    def delete(self, product: Product) -> None:
        """Delete a product; the lines written from it keep their copy and lose the link."""
        self.products.delete(product)

    def _apply(self, product: Product, fields: Mapping[str, Any]) -> None:
        unknown = set(fields) - set(RULES)
        if unknown:
            name = sorted(unknown)[0]
            raise ProductError(f"{name}: unknown field", f"{name} : champ inconnu", field=name)
        cleaned = {name: RULES[name](value) for name, value in fields.items()}
        reference = cleaned.get("reference")
        if reference is not None and reference != product.reference:
            self._check_free(reference)
        for name, value in cleaned.items():
            setattr(product, name, value)

    def _check_free(self, reference: str) -> None:
        if self.products.by_reference(reference) is not None:
            raise DuplicateReferenceError(
                f"reference {reference!r} is already used",
                f"la référence {reference!r} est déjà utilisée",
                field="reference",
            )
