"""Call recordings: their metadata, their audio, and deleting one before its retention date.

Who listens: :func:`callfloor.reports.recordings.may_listen` (supervisors and admins; the
client's viewers when the tenant lets them see personal data). Only admins delete, and every
deletion is audited. A recording of another tenant is 404, like any other object. The audio is
read from the data dir only: a stored path that would lead elsewhere is refused.
"""

import logging
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, forbidden, not_found
from callfloor.core.roles import CONFIGURE, OBSERVE, Role
from callfloor.reports.recordings import may_listen
from callfloor.server.recordings import RecordingPathError, recording_file
from callfloor.storage.models import Recording
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/recordings", tags=["recordings"])
_MAYBE_LISTENER = Annotated[Caller, Depends(require(OBSERVE | {Role.CLIENT_VIEWER}))]


def listener(caller: _MAYBE_LISTENER) -> Caller:
    """Supervisors and admins, and the client's viewers when the tenant lets them hear recordings."""
    if not may_listen(caller.session, caller.tenant_id, caller.role):
        raise forbidden()
    return caller


Listener = Annotated[Caller, Depends(listener)]
Admin = Annotated[Caller, Depends(require(CONFIGURE))]


class RecordingOut(BaseModel):
    """A recording's metadata (its audio is at ``/api/recordings/{id}/audio``)."""

    id: int
    interaction: str = Field(description="The call's interaction id (the caller leg's SIP Call-ID).")
    queue: str | None = Field(description="The queue's name; null once the queue is deleted.")
    agent: str | None = Field(description="The agent's extension; null once the agent is deleted.")
    started_at: datetime
    duration_s: float
    stereo: bool = Field(description="Caller left, agent right; otherwise both mixed.")
    pauses: list[tuple[float, float]] = Field(description="Spans left silent, in seconds from the start.")
    consent: str
    retain_until: datetime
    created_at: datetime


def _view(row: Recording) -> RecordingOut:
    return RecordingOut(
        id=row.id,
        interaction=row.interaction_id,
        queue=row.queue.name if row.queue else None,
        agent=row.agent.extension if row.agent else None,
        started_at=row.started_at,
        duration_s=row.duration_s,
        stereo=row.stereo,
        pauses=[(start, end) for start, end in row.pauses],
        consent=row.consent,
        retain_until=row.retain_until,
        created_at=row.created_at,
    )


def _recording(caller: Caller, recording_id: int) -> Recording:
    row = TenantScope(caller.session, caller.tenant_id).recordings.get(recording_id)
    if row is None:
        raise not_found()
    return row


def audio_gone() -> ApiError:
    """The recording's row exists but its audio file does not (purged, lost, or refused)."""
    return ApiError(
        404, "audio_not_found", "Le fichier audio de cet enregistrement est introuvable.", "Audio not found."
    )


@router.get("")
def list_recordings(
    caller: Listener,
    interaction: Annotated[str | None, Query(max_length=255)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[RecordingOut]:
    """The tenant's recordings, newest first; one interaction's when ``interaction`` is given."""
    rows = TenantScope(caller.session, caller.tenant_id).recordings.list(
        interaction_id=interaction, limit=limit
    )
    return [_view(r) for r in rows]


@router.get("/{recording_id}")
def get_recording(caller: Listener, recording_id: int) -> RecordingOut:
    """One recording's metadata."""
    return _view(_recording(caller, recording_id))


@router.get(
    "/{recording_id}/audio",
    response_class=FileResponse,
    responses={200: {"content": {"audio/wav": {}}, "description": "The WAV file."}},
)
def get_audio(caller: Listener, recording_id: int) -> FileResponse:
    """The recording's WAV file (8 kHz, 16-bit PCM; stereo: caller left, agent right)."""
    row = _recording(caller, recording_id)
    try:
        path = recording_file(caller.context.settings.data_dir, row.path)
    except RecordingPathError:
        log.warning("recording %s of tenant %s: path %r refused", row.id, row.tenant_id, row.path)
        raise audio_gone() from None
    if not path.is_file():
        raise audio_gone()
    return FileResponse(
        path, media_type="audio/wav", filename=f"recording-{row.id}.wav", content_disposition_type="inline"
    )


@router.delete("/{recording_id}", status_code=204)
def delete_recording(caller: Admin, recording_id: int) -> Response:
    """Delete a recording now, audio and metadata (a data subject's request for erasure, say)."""
    row = _recording(caller, recording_id)
    try:
        recording_file(caller.context.settings.data_dir, row.path).unlink(missing_ok=True)
    except RecordingPathError:
        log.warning("recording %s of tenant %s: path %r refused", row.id, row.tenant_id, row.path)
    details = {"interaction": row.interaction_id, "started_at": row.started_at.isoformat()}
    TenantScope(caller.session, caller.tenant_id).recordings.delete(row)
    audit(
        caller.session,
        "recording.delete",
        tenant_id=caller.tenant_id,
        actor=caller.user,
        target=str(recording_id),
        details=details,
    )
    return Response(status_code=204)
