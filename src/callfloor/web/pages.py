"""The login form, the home page and logout, on the session cookie."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from callfloor.api.context import AppContext
from callfloor.api.deps import SESSION_COOKIE, DbSession, app_context, authenticate, client_ip
from callfloor.api.errors import ApiError
from callfloor.api.login import log_in
from callfloor.api.routes.auth import me_of
from callfloor.storage.models import Tenant
from callfloor.web.i18n import LANG_COOKIE, language, translator

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

Context = Annotated[AppContext, Depends(app_context)]


def _page(request: Request, name: str, status: int = 200, **values: object) -> HTMLResponse:
    lang = language(request)
    response = templates.TemplateResponse(
        request, name, {"lang": lang.value, "t": translator(lang), **values}, status_code=status
    )
    if request.query_params.get("lang") in {"fr", "en"}:
        response.set_cookie(LANG_COOKIE, lang.value, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    """The login form."""
    return _page(request, "login.html", email="", error=None)


@router.post("/login", response_model=None)
def login_submit(
    request: Request,
    context: Context,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    """Check the credentials; on success set the session cookie and go home."""
    try:
        user = log_in(context, email, password, client_ip(request))
    except ApiError as exc:
        message = exc.fr if language(request) == "fr" else exc.en
        return _page(request, "login.html", status=exc.status, email=email, error=message)
    response = RedirectResponse("/", status_code=303)
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
    tenant = session.get(Tenant, user.tenant_id) if user.tenant_id else None
    return _page(request, "home.html", me=me_of(user, tenant))


@router.post("/logout")
def logout() -> RedirectResponse:
    """Forget the session cookie (SameSite keeps other sites from posting here)."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
