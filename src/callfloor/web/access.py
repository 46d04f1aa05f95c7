"""Who may open a page: logged in (else to the login form, and back), of the page's roles, in a tenant.

Pages use :func:`viewer` as FastAPI uses :func:`callfloor.api.deps.require`: the dependency gives
the user, their tenant and the request's database session. A page that is not the user's to see
answers 403, an object of another tenant 404 (:func:`not_found`), both as pages in the user's
language; the JSON API keeps its own errors.
"""

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from callfloor.api.context import AppContext
from callfloor.api.deps import Caller, DbSession, app_context, authenticate
from callfloor.core.roles import Role
from callfloor.web.nav import N_


class LoginRequiredError(Exception):
    """Nobody is logged in: to the login form, then back to ``path``."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class PageError(Exception):
    """A page that cannot be shown: its status and a catalogue message saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def not_found() -> PageError:
    """The one answer for "absent" and "another tenant's"."""
    return PageError(404, N_("This page does not exist."))


#: The logged-in user of a page, the tenant they see, the request's session: an API caller.
Viewer = Caller


def viewer(roles: frozenset[Role]) -> Callable[..., Viewer]:
    """A dependency that admits the users of ``roles`` who belong to a tenant."""

    def dependency(
        request: Request, session: DbSession, context: Annotated[AppContext, Depends(app_context)]
    ) -> Viewer:
        user = authenticate(request, session, context)
        if user is None:
            query = f"?{request.url.query}" if request.url.query else ""
            raise LoginRequiredError(request.url.path + query)
        if Role(user.role) not in roles or user.tenant_id is None:
            raise PageError(403, N_("This page is not open to your role."))
        return Viewer(user, user.tenant_id, session, context)

    return dependency


def safe_next(path: str | None) -> str:
    """Where to go after logging in: a path of this site only (never another site's URL)."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/"


def install(app: FastAPI) -> None:
    """The pages' answers to :class:`LoginRequiredError` and :class:`PageError`."""
    from callfloor.web.render import page

    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequiredError)  # noqa: S101 - registered for it only
        return RedirectResponse(f"/login?next={quote(exc.path, safe='')}", status_code=303)

    async def page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)  # noqa: S101 - registered for it only
        return page(request, "error.html", status=exc.status, message=exc.message)

    app.add_exception_handler(LoginRequiredError, login_required)
    app.add_exception_handler(PageError, page_error)
