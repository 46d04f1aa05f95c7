"""Import and export of the customer file and the catalogue: CSV or XLSX, for admins and supervisors.

``POST /api/imports/{kind}`` takes one multipart ``file`` part and answers the summary: rows
created, updated, unchanged, and the refused ones with their line, field and reason in French
and English; ``dry_run=true`` reports without writing. Good rows are written even when others
are refused (the whole file is refused only when it cannot be read). ``GET /api/exports/{kind}``
answers the file in the columns the import reads back. Imports are audited.
"""

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError
from callfloor.api.uploads import MULTIPART_FILE
from callfloor.core.roles import OBSERVE
from callfloor.crm.exports import CONTENT_TYPES, export_file
from callfloor.crm.imports import ImportReport, import_file
from callfloor.crm.sheets import SheetError
from callfloor.storage.repositories import audit

router = APIRouter(tags=["imports"])
Manager = Annotated[Caller, Depends(require(OBSERVE))]
MAX_SIZE = 50 * 1024 * 1024  # some 200,000 rows of contacts


class Kind(StrEnum):
    """What a file holds."""

    CONTACTS = "contacts"
    ACCOUNTS = "accounts"
    PRODUCTS = "products"


class UpsertKey(StrEnum):
    """The column that finds an existing record (products always go by reference)."""

    CUSTOMER_NUMBER = "customer_number"
    EMAIL = "email"


class FileFormat(StrEnum):
    """An export's format."""

    CSV = "csv"
    XLSX = "xlsx"


class RefusedRow(BaseModel):
    """A row that was not imported."""

    line: int
    field: str | None
    message: dict[str, str]


class ImportSummary(BaseModel):
    """What the import did (or, on a dry run, would do)."""

    kind: str
    dry_run: bool
    key: str
    rows: int
    created: int
    updated: int
    unchanged: int
    refused: list[RefusedRow]
    ignored_columns: list[str]


def _summary(report: ImportReport) -> ImportSummary:
    refused = [
        RefusedRow(line=r.line, field=r.field, message={"fr": r.fr, "en": r.en}) for r in report.refused
    ]
    return ImportSummary(kind=report.kind, dry_run=report.dry_run, key=report.key, rows=report.rows,
                         created=report.created, updated=report.updated, unchanged=report.unchanged,
                         refused=refused, ignored_columns=report.ignored_columns)  # fmt: skip


async def _upload(request: Request) -> tuple[str, bytes]:
    """The one ``file`` part: its name and bytes."""
    if int(request.headers.get("content-length") or 0) > MAX_SIZE + 64 * 1024:
        raise _too_large()
    async with request.form(max_files=1, max_fields=4) as form:
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise ApiError(422, "file_missing", "Joignez le fichier dans la partie « file ».",
                           "Send the file as the 'file' part.")  # fmt: skip
        data = await part.read(MAX_SIZE + 1)
    if len(data) > MAX_SIZE:
        raise _too_large()
    return part.filename or "", data


def _too_large() -> ApiError:
    return ApiError(
        413, "too_large", f"Fichier de plus de {MAX_SIZE} octets.", f"File larger than {MAX_SIZE} bytes."
    )


@router.post("/api/imports/{kind}", openapi_extra=MULTIPART_FILE)
async def import_records(
    request: Request, caller: Manager, kind: Kind, dry_run: bool = False,
    key: UpsertKey = UpsertKey.CUSTOMER_NUMBER,
) -> ImportSummary:  # fmt: skip
    """Import contacts, accounts or products from a CSV or XLSX file (multipart ``file``)."""
    name, data = await _upload(request)

    def run() -> ImportReport:
        try:
            report = import_file(caller.session, caller.tenant_id, kind.value, data, name,
                                 dry_run=dry_run, key=key.value)  # fmt: skip
        except SheetError as exc:
            raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc
        if not dry_run:
            audit(caller.session, f"import.{kind.value}", tenant_id=caller.tenant_id, actor=caller.user,
                  target=name[:200], details={"created": report.created, "updated": report.updated,
                                              "refused": len(report.refused)})  # fmt: skip
        return report

    return _summary(await run_in_threadpool(run))


@router.get(
    "/api/exports/{kind}",
    response_class=Response,
    responses={200: {"content": {v: {} for v in CONTENT_TYPES.values()}, "description": "The file."}},
)
def export_records(
    caller: Manager, kind: Kind, format_: Annotated[FileFormat, Query(alias="format")] = FileFormat.CSV
) -> Response:
    """The tenant's contacts, accounts or products as CSV (``;``, UTF-8 with BOM) or XLSX."""
    data = export_file(caller.session, caller.tenant_id, kind.value, format_.value)
    disposition = f'attachment; filename="{kind.value}.{format_.value}"'
    return Response(
        data, media_type=CONTENT_TYPES[format_.value], headers={"Content-Disposition": disposition}
    )
