"""An agent works a live campaign from the desk API: preview, dispositions, callbacks, objections.

sipp plays the people called (each hangs up after 5 s of conversation), baresip the agent's
phone; the agent's desk is the API (``/desk``, ``/preview/dial|skip``, ``/disposition``).
"""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile
from callfloor.outbound.consents import ConsentRow, PhoneConsents
from callfloor.server.campaigns import CampaignRuns
from callfloor.storage.interactions import Interaction
from callfloor.storage.outbound import CallAttempt, Campaign, DncEntry, Lead, PhoneConsent
from tests.server.conftest import LiveSip
from tests.server.sip.campaign_floor import (
    PARIS,
    TUESDAY_MORNING,
    attempts,
    campaign,
    customers,
    leads,
    runs_of,
)
from tests.server.sip.phones import Floor
from tests.server.sip.test_calls import wait_for
from tests.server.sip.test_outbound import _errors
from tests.tenants import Platform2, bearer

URL = "/api/campaigns/relance"
CODES = ["sale", "callback", "refusal"]


@pytest.fixture
def logins(api: TestClient, platform: Platform2) -> dict[str, dict[str, str]]:
    people = {"agent": "agent1001@demo.example", "supervisor": "superviseur@demo.example"}
    return {who: bearer(api, email, platform.secrets[email]) for who, email in people.items()}


@pytest.fixture
def wrap_up(api: TestClient) -> None:
    """Agents have 30 s to qualify a call once it is over."""
    runs_of(api).wrap_up_s = 30.0


