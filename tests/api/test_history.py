"""History routes: timelines paged by cursor, an interaction with its log and recordings, screen pops."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.interactions import Interaction
from callfloor.storage.scope import TenantScope
from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]
T0 = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
ACME_CALL = "acme-call@192.0.2.7"  # the platform's recorded call of tenant acme


def _contact(client: TestClient, headers: dict[str, str], number: str, **fields: Any) -> Any:
    body = {"first_name": "Marie", "last_name": "Curie", "phones": [{"number": number}], **fields}
    response = client.post("/api/contacts", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _calls(sessions: sessionmaker[Session], tenant_id: int, contact_id: int, ids: list[str]) -> None:
    """Finished calls of the contact, a minute apart, the first at T0, with the first one's log."""
    with sessions.begin() as session:
        for n, interaction in enumerate(ids):
            at = T0 + timedelta(minutes=n)
            session.add(
                Interaction(
                    tenant_id=tenant_id,
                    interaction_id=interaction,
                    channel="call",
                    direction="inbound",
                    number="+33612345678",
                    contact_id=contact_id,
                    queue="support",
                    agent="2001",
                    started_at=at,
                    answered_at=at + timedelta(seconds=4),
                    ended_at=at + timedelta(seconds=50),
                    outcome="completed",
                    wait_s=4.0,
                    talk_s=46.0,
                )
            )
        log = TenantScope(session, tenant_id).log
        log.append("enqueued", T0, interaction_id=ids[0], payload={"queue": "support"})
        log.append("answered", T0 + timedelta(seconds=4), interaction_id=ids[0], payload={"wait_s": 4.0})
        log.append("completed", T0 + timedelta(seconds=50), interaction_id=ids[0], payload={"talk_s": 46.0})


def test_a_contacts_history_pages_by_cursor(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    agent = as_role["agent"]
    marie = _contact(client, agent, "06 12 34 56 78")
    _calls(sessions, platform.acme.tenant_id, marie["id"], [ACME_CALL, "c2", "c3"])
    consent = {"channel": "phone", "purpose": "marketing", "granted": False, "source": "call c3"}
    recorded = client.post(
        f"/api/contacts/{marie['id']}/consents",
        json={**consent, "recorded_at": "2026-03-14T09:31:30Z"},
        headers=agent,
    )
    assert recorded.status_code == 201, recorded.text
    url = f"/api/contacts/{marie['id']}/history"
    seen, before = [], None
    for _ in range(10):
        page = client.get(
            url, params={"limit": 2, **({"before": before} if before else {})}, headers=agent
        ).json()
        seen += [(i["kind"], i["data"].get("interaction_id")) for i in page["items"]]
        before = page["next"]
        if before is None:
            break
    assert seen == [
        ("interaction", "c3"),
        ("consent", None),
        ("interaction", "c2"),
        ("interaction", ACME_CALL),
    ]
    whole = client.get(url, headers=agent).json()["items"]
    assert [r["url"] for r in whole[-1]["data"]["recordings"]] == [
        "/api/recordings/" + str(platform.acme.ids["/api/recordings"]["recording_id"])
    ]
    refused = client.get(url, params={"before": "not-a-cursor"}, headers=agent)
    assert (refused.status_code, refused.json()["error_id"]) == (422, "invalid_cursor")
    assert client.get(url, headers=as_role["client_viewer"]).status_code == 403


def test_an_accounts_history_holds_its_contacts_items(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    supervisor = as_role["supervisor"]
    account = client.post("/api/accounts", json={"name": "Acme"}, headers=supervisor).json()
    anne = _contact(client, supervisor, "0611111111", account_id=account["id"])
    _calls(sessions, platform.acme.tenant_id, anne["id"], ["a1"])
    items = client.get(f"/api/accounts/{account['id']}/history", headers=supervisor).json()["items"]
    assert [(i["kind"], i["contact_id"]) for i in items] == [("interaction", anne["id"])]
    other = platform.demo.ids["/api/recordings"]["recording_id"]  # any id of the other tenant: 404
    assert client.get(f"/api/accounts/{other + 10_000}/history", headers=supervisor).status_code == 404


def test_an_interaction_comes_with_its_log_and_recordings(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    agent = as_role["agent"]
    marie = _contact(client, agent, "0612345678")
    _calls(sessions, platform.acme.tenant_id, marie["id"], [ACME_CALL])
    record = client.get(f"/api/interactions/{ACME_CALL}", headers=agent).json()
    assert (record["contact_id"], record["outcome"], record["number"], record["talk_s"]) == (
        marie["id"], "completed", "+33612345678", 46.0,
    )  # fmt: skip
    assert [e["type"] for e in record["entries"]] == ["enqueued", "answered", "completed"]
    assert [r["duration_s"] for r in record["recordings"]] == [0.5]
    assert client.get("/api/interactions/unknown", headers=agent).json()["error_id"] == "not_found"
    assert client.get(f"/api/interactions/{ACME_CALL}", headers=as_role["client_viewer"]).status_code == 403


def test_a_typed_numbers_screen_pop(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    agent = as_role["agent"]
    marie = _contact(client, agent, "0612345678")
    _calls(sessions, platform.acme.tenant_id, marie["id"], [ACME_CALL, "c2"])
    pop = client.get("/api/screen-pop", params={"number": "+33 6 12 34 56 78"}, headers=agent).json()
    assert (pop["contact"]["id"], pop["contact"]["name"], pop["candidates"]) == (
        marie["id"],
        "Marie Curie",
        [],
    )
    assert (pop["normalized"], pop["script"], pop["open_tickets"]) == ("+33612345678", None, [])
    assert [i["data"]["interaction_id"] for i in pop["last_interactions"]] == ["c2", ACME_CALL]
    nobody = client.get("/api/screen-pop", params={"number": "0699999999"}, headers=agent).json()
    assert (nobody["contact"], nobody["account"], nobody["number"]) == (None, None, "0699999999")
    assert (
        client.get("/api/screen-pop", params={"number": "1"}, headers=as_role["client_viewer"]).status_code
        == 403
    )
    # No SIP server in this process: no live call, so no call's screen pop.
    assert client.get("/api/calls/abc/screen-pop", headers=agent).json()["error_id"] == "not_found"
