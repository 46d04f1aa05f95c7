"""Scheduled callbacks dialed from the desk, with real peers: the agent clicks « Appeler »
(``POST /api/callbacks/{id}/dial``); their phone rings first (sipp asking for the auto-answer
headers, or baresip), then callfloor calls the customer through the tenant's trunk (sipp playing
the provider, its digest challenge, and the customer behind it). Answered, the two are bridged,
the call is an outbound interaction recorded in the contact's file, the callback is done; busy,
the agent's phone is hung up and the callback stays pending with the attempt counted. The agent
takes no queue call meanwhile (paused ``callback``) and is ready again afterwards."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.acd.model import AgentState
from callfloor.core.events import AgentLoggedIn, AgentPaused
from callfloor.storage.callbacks import ScheduledCallback
from tests.server.conftest import LiveSip
from tests.server.sip.desk_phones import messages, sipp_phone
from tests.server.sip.phones import Floor
from tests.server.sip.test_callbacks import _customer, _record, _sent_to_provider
from tests.server.sip.test_calls import wait_for
from tests.server.sip.test_outbound import _agent_state, _errors
from tests.server.sip.test_transfers import log_of
from tests.server.sip.test_trunks import Config
from tests.tenants import Platform2, bearer

NUMBER = "+33612345678"


def _login(api: TestClient, platform: Platform2, email: str) -> dict[str, str]:
    return bearer(api, email, platform.secrets[email])


def _due_callback(
    api: TestClient, headers: dict[str, str], sessions: sessionmaker[Session]
) -> tuple[int, int]:
    """Marie's callback for anyone of the demo tenant, due a minute ago; (callback id, contact id)."""
    body = {"first_name": "Marie", "last_name": "Curie", "phones": [{"number": "06 12 34 56 78"}]}
    contact = api.post("/api/contacts", json=body, headers=headers)
    assert contact.status_code == 201, contact.text
    with sessions.begin() as session:
        row = ScheduledCallback(tenant_id=1, contact_id=contact.json()["id"], number=NUMBER, status="pending",
                                due_at=datetime.now(UTC) - timedelta(minutes=1), note="Devis D-12")  # fmt: skip
        session.add(row)
        session.flush()
        return row.id, contact.json()["id"]


def _linked_to_pierre(api: TestClient, interaction: str, agent: dict[str, str], other: dict[str, str]) -> int:
    """Marie's husband answered: the agent puts the live call on his file (the record follows it)."""
    body = {"first_name": "Pierre", "last_name": "Curie", "phones": [{"number": "06 98 76 54 32"}]}
    pierre = api.post("/api/contacts", json=body, headers=agent).json()["id"]
    link = f"/api/interactions/{interaction}/contact"
    assert api.post(link, json={"contact_id": pierre}, headers=other).status_code == 404  # not theirs
    linked = api.post(link, json={"contact_id": pierre}, headers=agent)
    assert linked.status_code == 200, linked.text
    assert (linked.json()["recorded"], linked.json()["pop"]["contact"]["id"]) == (False, pierre)
    assert isinstance(pierre, int)
    return pierre


def _callback(api: TestClient, headers: dict[str, str], callback_id: int) -> dict[str, object]:
    (found,) = [c for c in api.get("/api/callbacks", headers=headers).json() if c["id"] == callback_id]
    assert isinstance(found, dict)
    return found


def _dial_state(api: TestClient, headers: dict[str, str]) -> str | None:
    dials = api.get("/api/callbacks/dials", headers=headers).json()
    return dials[0]["state"] if dials else None


