"""SIP trunks over the API: the spec as body, a write-only password, clear 4xx errors."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.settings import Settings
from callfloor.storage.models import Trunk
from callfloor.storage.repositories import audit_entries
from callfloor.storage.secretbox import SecretBox
from tests.tenants import Platform2

BODY = {
    "name": "carrier",
    "host": "sip.carrier.example",
    "transport": "tcp",
    "username": "acme-out",
    "password": "carrier-secret",
    "register": True,
    "caller_id": "+33 1 80 20 30 40",
}


def _sealed(sessions: sessionmaker[Session], trunk_id: int) -> str | None:
    with sessions() as session:
        row = session.get(Trunk, trunk_id)
        assert row is not None
        return row.password_sealed


def test_trunk_life_cycle_never_shows_the_password(
    client: TestClient,
    platform: Platform2,
    as_role: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    admin = as_role["admin"]
    created = client.post("/api/trunks", json=BODY, headers=admin)
    assert created.status_code == 201, created.text
    trunk = created.json()
    assert "carrier-secret" not in created.text
    assert "password" not in trunk
    assert trunk["password_set"] is True
    assert (trunk["register"], trunk["caller_id"], trunk["port"], trunk["prefix"]) == (
        True,
        "+33180203040",
        5060,
        "",
    )
    sealed = _sealed(sessions, trunk["id"])
    assert sealed is not None
    assert SecretBox.from_settings(settings).open(sealed) == "carrier-secret"
    url = f"/api/trunks/{trunk['id']}"
    listed = client.get("/api/trunks", headers=as_role["supervisor"])
    assert {t["name"]: t["password_set"] for t in listed.json()} == {"operator": True, "carrier": True}
    assert "secret" not in listed.text
    without_password = {k: v for k, v in BODY.items() if k != "password"}
    kept = client.put(url, json={**without_password, "expires": 600}, headers=admin)
    assert kept.json()["password_set"] is True
    assert kept.json()["expires"] == 600
    assert _sealed(sessions, trunk["id"]) == sealed
    cleared = client.put(url, json={"name": "carrier", "host": "192.0.2.9"}, headers=admin)
    assert cleared.json()["password_set"] is False
    assert cleared.json()["username"] is None
    assert client.get(url, headers=as_role["supervisor"]).json() == cleared.json()
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 404
    with sessions() as session:
        actions = [e.action for e in audit_entries(session, platform.acme.tenant_id)]
    assert actions[-3:] == ["trunk.update", "trunk.update", "trunk.delete"]


def test_bad_trunks_get_clear_422s_and_duplicates_409(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    cases = [
        ({"name": "t", "host": "sip:carrier.example"}, "host takes no scheme"),
        ({"name": "t", "host": "https://carrier.example"}, "host takes no scheme"),
        ({"name": "t", "host": "carrier example"}, "without spaces"),
        ({"name": "t", "host": "carrier.example:5060"}, "host takes no port"),
        ({"name": "t", "host": "h.example", "port": 70000}, "less than or equal to 65535"),
        ({"name": "t", "host": "h.example", "transport": "tls"}, "'udp' or 'tcp'"),
        ({"name": "t", "host": "h.example", "register": True}, "register needs a username"),
        ({"name": "t", "host": "h.example", "password": "x"}, "a password needs a username"),
        ({"name": "t", "host": "h.example", "expires": 30}, "greater than or equal to 60"),
        ({"name": "t", "host": "h.example", "caller_id": "0 800 ABC"}, "caller_id must be"),
        ({"name": "t", "host": "h.example", "prefix": "+0"}, "prefix must be digits"),
    ]
    for body, message in cases:
        response = client.post("/api/trunks", json=body, headers=admin)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error_id"] == "invalid_request"
        assert message in response.text, (body, response.text)
    duplicate = client.post("/api/trunks", json={"name": "operator", "host": "h.example"}, headers=admin)
    assert duplicate.status_code == 409
    assert duplicate.json()["error_id"] == "duplicate"
