"""What the sales routes receive and show: lines, totals with their VAT breakdown, quotes, orders."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field

from callfloor.api.routes.products import Amount, Shown, Text
from callfloor.crm.lines import LineInput, stored_line, stored_totals
from callfloor.crm.quote_status import OrderStatus, QuoteStatus
from callfloor.storage.sales import Order, OrderLine, Quote, QuoteLine


class LineIn(BaseModel):
    """A line: ``product`` (a catalogue reference) fills what is not given; a free line gives it all."""

    product: Annotated[str, Field(max_length=40)] | None = None
    reference: Annotated[str, Field(max_length=40)] | None = None
    label: Text | None = None
    quantity: Amount = Decimal(1)
    unit_price: Amount | None = None
    vat_rate: Amount | None = None
    discount: Amount = Decimal(0)

    def to_input(self) -> LineInput:
        """The service's line."""
        return LineInput(**self.model_dump())


class LineOut(BaseModel):
    """A stored line and its total excluding VAT."""

    position: int
    product_id: int | None
    reference: str
    label: str
    quantity: Shown
    unit_price: Shown
    discount: Shown
    vat_rate: Shown
    total_excl_vat: Shown


class VatOut(BaseModel):
    """One rate of the VAT breakdown (récapitulatif de TVA)."""

    rate: Shown
    base: Shown
    vat: Shown


class TotalsOut(BaseModel):
    """Totals excluding VAT, VAT, including VAT, and the VAT per rate."""

    excl_vat: Shown
    vat: Shown
    incl_vat: Shown
    breakdown: list[VatOut]


def line_view(row: QuoteLine | OrderLine) -> LineOut:
    return LineOut(
        position=row.position,
        product_id=row.product_id,
        reference=row.reference,
        label=row.label,
        quantity=row.quantity,
        unit_price=row.unit_price,
        discount=row.discount,
        vat_rate=row.vat_rate,
        total_excl_vat=stored_line(row).total_excl_vat,
    )


def totals_view(document: Quote | Order) -> TotalsOut:
    """The stored totals, and the breakdown per rate from the lines they were computed from."""
    breakdown = stored_totals(document.lines).breakdown
    return TotalsOut(
        excl_vat=document.total_excl_vat,
        vat=document.total_vat,
        incl_vat=document.total_incl_vat,
        breakdown=[VatOut(rate=v.rate, base=v.base, vat=v.vat) for v in breakdown],
    )


class QuoteOut(BaseModel):
    """A quote, its lines and its totals."""

    id: int
    number: str
    status: QuoteStatus
    contact_id: int | None
    account_id: int | None
    owner_user_id: int | None
    valid_until: date
    sent_on: date | None
    notes: str
    lines: list[LineOut]
    totals: TotalsOut
    created_at: datetime
    updated_at: datetime


class OrderOut(BaseModel):
    """An order, its lines and its totals."""

    id: int
    number: str
    status: OrderStatus
    quote_id: int | None
    contact_id: int | None
    account_id: int | None
    taken_by_user_id: int | None
    taken_at: datetime
    notes: str
    lines: list[LineOut]
    totals: TotalsOut
    created_at: datetime
    updated_at: datetime


def _document_fields(row: Quote | Order, model: type[BaseModel]) -> dict[str, Any]:
    shown = {name: getattr(row, name) for name in model.model_fields if name not in ("lines", "totals")}
    return shown | {"lines": [line_view(line) for line in row.lines], "totals": totals_view(row)}


def quote_view(row: Quote) -> QuoteOut:
    return QuoteOut.model_validate(_document_fields(row, QuoteOut))


def order_view(row: Order) -> OrderOut:
    return OrderOut.model_validate(_document_fields(row, OrderOut))
