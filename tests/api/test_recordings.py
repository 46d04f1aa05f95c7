"""Recordings over the API: metadata, the real WAV, deletion, and no path out of the data dir."""

import io
import wave
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.settings import Settings
from callfloor.storage.models import Recording, Tenant
from callfloor.storage.repositories import audit_entries
from tests.tenants import Platform2


def _acme_recording(platform: Platform2) -> int:
    return platform.acme.ids["/api/recordings"]["recording_id"]


def _set_path(sessions: sessionmaker[Session], recording_id: int, path: str) -> None:
    with sessions.begin() as session:
        row = session.get(Recording, recording_id)
        assert row is not None
        row.path = path


def _file(sessions: sessionmaker[Session], settings: Settings, recording_id: int) -> Path:
    with sessions() as session:
        row = session.get(Recording, recording_id)
        assert row is not None
        return settings.data_dir / row.path


def test_list_and_read_metadata(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    listed = client.get("/api/recordings", headers=as_role["supervisor"])
    assert listed.status_code == 200, listed.text
    [one] = listed.json()
    assert one["id"] == _acme_recording(platform)
    assert (one["interaction"], one["queue"], one["agent"]) == ("acme-call@192.0.2.7", "support", "2001")
    assert (one["stereo"], one["pauses"], one["consent"]) == (False, [], "informed")
    assert one["started_at"].startswith("2026-03-14T09:30:00")
    assert one["retain_until"].startswith("2026-06-12T09:30:00")
    assert "path" not in one  # the layout of the data dir is nobody's business
    single = client.get(f"/api/recordings/{one['id']}", headers=as_role["admin"]).json()
    assert single == one
    by_call = client.get(
        "/api/recordings", params={"interaction": "acme-call@192.0.2.7"}, headers=as_role["admin"]
    )
    assert [r["id"] for r in by_call.json()] == [one["id"]]
    demo_call = client.get(
        "/api/recordings", params={"interaction": "demo-call@192.0.2.7"}, headers=as_role["admin"]
    )
    assert demo_call.json() == []  # another tenant's call, even named exactly
    for limit in (0, 501):
        response = client.get("/api/recordings", params={"limit": limit}, headers=as_role["admin"])
        assert response.status_code == 422
        assert response.json()["error_id"] == "invalid_request"


def test_audio_is_the_wav_file(
    client: TestClient,
    platform: Platform2,
    as_role: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    recording_id = _acme_recording(platform)
    response = client.get(f"/api/recordings/{recording_id}/audio", headers=as_role["supervisor"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "audio/wav"
    assert response.content == _file(sessions, settings, recording_id).read_bytes()
    with wave.open(io.BytesIO(response.content)) as audio:
        assert (audio.getnchannels(), audio.getsampwidth(), audio.getframerate()) == (1, 2, 8000)
        assert audio.getnframes() == 4000


def test_audio_gone_is_404(
    client: TestClient,
    platform: Platform2,
    as_role: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    recording_id = _acme_recording(platform)
    _file(sessions, settings, recording_id).unlink()
    response = client.get(f"/api/recordings/{recording_id}/audio", headers=as_role["admin"])
    assert response.status_code == 404
    assert response.json()["error_id"] == "audio_not_found"
    assert set(response.json()["message"]) == {"fr", "en"}
    assert client.get(f"/api/recordings/{recording_id}", headers=as_role["admin"]).status_code == 200


@pytest.mark.parametrize("escape", ["../outside.wav", "recordings/../../outside.wav", "link", "/abs"])
def test_a_path_out_of_the_data_dir_is_refused(
    client: TestClient,
    platform: Platform2,
    as_role: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
    settings: Settings,
    escape: str,
) -> None:
    outside = settings.data_dir.parent / "outside.wav"
    outside.write_bytes(b"RIFF secret")
    stored = {"link": "recordings/link.wav", "/abs": str(outside)}.get(escape, escape)
    if escape == "link":
        (settings.data_dir / "recordings" / "link.wav").symlink_to(outside)
    recording_id = _acme_recording(platform)
    _set_path(sessions, recording_id, stored)
    response = client.get(f"/api/recordings/{recording_id}/audio", headers=as_role["admin"])
    assert response.status_code == 404, response.text
    assert response.json()["error_id"] == "audio_not_found"
    assert b"secret" not in response.content
    # Deleting the row does not delete what it pointed at.
    assert client.delete(f"/api/recordings/{recording_id}", headers=as_role["admin"]).status_code == 204
    assert outside.read_bytes() == b"RIFF secret"


def test_admin_deletes_file_and_row_audited(
    client: TestClient,
    platform: Platform2,
    as_role: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    recording_id = _acme_recording(platform)
    file = _file(sessions, settings, recording_id)
    url = f"/api/recordings/{recording_id}"
    assert client.delete(url, headers=as_role["supervisor"]).status_code == 403
    assert file.exists()
    assert client.delete(url, headers=as_role["admin"]).status_code == 204
    assert not file.exists()
    assert client.get(url, headers=as_role["admin"]).status_code == 404
    assert client.get("/api/recordings", headers=as_role["admin"]).json() == []
    with sessions() as session:
        [entry] = [
            e for e in audit_entries(session, platform.acme.tenant_id) if e.action == "recording.delete"
        ]
        assert entry.target == str(recording_id)
        assert entry.actor_email == "boss@acme.example"
        assert entry.details["interaction"] == "acme-call@192.0.2.7"


def test_superadmin_listens_in_the_tenant_named_by_header(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    headers = {**as_role["superadmin"], "X-Callfloor-Tenant": "demo"}
    [one] = client.get("/api/recordings", headers=headers).json()
    assert (one["queue"], one["agent"]) == ("ventes", "1001")
    assert client.get(f"/api/recordings/{one['id']}/audio", headers=headers).status_code == 200


def test_queue_recording_settings_through_the_api(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    created = client.post("/api/queues", json={"name": "qa"}, headers=admin).json()
    assert (created["recording"], created["recording_retention_days"]) == ("off", 90)
    body = {"name": "qa", "recording": "stereo", "recording_retention_days": 180}
    replaced = client.put(f"/api/queues/{created['id']}", json=body, headers=admin)
    assert (replaced.json()["recording"], replaced.json()["recording_retention_days"]) == ("stereo", 180)
    for bad in ({"recording": "yes"}, {"recording_retention_days": 0}, {"recording_retention_days": 3651}):
        response = client.put(f"/api/queues/{created['id']}", json={"name": "qa", **bad}, headers=admin)
        assert response.status_code == 422, bad
        assert response.json()["error_id"] == "invalid_request"


def test_client_viewers_listen_only_when_their_tenant_lets_them(
    client: TestClient,
    platform: Platform2,
    as_role: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
) -> None:
    recording_id = _acme_recording(platform)
    viewer = as_role["client_viewer"]
    refused = client.get(f"/api/recordings/{recording_id}/audio", headers=viewer)
    assert refused.status_code == 403  # personal data: closed by default
    with sessions.begin() as session:
        tenant = session.get(Tenant, platform.acme.tenant_id)
        assert tenant is not None
        tenant.client_viewer_personal_data = True
    assert [r["id"] for r in client.get("/api/recordings", headers=viewer).json()] == [recording_id]
    heard = client.get(f"/api/recordings/{recording_id}/audio", headers=viewer)
    assert heard.status_code == 200 and heard.headers["content-type"] == "audio/wav"
    assert client.delete(f"/api/recordings/{recording_id}", headers=viewer).status_code == 403
    demo = platform.demo.ids["/api/recordings"]["recording_id"]
    assert client.get(f"/api/recordings/{demo}/audio", headers=viewer).status_code == 404
