"""The live-call routes of the API on a real call: who sees it, who may command it, and what the
commands do (the server's loop runs in its own thread here, as the API's work is handed to it)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from callfloor.api.app import create_app
from callfloor.settings import Settings
from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor
from tests.tenants import Platform2, bearer


@pytest.fixture
def api(settings: Settings, engine: Engine, live_sip: LiveSip) -> Iterator[TestClient]:
    app = create_app(settings, engine)
    app.state.sip = live_sip.endpoint
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def test_agents_and_supervisors_command_live_calls(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip
) -> None:
    logins = {
        who: bearer(api, email, platform.secrets[email])
        for who, email in [
            ("1001", "agent1001@demo.example"), ("1002", "agent1002@demo.example"),
            ("supervisor", "superviseur@demo.example"), ("acme", "boss@acme.example"),
            ("viewer", "client@demo.example"),
        ]
    }  # fmt: skip
    floor.agent("1001")
    floor.agent("1002")
    caller = floor.caller(14)
    call = floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    url = f"/api/calls/{call.id}"

    listed = api.get("/api/calls", headers=logins["supervisor"]).json()
    assert [(c["id"], c["state"], c["agent"], c["queue"]) for c in listed] == [
        (call.id, "talking", "1001", "accueil")
    ]
    assert listed[0]["caller"]  # sipp's From user
    assert api.get("/api/calls", headers=logins["1001"]).json()[0]["id"] == call.id
    assert api.get("/api/calls", headers=logins["1002"]).json() == []  # not their call
    assert api.get("/api/calls", headers=logins["acme"]).json() == []  # not their tenant
    assert api.get("/api/calls", headers=logins["viewer"]).status_code == 403
    for who in ("1002", "acme"):
        response = api.post(f"{url}/hold", headers=logins[who])
        assert response.status_code == 404 and response.json()["error_id"] == "not_found", who

    held = api.post(f"{url}/hold", headers=logins["1001"])
    assert held.status_code == 200 and held.json()["state"] == "held", held.text
    again = api.post(f"{url}/hold", headers=logins["1001"])
    assert again.status_code == 409 and again.json()["error_id"] == "already_held"
    assert set(again.json()["message"]) == {"fr", "en"}
    assert api.post(f"{url}/resume", headers=logins["supervisor"]).json()["state"] == "talking"
    both = api.post(f"{url}/transfer", json={"queue": "accueil", "agent": "1002"}, headers=logins["1001"])
    assert both.status_code == 422 and both.json()["error_id"] == "transfer_target"
    bad = api.post(f"{url}/transfer", json={"queue": "accueil", "colour": "red"}, headers=logins["1001"])
    assert bad.status_code == 422
    assert api.post(f"{url}/transfer/complete", headers=logins["1001"]).status_code == 409

    moved = api.post(f"{url}/transfer", json={"agent": "1002"}, headers=logins["1001"])
    assert moved.status_code == 200, moved.text
    floor.until(lambda c: c.state == "talking" and c.agent == "1002")
    assert api.get("/api/calls", headers=logins["1001"]).json() == []  # no longer theirs
    assert api.get("/api/calls", headers=logins["1002"]).json()[0]["agent"] == "1002"
    caller.wait(timeout=30)
    assert caller.returncode == 0
