"""IVR flows through the API: written as the center YAML writes them, versioned, rolled back."""

from fastapi.testclient import TestClient

from tests.tenants import Platform2

MENU = {
    "name": "soir",
    "start": "menu",
    "nodes": {
        "menu": {"type": "menu", "prompts": ["main_menu"], "options": {"1": "q"}, "fallback": "q"},
        "q": {"type": "queue", "queue": "support"},
    },
}


def test_a_flow_is_versioned_and_rolled_back(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    created = client.post("/api/ivr-flows", json=MENU, headers=admin)
    assert created.status_code == 201, created.text
    flow_id = created.json()["id"]
    changed = {**MENU, "nodes": {**MENU["nodes"], "q": {"type": "queue", "queue": "vip"}}}
    assert client.put(f"/api/ivr-flows/{flow_id}", json=changed, headers=admin).status_code == 200
    assert (
        client.put(f"/api/ivr-flows/{flow_id}", json=changed, headers=admin).status_code == 200
    )  # no change
    versions = client.get(f"/api/ivr-flows/{flow_id}/versions", headers=as_role["supervisor"]).json()
    assert [(v["version"], v["active"]) for v in versions] == [(1, False), (2, True)]
    assert versions[1]["definition"]["nodes"]["q"] == {"type": "queue", "queue": "vip"}
    back = client.post(f"/api/ivr-flows/{flow_id}/activate", json={"version": 1}, headers=admin)
    assert back.status_code == 200, back.text
    assert back.json()["nodes"]["q"]["queue"] == "support"
    assert client.get(f"/api/ivr-flows/{flow_id}", headers=admin).json()["nodes"]["q"]["queue"] == "support"
    missing = client.post(f"/api/ivr-flows/{flow_id}/activate", json={"version": 7}, headers=admin)
    assert (missing.status_code, missing.json()["error_id"]) == (422, "unknown_version")
    number = client.post("/api/numbers", json={"number": "0149000000", "flow": "soir"}, headers=admin)
    assert number.status_code == 201, number.text
    assert number.json()["flow"] == "soir"


def test_bad_flows_get_422_naming_the_problem(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    dangling = {**MENU, "nodes": {"menu": MENU["nodes"]["menu"]}}
    answer = client.post("/api/ivr-flows", json=dangling, headers=admin)
    assert answer.status_code == 422
    assert "unknown node 'q'" in answer.text
    ghost_queue = {**MENU, "nodes": {**MENU["nodes"], "q": {"type": "queue", "queue": "ghost"}}}
    answer = client.post("/api/ivr-flows", json=ghost_queue, headers=admin)
    assert (answer.status_code, answer.json()["error_id"]) == (422, "unknown_reference")
    answer = client.post("/api/numbers", json={"number": "0149000001", "flow": "nope"}, headers=admin)
    assert (answer.status_code, answer.json()["error_id"]) == (422, "unknown_reference")
    both = client.post(
        "/api/numbers", json={"number": "0149000001", "flow": "main", "queue": "support"}, headers=admin
    )
    assert both.status_code == 422


def test_agents_cannot_write_flows(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    assert client.post("/api/ivr-flows", json=MENU, headers=as_role["agent"]).status_code == 403
    assert client.post("/api/ivr-flows", json=MENU, headers=as_role["supervisor"]).status_code == 403
