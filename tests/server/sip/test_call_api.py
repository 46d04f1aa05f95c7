"""The live-call routes of the API on a real call: who sees it, who may command it, and what the
commands do (the server's loop runs in its own thread here, as the API's work is handed to it)."""

import subprocess
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callfloor.api.app import create_app
from callfloor.core.acd.model import AgentState
from callfloor.settings import Settings
from tests.server.conftest import LiveSip
from tests.server.sip.desk_phones import messages, sipp_phone
from tests.server.sip.keyed_caller import KeyedCaller
from tests.server.sip.phones import Floor
from tests.server.sip.test_outbound import _agent_state, _errors
from tests.server.sip.test_transfers import log_of
from tests.tenants import Platform2, bearer


@pytest.fixture
def api(settings: Settings, engine: Engine, live_sip: LiveSip) -> Iterator[TestClient]:
    app = create_app(settings, engine)
    app.state.sip = live_sip.endpoint
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def test_agents_and_supervisors_command_live_calls(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip
) -> None:
    logins = {
        who: bearer(api, email, platform.secrets[email])
        for who, email in [
            ("1001", "agent1001@demo.example"), ("1002", "agent1002@demo.example"),
            ("supervisor", "superviseur@demo.example"), ("acme", "boss@acme.example"),
            ("viewer", "client@demo.example"),
        ]
    }  # fmt: skip
    floor.agent("1001")
    floor.agent("1002")
    caller = floor.caller(14)
    call = floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    url = f"/api/calls/{call.id}"

    listed = api.get("/api/calls", headers=logins["supervisor"]).json()
    assert [(c["id"], c["state"], c["agent"], c["queue"]) for c in listed] == [
        (call.id, "talking", "1001", "accueil")
    ]
    assert listed[0]["caller"]  # sipp's From user
    assert api.get("/api/calls", headers=logins["1001"]).json()[0]["id"] == call.id
    assert api.get("/api/calls", headers=logins["1002"]).json() == []  # not their call
    assert api.get("/api/calls", headers=logins["acme"]).json() == []  # not their tenant
    assert api.get("/api/calls", headers=logins["viewer"]).status_code == 403
    for who in ("1002", "acme"):
        for command in ("hold", "hangup", "answer"):
            response = api.post(f"{url}/{command}", headers=logins[who])
            assert response.status_code == 404 and response.json()["error_id"] == "not_found", (who, command)

    held = api.post(f"{url}/hold", headers=logins["1001"])
    assert held.status_code == 200 and held.json()["state"] == "held", held.text
    again = api.post(f"{url}/hold", headers=logins["1001"])
    assert again.status_code == 409 and again.json()["error_id"] == "already_held"
    assert set(again.json()["message"]) == {"fr", "en"}
    assert api.post(f"{url}/resume", headers=logins["supervisor"]).json()["state"] == "talking"
    both = api.post(f"{url}/transfer", json={"queue": "accueil", "agent": "1002"}, headers=logins["1001"])
    assert both.status_code == 422 and both.json()["error_id"] == "transfer_target"
    bad = api.post(f"{url}/transfer", json={"queue": "accueil", "colour": "red"}, headers=logins["1001"])
    assert bad.status_code == 422
    assert api.post(f"{url}/transfer/complete", headers=logins["1001"]).status_code == 409
    for body, error in [
        ({"number": "0899 12 34 56"}, "transfer_number"),  # premium rate
        ({"number": "3900"}, "transfer_number"),  # short
        ({"number": "0612345678", "queue": "accueil"}, "transfer_target"),
    ]:
        refused = api.post(f"{url}/transfer", json=body, headers=logins["1001"])
        assert refused.status_code == 422 and refused.json()["error_id"] == error, (body, refused.text)
    consulted = api.post(
        f"{url}/transfer", json={"number": "0612345678", "mode": "attended"}, headers=logins["1001"]
    )
    assert consulted.status_code == 503 and consulted.json()["error_id"] == "no_trunk"  # no trunk here
    assert floor.call().state == "talking"

    # Attended to a queue: its agent ready now is consulted (1002 for sav, nobody for reclamations).
    for body, status, error in [
        ({"queue": "reclamations", "mode": "attended"}, 409, "no_agent_ready"),
        ({"queue": "nowhere", "mode": "attended"}, 404, "not_found"),
        ({"queue": "sav", "agent": "1002", "mode": "attended"}, 422, "transfer_target"),
    ]:
        refused = api.post(f"{url}/transfer", json=body, headers=logins["1001"])
        assert refused.status_code == status and refused.json()["error_id"] == error, (body, refused.text)
        assert set(refused.json()["message"]) == {"fr", "en"}
    to_queue = api.post(f"{url}/transfer", json={"queue": "sav", "mode": "attended"}, headers=logins["1001"])
    assert to_queue.status_code == 200, to_queue.text
    assert (to_queue.json()["state"], to_queue.json()["consulted"]) == ("consulting", "1002")
    assert api.get("/api/calls", headers=logins["1002"]).json()[0]["consulted"] == "1002"  # theirs too
    floor.until(lambda c: c.consult is not None and c.consult.answered)
    back = api.post(f"{url}/transfer/cancel", headers=logins["1001"])
    assert back.status_code == 200 and back.json()["state"] == "talking", back.text
    assert _agent_state(live_sip, "1002") == (AgentState.READY, None)

    moved = api.post(f"{url}/transfer", json={"agent": "1002"}, headers=logins["1001"])
    assert moved.status_code == 200, moved.text
    floor.until(lambda c: c.state == "talking" and c.agent == "1002")
    assert api.get("/api/calls", headers=logins["1001"]).json() == []  # no longer theirs
    assert api.get("/api/calls", headers=logins["1002"]).json()[0]["agent"] == "1002"
    caller.wait(timeout=30)
    assert caller.returncode == 0


