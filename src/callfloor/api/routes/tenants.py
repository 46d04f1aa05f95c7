"""Tenants: a superadmin manages them all; an admin reads and adjusts their own.

To anybody but a superadmin, another tenant does not exist (404), so ids reveal nothing.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from callfloor.api.deps import CurrentUser, DbSession, directory_changes
from callfloor.api.errors import forbidden, not_found
from callfloor.center.schema import Country, PersonName, TenantSpec, TimeZone
from callfloor.core.config import Locale
from callfloor.core.roles import CONFIGURE, Role
from callfloor.storage.models import Tenant, User
from callfloor.storage.platform import SLUG, Platform
from callfloor.storage.repositories import audit

# a tenant's realm and active flag decide which requests SIP takes for it
router = APIRouter(prefix="/api/tenants", tags=["tenants"], dependencies=[Depends(directory_changes)])

Slug = Annotated[str, StringConstraints(pattern=SLUG.pattern)]


class TenantCreate(TenantSpec):
    """A new tenant: its slug (fixed for life, it is also its SIP realm) and settings."""

    slug: Slug


class TenantPatch(BaseModel):
    """Changes to a tenant; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: PersonName | None = None
    timezone: TimeZone | None = None
    locale: Locale | None = None
    country: Country | None = None
    active: bool | None = None
    client_viewer_personal_data: bool | None = Field(
        default=None, description="Whether the tenant's client viewers may read its customer file."
    )


class TenantOut(BaseModel):
    """A tenant as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    timezone: str
    locale: str
    country: str
    sip_realm: str
    active: bool
    client_viewer_personal_data: bool


def _visible(user: User, session: DbSession, tenant_id: int) -> Tenant:
    tenant = Platform(session).tenant(tenant_id)
    if tenant is None or (user.role != Role.SUPERADMIN and user.tenant_id != tenant.id):
        raise not_found()
    return tenant


def _superadmin(user: User) -> None:
    if user.role != Role.SUPERADMIN:
        raise forbidden()


@router.get("")
def list_tenants(user: CurrentUser, session: DbSession) -> list[TenantOut]:
    """Every tenant for a superadmin; one's own for anybody else."""
    platform = Platform(session)
    if user.role == Role.SUPERADMIN:
        tenants = list(platform.tenants())
    else:
        own = platform.tenant(user.tenant_id) if user.tenant_id else None
        tenants = [own] if own else []
    return [TenantOut.model_validate(t) for t in tenants]


@router.post("", status_code=201)
def create_tenant(body: TenantCreate, user: CurrentUser, session: DbSession) -> TenantOut:
    """Create a tenant (superadmin)."""
    _superadmin(user)
    tenant = Platform(session).create_tenant(
        body.slug, body.name, timezone=body.timezone, locale=body.locale.value, country=body.country
    )
    audit(session, "tenant.create", tenant_id=tenant.id, actor=user, target=tenant.slug)
    return TenantOut.model_validate(tenant)


@router.get("/{tenant_id}")
def get_tenant(tenant_id: int, user: CurrentUser, session: DbSession) -> TenantOut:
    """One tenant (any for a superadmin, one's own otherwise)."""
    return TenantOut.model_validate(_visible(user, session, tenant_id))


@router.patch("/{tenant_id}")
def update_tenant(tenant_id: int, body: TenantPatch, user: CurrentUser, session: DbSession) -> TenantOut:
    """Change a tenant's settings (superadmin, or the tenant's admin; only a superadmin deactivates)."""
    tenant = _visible(user, session, tenant_id)
    if Role(user.role) not in CONFIGURE or (body.active is not None and user.role != Role.SUPERADMIN):
        raise forbidden()
    changes = body.model_dump(exclude_unset=True, mode="json")
    for key, value in changes.items():
        setattr(tenant, key, value)
    audit(session, "tenant.update", tenant_id=tenant.id, actor=user, target=tenant.slug, details=changes)
    return TenantOut.model_validate(tenant)


@router.delete("/{tenant_id}", status_code=204)
def delete_tenant(tenant_id: int, user: CurrentUser, session: DbSession) -> Response:
    """Delete a tenant and everything it owns (superadmin)."""
    tenant = _visible(user, session, tenant_id)
    _superadmin(user)
    audit(session, "tenant.delete", tenant_id=None, actor=user, target=tenant.slug)
    session.delete(tenant)
    return Response(status_code=204)
