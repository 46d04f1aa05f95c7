"""Login, logout and "who am I"."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from callfloor.api.context import AppContext
from callfloor.api.deps import CurrentUser, DbSession, app_context, client_ip
from callfloor.api.login import log_in
from callfloor.storage.models import Tenant, User
from callfloor.storage.repositories import audit

router = APIRouter(prefix="/api", tags=["auth"])


class LoginRequest(BaseModel):
    """E-mail and password."""

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class TenantBrief(BaseModel):
    """The tenant a user belongs to."""

    id: int
    slug: str
    name: str
    timezone: str
    locale: str


class AgentBrief(BaseModel):
    """The agent a user is, if any."""

    id: int
    extension: str


class Me(BaseModel):
    """The logged-in user."""

    id: int
    email: str
    name: str
    role: str
    tenant: TenantBrief | None
    agent: AgentBrief | None


class LoginResponse(BaseModel):
    """A bearer token and the user it belongs to."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret
    expires_in: int
    user: Me


def me_of(user: User, tenant: Tenant | None) -> Me:
    """The ``/api/me`` view of a user."""
    return Me(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        tenant=TenantBrief.model_validate(tenant, from_attributes=True) if tenant else None,
        agent=AgentBrief(id=user.agent.id, extension=user.agent.extension) if user.agent else None,
    )


@router.post("/auth/login")
def login(
    body: LoginRequest, request: Request, context: Annotated[AppContext, Depends(app_context)]
) -> LoginResponse:
    """Exchange e-mail and password for a bearer token (401 when wrong, 429 when rate-limited)."""
    user = log_in(context, body.email, body.password, client_ip(request))
    with context.sessions() as session:
        user = session.get(User, user.id) or user
        tenant = session.get(Tenant, user.tenant_id) if user.tenant_id else None
        return LoginResponse(
            access_token=context.tokens.issue(user.id, user.token_version),
            expires_in=context.tokens.ttl_s,
            user=me_of(user, tenant),
        )


@router.post("/auth/logout", status_code=204)
def logout(user: CurrentUser, session: DbSession, request: Request) -> Response:
    """Revoke every token of the caller (all their sessions end)."""
    user.token_version += 1
    audit(session, "logout", tenant_id=user.tenant_id, actor=user, ip=client_ip(request))
    return Response(status_code=204)


@router.get("/me")
def me(user: CurrentUser, session: DbSession) -> Me:
    """The logged-in user, their tenant and their agent."""
    tenant = session.get(Tenant, user.tenant_id) if user.tenant_id else None
    return me_of(user, tenant)