def _hung_up_on(floor: Floor) -> subprocess.Popen[bytes]:
    """sipp dialing 3900 (the queue accueil), silent, waiting for our BYE."""
    process = KeyedCaller((), ends="hung_up", wait_s=30).start(floor.live.port, "3900", floor.tmp_path)
    floor.processes.append(process)
    return process


def test_the_desk_answers_the_ringing_phone_then_hangs_up(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    logins = {
        who: bearer(api, email, platform.secrets[email])
        for who, email in [("1001", "agent1001@demo.example"), ("supervisor", "superviseur@demo.example")]
    }
    phone = sipp_phone(floor, "1001", "talk_agent.xml")  # rings until told to answer (NOTIFY talk)
    caller = _hung_up_on(floor)
    call = floor.until(
        lambda c: c.state == "ringing" and c.agent_leg is not None and c.agent_leg.early is not None
    )
    url = f"/api/calls/{call.id}"
    early = api.post(f"{url}/hangup", headers=logins["1001"])
    assert early.status_code == 409 and early.json()["error_id"] == "not_connected"

    answered = api.post(f"{url}/answer", headers=logins["1001"])
    assert answered.status_code == 200, answered.text
    floor.until(lambda c: c.state == "talking")
    again = api.post(f"{url}/answer", headers=logins["1001"])
    assert again.status_code == 409 and again.json()["error_id"] == "not_ringing"
    assert set(again.json()["message"]) == {"fr", "en"}

    hung_up = api.post(f"{url}/hangup", headers=logins["1001"])
    assert hung_up.status_code == 200 and hung_up.json()["state"] == "ended", hung_up.text
    assert caller.wait(timeout=10) == 0, _errors(floor.tmp_path)  # our BYE came to the caller
    assert phone.wait(timeout=10) == 0, _errors(
        floor.tmp_path
    )  # and to the phone (CSeq 3, after the NOTIFY's)
    assert "Event: talk" in messages(floor, "talk_agent.xml")
    assert api.get("/api/calls", headers=logins["supervisor"]).json() == []
    live_sip.committed()
    assert log_of(sessions) == [
        ("enqueued", None, None), ("offered", "1001", None), ("answered", "1001", None), ("completed", "1001", None),
    ]  # fmt: skip


def test_an_agent_set_to_auto_answer_is_connected_at_once(
    api: TestClient, platform: Platform2, floor: Floor, sessions: sessionmaker[Session], live_sip: LiveSip
) -> None:
    admin = bearer(api, "admin@demo.example", platform.secrets["admin@demo.example"])
    agents = api.get("/api/agents", headers=admin).json()
    alice = next(a for a in agents if a["extension"] == "1001")
    assert alice["auto_answer"] is False
    changed = api.patch(f"/api/agents/{alice['id']}", json={"auto_answer": True}, headers=admin)
    assert changed.status_code == 200 and changed.json()["auto_answer"] is True, changed.text
    phone = sipp_phone(floor, "1001", "auto_agent.xml")  # fails unless the INVITE asks it to answer
    caller = _hung_up_on(floor)
    call = floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    supervisor = bearer(api, "superviseur@demo.example", platform.secrets["superviseur@demo.example"])
    assert api.post(f"/api/calls/{call.id}/hangup", headers=supervisor).json()["state"] == "ended"
    assert caller.wait(timeout=10) == 0, _errors(floor.tmp_path)
    assert phone.wait(timeout=10) == 0, _errors(floor.tmp_path)
    live_sip.committed()
    assert log_of(sessions)[-1] == ("completed", "1001", None)


def test_a_consulted_agent_leaves_the_consultation_then_the_agent_hangs_up(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    logins = {
        extension: bearer(
            api, f"agent{extension}@demo.example", platform.secrets[f"agent{extension}@demo.example"]
        )
        for extension in ("1001", "1002")
    }
    floor.agent("1001")
    floor.agent("1002")
    caller = _hung_up_on(floor)
    call = floor.until(lambda c: c.state == "talking" and c.agent == "1001")
    url = f"/api/calls/{call.id}"
    consult = api.post(f"{url}/transfer", json={"agent": "1002", "mode": "attended"}, headers=logins["1001"])
    assert consult.status_code == 200, consult.text
    floor.until(lambda c: c.consult is not None and c.consult.answered)
    left = api.post(f"{url}/hangup", headers=logins["1002"])  # the consulted agent puts the phone down
    assert left.status_code == 200 and left.json()["state"] == "talking", left.text
    assert _agent_state(live_sip, "1002") == (AgentState.READY, None)
    assert api.post(f"{url}/hangup", headers=logins["1001"]).json()["state"] == "ended"
    assert caller.wait(timeout=10) == 0, _errors(floor.tmp_path)
    live_sip.committed()
    assert [entry[0] for entry in log_of(sessions)] == [
        "enqueued",
        "offered",
        "answered",
        "held",
        "resumed",
        "completed",
    ]
