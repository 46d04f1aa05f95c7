"""An agent leaves and rejoins queues on the live floor, through the API; supervisors do it for
them (audited); the log keeps it, the wallboard shows it, a logout gives every queue back."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.events import AgentLoggedIn, AgentLoggedOut
from callfloor.core.log import LogEntry
from callfloor.core.log import MembershipEventType as ME
from callfloor.storage.models import Agent, InteractionEvent, Queue
from callfloor.storage.repositories import audit_entries, log_entry
from tests.server.conftest import LiveSip
from tests.tenants import Platform2, bearer

PEOPLE = {
    "1001": "agent1001@demo.example", "supervisor": "superviseur@demo.example",
    "acme": "boss@acme.example", "viewer": "client@demo.example",
}  # fmt: skip
BOTH = [{"queue": "accueil", "joined": True}, {"queue": "ventes", "joined": True}]


@pytest.fixture
def logins(api: TestClient, platform: Platform2) -> dict[str, dict[str, str]]:
    return {who: bearer(api, email, platform.secrets[email]) for who, email in PEOPLE.items()}


def _on_floor(live_sip: LiveSip, platform: Platform2, event: object) -> None:
    live_sip.call(lambda: live_sip.endpoint.floor(platform.demo.tenant_id).apply(event))  # type: ignore[arg-type]


def test_an_agent_leaves_and_rejoins_a_queue_and_a_supervisor_does_it_for_them(
    api: TestClient,
    logins: dict[str, dict[str, str]],
    live_sip: LiveSip,
    platform: Platform2,
    sessions: sessionmaker[Session],
) -> None:
    me = api.get("/api/me/agent", headers=logins["1001"]).json()
    assert (me["state"], me["memberships"]) == ("logged_out", BOTH)
    leave = {"queue": "accueil", "joined": False}
    early = api.post("/api/me/agent/queues", json=leave, headers=logins["1001"])
    assert early.status_code == 409 and early.json()["error_id"] == "agent_logged_out"

    _on_floor(live_sip, platform, AgentLoggedIn("1001"))  # what the phone's registration does
    left = api.post("/api/me/agent/queues", json=leave, headers=logins["1001"])
    assert left.status_code == 200, left.text
    assert left.json()["memberships"] == [{"queue": "accueil", "joined": False}, BOTH[1]]
    assert (left.json()["state"], left.json()["queues"]) == ("ready", ["ventes"])
    for queue in ("sav", "nowhere"):  # 1001 has no sav skill; no queue is called nowhere
        refused = api.post(
            "/api/me/agent/queues", json={"queue": queue, "joined": False}, headers=logins["1001"]
        )
        assert refused.status_code == 422 and refused.json()["error_id"] == "queue_not_qualified", (
            refused.text
        )
        assert queue in refused.json()["message"]["fr"] and queue in refused.json()["message"]["en"]
    malformed = api.post("/api/me/agent/queues", json={"queue": "accueil"}, headers=logins["1001"])
    assert malformed.status_code == 422
    assert (
        api.post("/api/me/agent/queues", json=leave, headers=logins["supervisor"]).status_code == 409
    )  # no agent
    assert api.post("/api/me/agent/queues", json=leave, headers=logins["viewer"]).status_code == 403

    board = api.get("/api/floor/live", headers=logins["supervisor"]).json()
    alice = next(a for a in board["agents"] if a["extension"] == "1001")
    assert alice["memberships"][0] == {"queue": "accueil", "joined": False}
    counts = {q["name"]: q["agents"] for q in board["queues"]}
    assert (counts["accueil"], counts["ventes"]) == ({}, {"ready": 1})  # not staffing accueil now

    url, rejoin = "/api/agents/1001/queues", {"queue": "accueil", "joined": True}
    assert api.post(url, json=rejoin, headers=logins["1001"]).status_code == 403
    assert api.post(url, json=rejoin, headers=logins["acme"]).json()["error_id"] == "not_found"
    not_his = api.post(url, json={"queue": "sav", "joined": True}, headers=logins["supervisor"])
    assert not_his.status_code == 422 and not_his.json()["error_id"] == "queue_not_qualified"
    forced = api.post(url, json=rejoin, headers=logins["supervisor"])
    assert forced.status_code == 200 and forced.json()["memberships"] == BOTH, forced.text
    with sessions() as session:
        last = audit_entries(session, platform.demo.tenant_id)[-1]
        assert (last.action, last.target, last.details) == ("agent.queues", "1001", rejoin)

    api.post(url, json=leave, headers=logins["supervisor"])
    _on_floor(live_sip, platform, AgentLoggedOut("1001"))  # the next shift starts in every queue
    assert api.get("/api/me/agent", headers=logins["1001"]).json()["memberships"] == BOTH
    live_sip.committed()
    with sessions() as session:
        rows = session.scalars(
            select(InteractionEvent)
            .where(InteractionEvent.type.in_([ME.QUEUE_LEFT.value, ME.QUEUE_JOINED.value]))
            .order_by(InteractionEvent.id)
        ).all()
        entries = [log_entry(row) for row in rows]
        queue = session.scalars(select(Queue).where(Queue.name == "accueil")).one()
        agent = session.scalars(select(Agent).where(Agent.extension == "1001")).one()
        assert {(row.queue_id, row.agent_id) for row in rows} == {(queue.id, agent.id)}
    assert [(e.type, e.queue, e.agent, e.reason) for e in entries] == [
        (ME.QUEUE_LEFT, "accueil", "1001", None),
        (ME.QUEUE_JOINED, "accueil", "1001", None),
        (ME.QUEUE_LEFT, "accueil", "1001", None),
        (ME.QUEUE_JOINED, "accueil", "1001", "logout"),
    ]
    assert isinstance(entries[0], LogEntry)


def test_the_desk_offers_the_tenants_pause_reasons_from_the_live_floor_too(
    api: TestClient, logins: dict[str, dict[str, str]], live_sip: LiveSip, platform: Platform2
) -> None:
    admin = bearer(api, "admin@demo.example", platform.secrets["admin@demo.example"])
    own = [{"code": "brief", "label": {"fr": "Briefing", "en": "Briefing"}}]
    _on_floor(live_sip, platform, AgentLoggedIn("1001"))
    floor = live_sip.endpoint.floor(platform.demo.tenant_id)
    assert live_sip.call(floor.pause_reasons)[0].code == "break"  # read, and kept a while
    assert api.put("/api/pause-reasons", json={"pause_reasons": own}, headers=admin).status_code == 200
    reasons = live_sip.call(floor.pause_reasons)  # the committed change made the floor forget them
    assert [r.code for r in reasons] == ["brief"]  # type: ignore[attr-defined]
    paused = api.post(
        "/api/me/agent/state", json={"state": "paused", "reason": "brief"}, headers=logins["1001"]
    )
    assert paused.status_code == 200 and paused.json()["reason"] == "brief", paused.text
    assert paused.json()["pause_reasons"] == own
    lines = api.get("/api/floor/live", headers=logins["supervisor"]).json()["agents"]
    assert next(a for a in lines if a["extension"] == "1001")["pause_reasons"] == own  # the wallboard's too
    lunch = api.post(
        "/api/me/agent/state", json={"state": "paused", "reason": "lunch"}, headers=logins["1001"]
    )
    assert lunch.status_code == 422 and lunch.json()["error_id"] == "pause_reason"
