"""A person's rights over the customer file: export of their data (RGPD art. 15), erasure (art. 17).

Admins and supervisors export a contact's data, as JSON or as a page in the contact's language;
only admins erase, and an erasure must be confirmed (``"confirm": true``); ``"dry_run": true``
answers what would be erased without erasing. Both are audited. Agents and client viewers get
403, another tenant's contact 404. The answers hold personal data, so they are never cached.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found
from callfloor.core.roles import CONFIGURE, OBSERVE
from callfloor.crm.gdpr_html import render_html
from callfloor.crm.gdpr_rights import DataSubjectRights
from callfloor.storage.contacts import Contact
from callfloor.storage.scope import TenantScope
from callfloor.storage.types import utcnow

router = APIRouter(prefix="/api/contacts", tags=["gdpr"])
Reader = Annotated[Caller, Depends(require(OBSERVE))]
Admin = Annotated[Caller, Depends(require(CONFIGURE))]
PRIVATE = {"Cache-Control": "no-store"}


class EraseRequest(BaseModel):
    """An erasure, confirmed; or a dry run, which only counts."""

    model_config = ConfigDict(extra="forbid")

    confirm: bool = Field(False, description="Must be true to erase (not needed for a dry run).")
    dry_run: bool = Field(False, description="Count what would be erased; change nothing.")


class ErasureOut(BaseModel):
    """What was erased (or would be, in a dry run), counted by part of the customer file."""

    contact_id: int
    dry_run: bool
    counts: dict[str, dict[str, int]]
    files: int = Field(description="Recording and attachment files deleted (once committed).")


def _rights(caller: Caller) -> DataSubjectRights:
    return DataSubjectRights(caller.session, caller.tenant_id, caller.context.settings.data_dir)


def _contact(caller: Caller, contact_id: int) -> Contact:
    contact = TenantScope(caller.session, caller.tenant_id).contacts.get(contact_id)
    if contact is None:
        raise not_found()
    return contact


def confirmation_required() -> ApiError:
    """An erasure asked for without ``confirm``: nothing is erased by accident."""
    return ApiError(
        422,
        "confirmation_required",
        "Confirmez l'effacement avec « confirm »: true, ou demandez un essai avec « dry_run »: true.",
        'Confirm the erasure with "confirm": true, or ask for a dry run with "dry_run": true.',
    )


@router.get(
    "/{contact_id}/gdpr-export",
    response_class=Response,
    responses={200: {"content": {"application/json": {}, "text/html": {}}, "description": "The export."}},
)
def gdpr_export(
    caller: Reader,
    contact_id: int,
    format_: Annotated[Literal["json", "html"], Query(alias="format")] = "json",
) -> Response:
    """Everything the customer file holds on the contact, dated, as JSON or as a page in their language."""
    document = _rights(caller).export(_contact(caller, contact_id), now=utcnow(), actor=caller.user)
    name = f"gdpr-export-{contact_id}.{format_}"
    headers = PRIVATE | {"Content-Disposition": f'inline; filename="{name}"'}
    if format_ == "html":
        return HTMLResponse(render_html(document), headers=headers)
    return JSONResponse(document, headers=headers)


@router.post("/{contact_id}/erase")
def erase(caller: Admin, contact_id: int, body: EraseRequest, response: Response) -> ErasureOut:
    """Erase the person across the customer file (statistics kept, anonymised); or count, in a dry run."""
    contact = _contact(caller, contact_id)
    if not body.confirm and not body.dry_run:
        raise confirmation_required()
    report = _rights(caller).erase(contact, actor=caller.user, dry_run=body.dry_run)
    response.headers.update(PRIVATE)
    return ErasureOut(
        contact_id=report.contact_id, dry_run=report.dry_run, counts=report.counts, files=report.files
    )
