"""An agent's note on a finished interaction: appended to its record, shown in the contact's history.

The live call's side (the note kept with the call until its record is written) is tested on the
SIP floor in tests/web/test_desk_crm_browser.py and, without sockets, in
tests/crm/test_interaction_notes.py.
"""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.contacts import Contact
from callfloor.storage.interactions import Interaction
from callfloor.storage.scope import TenantScope
from tests.tenants import Platform2, bearer

Headers = dict[str, dict[str, str]]
T0 = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def _call(sessions: sessionmaker[Session], tenant_id: int, interaction: str, agent: str | None) -> int:
    """A finished call of a new contact, taken by ``agent``; the contact's id."""
    with sessions.begin() as session:
        scope = TenantScope(session, tenant_id)
        contact = scope.contacts.add(Contact(tenant_id=tenant_id, first_name="Marie", last_name="Curie"))
        session.add(
            Interaction(
                tenant_id=tenant_id,
                interaction_id=interaction,
                channel="call",
                direction="inbound",
                number="+33612345678",
                contact_id=contact.id,
                queue="support",
                agent=agent,
                started_at=T0,
                answered_at=T0 + timedelta(seconds=4),
                ended_at=T0 + timedelta(seconds=50),
                outcome="completed",
            )
        )
        return contact.id


def test_the_agent_who_took_the_call_appends_notes_seen_in_the_history(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    contact = _call(sessions, platform.acme.tenant_id, "n1", "2001")
    url = "/api/interactions/n1/note"
    first = client.post(url, json={"note": "  Colis abîmé, photo envoyée  "}, headers=as_role["agent"])
    assert first.status_code == 200, first.text
    assert first.json() == {"interaction_id": "n1", "notes": "Colis abîmé, photo envoyée", "recorded": True}
    second = client.post(url, json={"note": "Rappel promis jeudi"}, headers=as_role["supervisor"])
    assert second.json()["notes"] == "Colis abîmé, photo envoyée\n\nRappel promis jeudi"
    history = client.get(f"/api/contacts/{contact}/history", headers=as_role["agent"]).json()
    (item,) = [i for i in history["items"] if i["kind"] == "interaction"]
    assert item["data"]["notes"] == "Colis abîmé, photo envoyée\n\nRappel promis jeudi"
    assert client.get("/api/interactions/n1", headers=as_role["admin"]).json()["notes"].endswith("jeudi")


def test_an_agent_writes_only_on_calls_they_took_part_in(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    _call(sessions, platform.acme.tenant_id, "theirs", "2002")
    _call(sessions, platform.acme.tenant_id, "transferred", "2002")
    with sessions.begin() as session:  # zoé (2001) answered it first, then transferred it to 2002
        log = TenantScope(session, platform.acme.tenant_id).log
        log.append("answered", T0, interaction_id="transferred", payload={"agent": "2001"})
    body = {"note": "Vu"}
    assert (
        client.post("/api/interactions/theirs/note", json=body, headers=as_role["agent"]).status_code == 404
    )
    took = client.post("/api/interactions/transferred/note", json=body, headers=as_role["agent"])
    assert took.status_code == 200, took.text
    assert (
        client.post("/api/interactions/theirs/note", json=body, headers=as_role["admin"]).status_code == 200
    )
    viewer = client.post("/api/interactions/theirs/note", json=body, headers=as_role["client_viewer"])
    assert viewer.status_code == 403


def test_another_tenants_interaction_or_none_is_404(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    _call(sessions, platform.acme.tenant_id, "acme-1", "2001")
    demo_admin = bearer(client, "admin@demo.example", platform.secrets["admin@demo.example"])
    refused = client.post("/api/interactions/acme-1/note", json={"note": "x"}, headers=demo_admin)
    assert (refused.status_code, refused.json()["error_id"]) == (404, "not_found")
    missing = client.post("/api/interactions/nope/note", json={"note": "x"}, headers=as_role["admin"])
    assert missing.status_code == 404


def test_blank_long_or_strange_notes_are_refused(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    _call(sessions, platform.acme.tenant_id, "n2", "2001")
    url, agent = "/api/interactions/n2/note", as_role["agent"]
    blank = client.post(url, json={"note": "   "}, headers=agent)
    assert (blank.status_code, blank.json()["error_id"]) == (422, "invalid_customer_data")
    assert "note" in blank.json()["message"]["fr"]
    assert client.post(url, json={"note": "x" * 5001}, headers=agent).status_code == 422
    assert client.post(url, json={"note": "a\x00b"}, headers=agent).status_code == 422
    assert client.post(url, json={"note": "ok", "agent": "2002"}, headers=agent).status_code == 422
    assert client.post(url, json={}, headers=agent).status_code == 422
    assert client.get("/api/interactions/n2", headers=agent).json()["notes"] == ""
