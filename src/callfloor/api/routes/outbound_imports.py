"""Outbound files: a campaign's contact lists, the do-not-call register, consents to canvassing.

``POST /api/campaigns/{campaign}/lists`` takes a multipart ``file`` (CSV or XLSX), an optional
``map`` part (``phone=Téléphone,first_name=Prénom``, as the CLI's ``--map``) and ``list_name``,
and answers what the import did: leads created, updated, unchanged, lines merged, and the
refused lines with their field and reason in French and English; ``dry_run=true`` writes
nothing. ``GET`` on the same path lists the campaign's lists. ``POST /api/dnc/imports`` and
``POST /api/consents/imports`` import the tenant's do-not-call numbers and consent records.

Admins import (an imported list is dialed: it is configuration); supervisors read the lists.
Agents and client viewers do neither. A campaign of another tenant is not found (404).
"""

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found
from callfloor.core.roles import CONFIGURE, OBSERVE
from callfloor.crm.sheets import SheetError
from callfloor.outbound import OutboundError, UnknownCampaignError
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.consents import PhoneConsents
from callfloor.outbound.dnc import DncRegister
from callfloor.outbound.importing import ImportReport
from callfloor.outbound.lists import ListImporter
from callfloor.outbound.mapping import parse_map
from callfloor.storage.outbound import Campaign
from callfloor.storage.repositories import audit

router = APIRouter(tags=["outbound"])
Admin = Annotated[Caller, Depends(require(CONFIGURE))]
Manager = Annotated[Caller, Depends(require(OBSERVE))]
MAX_SIZE = 50 * 1024 * 1024  # some 400,000 rows of leads
FORM_PARTS = {"file": "binary", "map": "text", "list_name": "text"}
UPLOAD: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        name: {"type": "string", **({"format": "binary"} if kind == "binary" else {})}
                        for name, kind in FORM_PARTS.items()
                    },
                }
            }
        },
    }
}


class DncSource(StrEnum):
    """Where an imported do-not-call file comes from."""

    IMPORT = "import"
    BLOCTEL = "bloctel"
    FTC = "ftc"


class RefusedRow(BaseModel):
    """A row that was not imported."""

    line: int
    field: str | None
    message: dict[str, str]


class ImportSummary(BaseModel):
    """What an import did (or, on a dry run, would do)."""

    kind: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    merged: int
    refused: list[RefusedRow]
    ignored_columns: list[str]
    columns: dict[str, str]


class ListOut(BaseModel):
    """One contact list of a campaign, with what its last import did."""

    id: int
    name: str
    source_file: str
    imported_at: datetime
    rows_read: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    rows_merged: int
    rows_refused: int


def _summary(report: ImportReport) -> ImportSummary:
    refused = [
        RefusedRow(line=r.line, field=r.field, message={"fr": r.fr, "en": r.en}) for r in report.refused
    ]
    return ImportSummary(kind=report.kind, dry_run=report.dry_run, rows=report.rows, created=report.created,
                         updated=report.updated, unchanged=report.unchanged, merged=report.merged,
                         refused=refused, ignored_columns=report.ignored_columns,
                         columns=report.columns)  # fmt: skip


def _campaign(caller: Caller, name: str) -> Campaign:
    try:
        return Campaigns(caller.session, caller.tenant_id).require(name)
    except UnknownCampaignError:
        raise not_found() from None


async def _form(request: Request) -> tuple[str, bytes, dict[str, str]]:
    """The ``file`` part (its name and bytes) and the text parts."""
    if int(request.headers.get("content-length") or 0) > MAX_SIZE + 64 * 1024:
        raise _too_large()
    async with request.form(max_files=1, max_fields=len(FORM_PARTS)) as form:
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise ApiError(422, "file_missing", "Joignez le fichier dans la partie « file ».",
                           "Send the file as the 'file' part.")  # fmt: skip
        data = await part.read(MAX_SIZE + 1)
        texts = {name: value for name, value in form.items() if isinstance(value, str)}
    if len(data) > MAX_SIZE:
        raise _too_large()
    return part.filename or "", data, texts


def _too_large() -> ApiError:
    return ApiError(
        413, "too_large", f"Fichier de plus de {MAX_SIZE} octets.", f"File larger than {MAX_SIZE} bytes."
    )


async def _import(caller: Caller, action: str, name: str, run: Callable[[], ImportReport]) -> ImportSummary:
    """Run the import in a worker thread; unreadable files and bad mappings become 422s."""

    def guarded() -> ImportReport:
        try:
            report = run()
        except (SheetError, OutboundError) as exc:
            raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc
        if not report.dry_run:
            audit(caller.session, action, tenant_id=caller.tenant_id, actor=caller.user, target=name[:200],
                  details={"created": report.created, "updated": report.updated,
                           "refused": len(report.refused)})  # fmt: skip
        return report

    return _summary(await run_in_threadpool(guarded))


def _mapping(texts: dict[str, str]) -> dict[str, str] | None:
    try:
        return parse_map(texts["map"]) if texts.get("map", "").strip() else None
    except OutboundError as exc:
        raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc


@router.post("/api/campaigns/{campaign}/lists", openapi_extra=UPLOAD)
async def import_list(request: Request, caller: Admin, campaign: str, dry_run: bool = False) -> ImportSummary:
    """Import a contact list into the campaign (multipart ``file``, optional ``map`` and ``list_name``)."""
    found = await run_in_threadpool(_campaign, caller, campaign)
    name, data, texts = await _form(request)
    mapping = _mapping(texts)

    def run() -> ImportReport:
        importer = ListImporter(caller.session, caller.tenant_id, found.name, user_id=caller.user.id)
        return importer.run(data, name, mapping, list_name=texts.get("list_name") or None, dry_run=dry_run)

    return await _import(caller, "import.leads", name, run)


@router.get("/api/campaigns/{campaign}/lists")
def campaign_lists(caller: Manager, campaign: str) -> list[ListOut]:
    """The campaign's contact lists, by name."""
    lists = Campaigns(caller.session, caller.tenant_id).lists(_campaign(caller, campaign))
    return [ListOut.model_validate(row, from_attributes=True) for row in lists]


@router.post("/api/dnc/imports", openapi_extra=UPLOAD)
async def import_dnc(
    request: Request, caller: Admin, source: DncSource = DncSource.IMPORT, dry_run: bool = False
) -> ImportSummary:
    """Import numbers not to call (multipart ``file``, optional ``map``)."""
    name, data, texts = await _form(request)
    mapping = _mapping(texts)
    register = DncRegister(caller.session, caller.tenant_id)
    return await _import(
        caller, "import.dnc", name,
        lambda: register.import_file(data, name, mapping, source=source.value, user_id=caller.user.id,
                                     dry_run=dry_run),
    )  # fmt: skip


@router.post("/api/consents/imports", openapi_extra=UPLOAD)
async def import_consents(
    request: Request, caller: Admin, purpose: str = "prospecting", dry_run: bool = False
) -> ImportSummary:
    """Import consents to phone canvassing with their proof (multipart ``file``, optional ``map``)."""
    name, data, texts = await _form(request)
    mapping = _mapping(texts)
    consents = PhoneConsents(caller.session, caller.tenant_id)
    return await _import(
        caller, "import.consents", name,
        lambda: consents.import_file(data, name, mapping, purpose=purpose, user_id=caller.user.id,
                                     dry_run=dry_run),
    )  # fmt: skip
