"""The screen pop of an interaction by its id, once it has ended: its record's contact, or its number's.

The live side (an inbound call's kept pop, a campaign conversation's lead's contact, a callback
being dialed) is tested on the SIP floor: tests/server/sip/test_callback_dials.py, and in Chromium
tests/web/test_campaign_desk_browser.py.
"""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.storage.scope import TenantScope
from tests.api.test_call_contact import Headers, contact, unknown_caller
from tests.tenants import Platform2


def test_a_finished_call_pops_its_records_contact_for_the_agent_who_took_it(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    tenant = platform.acme.tenant_id
    unknown_caller(sessions, tenant, "p1", "2001")
    ada = contact(sessions, tenant, company="Analytical SA")
    with sessions.begin() as session:  # the contact chosen on the call, though her number is not on file
        row = TenantScope(session, tenant).interactions.by_interaction_id("p1")
        assert row is not None
        row.contact_id = ada
    pop = client.get("/api/interactions/p1/screen-pop", headers=as_role["agent"])
    assert pop.status_code == 200, pop.text
    body = pop.json()
    assert (body["interaction_id"], body["number"], body["normalized"], body["channel"]) == (
        "p1", "+33698765432", "+33698765432", "call"
    )  # fmt: skip
    assert (body["contact"]["id"], body["contact"]["name"], body["contact"]["account_name"]) == (
        ada, "Ada Lovelace", "Analytical SA"
    )  # fmt: skip
    assert body["account"]["name"] == "Analytical SA"
    assert [i["data"]["interaction_id"] for i in body["last_interactions"]] == ["p1"]
    assert (body["candidates"], body["ivr"]) == ([], {})


def test_a_record_without_contact_pops_whom_its_number_names(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    tenant = platform.acme.tenant_id
    unknown_caller(sessions, tenant, "p2", "2001")
    pop = client.get("/api/interactions/p2/screen-pop", headers=as_role["supervisor"]).json()
    assert (pop["contact"], pop["number"], pop["interaction_id"]) == (None, "+33698765432", "p2")
    with sessions.begin() as session:  # the number is given to somebody since
        CustomerFile(session, tenant).create_contact(
            {"first_name": "Grace", "last_name": "Hopper"}, phones=[PhoneInput("06 98 76 54 32")]
        )
    pop = client.get("/api/interactions/p2/screen-pop", headers=as_role["admin"]).json()
    assert pop["contact"]["name"] == "Grace Hopper"


def test_only_the_calls_agent_and_the_tenants_supervisors_read_it(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    unknown_caller(sessions, platform.acme.tenant_id, "theirs", "2002")
    unknown_caller(sessions, platform.demo.tenant_id, "elsewhere", "1001")
    url = "/api/interactions/{}/screen-pop"
    mine_not = client.get(url.format("theirs"), headers=as_role["agent"])  # another agent's call
    assert (mine_not.status_code, mine_not.json()["error_id"]) == (404, "not_found")
    assert client.get(url.format("theirs"), headers=as_role["client_viewer"]).status_code == 403
    assert client.get(url.format("theirs"), headers=as_role["supervisor"]).status_code == 200
    for role in ("agent", "supervisor", "admin"):  # another tenant's, or nobody's
        assert client.get(url.format("elsewhere"), headers=as_role[role]).status_code == 404
        assert client.get(url.format("nope"), headers=as_role[role]).status_code == 404
    assert client.get(url.format("x" * 37), headers=as_role["admin"]).status_code == 422
