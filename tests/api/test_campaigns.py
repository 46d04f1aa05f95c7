"""Campaigns, scripts and surveys through the API: the center YAML's specs, checked the same way."""

from fastapi.testclient import TestClient

from tests.tenants import Platform2

SCRIPT = {
    "name": "relance",
    "start": "a",
    "pages": {"a": {"title": "Accueil", "text": "Bonjour {first_name}"}},
}
CAMPAIGN = {"name": "devis", "type": "quote_followup", "mode": "progressive", "caller_id": "01 62 00 00 01",
            "queue": "support", "script": "relance"}  # fmt: skip


def test_a_campaign_names_its_script_and_queue_and_a_mobile_caller_id_is_refused(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    early = client.post("/api/campaigns", json=CAMPAIGN, headers=admin)
    assert (early.status_code, early.json()["error_id"]) == (422, "unknown_reference")  # no script yet
    assert client.post("/api/scripts", json=SCRIPT, headers=admin).status_code == 201
    created = client.post("/api/campaigns", json=CAMPAIGN, headers=admin)
    assert created.status_code == 201, created.text
    shown = client.get(f"/api/campaigns/{created.json()['id']}", headers=as_role["supervisor"]).json()
    assert (shown["caller_id"], shown["queue"], shown["script"]) == ("+33162000001", "support", "relance")
    mobile = client.post(
        "/api/campaigns", json={**CAMPAIGN, "name": "x", "caller_id": "0612345678"}, headers=admin
    )
    assert mobile.status_code == 422 and "mobile" in mobile.text
    broken = {**SCRIPT, "name": "b", "start": "nowhere"}
    assert client.post("/api/scripts", json=broken, headers=admin).status_code == 422
