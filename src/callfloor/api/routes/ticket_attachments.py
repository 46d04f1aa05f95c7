"""Files attached to tickets: upload (multipart, one ``file`` part), list, download.

Whoever works tickets may attach and read files. The content type is checked against the
accepted list and the file's own signature (415 otherwise), the size against the limit (413);
files live under ``<data dir>/attachments/<tenant id>/`` and are served from there only. The
ticket is looked up before the body is read, so another tenant's ticket is 404 whatever is sent.
"""

import logging

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile

from callfloor.api.deps import Caller
from callfloor.api.errors import ApiError, not_found
from callfloor.api.routes.ticket_views import AttachmentOut
from callfloor.api.routes.tickets import Worker, ticket_of, ticket_refusals
from callfloor.api.uploads import MULTIPART_FILE
from callfloor.crm.ticket_files import MAX_SIZE, AttachmentPathError, AttachmentStore
from callfloor.storage.tickets import TicketAttachment
from callfloor.storage.types import utcnow

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/tickets", tags=["tickets"])
ENVELOPE = 64 * 1024  # room for the multipart boundaries and headers around the file


def too_large() -> ApiError:
    """A body larger than an attachment may be."""
    return ApiError(
        413, "too_large", f"Fichier de plus de {MAX_SIZE} octets.", f"File larger than {MAX_SIZE} bytes."
    )


def _store(caller: Caller) -> AttachmentStore:
    return AttachmentStore(caller.context.settings.data_dir)


async def _file(request: Request) -> tuple[str, str, bytes]:
    """The one ``file`` part of the multipart body: its name, declared type and bytes."""
    if int(request.headers.get("content-length") or 0) > MAX_SIZE + ENVELOPE:
        raise too_large()
    async with request.form(max_files=1, max_fields=4) as form:  # closes the spooled file
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise ApiError(
                422,
                "file_missing",
                "Joignez le fichier dans la partie « file ».",
                "Send the file as the 'file' part.",
            )
        data = await part.read(MAX_SIZE + 1)
    return part.filename or "file", part.content_type or "application/octet-stream", data


@router.post("/{ticket_id}/attachments", status_code=201, openapi_extra=MULTIPART_FILE)
async def upload_attachment(request: Request, caller: Worker, ticket_id: int) -> AttachmentOut:
    """Attach a file (multipart ``file``): documents, images, audio, mail, 10 MB at most."""
    ticket = await run_in_threadpool(ticket_of, caller, ticket_id)
    name, content_type, data = await _file(request)

    def save() -> TicketAttachment:
        with ticket_refusals():
            return _store(caller).save(caller.session, ticket, file_name=name, content_type=content_type,
                                       data=data, actor=caller.user, now=utcnow())  # fmt: skip

    return AttachmentOut.model_validate(await run_in_threadpool(save), from_attributes=True)


@router.get("/{ticket_id}/attachments")
def list_attachments(caller: Worker, ticket_id: int) -> list[AttachmentOut]:
    """The ticket's files, oldest first."""
    return [
        AttachmentOut.model_validate(a, from_attributes=True)
        for a in ticket_of(caller, ticket_id).attachments
    ]


@router.get(
    "/{ticket_id}/attachments/{attachment_id}",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file."}},
)
def download_attachment(caller: Worker, ticket_id: int, attachment_id: int) -> FileResponse:
    """The file itself, as a download with its original name."""
    found = [a for a in ticket_of(caller, ticket_id).attachments if a.id == attachment_id]
    if not found:
        raise not_found()
    try:
        path = _store(caller).file(found[0])
    except AttachmentPathError:
        log.warning(
            "attachment %s of tenant %s: path %r refused", found[0].id, caller.tenant_id, found[0].path
        )
        raise not_found() from None
    if not path.is_file():
        raise not_found()
    return FileResponse(path, media_type=found[0].content_type, filename=found[0].file_name,
                        headers={"X-Content-Type-Options": "nosniff"})  # fmt: skip
