"""Agent states, a waiting caller's priority and the wallboard on the live floor, through the API
(a baresip agent, a sipp caller; the API in its own thread hands its work to the SIP loop; the
``api`` fixture is the SIP tests')."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.repositories import audit_entries
from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor
from tests.tenants import Platform2, bearer

PEOPLE = {
    "1001": "agent1001@demo.example", "supervisor": "superviseur@demo.example",
    "acme": "boss@acme.example", "viewer": "client@demo.example",
}  # fmt: skip


@pytest.fixture
def logins(api: TestClient, platform: Platform2) -> dict[str, dict[str, str]]:
    return {who: bearer(api, email, platform.secrets[email]) for who, email in PEOPLE.items()}


def _accueil(floor: dict[str, object]) -> dict[str, object]:
    queues = floor["queues"]
    assert isinstance(queues, list)
    found: dict[str, object] = next(q for q in queues if q["name"] == "accueil")
    return found


def test_agents_pause_and_go_ready_supervisors_force_them(
    api: TestClient,
    logins: dict[str, dict[str, str]],
    floor: Floor,
    sessions: sessionmaker[Session],
    platform: Platform2,
) -> None:
    me = api.get("/api/me/agent", headers=logins["1001"])
    assert me.status_code == 200 and me.json()["state"] == "logged_out"
    assert {r["code"] for r in me.json()["pause_reasons"]} >= {"break", "lunch", "training", "meeting"}
    assert me.json()["pause_reasons"][1] == {"code": "lunch", "label": {"fr": "Déjeuner", "en": "Lunch"}}
    refused = api.post("/api/me/agent/state", json={"state": "ready"}, headers=logins["1001"])
    assert refused.status_code == 409 and refused.json()["error_id"] == "agent_logged_out"
    assert set(refused.json()["message"]) == {"fr", "en"}
    assert api.get("/api/me/agent", headers=logins["supervisor"]).json()["error_id"] == "not_an_agent"
    assert api.get("/api/me/agent", headers=logins["viewer"]).status_code == 403

    floor.agent("1001")  # the phone registers: logged in, ready
    ready = api.get("/api/me/agent", headers=logins["1001"]).json()
    assert (ready["state"], ready["reason"], ready["queues"]) == ("ready", None, ["accueil", "ventes"])
    for body in ({"state": "paused"}, {"state": "paused", "reason": "siesta"}):
        bad = api.post("/api/me/agent/state", json=body, headers=logins["1001"])
        assert bad.status_code == 422 and bad.json()["error_id"] == "pause_reason", bad.text
    paused = api.post(
        "/api/me/agent/state", json={"state": "paused", "reason": "lunch"}, headers=logins["1001"]
    )
    assert paused.status_code == 200, paused.text
    assert (paused.json()["state"], paused.json()["reason"]) == ("paused", "lunch")
    assert paused.json()["since"] is not None

    url = "/api/agents/1001/state"
    assert api.post(url, json={"state": "ready"}, headers=logins["1001"]).status_code == 403
    assert api.post(url, json={"state": "ready"}, headers=logins["acme"]).json()["error_id"] == "not_found"
    forced = api.post(url, json={"state": "ready"}, headers=logins["supervisor"])
    assert forced.status_code == 200 and forced.json()["state"] == "ready", forced.text
    with sessions() as session:
        last = audit_entries(session, platform.demo.tenant_id)[-1]
        assert (last.action, last.target, last.details) == (
            "agent.state",
            "1001",
            {"state": "ready", "reason": None},
        )


def test_a_supervisor_sees_a_waiting_caller_and_moves_it_up(
    api: TestClient, logins: dict[str, dict[str, str]], floor: Floor, live_sip: LiveSip
) -> None:
    floor.agent("1001")
    meeting = {"state": "paused", "reason": "meeting"}
    assert api.post("/api/agents/1001/state", json=meeting, headers=logins["supervisor"]).status_code == 200
    caller = floor.caller(12)
    call = floor.until(lambda c: c.state == "queued")

    board = api.get("/api/floor/live", headers=logins["supervisor"])
    assert board.status_code == 200, board.text
    accueil = _accueil(board.json())
    calls = accueil["calls"]
    assert isinstance(calls, list) and accueil["waiting"] == 1
    assert [(c["id"], c["priority"], c["ringing"]) for c in calls] == [(call.id, 0, False)]
    assert 0 <= calls[0]["waited_s"] < 15
    assert accueil["agents"] == {"paused": 1}
    assert accueil["service_level"] == {
        "value": 0.0,  # offered once, not answered yet
        "threshold_s": 20.0,
        "definition": "offered",
        "denominator": "offered",
    }
    assert accueil["offered"] == 1 and board.json()["live"] is True
    alice = next(a for a in board.json()["agents"] if a["extension"] == "1001")
    assert (alice["name"], alice["state"], alice["reason"], alice["handled_today"]) == (
        "Alice Martin",
        "paused",
        "meeting",
        0,
    )
    assert api.get("/api/floor/live", headers=logins["1001"]).status_code == 403
    acme = api.get("/api/floor/live", headers=logins["acme"]).json()
    assert {q["name"] for q in acme["queues"]} == {"support", "vip"} and acme["agents"][0][
        "extension"
    ] == "2001"

    url = f"/api/calls/{call.id}/priority"
    assert api.post(url, json={"priority": 7}, headers=logins["1001"]).status_code == 403
    assert api.post(url, json={"priority": 7}, headers=logins["acme"]).json()["error_id"] == "not_found"
    moved = api.post(url, json={"priority": 7}, headers=logins["supervisor"])
    assert moved.status_code == 200, moved.text
    assert moved.json() == {"id": call.id, "queue": "accueil", "priority": 7, "position": 1}
    again = _accueil(api.get("/api/floor/live", headers=logins["supervisor"]).json())["calls"]
    assert isinstance(again, list) and again[0]["priority"] == 7

    assert (
        api.post("/api/agents/1001/state", json={"state": "ready"}, headers=logins["supervisor"]).status_code
        == 200
    )
    floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    taken = api.post(url, json={"priority": 1}, headers=logins["supervisor"])
    assert taken.status_code == 409 and taken.json()["error_id"] == "not_waiting"
    busy = api.get("/api/me/agent", headers=logins["1001"]).json()
    assert busy["state"] == "busy"
    later = api.post(
        "/api/me/agent/state", json={"state": "paused", "reason": "break"}, headers=logins["1001"]
    )
    assert (later.json()["state"], later.json()["pending_pause"]) == ("busy", "break")  # after the call
    caller.wait(timeout=30)
    assert caller.returncode == 0
    live_sip.committed()
    after = api.get("/api/me/agent", headers=logins["1001"]).json()
    assert (after["state"], after["reason"]) == ("paused", "break")
    lines = api.get("/api/floor/live", headers=logins["supervisor"]).json()["agents"]
    alice = next(a for a in lines if a["extension"] == "1001")
    assert alice["handled_today"] == 1
