"""Configuration through the API: the center specs, clear 4xx errors, and an audit trail."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.sip.digest import DigestAlgorithm, ha1
from callfloor.storage.models import Agent, AuditLog
from tests.tenants import Platform2


def test_queue_life_cycle(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    body = {
        "name": "relance",
        "strategy": "skill_level",
        "skills": {"fr": 6},
        "overflow": "support",
        "service_level_s": 30,
        "service_level_definition": "exclude_short",
        "max_wait_s": 900,
    }
    created = client.post("/api/queues", json=body, headers=admin)
    assert created.status_code == 201, created.text
    queue = created.json()
    assert queue["skills"] == {"fr": 6}
    assert queue["overflow"] == "support"
    assert queue["priority"] == 0
    replaced = client.put(
        f"/api/queues/{queue['id']}", json={**body, "skills": {"en": 2}, "overflow": None}, headers=admin
    )
    assert replaced.json()["skills"] == {"en": 2}
    assert replaced.json()["overflow"] is None
    assert client.get(f"/api/queues/{queue['id']}", headers=as_role["supervisor"]).json() == replaced.json()
    assert client.delete(f"/api/queues/{queue['id']}", headers=admin).status_code == 204
    assert client.get(f"/api/queues/{queue['id']}", headers=admin).status_code == 404


def test_bad_bodies_get_422_with_a_bilingual_message(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    cases = [
        ("/api/queues", {"name": "q", "strategy": "fastest"}, "invalid_request"),
        ("/api/queues", {"name": "q", "skills": {"fr": 11}}, "invalid_request"),
        ("/api/queues", {"name": "q", "unknown_key": 1}, "invalid_request"),
        ("/api/queues", {"name": "q", "skills": {"klingon": 3}}, "unknown_reference"),
        ("/api/queues", {"name": "q", "overflow": "nowhere"}, "unknown_reference"),
        ("/api/skills", {"name": "has space"}, "invalid_request"),
        ("/api/skills", {"name": "x", "description": "nul\u0000byte"}, "invalid_request"),
        ("/api/users", {"email": "x@acme.example", "name": "X", "password": "short"}, "invalid_request"),
        (
            "/api/users",
            {"email": "root@x.example", "name": "X", "password": "long-enough", "role": "superadmin"},
            "invalid_request",
        ),
        ("/api/agents", {"user_id": 999999, "extension": "3001"}, "unknown_reference"),
        ("/api/agents", {"user_id": 1, "extension": "12a"}, "invalid_request"),
    ]
    for path, body, error_id in cases:
        response = client.post(path, json=body, headers=admin)
        assert response.status_code == 422, (path, body, response.text)
        payload = response.json()
        assert payload["error_id"] == error_id, (path, body, payload)
        assert payload["message"]["fr"]
        assert payload["message"]["en"]
    not_json = client.post(
        "/api/skills", content=b"{not json", headers={**admin, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 422


def test_duplicates_get_409(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    assert client.post("/api/skills", json={"name": "fr"}, headers=admin).json()["error_id"] == "duplicate"
    en_id = next(s["id"] for s in client.get("/api/skills", headers=admin).json() if s["name"] == "en")
    clash = client.put(f"/api/skills/{en_id}", json={"name": "fr"}, headers=admin)
    assert clash.status_code == 409
    taken = client.post(
        "/api/users",
        json={"email": "admin@demo.example", "name": "X", "password": "long-enough"},
        headers=admin,
    )
    assert taken.status_code == 409  # e-mail addresses are logins, unique on the platform


def test_agent_creation_and_sip_credentials(
    client: TestClient,
    platform: Platform2,
    as_role: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
) -> None:
    admin = as_role["admin"]
    user = client.post(
        "/api/users",
        json={"email": "yves@acme.example", "name": "Yves", "role": "agent", "password": "long-enough"},
        headers=admin,
    ).json()
    body = {
        "user_id": user["id"],
        "extension": "2002",
        "skills": {"fr": 4, "en": 9},
        "sip_password": "sip-secret-1",
    }
    agent = client.post("/api/agents", json=body, headers=admin)
    assert agent.status_code == 201, agent.text
    out = agent.json()
    assert out["has_sip_password"] is True
    assert out["skills"] == {"en": 9, "fr": 4}
    assert out["name"] == "Yves"
    assert "sip-secret-1" not in agent.text
    assert "ha1" not in agent.text
    with sessions() as session:
        row = session.get(Agent, out["id"])
        assert row is not None
        assert row.sip_ha1_sha256 == ha1("2002", "acme", "sip-secret-1", DigestAlgorithm.SHA256)
    again = client.post("/api/agents", json={**body, "extension": "2003"}, headers=admin)
    assert again.status_code == 409
    moved = client.patch(f"/api/agents/{out['id']}", json={"extension": "2009"}, headers=admin).json()
    assert moved["extension"] == "2009"
    assert moved["has_sip_password"] is False
    assert (
        client.patch(f"/api/agents/{out['id']}", json={"extension": "2001"}, headers=admin).status_code == 409
    )
    assert client.get("/api/users/" + str(user["id"]), headers=admin).json()["agent_id"] == out["id"]


def test_admin_cannot_lock_themselves_out(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    me = client.get("/api/me", headers=admin).json()["id"]
    for response in (
        client.delete(f"/api/users/{me}", headers=admin),
        client.patch(f"/api/users/{me}", json={"active": False}, headers=admin),
        client.patch(f"/api/users/{me}", json={"role": "agent"}, headers=admin),
    ):
        assert response.status_code == 409
        assert response.json()["error_id"] == "cannot_change_self"
    assert (
        client.patch(f"/api/users/{me}", json={"name": "Le Boss"}, headers=admin).json()["name"] == "Le Boss"
    )


def test_writes_are_audited(
    client: TestClient,
    platform: Platform2,
    as_role: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
) -> None:
    admin = as_role["admin"]
    user = client.post(
        "/api/users", json={"email": "w@acme.example", "name": "W", "password": "long-enough"}, headers=admin
    ).json()
    client.patch(f"/api/users/{user['id']}", json={"role": "admin"}, headers=admin)
    client.delete(f"/api/users/{user['id']}", headers=admin)
    client.post("/api/skills", json={"name": "de"}, headers=admin)
    with sessions() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.actor_email == "boss@acme.example")).all()
        assert [r.action for r in rows if r.action != "login.success"] == [
            "user.create",
            "user.update",
            "user.delete",
            "skill.create",
        ]
        assert all(r.tenant_id == platform.acme.tenant_id for r in rows)


def test_health_and_unknown_routes(client: TestClient) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok"
    assert health["database"] in {"sqlite", "postgresql"}
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error_id"] == "not_found"
    assert client.delete("/api/health").json()["error_id"] == "method_not_allowed"


def test_numbers_normalise_and_belong_to_one_tenant(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    created = client.post("/api/numbers", json={"number": "08 00 30 03 00", "queue": "vip"}, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["number"] == "+33800300300"
    again = client.post("/api/numbers", json={"number": "+33800300300", "queue": "support"}, headers=admin)
    assert again.status_code == 409
    taken = client.post("/api/numbers", json={"number": "0800100100", "queue": "support"}, headers=admin)
    assert taken.status_code == 409  # the demo tenant's numéro vert
    bad = client.post("/api/numbers", json={"number": "12", "queue": "nowhere"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["error_id"] == "unknown_reference"
