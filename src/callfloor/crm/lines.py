"""Quote and order lines: written from the catalogue or free, checked, then priced.

A line naming a product (by reference) copies its reference, label, price and VAT rate at that
moment, and any of them given on the line wins (a negotiated price, a longer label). A free line
gives all four itself. Each line is checked as :class:`callfloor.crm.pricing.Line` checks it,
plus the precision of the columns that keep it, and a refusal names the line's position.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from callfloor.crm.catalogue import decimal_places
from callfloor.crm.pricing import Line, PricingError, Totals, totals
from callfloor.crm.sales_errors import LineError
from callfloor.storage.sales import OrderLine, Product, ProductRepository, QuoteLine

LineRow = TypeVar("LineRow", QuoteLine, OrderLine)
T = TypeVar("T")
#: Decimals the columns keep: quantities to the thousandth, percentages to the hundredth.
PLACES = {"quantity": 3, "discount": 2, "vat_rate": 2}
LENGTHS = {"reference": 40, "label": 200}


@dataclass(frozen=True, slots=True)
class LineInput:
    """A line as an agent writes it: ``product`` is a catalogue reference, or None for a free line."""

    product: str | None = None
    reference: str | None = None
    label: str | None = None
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = None
    vat_rate: Decimal | None = None
    discount: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A checked line and the product it came from, if any."""

    line: Line
    product_id: int | None


def price_lines(products: ProductRepository, inputs: Sequence[LineInput]) -> list[PricedLine]:
    """Every input checked and priced, in order; :class:`LineError` names the first bad one."""
    catalogue = products.by_references([i.product for i in inputs if i.product is not None])
    return [_priced(position, given, catalogue) for position, given in enumerate(inputs, start=1)]


def _priced(position: int, given: LineInput, catalogue: dict[str, Product]) -> PricedLine:
    product = _product(position, given.product, catalogue)
    reference = _required(position, "reference", given.reference, product.reference if product else None)
    label = _required(position, "label", given.label, product.label if product else None)
    price = _required(position, "unit_price", given.unit_price, product.unit_price if product else None)
    rate = _required(position, "vat_rate", given.vat_rate, product.vat_rate if product else None)
    _check_shape(position, {"reference": reference, "label": label})
    _check_places(position, {"quantity": given.quantity, "discount": given.discount, "vat_rate": rate})
    try:
        line = Line(reference, label, given.quantity, price, rate, given.discount)
    except PricingError as error:
        raise LineError(position, str(error), f"montant refusé ({error})") from None
    return PricedLine(line, product.id if product else None)


def _required(position: int, name: str, given: T | None, default: T | None) -> T:
    """The line's own value, else the product's; a free line must give it."""
    value = given if given is not None else default
    if value is None or value == "":
        raise LineError(position, f"{name} is required on a free line", f"{name} est requis (ligne libre)")
    return value


def _product(position: int, reference: str | None, catalogue: dict[str, Product]) -> Product | None:
    if reference is None:
        return None
    product = catalogue.get(reference)
    if product is None:
        raise LineError(position, f"unknown product {reference!r}", f"produit {reference!r} inconnu")
    if not product.active:
        raise LineError(
            position, f"product {reference!r} is no longer sold", f"le produit {reference!r} n'est plus vendu"
        )
    return product


def _check_shape(position: int, texts: dict[str, str]) -> None:
    for name, text in texts.items():
        if len(text) > LENGTHS[name]:
            limit = LENGTHS[name]
            raise LineError(
                position, f"{name}: {limit} characters at most", f"{name} : {limit} caractères au plus"
            )


def _check_places(position: int, amounts: dict[str, Decimal]) -> None:
    for name, value in amounts.items():
        places = PLACES[name]
        if isinstance(value, Decimal) and value.is_finite() and decimal_places(value.normalize()) > places:
            raise LineError(
                position, f"{name}: {places} decimals at most", f"{name} : {places} décimales au plus"
            )


def line_rows(row_type: type[LineRow], tenant_id: int, priced: Sequence[PricedLine]) -> list[LineRow]:
    """Rows of ``row_type`` (quote or order lines) numbered from 1, as written."""
    return [
        row_type(
            tenant_id=tenant_id,
            position=position,
            product_id=p.product_id,
            reference=p.line.reference,
            label=p.line.label,
            quantity=p.line.quantity,
            unit_price=p.line.unit_price,
            discount=p.line.discount,
            vat_rate=p.line.vat_rate,
        )
        for position, p in enumerate(priced, start=1)
    ]


def stored_line(row: QuoteLine | OrderLine) -> Line:
    """A stored line back as a pricing line (to total it, or copy it to an order)."""
    return Line(row.reference, row.label, row.quantity, row.unit_price, row.vat_rate, row.discount)


def copied(row_type: type[LineRow], tenant_id: int, rows: Sequence[QuoteLine | OrderLine]) -> list[LineRow]:
    """Copies of stored lines as rows of ``row_type`` (a quote's lines becoming an order's)."""
    return line_rows(row_type, tenant_id, [PricedLine(stored_line(r), r.product_id) for r in rows])


def stored_totals(rows: Sequence[QuoteLine | OrderLine]) -> Totals:
    """The totals of stored lines, with their VAT breakdown."""
    return totals(stored_line(r) for r in rows)
