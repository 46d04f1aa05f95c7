"""Request dependencies: the database session, the caller, and the tenant the caller acts in.

A caller is identified by ``Authorization: Bearer <token>`` or by the web session cookie. A
cookie is sent by the browser on its own, so a state-changing request that relies on it must
also carry the ``X-Callfloor-CSRF`` header, which no cross-site form can add. A superadmin acts
in a tenant by naming its slug in ``X-Callfloor-Tenant``; for everybody else the tenant is
their own and that header is ignored.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.orm import Session

from callfloor.api.context import AppContext
from callfloor.api.errors import ApiError, forbidden
from callfloor.core.roles import Role
from callfloor.storage.models import User
from callfloor.storage.platform import Platform

SESSION_COOKIE = "callfloor_session"
CSRF_HEADER = "X-Callfloor-CSRF"
TENANT_HEADER = "X-Callfloor-Tenant"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def app_context(request: Request) -> AppContext:
    """The application's shared state."""
    context: AppContext = request.app.state.context
    return context


def db_session(context: Annotated[AppContext, Depends(app_context)]) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error."""
    with context.sessions() as session, session.begin():
        yield session


#: Committed when the route function returns, before the answer goes out (scope "function"): a
#: client that reads right after a 2xx sees what was written, and a failed commit is a 5xx, not a
#: 200 already sent. Routes that stream hold no request session (the floor's stream opens its own).
DbSession = Annotated[Session, Depends(db_session, scope="function")]


def unauthorized() -> ApiError:
    """No valid login on the request."""
    return ApiError(
        401,
        "unauthorized",
        "Connexion requise.",
        "Login required.",
        headers={"WWW-Authenticate": "Bearer"},
    )


def _token(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip(), False
    return request.cookies.get(SESSION_COOKIE), True


def authenticate(request: Request, session: Session, context: AppContext) -> User | None:
    """The user the request's token or cookie names, if it is valid and the user active."""
    token, from_cookie = _token(request)
    claims = context.tokens.check(token) if token else None
    if claims is None:
        return None
    user = session.get(User, claims.user_id)
    if user is None or not user.active or user.token_version != claims.token_version:
        return None
    if from_cookie and request.method not in SAFE_METHODS and not request.headers.get(CSRF_HEADER):
        raise ApiError(
            403, "csrf_header_missing", "En-tête anti-CSRF manquant.", f"Missing {CSRF_HEADER} header."
        )
    return user


def current_user(
    request: Request, session: DbSession, context: Annotated[AppContext, Depends(app_context)]
) -> User:
    """The logged-in user; 401 otherwise."""
    user = authenticate(request, session, context)
    if user is None:
        raise unauthorized()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling, and in which tenant they act."""

    user: User
    tenant_id: int
    session: Session
    context: AppContext

    @property
    def role(self) -> Role:
        """The caller's role."""
        return Role(self.user.role)


def _acting_tenant(request: Request, user: User, session: Session) -> int:
    if user.role != Role.SUPERADMIN:
        assert user.tenant_id is not None  # noqa: S101 - enforced by a CHECK constraint
        return user.tenant_id
    slug = request.headers.get(TENANT_HEADER)
    tenant = Platform(session).tenant_by_slug(slug) if slug else None
    if tenant is None:
        raise ApiError(
            400,
            "tenant_required",
            f"Indiquez le tenant dans l'en-tête {TENANT_HEADER}.",
            f"Name the tenant in the {TENANT_HEADER} header.",
        )
    return tenant.id


def require(roles: frozenset[Role]) -> Callable[..., Caller]:
    """A dependency that admits only ``roles`` and resolves the caller's tenant."""

    def dependency(
        request: Request,
        user: CurrentUser,
        session: DbSession,
        context: Annotated[AppContext, Depends(app_context)],
    ) -> Caller:
        if Role(user.role) not in roles:
            raise forbidden()
        return Caller(user, _acting_tenant(request, user, session), session, context)

    return dependency


def client_ip(request: Request) -> str:
    """The peer address (proxies are not trusted: a header would let anyone pick their IP)."""
    return request.client.host if request.client else "unknown"


def directory_changes(request: Request, session: DbSession) -> None:
    """Route dependency: a write here changes what SIP routes to, so the SIP directory forgets.

    The cache is dropped once the request's transaction has committed, not before: a call
    routed in between would otherwise cache the old answer again. Without a SIP endpoint in
    the process (the API alone, the tests) there is nothing to drop.
    """
    sip = getattr(request.app.state, "sip", None)
    if sip is None or request.method in SAFE_METHODS:
        return
    directory = sip.directory

    def changed(_session: Session) -> None:
        directory.invalidate()
        # Trunks live on the SIP loop, and API writes may run in a worker thread.
        loop = getattr(getattr(sip, "calls", None), "loop", None)
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(sip.reload_trunks)

    event.listen(session, "after_commit", changed, once=True)
