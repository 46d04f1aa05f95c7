"""A campaign dialed live: sipp as the provider's trunk and the people behind it, baresip as the agent.

The floor, its clock and its leads are :mod:`tests.server.sip.campaign_floor`'s.
"""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.acd.model import AgentState
from callfloor.server.campaigns import CampaignRuns
from callfloor.server.sip.campaign_calls import outcome_of
from callfloor.storage.outbound import DncEntry
from tests.server.conftest import LiveSip
from tests.server.sip.campaign_floor import (
    CALLER_ID,
    PARIS,
    at,
    attempts,
    campaign,
    customers,
    leads,
    runs_of,
    start,
)
from tests.server.sip.phones import Floor
from tests.server.sip.test_calls import wait_for
from tests.server.sip.test_outbound import _errors
from tests.tenants import Platform2, bearer


def test_progressive_dials_each_lead_and_bridges_the_answered_ones_to_the_agent(
    live_sip: LiveSip, floor: Floor, runs: CampaignRuns, sessions: sessionmaker[Session]
) -> None:
    campaign(sessions, ["+33612000001", "+33612000002", "+33612000003"])
    people = customers(floor, 3)
    floor.agent("1001")
    start(live_sip, runs, "1001")
    heard: list[tuple[int, int]] = []

    def bridged() -> bool:
        calls = [c for c in runs.calls.calls.values() if c.bridge is not None]
        return bool(calls)

    assert wait_for(lambda: live_sip.call(bridged), 15), "no call bridged"
    time.sleep(1)

    def rtp() -> None:
        for call in runs.calls.calls.values():
            if call.customer is not None and call.agent_leg is not None:
                heard.append((call.customer.rtp.stats.received, call.agent_leg.rtp.stats.received))

    live_sip.call(rtp)
    assert people.wait(timeout=40) == 0, _errors(floor.tmp_path)
    assert wait_for(lambda: len(attempts(sessions)) == 3, 10), attempts(sessions)
    assert heard and heard[0][0] > 10 and heard[0][1] > 10, heard  # RTP from both sides
    rows = [(a.number, a.outcome, a.agent, a.caller_id) for a in attempts(sessions)]
    assert rows == [
        ("+33612000001", "answered", "1001", CALLER_ID),
        ("+33612000002", "busy", None, CALLER_ID),
        ("+33612000003", "answered", "1001", CALLER_ID),
    ]
    rules = {r["rule"]: r["outcome"] for r in attempts(sessions)[0].rules}
    assert rules["fr.decret-2022-1313.hours"] == "passed"
    stored = leads(sessions)
    assert (stored["+33612000001"].status, stored["+33612000001"].attempts) == ("done", 1)
    busy = stored["+33612000002"]
    assert (busy.status, busy.attempts, busy.last_outcome) == ("scheduled", 1, "busy")
    assert busy.next_attempt_at is not None
    sent = "".join(p.read_text(errors="replace") for p in floor.tmp_path.glob("*messages.log"))
    assert "INVITE sip:+33612000001@127.0.0.1" in sent and f"From: <sip:{CALLER_ID}@" in sent


def test_a_person_who_finds_no_free_agent_within_2_seconds_hears_the_message_and_is_a_drop(
    live_sip: LiveSip, floor: Floor, runs: CampaignRuns, sessions: sessionmaker[Session]
) -> None:
    campaign(sessions, ["+33612000001", "+33612000003"], mode="power")  # 2 calls for the one agent
    people = customers(floor, 2)
    floor.agent("1001")
    start(live_sip, runs, "1001")

    def message_heard() -> bool:
        calls = runs.calls.calls.values()
        return any(
            c.player is not None and c.customer is not None and c.customer.rtp.sent > 10 for c in calls
        )

    assert wait_for(lambda: live_sip.call(message_heard), 15), "no recorded message played"
    assert people.wait(timeout=40) == 0, _errors(floor.tmp_path)
    assert wait_for(lambda: len(attempts(sessions)) == 2, 10), attempts(sessions)
    rows = sorted((a.outcome, a.agent) for a in attempts(sessions))
    assert rows == [("answered", "1001"), ("dropped", None)]  # 16 CFR 310.4(b)(4)(iii)
    dropped = next(a for a in attempts(sessions) if a.outcome == "dropped")
    assert leads(sessions)[dropped.number].status == "callback"  # the campaign owes them a call


