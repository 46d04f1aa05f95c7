"""An interaction linked to a contact from the desk, once it has ended: its record and the contact's history.

The live side (the contact kept with the call until its record is written, the call's screen pop
rebuilt) is tested on the SIP floor: in Chromium in tests/web/test_desk_crm_browser.py, and for a
campaign call in tests/server/sip/test_campaign_desk.py.
"""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile
from callfloor.storage.interactions import Interaction
from callfloor.storage.repositories import audit_entries
from callfloor.storage.scope import TenantScope
from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]
T0 = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def unknown_caller(sessions: sessionmaker[Session], tenant_id: int, interaction: str, agent: str) -> None:
    """A finished call from a number nobody has, taken by ``agent``."""
    with sessions.begin() as session:
        session.add(
            Interaction(
                tenant_id=tenant_id, interaction_id=interaction, channel="call", direction="inbound",
                number="+33698765432", queue="support", agent=agent, started_at=T0,
                answered_at=T0 + timedelta(seconds=4), ended_at=T0 + timedelta(seconds=50), outcome="completed",
            )
        )  # fmt: skip


def contact(sessions: sessionmaker[Session], tenant_id: int, company: str | None = None) -> int:
    with sessions.begin() as session:
        customers = CustomerFile(session, tenant_id)
        account = customers.create_account({"name": company}).id if company else None
        values = {"civility": "Mme", "first_name": "Ada", "last_name": "Lovelace", "account_id": account}
        return customers.create_contact(values).id


def test_the_agent_links_their_finished_call_to_the_callers_new_file(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    tenant = platform.acme.tenant_id
    unknown_caller(sessions, tenant, "u1", "2001")
    ada = contact(sessions, tenant, company="Analytical SA")
    linked = client.post("/api/interactions/u1/contact", json={"contact_id": ada}, headers=as_role["agent"])
    assert linked.status_code == 200, linked.text
    body = linked.json()
    assert (body["interaction_id"], body["contact_id"], body["recorded"]) == ("u1", ada, True)
    pop = body["pop"]
    assert (pop["contact"]["name"], pop["contact"]["account_name"], pop["number"]) == (
        "Ada Lovelace", "Analytical SA", "+33698765432"
    )  # fmt: skip
    assert [i["data"]["interaction_id"] for i in pop["last_interactions"]] == ["u1"]
    with sessions() as session:
        row = TenantScope(session, tenant).interactions.by_interaction_id("u1")
        assert row is not None and row.contact_id == ada and row.account_id is not None
        entries = [e for e in audit_entries(session, tenant) if e.action == "interaction.contact"]
        assert [(e.target, e.details) for e in entries] == [("u1", {"contact_id": ada})]
    history = client.get(f"/api/contacts/{ada}/history", headers=as_role["agent"]).json()
    assert [i["data"]["interaction_id"] for i in history["items"] if i["kind"] == "interaction"] == ["u1"]


def test_only_the_calls_agent_links_it_and_only_to_a_contact_of_the_tenant(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    tenant = platform.acme.tenant_id
    unknown_caller(sessions, tenant, "theirs", "2002")
    ada, elsewhere = contact(sessions, tenant), contact(sessions, platform.demo.tenant_id)
    url = "/api/interactions/theirs/contact"
    assert client.post(url, json={"contact_id": ada}, headers=as_role["agent"]).status_code == 404
    assert client.post(url, json={"contact_id": ada}, headers=as_role["client_viewer"]).status_code == 403
    foreign = client.post(url, json={"contact_id": elsewhere}, headers=as_role["supervisor"])
    assert (foreign.status_code, foreign.json()["error_id"]) == (422, "invalid_customer_data"), foreign.text
    assert "contact" in foreign.json()["message"]["fr"] and "contact" in foreign.json()["message"]["en"]
    unknown = client.post(
        "/api/interactions/nope/contact", json={"contact_id": ada}, headers=as_role["admin"]
    )
    assert unknown.status_code == 404
    assert client.post(url, json={"contact_id": ada}, headers=as_role["supervisor"]).status_code == 200
