"""The login form, the home page and logout, on the session cookie."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from callfloor.api.context import AppContext
from callfloor.api.deps import SESSION_COOKIE, DbSession, app_context, authenticate, client_ip
from callfloor.api.errors import ApiError
from callfloor.api.login import log_in
from callfloor.web.access import safe_next
from callfloor.web.i18n import language
from callfloor.web.nav import N_
from callfloor.web.render import page

router = APIRouter(include_in_schema=False)

Context = Annotated[AppContext, Depends(app_context)]
ROLE_LABELS = {
    "superadmin": N_("Platform administrator"),
    "admin": N_("Administrator"),
    "supervisor": N_("Supervisor"),
    "agent": N_("Agent"),
    "client_viewer": N_("Client"),
}


@router.get("/login")
def login_form(request: Request, next_: Annotated[str, Query(alias="next")] = "/") -> HTMLResponse:
    """The login form (``next``: the page to go back to)."""
    return page(request, "login.html", email="", error=None, next=safe_next(next_))


@router.post("/login", response_model=None)
def login_submit(
    request: Request,
    context: Context,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
    next_: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    """Check the credentials; on success set the session cookie and go on (home by default)."""
    try:
        user = log_in(context, email, password, client_ip(request))
    except ApiError as exc:
        message = exc.fr if language(request) == "fr" else exc.en
        back = safe_next(next_)
        return page(request, "login.html", status=exc.status, email=email, error=message, next=back)
    response = RedirectResponse(safe_next(next_), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        context.tokens.issue(user.id, user.token_version),
        max_age=context.tokens.ttl_s,
        httponly=True,
        secure=context.settings.cookie_secure,
        samesite="lax",
    )
    return response


@router.get("/", response_model=None)
def home(request: Request, session: DbSession, context: Context) -> Response:
    """Who is logged in; the login form for anybody else."""
    user = authenticate(request, session, context)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return page(
        request,
        "home.html",
        user=user,
        session=session,
        role_label=ROLE_LABELS.get(user.role, user.role),
        now=datetime.now(UTC),
    )


@router.post("/logout")
def logout() -> RedirectResponse:
    """Forget the session cookie (SameSite keeps other sites from posting here)."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
