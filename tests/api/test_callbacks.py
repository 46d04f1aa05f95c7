"""Scheduled callbacks: agreed in the tenant's zone, listed when due, closed once, in the contact's history."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.callbacks import ScheduledCallback
from tests.tenants import Platform2, bearer

Headers = dict[str, dict[str, str]]
PARIS = ZoneInfo("Europe/Paris")


def _contact(client: TestClient, headers: dict[str, str], **fields: object) -> int:
    body = {"first_name": "Marie", "last_name": "Curie", "phones": [{"number": "06 12 34 56 78"}], **fields}
    response = client.post("/api/contacts", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _tomorrow_at_ten() -> datetime:
    return (datetime.now(PARIS) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)


def test_an_agent_schedules_a_callback_at_the_tenants_wall_clock(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    agent = as_role["agent"]
    marie = _contact(client, agent)
    at = _tomorrow_at_ten()
    body = {"contact_id": marie, "due_at": at.replace(tzinfo=None).isoformat(), "note": "Devis D-12",
            "interaction_id": "call-1"}  # fmt: skip
    made = client.post("/api/callbacks", json=body, headers=agent)
    assert made.status_code == 201, made.text
    callback = made.json()
    assert datetime.fromisoformat(callback["due_at"]) == at  # ten o'clock in Paris
    assert (callback["number"], callback["status"], callback["note"]) == (
        "+33612345678",
        "pending",
        "Devis D-12",
    )
    me = client.get("/api/me", headers=agent).json()
    assert callback["assignee_id"] == callback["created_by"] == me["id"]
    mine = client.get("/api/callbacks", params={"mine": True, "status": "pending"}, headers=agent).json()
    assert [c["id"] for c in mine] == [callback["id"]]
    assert client.get("/api/callbacks", params={"due": True}, headers=agent).json() == []  # not yet
    history = client.get(f"/api/contacts/{marie}/history", headers=agent).json()
    (item,) = [i for i in history["items"] if i["kind"] == "callback"]
    assert (item["id"], item["data"]["note"]) == (callback["id"], "Devis D-12")


def test_a_callback_for_anyone_with_its_own_number_and_an_offset(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    marie = _contact(client, as_role["agent"])
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    body = {"contact_id": marie, "due_at": at.isoformat(), "number": "01 40 00 00 00", "for_me": False}
    made = client.post("/api/callbacks", json=body, headers=as_role["supervisor"]).json()
    assert (made["assignee_id"], made["number"]) == (None, "+33140000000")
    assert datetime.fromisoformat(made["due_at"]) == at
    theirs = client.get("/api/callbacks", params={"mine": True}, headers=as_role["agent"]).json()
    assert [c["id"] for c in theirs] == [made["id"]]  # anyone's is the agent's too


def test_callbacks_due_are_listed_and_closed_once(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    marie = _contact(client, as_role["agent"])
    with sessions.begin() as session:
        session.add(ScheduledCallback(tenant_id=platform.acme.tenant_id, contact_id=marie, number="+33612345678",
                                      due_at=datetime.now(UTC) - timedelta(minutes=5), status="pending"))  # fmt: skip
    (due,) = client.get("/api/callbacks", params={"due": True}, headers=as_role["agent"]).json()
    done = client.post(f"/api/callbacks/{due['id']}/done", headers=as_role["agent"])
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["closed_at"]
    again = client.post(f"/api/callbacks/{due['id']}/cancel", headers=as_role["agent"])
    assert (again.status_code, again.json()["error_id"]) == (409, "callback_closed")
    assert client.get("/api/callbacks", params={"status": "pending"}, headers=as_role["agent"]).json() == []


def test_bad_callbacks_are_refused_with_the_field_named(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    agent = as_role["agent"]
    marie = _contact(client, agent)
    nobody = _contact(client, agent, phones=[])
    soon = _tomorrow_at_ten().isoformat()

    def refused(body: dict[str, object]) -> tuple[int, str, str]:
        response = client.post("/api/callbacks", json=body, headers=agent)
        return response.status_code, response.json()["error_id"], response.json()["message"]["en"]

    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert refused({"contact_id": marie, "due_at": past})[:2] == (422, "invalid_callback")
    later = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    assert refused({"contact_id": marie, "due_at": later})[2].startswith("due_at: ")
    assert refused({"contact_id": 999_999, "due_at": soon})[2] == "contact_id: unknown contact"
    assert refused({"contact_id": nobody, "due_at": soon})[2].startswith("number: ")
    assert (
        refused({"contact_id": marie, "due_at": soon, "number": "12"})[2]
        == "number: not a phone number: '12'"
    )
    assert refused({"contact_id": marie, "due_at": "jeudi"})[:2] == (422, "invalid_request")
    assert refused({"contact_id": marie, "due_at": soon, "agent": "2001"})[:2] == (422, "invalid_request")


def test_roles_and_tenants(client: TestClient, platform: Platform2, as_role: Headers) -> None:
    marie = _contact(client, as_role["agent"])
    body = {"contact_id": marie, "due_at": _tomorrow_at_ten().isoformat()}
    viewer = client.post("/api/callbacks", json=body, headers=as_role["client_viewer"])
    assert viewer.status_code == 403
    assert client.get("/api/callbacks", headers=as_role["client_viewer"]).status_code == 403
    made = client.post("/api/callbacks", json=body, headers=as_role["agent"]).json()
    demo = bearer(client, "admin@demo.example", platform.secrets["admin@demo.example"])
    assert client.post(f"/api/callbacks/{made['id']}/done", headers=demo).status_code == 404
    assert client.get("/api/callbacks", headers=demo).json() == []
    elsewhere = client.post("/api/callbacks", json=body, headers=demo)  # acme's contact, from demo
    assert (elsewhere.status_code, elsewhere.json()["error_id"]) == (422, "invalid_callback")


def _due(sessions: sessionmaker[Session], tenant_id: int, contact: int, assignee: int | None = None) -> int:
    """A callback of ``contact`` due five minutes ago (as one is once its time has come)."""
    with sessions.begin() as session:
        row = ScheduledCallback(tenant_id=tenant_id, contact_id=contact, number="+33612345678",
                                due_at=datetime.now(UTC) - timedelta(minutes=5), status="pending",
                                assignee_id=assignee)  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def test_a_pending_callback_is_postponed_in_the_tenants_zone(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    agent = as_role["agent"]
    marie = _contact(client, agent)
    callback = _due(sessions, platform.acme.tenant_id, marie)
    (listed,) = client.get("/api/callbacks", params={"due": True, "mine": True}, headers=agent).json()
    assert (listed["contact_name"], listed["attempts"], listed["last_outcome"]) == ("Marie Curie", 0, None)
    later = _tomorrow_at_ten()
    moved = client.post(f"/api/callbacks/{callback}/postpone",
                        json={"due_at": later.replace(tzinfo=None).isoformat()}, headers=agent)  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["due_at"]) == later  # ten o'clock in Paris
    assert client.get("/api/callbacks", params={"due": True}, headers=agent).json() == []  # not due any more
    past = client.post(f"/api/callbacks/{callback}/postpone",
                       json={"due_at": "2020-01-01T10:00:00"}, headers=agent)  # fmt: skip
    assert (past.status_code, past.json()["error_id"]) == (422, "invalid_callback")
    client.post(f"/api/callbacks/{callback}/cancel", headers=agent)
    closed = client.post(
        f"/api/callbacks/{callback}/postpone", json={"due_at": later.isoformat()}, headers=agent
    )
    assert (closed.status_code, closed.json()["error_id"]) == (409, "callback_closed")


def test_dialing_is_refused_before_any_call_when_it_cannot_be_placed(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    """Without a SIP server here, the refusals that need none: the live ones are in
    tests/server/sip/test_callback_dials.py."""
    agent, supervisor = as_role["agent"], as_role["supervisor"]
    marie = _contact(client, agent)
    supervisor_id = client.get("/api/me", headers=supervisor).json()["id"]
    theirs = _due(sessions, platform.acme.tenant_id, marie, assignee=supervisor_id)
    anyone = _due(sessions, platform.acme.tenant_id, marie)

    def dial(callback: int, headers: dict[str, str]) -> tuple[int, str]:
        response = client.post(f"/api/callbacks/{callback}/dial", headers=headers)
        return response.status_code, response.json()["error_id"]

    assert dial(anyone, as_role["admin"]) == (409, "no_extension")  # the admin has no phone to ring
    assert dial(anyone, agent) == (503, "no_sip_server")
    listed = client.get("/api/callbacks", params={"status": "pending"}, headers=agent).json()
    assert [c["assignee_id"] for c in listed] == [supervisor_id, None]  # nothing was taken
    assert dial(theirs, agent) == (409, "callback_taken")  # the supervisor's
    assert dial(theirs, supervisor) == (409, "no_extension")
    assert client.get("/api/callbacks/dials", headers=agent).json() == []
    client.post(f"/api/callbacks/{anyone}/done", headers=agent)
    assert dial(anyone, agent) == (409, "callback_closed")
    hangup = client.post(f"/api/callbacks/{anyone}/hangup", headers=agent)
    assert (hangup.status_code, hangup.json()["error_id"]) == (503, "no_sip_server")
    demo = bearer(client, "admin@demo.example", platform.secrets["admin@demo.example"])
    assert client.post(f"/api/callbacks/{anyone}/dial", headers=demo).status_code == 404
    assert client.post(f"/api/callbacks/{anyone}/hangup", headers=demo).status_code == 404
    assert client.post(f"/api/callbacks/{anyone}/postpone", json={"due_at": _tomorrow_at_ten().isoformat()},
                       headers=demo).status_code == 404  # fmt: skip