def test_the_agent_is_rung_first_then_the_customer_and_the_callback_is_done(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    alice, bruno = (_login(api, platform, f"agent{e}@demo.example") for e in ("1001", "1002"))
    admin = _login(api, platform, "admin@demo.example")
    (agent,) = [a for a in api.get("/api/agents", headers=admin).json() if a["extension"] == "1001"]
    assert (
        api.patch(f"/api/agents/{agent['id']}", json={"auto_answer": True}, headers=admin).status_code == 200
    )
    callback_id, contact_id = _due_callback(api, alice, sessions)
    customer = _customer(floor, "customer_uas.xml", seconds=3)  # answers after the challenge, hangs up
    phone = sipp_phone(floor, "1001", "auto_agent.xml")  # fails unless our INVITE asks it to answer

    dialed = api.post(f"/api/callbacks/{callback_id}/dial", headers=alice)
    assert dialed.status_code == 200, dialed.text
    assert (dialed.json()["state"], dialed.json()["agent"], dialed.json()["number"]) == (
        "ringing_agent",
        "1001",
        NUMBER,
    )  # the agent's phone first: the customer is only called once it answers
    taken = api.post(f"/api/callbacks/{callback_id}/dial", headers=bruno)  # anyone's, but Alice took it
    assert (taken.status_code, taken.json()["error_id"]) == (409, "callback_taken")
    assert _callback(api, alice, callback_id)["assignee_id"] == api.get("/api/me", headers=alice).json()["id"]
    assert wait_for(lambda: _dial_state(api, alice) == "talking", 15), _errors(floor.tmp_path)
    interaction = dialed.json()["interaction_id"]
    pop = api.get(f"/api/interactions/{interaction}/screen-pop", headers=alice)  # the desk's customer file
    assert pop.status_code == 200, pop.text
    assert (pop.json()["interaction_id"], pop.json()["contact"]["id"]) == (interaction, contact_id)
    note = f"/api/interactions/{interaction}/note"
    kept = api.post(note, json={"note": "Commande du devis D-12"}, headers=alice)  # during the call
    assert kept.status_code == 200, kept.text
    assert kept.json() == {
        "interaction_id": interaction,
        "notes": "Commande du devis D-12",
        "recorded": False,
    }
    assert api.post(note, json={"note": "Pas le mien"}, headers=bruno).status_code == 404  # Alice's call
    assert api.get(f"/api/interactions/{interaction}/screen-pop", headers=bruno).status_code == 404
    pierre = _linked_to_pierre(api, interaction, alice, bruno)
    assert _agent_state(live_sip, "1001") == (AgentState.PAUSED, "callback")  # no queue call meanwhile
    assert wait_for(lambda: _callback(api, alice, callback_id)["status"] == "done", 5)
    assert api.get("/api/callbacks/dials", headers=bruno).json() == []  # Alice's, not Bruno's

    assert customer.wait(timeout=20) == 0, _errors(floor.tmp_path)  # it hung up: our 200 to its BYE
    assert phone.wait(timeout=10) == 0, _errors(floor.tmp_path)  # and the agent's phone got our BYE
    assert wait_for(lambda: _dial_state(api, alice) is None, 5)
    assert _agent_state(live_sip, "1001") == (AgentState.READY, None)
    assert f'"{NUMBER}" <sip:{NUMBER}@' in messages(floor, "auto_agent.xml")  # the phone shows the number
    sent = _sent_to_provider(floor)
    assert f"INVITE sip:{NUMBER}@127.0.0.1" in sent
    assert "From: <sip:+33972000000@127.0.0.1>" in sent  # the trunk's caller ID
    live_sip.committed()
    assert log_of(sessions) == [("dialed", "1001", "outbound"), ("outbound_ended", "1001", "answered")]
    row = _record(sessions, interaction)
    assert (row.direction, row.number, row.contact_id, row.agent, row.outcome, row.outcome_reason) == (
        "outbound",
        NUMBER,
        pierre,
        "1001",
        "outbound_ended",
        "answered",
    )  # fmt: skip: the agent's link, not the callback's contact nor the number's
    assert row.talk_s is not None and row.talk_s > 2
    assert row.notes == "Commande du devis D-12"  # kept with the call, written with its record
    done = _callback(api, alice, callback_id)
    assert (done["status"], done["attempts"], done["last_outcome"]) == ("done", 1, "answered")
    history = api.get(f"/api/contacts/{contact_id}/history", headers=alice).json()["items"]
    assert "callback" in {i["kind"] for i in history}, history
    history = api.get(f"/api/contacts/{pierre}/history", headers=alice).json()["items"]
    assert [i["kind"] for i in history] == ["interaction"], history


def test_a_busy_customer_leaves_the_callback_pending_with_the_attempt_counted(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    bruno = _login(api, platform, "agent1002@demo.example")
    callback_id, contact_id = _due_callback(api, bruno, sessions)
    busy = _customer(floor, "customer_busy.xml")
    floor.agent("1002")  # baresip, answering by itself
    live_sip.call(lambda: live_sip.endpoint.floor(1).handle(AgentPaused("1002", "lunch")))

    dialed = api.post(f"/api/callbacks/{callback_id}/dial", headers=bruno)
    assert dialed.status_code == 200, dialed.text
    assert busy.wait(timeout=30) == 0, _errors(floor.tmp_path)
    assert "SIP/2.0 486 Busy Here" in _sent_to_provider(floor)  # past the digest challenge
    assert wait_for(lambda: _dial_state(api, bruno) is None, 10)
    assert wait_for(lambda: _agent_state(live_sip, "1002") == (AgentState.PAUSED, "lunch"), 5)  # as before
    assert wait_for(lambda: _callback(api, bruno, callback_id)["attempts"] == 1, 5)
    pending = _callback(api, bruno, callback_id)
    assert (pending["status"], pending["last_outcome"]) == ("pending", "busy")  # to be called again
    assert pending["assignee_id"] == api.get("/api/me", headers=bruno).json()["id"]  # still Bruno's
    live_sip.committed()
    assert log_of(sessions) == [("dialed", "1002", "outbound"), ("outbound_ended", "1002", "busy")]
    row = _record(sessions, dialed.json()["interaction_id"])
    assert (row.contact_id, row.outcome_reason, row.answered_at) == (contact_id, "busy", None)


def test_a_dial_that_cannot_be_placed_is_refused_and_takes_nothing(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    chloe = _login(api, platform, "agent1003@demo.example")
    callback_id, _ = _due_callback(api, chloe, sessions)

    def refused() -> tuple[int, str]:
        response = api.post(f"/api/callbacks/{callback_id}/dial", headers=chloe)
        return response.status_code, response.json()["error_id"]

    assert refused() == (503, "no_trunk")
    trunk = Config(1, "operateur", "127.0.0.1", 9, "trunk-secret", register=False, caller_id="+33972000000")
    live_sip.call(lambda: live_sip.endpoint.trunks.load([trunk], live_sip.loop.time()))
    assert refused() == (409, "not_logged_in")  # no phone registered: logged out
    live_sip.call(lambda: live_sip.endpoint.floor(1).handle(AgentLoggedIn("1003")))  # from the desk, say
    before = _agent_state(live_sip, "1003")
    assert refused() == (409, "no_phone")
    assert _callback(api, chloe, callback_id)["assignee_id"] is None  # given back: anyone's still
    assert _agent_state(live_sip, "1003") == before  # not paused for a call that never was
    assert (
        api.post(f"/api/callbacks/{callback_id}/hangup", headers=chloe).status_code == 404
    )  # none under way


def test_the_agent_hangs_up_from_the_desk_while_the_customer_rings(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    alice = _login(api, platform, "agent1001@demo.example")
    callback_id, _ = _due_callback(api, alice, sessions)
    ringing = _customer(floor, "ringing_agent.xml")  # the customer's phone rings, nobody picks it up
    floor.agent("1001")
    assert api.post(f"/api/callbacks/{callback_id}/dial", headers=alice).status_code == 200
    assert wait_for(lambda: _dial_state(api, alice) == "calling", 10)
    ended = api.post(f"/api/callbacks/{callback_id}/hangup", headers=alice)
    assert (ended.status_code, ended.json()["state"], ended.json()["outcome"]) == (200, "ended", "cancelled")
    assert ringing.wait(timeout=10) == 0, _errors(floor.tmp_path)  # our CANCEL: 200, then 487
    assert wait_for(lambda: _callback(api, alice, callback_id)["attempts"] == 1, 5)
    assert _callback(api, alice, callback_id)["status"] == "pending"
    assert _agent_state(live_sip, "1001") == (AgentState.READY, None)
    live_sip.committed()
    assert log_of(sessions) == [("dialed", "1001", "outbound"), ("outbound_ended", "1001", "cancelled")]


def test_a_customer_who_does_not_answer_in_time_leaves_the_callback_pending(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    alice = _login(api, platform, "agent1001@demo.example")
    callback_id, _ = _due_callback(api, alice, sessions)
    ringing = _customer(floor, "ringing_agent.xml")  # rings until we CANCEL
    floor.agent("1001")
    live_sip.endpoint.callback_dials.ring_timeout_s = 3.0  # a center waits about 30 s
    dialed = api.post(f"/api/callbacks/{callback_id}/dial", headers=alice)
    assert dialed.status_code == 200, dialed.text
    assert ringing.wait(timeout=20) == 0, _errors(floor.tmp_path)  # our CANCEL: 200, then 487
    assert wait_for(lambda: _callback(api, alice, callback_id)["attempts"] == 1, 5)
    pending = _callback(api, alice, callback_id)
    assert (pending["status"], pending["last_outcome"]) == ("pending", "no_answer")
    assert wait_for(lambda: _agent_state(live_sip, "1001") == (AgentState.READY, None), 5)
    live_sip.committed()
    assert log_of(sessions) == [("dialed", "1001", "outbound"), ("outbound_ended", "1001", "no_answer")]
    assert _record(sessions, dialed.json()["interaction_id"]).outcome_reason == "no_answer"
