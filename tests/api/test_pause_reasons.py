"""The tenant's pause reasons through the API: desk roles read them, admins set them, per tenant."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.repositories import audit_entries
from tests.tenants import Platform2, bearer

OWN = [
    {"code": "brief", "label": {"fr": "Briefing", "en": "Briefing"}},
    {"code": "break", "label": {"fr": "Pause", "en": "Break"}},
]


def test_admins_set_their_tenants_reasons_and_agents_read_them(
    client: TestClient,
    platform: Platform2,
    as_role: dict[str, dict[str, str]],
    sessions: sessionmaker[Session],
) -> None:
    first = client.get("/api/pause-reasons", headers=as_role["agent"])
    assert first.status_code == 200 and first.json()["default"] is True
    assert first.json()["pause_reasons"][1] == {"code": "lunch", "label": {"fr": "Déjeuner", "en": "Lunch"}}
    assert client.get("/api/pause-reasons", headers=as_role["client_viewer"]).status_code == 403
    for role in ("agent", "supervisor"):
        assert (
            client.put("/api/pause-reasons", json={"pause_reasons": OWN}, headers=as_role[role]).status_code
            == 403
        )

    put = client.put("/api/pause-reasons", json={"pause_reasons": OWN}, headers=as_role["admin"])
    assert put.status_code == 200, put.text
    assert put.json() == {"pause_reasons": OWN, "default": False}
    assert client.get("/api/pause-reasons", headers=as_role["supervisor"]).json()["pause_reasons"] == OWN
    me = client.get("/api/me/agent", headers=as_role["agent"]).json()  # no SIP server: logged out
    assert (me["state"], me["pause_reasons"]) == ("logged_out", OWN)
    with sessions() as session:
        last = audit_entries(session, platform.acme.tenant_id)[-1]
        assert (last.action, last.details) == ("pause_reasons.update", {"pause_reasons": ["brief", "break"]})

    demo = bearer(client, "agent1001@demo.example", platform.secrets["agent1001@demo.example"])
    assert client.get("/api/pause-reasons", headers=demo).json()["default"] is True  # another tenant's own

    back = client.put("/api/pause-reasons", json={"pause_reasons": None}, headers=as_role["admin"])
    assert back.json()["default"] is True and back.json()["pause_reasons"][0]["code"] == "break"


def test_bad_lists_are_refused(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    reason = {"code": "x", "label": {"fr": "X", "en": "X"}}
    for body in (
        {"pause_reasons": []},
        {"pause_reasons": [reason, reason]},
        {"pause_reasons": [{**reason, "code": "consult"}]},
        {"pause_reasons": [{**reason, "label": {"fr": "X"}}]},
        {},
    ):
        refused = client.put("/api/pause-reasons", json=body, headers=as_role["admin"])
        assert refused.status_code == 422, (body, refused.text)
        assert set(refused.json()["message"]) == {"fr", "en"}
    assert client.get("/api/pause-reasons", headers=as_role["admin"]).json()["default"] is True


def test_the_state_api_takes_the_tenants_codes_only(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    """Without a SIP server a valid pause answers 503; a code the tenant does not offer, 422."""
    client.put("/api/pause-reasons", json={"pause_reasons": OWN}, headers=as_role["admin"])
    own = client.post(
        "/api/me/agent/state", json={"state": "paused", "reason": "brief"}, headers=as_role["agent"]
    )
    assert own.status_code == 503 and own.json()["error_id"] == "no_sip_server"
    gone = client.post(
        "/api/me/agent/state", json={"state": "paused", "reason": "lunch"}, headers=as_role["agent"]
    )
    assert gone.status_code == 422 and gone.json()["error_id"] == "pause_reason"
    assert "brief, break" in gone.json()["message"]["en"]
    forced = client.post(
        "/api/agents/2001/state", json={"state": "paused", "reason": "lunch"}, headers=as_role["supervisor"]
    )
    assert forced.status_code == 422 and forced.json()["error_id"] == "pause_reason"
