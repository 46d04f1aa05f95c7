"""The desk and the wallboard as pages: who may open them, what they carry for their scripts."""

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.models import Tenant
from tests.tenants import Platform2
from tests.web.clients import log_in

PEOPLE = {"agent": "zoe@acme.example", "supervisor": "sup@acme.example", "viewer": "viewer@acme.example"}


def _as(client: TestClient, platform: Platform2, who: str) -> TestClient:
    return log_in(client, platform, PEOPLE[who])


def island(html: str, name: str) -> dict[str, object]:
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    loaded: dict[str, object] = json.loads(found.group(1))
    return loaded


def test_the_desk_is_the_agents_and_carries_its_texts_in_the_users_language(
    client: TestClient, platform: Platform2
) -> None:
    desk = _as(client, platform, "agent").get("/desk")
    assert desk.status_code == 200 and 'data-extension="2001"' in desk.text
    assert island(desk.text, "desk-texts")["ready"] == "Disponible"
    english = client.get("/desk?lang=en")
    assert island(english.text, "desk-texts")["ready"] == "Ready" and "Agent desktop" in english.text
    assert client.get("/wallboard").status_code == 403


def test_the_wallboard_is_the_supervisors_with_its_thresholds(
    client: TestClient, platform: Platform2
) -> None:
    board = _as(client, platform, "supervisor").get("/wallboard")
    assert board.status_code == 200 and "Mur d&#39;écrans" in board.text
    thresholds = island(board.text, "board-thresholds")
    assert thresholds["drop_rate"] == {"amber": 0.02, "red": 0.03}
    assert island(board.text, "floor-reasons")["monitoring"] == {
        "fr": "Écoute d'un appel",
        "en": "Monitoring a call",
    }
    assert 'class="tv"' in client.get("/wallboard?tv=1").text
    desk = client.get("/desk")  # a supervisor who is no agent: the desk says so
    assert desk.status_code == 200 and 'data-extension=""' in desk.text


def test_client_viewers_open_neither(client: TestClient, platform: Platform2) -> None:
    viewer = _as(client, platform, "viewer")
    assert viewer.get("/desk").status_code == 403 and viewer.get("/wallboard").status_code == 403


def test_the_wallboard_colours_by_the_tenant_s_own_thresholds(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        tenant = session.get(Tenant, platform.acme.tenant_id)
        assert tenant is not None
        tenant.wallboard_thresholds = {
            "longest_wait_s": {"amber": 30, "red": 90},
            "drop_rate": {"red": 0.025},
        }
    thresholds = island(_as(client, platform, "supervisor").get("/wallboard").text, "board-thresholds")
    assert thresholds["longest_wait_s"] == {"amber": 30, "red": 90}
    assert thresholds["drop_rate"] == {"amber": 0.02, "red": 0.025}  # amber not set: the default's
    assert thresholds["service_level"] == {"amber": 0.8, "red": 0.6, "below": True}
