"""Webhook routes: admins subscribe, the secret is shown once, deliveries are listed, pings queued."""

from fastapi.testclient import TestClient

from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]
BODY = {"url": "https://crm.acme.example/hooks", "events": ["ticket.changed", "order.created"]}


def test_an_admin_subscribes_sees_the_secret_once_and_pings(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    admin = as_role["admin"]
    created = client.post("/api/webhooks", json={**BODY, "description": "CRM"}, headers=admin)
    assert created.status_code == 201, created.text
    hook = created.json()
    assert hook["secret"].startswith("whsec_") and hook["events"] == BODY["events"]
    url = f"/api/webhooks/{hook['id']}"
    shown = client.get(url, headers=admin).json()
    assert "secret" not in shown and "secret_sealed" not in shown
    assert all("secret" not in h for h in client.get("/api/webhooks", headers=admin).json())
    assert client.post(f"{url}/test", headers=admin).json() == {"queued": 1}
    (ping,) = client.get(f"{url}/deliveries", headers=admin).json()
    assert (ping["event"], ping["status"], ping["attempts"], ping["payload"]["url"]) == (
        "ping", "pending", 0, BODY["url"]
    )  # fmt: skip
    rotated = client.post(f"{url}/rotate-secret", headers=admin).json()["secret"]
    assert rotated != hook["secret"]
    changed = client.patch(
        url, json={"active": False, "events": ["appointment.booked"]}, headers=admin
    ).json()
    assert (changed["active"], changed["events"]) == (False, ["appointment.booked"])
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).json()["error_id"] == "not_found"


def test_bad_urls_and_events_are_refused_in_french_and_english(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    admin = as_role["admin"]
    for body, error_id in (
        ({**BODY, "url": "ftp://crm.acme.example/hooks"}, "invalid_webhook_url"),
        ({**BODY, "url": "file:///etc/passwd"}, "invalid_webhook_url"),
        ({**BODY, "events": ["call.started"]}, "unknown_event"),
        ({**BODY, "events": []}, "unknown_event"),
    ):
        refused = client.post("/api/webhooks", json=body, headers=admin)
        assert (refused.status_code, refused.json()["error_id"]) == (422, error_id), body
        assert refused.json()["message"]["fr"] and refused.json()["message"]["en"]
    hook = client.post("/api/webhooks", json=BODY, headers=admin).json()
    patched = client.patch(f"/api/webhooks/{hook['id']}", json={"url": "gopher://x"}, headers=admin)
    assert patched.json()["error_id"] == "invalid_webhook_url"


def test_a_ticket_change_through_the_api_is_queued_for_the_webhook(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    admin = as_role["admin"]
    hook = client.post("/api/webhooks", json=BODY, headers=admin).json()
    team = client.post("/api/teams", json={"name": "Accueil", "level": 1}, headers=admin)
    assert team.status_code == 201, team.text
    category = {"name": "SAV", "kind": "after_sales", "first_response_s": 3600, "resolution_s": 86400}
    assert client.post("/api/ticket-categories", json=category, headers=admin).status_code == 201
    ticket = client.post("/api/tickets", json={"subject": "Panne", "category": "SAV"}, headers=admin)
    assert ticket.status_code == 201, ticket.text
    (queued,) = client.get(f"/api/webhooks/{hook['id']}/deliveries", headers=admin).json()
    assert (queued["event"], queued["payload"]["change"]) == ("ticket.changed", "created")
    assert queued["payload"]["ticket"]["number"] == ticket.json()["number"]


def test_only_admins_manage_webhooks(client: TestClient, platform: Platform2, as_role: Headers) -> None:
    for role in ("supervisor", "agent", "client_viewer"):
        assert client.get("/api/webhooks", headers=as_role[role]).status_code == 403
        assert client.post("/api/webhooks", json=BODY, headers=as_role[role]).status_code == 403