def desk(api: TestClient, logins: dict[str, dict[str, str]]) -> dict[str, object]:
    response = api.get(f"{URL}/desk", headers=logins["agent"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


def on_desk(
    api: TestClient, logins: dict[str, dict[str, str]], state: str, timeout: float = 20
) -> dict[str, object]:
    assert wait_for(lambda: desk(api, logins)["state"] == state, timeout), desk(api, logins)
    return desk(api, logins)


def begin(api: TestClient, logins: dict[str, dict[str, str]]) -> None:
    assert api.post(f"{URL}/start", headers=logins["supervisor"]).status_code == 200
    joined = api.post(f"{URL}/join", headers=logins["agent"])
    assert joined.status_code == 200, joined.text


def test_a_callback_agreed_in_wrap_up_comes_back_to_the_same_agent_at_that_time(
    api: TestClient, logins: dict[str, dict[str, str]], wrap_up: None, floor: Floor,
    sessions: sessionmaker[Session],
) -> None:  # fmt: skip
    campaign(sessions, ["+33612000001"], dispositions=CODES)
    people = customers(floor, 1)
    floor.agent("1001")
    begin(api, logins)
    talking = on_desk(api, logins, "talking")
    lead = talking["lead"]
    assert isinstance(lead, dict) and lead["phone"] == "+33612000001"
    assert talking["dispositions"] == sorted([*CODES, "do_not_call"])
    assert people.wait(timeout=30) == 0, _errors(floor.tmp_path)
    on_desk(api, logins, "wrap_up")  # the person hung up: the agent has 30 s to qualify
    unknown = api.post(f"{URL}/disposition", json={"disposition": "vente"}, headers=logins["agent"])
    assert (unknown.status_code, unknown.json()["error_id"]) == (422, "unknown_disposition")
    past = {"disposition": "callback", "callback_at": (TUESDAY_MORNING - timedelta(hours=1)).isoformat()}
    refused = api.post(f"{URL}/disposition", json=past, headers=logins["agent"])
    assert (refused.status_code, refused.json()["error_id"]) == (422, "bad_callback_at")
    tomorrow = datetime(2026, 12, 9, 15, 30, tzinfo=PARIS)
    given = {"disposition": "callback", "callback_at": tomorrow.isoformat()}
    done = api.post(f"{URL}/disposition", json=given, headers=logins["agent"])
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "ready" and done.json()["lead"] is None
    again = api.post(f"{URL}/disposition", json={"disposition": "sale"}, headers=logins["agent"])
    assert (again.status_code, again.json()["error_id"]) == (409, "nothing_to_qualify")
    (attempt,) = attempts(sessions)
    assert (attempt.outcome, attempt.disposition, attempt.agent) == ("answered", "callback", "1001")
    stored = leads(sessions)["+33612000001"]
    assert (stored.status, stored.callback_agent, stored.last_disposition) == ("callback", "1001", "callback")
    assert stored.next_attempt_at is not None
    assert stored.next_attempt_at.replace(tzinfo=UTC) == tomorrow


def test_do_not_call_me_said_during_the_call_lists_the_number_and_withdraws_its_consents(
    api: TestClient, logins: dict[str, dict[str, str]], wrap_up: None, floor: Floor,
    sessions: sessionmaker[Session],
) -> None:  # fmt: skip
    campaign(sessions, ["+33612000001"], dispositions=CODES)
    given_at = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
    with sessions.begin() as session:
        for purpose in ("prospecting", "survey"):
            row = ConsentRow("+33612000001", purpose, "site web", given_at, "case cochée le 1er septembre")
            PhoneConsents(session, 1).record(row)
    people = customers(floor, 1)
    floor.agent("1001")
    begin(api, logins)
    on_desk(api, logins, "talking")
    said = api.post(f"{URL}/disposition", json={"disposition": "do_not_call"}, headers=logins["agent"])
    assert said.status_code == 200 and said.json()["state"] == "talking", said.text
    assert people.wait(timeout=30) == 0, _errors(floor.tmp_path)
    on_desk(api, logins, "ready", timeout=5)  # qualified already: no wrap-up left
    (attempt,) = attempts(sessions)
    assert (attempt.disposition, attempt.agent) == ("do_not_call", "1001")
    with sessions() as session:
        entry = session.scalars(select(DncEntry).where(DncEntry.number == "+33612000001")).one()
        assert entry.source == "disposition" and "relance" in entry.reason and "1001" in entry.reason
        query = (
            select(PhoneConsent).where(PhoneConsent.revoked_at.is_not(None)).order_by(PhoneConsent.purpose)
        )
        revoked = session.scalars(query).all()
        assert [r.purpose for r in revoked] == ["prospecting", "survey"]
        assert all(r.revocation_source and "disposition" in r.revocation_source for r in revoked)
    assert leads(sessions)["+33612000001"].status == "done"


def test_preview_shows_a_lead_the_agent_skips_then_one_they_dial(
    api: TestClient, logins: dict[str, dict[str, str]], wrap_up: None, floor: Floor,
    sessions: sessionmaker[Session],
) -> None:  # fmt: skip
    campaign(sessions, ["+33612000001", "+33612000003"], mode="preview", dispositions=CODES)
    with sessions.begin() as session:  # of equal priority: a skipped lead goes behind the other
        for lead in session.scalars(select(Lead)):
            lead.priority = 0
    people = customers(floor, 1)
    floor.agent("1001")
    begin(api, logins)
    shown = on_desk(api, logins, "reserved")
    first = shown["lead"]
    assert shown["previewing"] is True and isinstance(first, dict) and first["phone"] == "+33612000001"
    wrong = api.post(f"{URL}/preview/dial", json={"lead_id": first["id"] + 1000}, headers=logins["agent"])
    assert (wrong.status_code, wrong.json()["error_id"]) == (409, "no_preview")
    skipped = api.post(f"{URL}/preview/skip", json={"lead_id": first["id"]}, headers=logins["agent"])
    assert skipped.status_code == 200, skipped.text
    second = skipped.json()["lead"]
    assert skipped.json()["previewing"] is True and second["phone"] == "+33612000003"
    dialed = api.post(f"{URL}/preview/dial", json={"lead_id": second["id"]}, headers=logins["agent"])
    assert dialed.status_code == 200 and dialed.json()["previewing"] is False, dialed.text
    assert dialed.json()["lead"]["phone"] == "+33612000003"  # being dialed for them
    on_desk(api, logins, "talking")
    assert people.wait(timeout=30) == 0, _errors(floor.tmp_path)
    on_desk(api, logins, "wrap_up")
    sold = api.post(f"{URL}/disposition", json={"disposition": "sale"}, headers=logins["agent"])
    assert sold.status_code == 200, sold.text
    assert (
        sold.json()["previewing"] is True and sold.json()["lead"]["phone"] == "+33612000001"
    )  # back in turn
    (attempt,) = attempts(sessions)  # the skip was no attempt
    assert (attempt.number, attempt.outcome, attempt.disposition) == ("+33612000003", "answered", "sale")
    stored = leads(sessions)
    assert stored["+33612000003"].status == "done" and stored["+33612000001"].attempts == 0
    results = api.get(f"{URL}/results", headers=logins["supervisor"]).json()
    assert (results["dialed"], results["contacts"], results["drops"], results["dispositions"]) == (
        1, 1, 0, {"sale": 1}
    )  # fmt: skip
    assert [a["agent"] for a in results["agents"]] == ["1001"] and results["leads"]["done"] == 1


def test_outside_its_own_schedule_the_campaign_is_paused_and_dials_nobody(
    api: TestClient, logins: dict[str, dict[str, str]], live_sip: LiveSip, sessions: sessionmaker[Session],
    floor: Floor,
) -> None:  # fmt: skip
    evenings = {"timezone": "Europe/Paris", "weekly": {"tue": ["14:00-19:00"]}}  # it is 11:00
    campaign(sessions, ["+33612000001"], schedule=evenings)
    floor.agent("1001")
    started = api.post(f"{URL}/start", headers=logins["supervisor"])
    assert started.json()["paused"] == ["hours"], started.text
    assert api.post(f"{URL}/join", headers=logins["agent"]).json()["agents"] == {"1001": "ready"}
    assert not wait_for(lambda: bool(attempts(sessions)), 2)
    assert not live_sip.call(lambda: runs_of(api).calls.calls)
    seen = api.get(f"{URL}/run", headers=logins["supervisor"]).json()
    assert (seen["running"], seen["paused"], seen["agents"], seen["calls"]) == (
        True,
        ["hours"],
        {"1001": "ready"},
        0,
    )
    assert api.get(f"{URL}/run", headers=logins["agent"]).status_code == 403
    api.post(f"{URL}/stop", headers=logins["supervisor"])
    assert api.get(f"{URL}/run", headers=logins["supervisor"]).json()["running"] is False


def test_a_us_campaign_above_the_abandon_cap_does_not_dial(
    api: TestClient, logins: dict[str, dict[str, str]], sessions: sessionmaker[Session], floor: Floor
) -> None:
    campaign(sessions, ["+33612000001"], mode="predictive", country="US")
    now = datetime.fromtimestamp(runs_of(api).clock(), UTC)
    with sessions.begin() as session:
        campaign_id = session.scalars(select(Campaign.id).where(Campaign.name == "relance")).one()
        for i in range(
            100
        ):  # 4 of 100 answered calls abandoned this month: 4 % > 3 % (16 CFR 310.4(b)(4)(i))
            outcome = "dropped" if i < 4 else "answered"
            started = now - timedelta(days=1, minutes=i)
            session.add(attempt_row(campaign_id, outcome, started))
    started_run = api.post(f"{URL}/start", headers=logins["supervisor"])
    assert started_run.json()["paused"] == ["abandon_rate"], started_run.text


def attempt_row(campaign_id: int, outcome: str, started: datetime) -> CallAttempt:
    return CallAttempt(
        tenant_id=1, campaign_id=campaign_id, started_at=started, ended_at=started, outcome=outcome,
        number="+12025550123", rules=[],
    )  # fmt: skip


def test_a_restarted_server_resumes_the_campaigns_that_were_running(
    live_sip: LiveSip, runs: CampaignRuns, sessions: sessionmaker[Session]
) -> None:
    campaign(sessions, ["+33612000001"])
    live_sip.call(lambda: runs.start(1, "relance"))
    after_restart = live_sip.call(lambda: CampaignRuns(live_sip.endpoint, sessions))
    assert isinstance(after_restart, CampaignRuns)
    resumed = live_sip.call(after_restart.restore)
    assert [run.name for run in resumed] == ["relance"]  # type: ignore[attr-defined]
    live_sip.call(lambda: after_restart.stop(1, "relance"))
    with sessions() as session:
        assert session.scalars(select(Campaign.running).where(Campaign.name == "relance")).one() is False
    assert live_sip.call(CampaignRuns(live_sip.endpoint, sessions).restore) == []


def test_notes_and_the_contact_given_during_a_campaign_call_go_on_its_record_when_it_ends(
    api: TestClient, logins: dict[str, dict[str, str]], wrap_up: None, floor: Floor,
    sessions: sessionmaker[Session],
) -> None:  # fmt: skip
    campaign(sessions, ["+33612000001"], dispositions=CODES)
    with sessions.begin() as session:  # the person is known under another number
        marie = CustomerFile(session, 1).create_contact({"first_name": "Marie", "last_name": "Curie"}).id
    people = customers(floor, 1)
    floor.agent("1001")
    begin(api, logins)
    talking = on_desk(api, logins, "talking")
    interaction = talking["interaction_id"]
    assert isinstance(interaction, str)
    note = f"/api/interactions/{interaction}/note"
    kept = api.post(note, json={"note": "Intéressée par l'offre"}, headers=logins["agent"])
    assert kept.status_code == 200, kept.text
    assert kept.json() == {
        "interaction_id": interaction,
        "notes": "Intéressée par l'offre",
        "recorded": False,
    }
    linked = api.post(
        f"/api/interactions/{interaction}/contact", json={"contact_id": marie}, headers=logins["agent"]
    )
    assert linked.status_code == 200, linked.text
    assert (linked.json()["recorded"], linked.json()["pop"]["contact"]["name"]) == (False, "Marie Curie")
    assert people.wait(timeout=30) == 0, _errors(floor.tmp_path)
    after = on_desk(api, logins, "wrap_up")
    assert after["interaction_id"] == interaction  # the wrap-up's notes go to the record
    written = api.post(note, json={"note": "Rappeler jeudi"}, headers=logins["supervisor"])
    assert written.status_code == 200, written.text
    assert written.json()["recorded"] is True
    done = api.post(f"{URL}/disposition", json={"disposition": "sale"}, headers=logins["agent"])
    assert done.status_code == 200, done.text
    (attempt,) = attempts(sessions)
    assert attempt.interaction_id == interaction
    with sessions() as session:
        row = session.scalars(select(Interaction).where(Interaction.interaction_id == interaction)).one()
        assert (row.direction, row.outcome, row.outcome_reason, row.agent) == (
            "outbound", "outbound_ended", "campaign", "1001"
        )  # fmt: skip
        assert (row.number, row.contact_id, row.disposition) == ("+33612000001", marie, "sale")
        assert row.notes == "Intéressée par l'offre\n\nRappeler jeudi"
        assert row.talk_s is not None and row.talk_s > 3
