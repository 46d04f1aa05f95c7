"""The prompts callers hear, and tenants' own recordings of them: supervisors read, admins upload.

A prompt is a catalogue id (``welcome``, ``recording_notice``…) in a language; a tenant may
upload its own recording of any of them, which its calls then play instead of the default. The
upload is the WAV itself as the request body (``Content-Type: audio/wav``), checked to be 8 kHz
mono 16-bit PCM. Ids and languages are query parameters: they name catalogue entries, which every
tenant shares, not objects of one tenant.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError
from callfloor.core.roles import CONFIGURE, OBSERVE
from callfloor.prompts import LANGUAGES, UnknownPrompt, catalog
from callfloor.prompts.tenants import PromptFormatError, TenantPrompts
from callfloor.storage.repositories import audit

router = APIRouter(prefix="/api/prompts", tags=["prompts"])
Reader = Annotated[Caller, Depends(require(OBSERVE))]
Admin = Annotated[Caller, Depends(require(CONFIGURE))]
Lang = Literal["fr", "en"]
MAX_UPLOAD = 20 * 1024 * 1024  # 10 minutes of 8 kHz 16-bit audio is under 10 MB


class PromptOut(BaseModel):
    """A prompt: its text per language, and the languages the tenant recorded it in."""

    id: str
    text: dict[str, str]
    own: list[str]


def _store(caller: Caller) -> TenantPrompts:
    return TenantPrompts(caller.context.settings.data_dir)


def _unknown(exc: UnknownPrompt) -> ApiError:
    return ApiError(404, "unknown_prompt", f"Message inconnu : {exc}", f"Unknown prompt: {exc}")


@router.get("")
def list_prompts(caller: Reader) -> list[PromptOut]:
    """Every prompt of the catalogue, with the tenant's own recordings marked."""
    own = _store(caller).own(caller.tenant_id)
    return [
        PromptOut(id=prompt_id, text=texts, own=[lang for lang in LANGUAGES if (prompt_id, lang) in own])
        for prompt_id, texts in sorted(catalog().items())
    ]


@router.put("", status_code=204)
async def upload_prompt(
    request: Request,
    caller: Admin,
    prompt_id: Annotated[str, Query(alias="id", max_length=64)],
    lang: Lang,
) -> Response:
    """Upload the tenant's own recording of a prompt (the WAV as the body)."""
    data = await request.body()
    if len(data) > MAX_UPLOAD:
        raise ApiError(413, "too_large", "Fichier trop volumineux.", "File too large.")
    try:
        seconds = _store(caller).save(caller.tenant_id, prompt_id, lang, data)
    except UnknownPrompt as exc:
        raise _unknown(exc) from exc
    except PromptFormatError as exc:
        raise ApiError(422, "bad_audio", f"Fichier audio refusé : {exc}", f"Audio refused: {exc}") from exc
    audit(
        caller.session, "prompt.upload", tenant_id=caller.tenant_id, actor=caller.user,
        target=f"{prompt_id}/{lang}", details={"seconds": round(seconds, 2)},
    )  # fmt: skip
    return Response(status_code=204)


@router.delete("", status_code=204)
def delete_prompt(
    caller: Admin, prompt_id: Annotated[str, Query(alias="id", max_length=64)], lang: Lang
) -> Response:
    """Go back to the default recording of a prompt."""
    try:
        removed = _store(caller).delete(caller.tenant_id, prompt_id, lang)
    except UnknownPrompt as exc:
        raise _unknown(exc) from exc
    if not removed:
        raise ApiError(
            404, "not_found", "Aucun enregistrement propre à supprimer.", "No own recording to delete."
        )
    audit(
        caller.session,
        "prompt.delete",
        tenant_id=caller.tenant_id,
        actor=caller.user,
        target=f"{prompt_id}/{lang}",
    )
    return Response(status_code=204)
