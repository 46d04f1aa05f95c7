"""Quotes and orders of the caller's tenant.

Agents, supervisors and admins sell: quotes are written and orders taken during calls; client
viewers get 403. Today's date (a quote's sent day, its validity) is the tenant's, from the
request's time taken at this edge. An illegal status change is a 409 naming both states; a
line that cannot be priced is a 422 naming its position.
"""

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from callfloor.api.deps import Caller
from callfloor.api.errors import not_found
from callfloor.api.routes.products import Seller, now, refused_as_api_errors
from callfloor.api.routes.sales_views import LineIn, OrderOut, QuoteOut, order_view, quote_view
from callfloor.crm.quote_status import OrderStatus, QuoteStatus
from callfloor.crm.sales import Sales
from callfloor.storage.sales import Order, Quote
from callfloor.storage.scope import TenantScope

router = APIRouter(tags=["sales"])
DEFAULT_VALIDITY = timedelta(days=30)


# Quotes


class QuoteIn(BaseModel):
    """A new draft quote: a contact and/or an account, lines, and the last day it is valid."""

    contact_id: int | None = None
    account_id: int | None = None
    owner_user_id: int | None = Field(None, description="Defaults to the caller.")
    valid_until: date | None = Field(None, description="Defaults to 30 days from today.")
    notes: Annotated[str, Field(max_length=10_000)] = ""
    lines: Annotated[list[LineIn], Field(max_length=500)] = []


class QuotePatch(BaseModel):
    """A draft's fields to change; ``lines``, when given, replace them all."""

    contact_id: int | None = None
    account_id: int | None = None
    owner_user_id: int | None = None
    valid_until: date | None = None
    notes: Annotated[str, Field(max_length=10_000)] | None = None
    lines: Annotated[list[LineIn], Field(max_length=500)] | None = None


def _quote(caller: Caller, quote_id: int) -> Quote:
    row = TenantScope(caller.session, caller.tenant_id).quotes.get(quote_id)
    if row is None:
        raise not_found()
    return row


