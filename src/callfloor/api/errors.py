"""API errors: a status, a stable ``error_id`` and a message in French and English.

Clients and scripts match on ``error_id``; the message is for people. Storage errors and
validation errors are turned into the same shape, so no route answers a bare traceback.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from callfloor.crm import RefusalError
from callfloor.storage import ConflictError, NotFoundError


class ApiError(Exception):
    """An error answered to the client as JSON."""

    def __init__(
        self, status: int, error_id: str, fr: str, en: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(en)
        self.status = status
        self.error_id = error_id
        self.fr = fr
        self.en = en
        self.headers = headers

    def body(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        return {"error_id": self.error_id, "message": {"fr": self.fr, "en": self.en}}


def not_found() -> ApiError:
    """The one answer for "absent" and "belongs to another tenant"."""
    return ApiError(404, "not_found", "Objet introuvable.", "Not found.")


def forbidden() -> ApiError:
    """The caller's role may not use this route."""
    return ApiError(
        403, "forbidden", "Votre rôle ne permet pas cette action.", "Your role does not allow this."
    )


def conflict(fr: str, en: str, error_id: str = "conflict") -> ApiError:
    """The change clashes with existing data (a duplicate name, say)."""
    return ApiError(409, error_id, fr, en)


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the customer file's refusals (:class:`callfloor.crm.RefusalError`) into API errors."""
    try:
        yield
    except RefusalError as exc:
        raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc


def _json(error: ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)  # noqa: S101 - registered for ApiError only
    return _json(exc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    details = [
        {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", ""))} for err in exc.errors()
    ]
    first = "; ".join(f"{'.'.join(d['loc'])}: {d['msg']}" for d in details[:3])
    error = ApiError(422, "invalid_request", f"Requête invalide : {first}", f"Invalid request: {first}")
    return JSONResponse({**error.body(), "details": details}, status_code=422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101
    if exc.status_code == 404:
        return _json(not_found())
    if exc.status_code == 405:
        return _json(ApiError(405, "method_not_allowed", "Méthode non permise.", "Method not allowed."))
    detail = str(exc.detail)
    return _json(ApiError(exc.status_code, "http_error", detail, detail))


async def _refusal(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RefusalError)  # noqa: S101 - registered for RefusalError only
    return _json(ApiError(exc.status, exc.error_id, exc.fr, exc.en))


async def _storage_not_found(_request: Request, _exc: Exception) -> JSONResponse:
    return _json(not_found())


async def _storage_conflict(_request: Request, exc: Exception) -> JSONResponse:
    text = str(exc) if isinstance(exc, ConflictError) else "integrity rule"
    return _json(
        conflict(f"Conflit avec des données existantes : {text}", f"Conflicts with existing data: {text}")
    )


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the JSON shape above."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RefusalError, _refusal)  # a route that forgot ``with refusals()``
    app.add_exception_handler(NotFoundError, _storage_not_found)
    app.add_exception_handler(ConflictError, _storage_conflict)
    app.add_exception_handler(IntegrityError, _storage_conflict)
