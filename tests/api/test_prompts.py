"""Tenants' own prompts through the API: upload checked, listed, played instead of the default."""

import io
import wave
from pathlib import Path

from fastapi.testclient import TestClient

from callfloor.prompts import prompt_path
from callfloor.prompts.tenants import TenantPrompts
from tests.tenants import Platform2


def wav(rate: int = 8000, channels: int = 1, seconds: float = 0.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x10\x00" * int(rate * seconds) * channels)
    return buffer.getvalue()


def test_an_admin_uploads_a_prompt_that_only_their_tenant_hears(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    url = "/api/prompts?id=welcome&lang=fr"
    assert client.put(url, content=wav(), headers={**admin, "Content-Type": "audio/wav"}).status_code == 204
    listed = {p["id"]: p for p in client.get("/api/prompts", headers=as_role["supervisor"]).json()}
    assert listed["welcome"]["own"] == ["fr"] and listed["goodbye"]["own"] == []
    assert listed["welcome"]["text"]["fr"].startswith("Bienvenue")
    data_dir = Path(client.app.state.context.settings.data_dir)  # type: ignore[attr-defined]
    prompts = TenantPrompts(data_dir)
    own = prompts.path(platform.acme.tenant_id, "welcome", "fr")
    assert own.read_bytes() == wav() and own != prompt_path("welcome", "fr")
    assert prompts.path(platform.demo.tenant_id, "welcome", "fr") == prompt_path("welcome", "fr")
    assert prompts.path(platform.acme.tenant_id, "welcome", "en") == prompt_path("welcome", "en")
    assert client.delete(url, headers=admin).status_code == 204
    assert prompts.path(platform.acme.tenant_id, "welcome", "fr") == prompt_path("welcome", "fr")
    assert client.delete(url, headers=admin).status_code == 404


def test_bad_uploads_are_refused_with_a_reason(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = {**as_role["admin"], "Content-Type": "audio/wav"}
    cases = [
        ("/api/prompts?id=welcome&lang=fr", wav(rate=44100), 422, "8000 Hz"),
        ("/api/prompts?id=welcome&lang=fr", wav(channels=2), 422, "2 channel"),
        ("/api/prompts?id=welcome&lang=fr", b"ID3 an mp3 file", 422, "not a PCM WAV"),
        ("/api/prompts?id=welcome&lang=fr", wav(seconds=0), 422, "between 0"),
        ("/api/prompts?id=../../etc/passwd&lang=fr", wav(), 404, "Unknown prompt"),
        ("/api/prompts?id=welcome&lang=de", wav(), 422, ""),
    ]
    for url, body, status, words in cases:
        response = client.put(url, content=body, headers=admin)
        assert response.status_code == status, (url, response.text)
        assert words in response.json()["message"]["en"] if words else True
    assert (
        client.put(
            "/api/prompts?id=welcome&lang=fr", content=wav(), headers=as_role["supervisor"]
        ).status_code
        == 403
    )
    listed = client.get("/api/prompts", headers=as_role["admin"]).json()
    assert all(p["own"] == [] for p in listed)  # nothing was kept
