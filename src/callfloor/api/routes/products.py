"""The catalogue of the caller's tenant, and the money types of the sales routes.

Agents, supervisors and admins read the catalogue; supervisors and admins write it; client
viewers get 403. Money travels as strings ("605.16"), both ways: a JSON number is refused,
since a float cannot hold every amount.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, BeforeValidator, Field, PlainSerializer

from callfloor.api.deps import Caller, require
from callfloor.api.errors import not_found, refusals
from callfloor.core.roles import OBSERVE, Role
from callfloor.crm.catalogue import Catalogue
from callfloor.storage.sales import Product
from callfloor.storage.scope import TenantScope

Seller = Annotated[Caller, Depends(require(OBSERVE | {Role.AGENT}))]
Manager = Annotated[Caller, Depends(require(OBSERVE))]
router = APIRouter(tags=["sales"])


def _exact(value: Any) -> Any:
    """Amounts come as strings (or integers): a float has already lost the cents."""
    if isinstance(value, float):
        raise ValueError('send amounts as strings, e.g. "605.16"')
    return value


Amount = Annotated[Decimal, BeforeValidator(_exact), PlainSerializer(str, return_type=str, when_used="json")]
Shown = Annotated[Decimal, PlainSerializer(str, return_type=str, when_used="json")]
Text = Annotated[str, Field(max_length=200)]


refused_as_api_errors = refusals  # the family's refusals answered with their status and messages


def now() -> datetime:
    """The request's time: the sales service reads no clock, the edge does."""
    return datetime.now(UTC)


# Products


class ProductIn(BaseModel):
    """A product of the catalogue; the price excludes VAT, the rate is a percentage."""

    reference: Annotated[str, Field(max_length=40)]
    label: Text
    description: Annotated[str, Field(max_length=5000)] = ""
    unit_price: Amount
    vat_rate: Amount
    active: bool = True


class ProductPatch(BaseModel):
    """The product's fields to change; absent ones stay."""

    reference: Annotated[str, Field(max_length=40)] | None = None
    label: Text | None = None
    description: Annotated[str, Field(max_length=5000)] | None = None
    unit_price: Amount | None = None
    vat_rate: Amount | None = None
    active: bool | None = None


class ProductOut(BaseModel):
    """A product."""

    id: int
    reference: str
    label: str
    description: str
    unit_price: Shown
    vat_rate: Shown
    active: bool
    created_at: datetime


def _product_view(row: Product) -> ProductOut:
    return ProductOut.model_validate(row, from_attributes=True)


def _product(caller: Caller, product_id: int) -> Product:
    row = TenantScope(caller.session, caller.tenant_id).products.get(product_id)
    if row is None:
        raise not_found()
    return row


@router.get("/api/products")
def list_products(caller: Seller, active: bool | None = None) -> list[ProductOut]:
    """The catalogue, in reference order; only active (or withdrawn) products when ``active`` is given."""
    rows = TenantScope(caller.session, caller.tenant_id).products.list()
    rows = [r for r in rows if active is None or r.active == active]
    return [_product_view(r) for r in sorted(rows, key=lambda r: r.reference)]


@router.post("/api/products", status_code=201)
def create_product(caller: Manager, body: ProductIn) -> ProductOut:
    """Add a product to the catalogue."""
    with refused_as_api_errors():
        row = Catalogue(caller.session, caller.tenant_id).create(body.model_dump(), now=now())
    return _product_view(row)


@router.get("/api/products/{product_id}")
def get_product(caller: Seller, product_id: int) -> ProductOut:
    """One product."""
    return _product_view(_product(caller, product_id))


@router.patch("/api/products/{product_id}")
def update_product(caller: Manager, product_id: int, body: ProductPatch) -> ProductOut:
    """Change a product; quotes already written keep the price and label they copied."""
    row = _product(caller, product_id)
    with refused_as_api_errors():
        Catalogue(caller.session, caller.tenant_id).update(row, body.model_dump(exclude_unset=True))
    return _product_view(row)


@router.delete("/api/products/{product_id}", status_code=204)
def delete_product(caller: Manager, product_id: int) -> Response:
    """Delete a product (lines written from it keep their copy); ``active: false`` withdraws it instead."""
    Catalogue(caller.session, caller.tenant_id).delete(_product(caller, product_id))
    return Response(status_code=204)