def test_a_lead_on_the_do_not_call_list_is_never_dialed(
    live_sip: LiveSip, floor: Floor, runs: CampaignRuns, sessions: sessionmaker[Session]
) -> None:
    campaign(sessions, ["+33612000005", "+33612000001"])
    with sessions.begin() as session:
        session.add(DncEntry(tenant_id=1, number="+33612000005", source="api", reason="asked"))
    people = customers(floor, 1)  # one call only: sipp fails on a second
    floor.agent("1001")
    start(live_sip, runs, "1001")
    assert people.wait(timeout=40) == 0, _errors(floor.tmp_path)
    assert wait_for(lambda: len(attempts(sessions)) == 2, 10), attempts(sessions)
    blocked, answered = attempts(sessions)
    assert (blocked.number, blocked.outcome, answered.number, answered.outcome) == (
        "+33612000005",
        "blocked",
        "+33612000001",
        "answered",
    )
    assert {"rule": "fr.code-conso-l223-1.opposition", "outcome": "blocked"} in blocked.rules
    assert leads(sessions)["+33612000005"].status == "exhausted"


def test_outside_the_legal_hours_a_lead_waits_for_the_next_morning(
    live_sip: LiveSip, floor: Floor, runs: CampaignRuns, sessions: sessionmaker[Session]
) -> None:
    at(runs, datetime(2026, 12, 8, 20, 30, tzinfo=PARIS))  # décret 2022-1313: 10-13 h, 14-20 h
    campaign(sessions, ["+33612000001"])
    floor.agent("1001")
    start(live_sip, runs, "1001")
    assert wait_for(lambda: len(attempts(sessions)) == 1, 10), "no decision stored"
    time.sleep(1.5)  # paced again: nothing dialed, nothing more stored
    (blocked,) = attempts(sessions)
    assert blocked.outcome == "blocked"
    assert {"rule": "fr.decret-2022-1313.hours", "outcome": "deferred"} in blocked.rules
    lead = leads(sessions)["+33612000001"]
    assert lead.status == "untouched" and lead.attempts == 0
    assert lead.next_attempt_at is not None
    assert lead.next_attempt_at.replace(tzinfo=ZoneInfo("UTC")) == datetime(2026, 12, 9, 10, 0, tzinfo=PARIS)
    assert not live_sip.call(lambda: runs.calls.calls)


def test_predictive_mode_dials_through_the_same_path(
    live_sip: LiveSip, floor: Floor, runs: CampaignRuns, sessions: sessionmaker[Session]
) -> None:
    campaign(sessions, ["+33612000001", "+33612000002", "+33612000004"], mode="predictive")
    people = customers(floor, 3)
    floor.agent("1001")
    start(live_sip, runs, "1001")
    assert people.wait(timeout=40) == 0, _errors(floor.tmp_path)
    assert wait_for(lambda: len(attempts(sessions)) == 3, 10), attempts(sessions)
    rows = sorted((a.number, a.outcome, a.agent) for a in attempts(sessions))
    assert rows == [
        ("+33612000001", "answered", "1001"),
        ("+33612000002", "busy", None),
        ("+33612000004", "no_answer", None),  # 480 Temporarily Unavailable
    ]
    assert leads(sessions)["+33612000004"].status == "scheduled"


def test_a_supervisor_starts_the_campaign_and_an_agent_joins_it_from_inbound(
    api: TestClient, platform: Platform2, floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    logins = {
        who: bearer(api, email, platform.secrets[email])
        for who, email in [
            ("1001", "agent1001@demo.example"), ("supervisor", "superviseur@demo.example"),
            ("acme", "boss@acme.example"),
        ]
    }  # fmt: skip
    at(runs_of(api), datetime(2026, 12, 8, 21, 0, tzinfo=PARIS))  # no call placed: outside the hours
    campaign(sessions, ["+33612000001"])
    floor.agent("1001")
    url = "/api/campaigns/relance"
    assert api.post(f"{url}/join", headers=logins["1001"]).json()["error_id"] == "not_running"
    assert api.post(f"{url}/start", headers=logins["1001"]).status_code == 403
    assert api.post(f"{url}/start", headers=logins["acme"]).status_code == 404  # another tenant's
    assert api.post(f"{url}/start", headers=logins["supervisor"]).json()["running"] is True
    joined = api.post(f"{url}/join", headers=logins["1001"])
    assert joined.json()["agents"] == {"1001": "ready"}, joined.text

    def inbound() -> tuple[AgentState, str | None]:
        agent = live_sip.endpoint.floor(1).floor.acd.agents["1001"]
        return agent.state, agent.reason

    assert live_sip.call(inbound) == (AgentState.PAUSED, "campaign")
    assert api.post(f"{url}/leave", headers=logins["1001"]).json()["agents"] == {"1001": "logged_out"}
    assert live_sip.call(inbound) == (AgentState.READY, None)
    assert api.post(f"{url}/stop", headers=logins["supervisor"]).json()["running"] is False


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(486, "busy"), (600, "busy"), (480, "no_answer"), (408, "no_answer"), (404, "invalid"), (503, "failed")],
)
def test_a_refusal_is_read_as_the_dialers_outcome(status: int, outcome: str) -> None:
    assert outcome_of(status) == outcome