@router.get("/api/quotes")
def list_quotes(
    caller: Seller,
    status: Annotated[list[QuoteStatus] | None, Query()] = None,
    contact_id: int | None = None,
    account_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[QuoteOut]:
    """The tenant's quotes, newest first, filtered by status (repeatable), contact and account."""
    rows = TenantScope(caller.session, caller.tenant_id).quotes.find(
        statuses=status or [], contact_id=contact_id, account_id=account_id, limit=limit
    )
    return [quote_view(r) for r in rows]


@router.post("/api/quotes", status_code=201)
def create_quote(caller: Seller, body: QuoteIn) -> QuoteOut:
    """A draft quote; lines name catalogue products or are free."""
    sales, at = Sales(caller.session, caller.tenant_id), now()
    fields = body.model_dump(exclude={"lines"})
    fields["owner_user_id"] = body.owner_user_id or caller.user.id
    fields["valid_until"] = body.valid_until or sales.local_date(at) + DEFAULT_VALIDITY
    with refused_as_api_errors():
        row = sales.create_quote(fields, [line.to_input() for line in body.lines], now=at)
    return quote_view(row)


@router.get("/api/quotes/follow-up")
def quotes_to_follow_up(
    caller: Seller, after_days: Annotated[int, Query(ge=0, le=365)] = 7
) -> list[QuoteOut]:
    """The sent quotes a relance de devis calls today: unanswered after ``after_days``, still valid."""
    sales = Sales(caller.session, caller.tenant_id)
    return [
        quote_view(r) for r in sales.needs_follow_up(today=sales.local_date(now()), after_days=after_days)
    ]


@router.get("/api/quotes/{quote_id}")
def get_quote(caller: Seller, quote_id: int) -> QuoteOut:
    """One quote."""
    return quote_view(_quote(caller, quote_id))


@router.patch("/api/quotes/{quote_id}")
def update_quote(caller: Seller, quote_id: int, body: QuotePatch) -> QuoteOut:
    """Change a draft quote (409 once it is sent)."""
    row = _quote(caller, quote_id)
    fields = body.model_dump(exclude_unset=True, exclude={"lines"})
    lines = None if body.lines is None else [line.to_input() for line in body.lines]
    with refused_as_api_errors():
        Sales(caller.session, caller.tenant_id).update_quote(row, fields, lines, now=now())
    return quote_view(row)


@router.post("/api/quotes/{quote_id}/send")
def send_quote(caller: Seller, quote_id: int) -> QuoteOut:
    """Mark a draft sent today (the relance de devis counts from that day)."""
    row, sales, at = _quote(caller, quote_id), Sales(caller.session, caller.tenant_id), now()
    with refused_as_api_errors():
        sales.send(row, today=sales.local_date(at), now=at)
    return quote_view(row)


@router.post("/api/quotes/{quote_id}/accept")
def accept_quote(caller: Seller, quote_id: int) -> QuoteOut:
    """The customer accepts a sent quote that is still valid."""
    row, sales, at = _quote(caller, quote_id), Sales(caller.session, caller.tenant_id), now()
    with refused_as_api_errors():
        sales.accept(row, today=sales.local_date(at), now=at)
    return quote_view(row)


@router.post("/api/quotes/{quote_id}/refuse")
def refuse_quote(caller: Seller, quote_id: int) -> QuoteOut:
    """The customer refuses a sent quote."""
    row = _quote(caller, quote_id)
    with refused_as_api_errors():
        Sales(caller.session, caller.tenant_id).refuse(row, now=now())
    return quote_view(row)


@router.post("/api/quotes/{quote_id}/cancel")
def cancel_quote(caller: Seller, quote_id: int) -> QuoteOut:
    """The center withdraws a draft or sent quote."""
    row = _quote(caller, quote_id)
    with refused_as_api_errors():
        Sales(caller.session, caller.tenant_id).cancel(row, now=now())
    return quote_view(row)


@router.post("/api/quotes/{quote_id}/order", status_code=201)
def order_quote(caller: Seller, quote_id: int) -> OrderOut:
    """Take the order of a sent or accepted quote, in one action: the quote ends *ordered*."""
    row, sales, at = _quote(caller, quote_id), Sales(caller.session, caller.tenant_id), now()
    with refused_as_api_errors():
        order = sales.take_order(row, taken_by=caller.user.id, today=sales.local_date(at), now=at)
    return order_view(order)


# Orders


class OrderStatusChange(BaseModel):
    """The status an order moves to."""

    status: OrderStatus


def _order(caller: Caller, order_id: int) -> Order:
    row = TenantScope(caller.session, caller.tenant_id).orders.get(order_id)
    if row is None:
        raise not_found()
    return row


@router.get("/api/orders")
def list_orders(
    caller: Seller,
    status: Annotated[list[OrderStatus] | None, Query()] = None,
    contact_id: int | None = None,
    account_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[OrderOut]:
    """The tenant's orders, newest first, filtered by status (repeatable), contact and account."""
    rows = TenantScope(caller.session, caller.tenant_id).orders.find(
        statuses=status or [], contact_id=contact_id, account_id=account_id, limit=limit
    )
    return [order_view(r) for r in rows]


@router.get("/api/orders/{order_id}")
def get_order(caller: Seller, order_id: int) -> OrderOut:
    """One order."""
    return order_view(_order(caller, order_id))


@router.post("/api/orders/{order_id}/status")
def move_order(caller: Seller, order_id: int, body: OrderStatusChange) -> OrderOut:
    """Move an order: taken, confirmed, shipped, delivered; cancelled until it ships."""
    row = _order(caller, order_id)
    with refused_as_api_errors():
        Sales(caller.session, caller.tenant_id).move_order(row, body.status, now=now())
    return order_view(row)
