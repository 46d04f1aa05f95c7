"""The desk and the wallboard as pages: who may open them, what they carry for their scripts."""

import json
import re

from fastapi.testclient import TestClient

from tests.tenants import Platform2

PEOPLE = {"agent": "zoe@acme.example", "supervisor": "sup@acme.example", "viewer": "viewer@acme.example"}


def _as(client: TestClient, platform: Platform2, who: str) -> TestClient:
    email = PEOPLE[who]
    assert (
        client.post("/login", data={"email": email, "password": platform.secrets[email]}).status_code == 200
    )
    return client


def _island(html: str, name: str) -> dict[str, object]:
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    loaded: dict[str, object] = json.loads(found.group(1))
    return loaded


def test_the_desk_is_the_agents_and_carries_its_texts_in_the_users_language(
    client: TestClient, platform: Platform2
) -> None:
    desk = _as(client, platform, "agent").get("/desk")
    assert desk.status_code == 200 and 'data-extension="2001"' in desk.text
    assert _island(desk.text, "desk-texts")["ready"] == "Disponible"
    english = client.get("/desk?lang=en")
    assert _island(english.text, "desk-texts")["ready"] == "Ready" and "Agent desktop" in english.text
    assert client.get("/wallboard").status_code == 403


def test_the_wallboard_is_the_supervisors_with_its_thresholds(
    client: TestClient, platform: Platform2
) -> None:
    board = _as(client, platform, "supervisor").get("/wallboard")
    assert board.status_code == 200 and "Mur d&#39;écrans" in board.text
    thresholds = _island(board.text, "board-thresholds")
    assert thresholds["drop_rate"] == {"amber": 0.02, "red": 0.03}
    assert 'class="tv"' in client.get("/wallboard?tv=1").text
    desk = client.get("/desk")  # a supervisor who is no agent: the desk says so
    assert desk.status_code == 200 and 'data-extension=""' in desk.text


def test_client_viewers_open_neither(client: TestClient, platform: Platform2) -> None:
    viewer = _as(client, platform, "viewer")
    assert viewer.get("/desk").status_code == 403 and viewer.get("/wallboard").status_code == 403
