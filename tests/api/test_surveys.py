"""Survey routes: an interaction's answers, the CSAT per queue and agent, and a queue's survey settings."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.surveys import KeyedAnswer, SurveyAnswers
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import Tenant
from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]
T0 = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
PERIOD = {"from": "2026-03-14T00:00:00Z", "to": "2026-03-15T00:00:00Z"}


def _answered(
    sessions: sessionmaker[Session],
    tenant_id: int,
    interaction: str,
    keyed: dict[str, int],
    *,
    queue: str = "support",
    agent: str = "2001",
    record: bool = True,
) -> None:
    """A finished call (its record written unless ``record`` is false) and the answers keyed after it."""
    with sessions.begin() as session:
        if record:
            session.add(
                Interaction(
                    tenant_id=tenant_id, interaction_id=interaction, channel="call", direction="inbound",
                    number="+33612345678", queue=queue, agent=agent, started_at=T0, ended_at=T0,
                    outcome="completed",
                )
            )  # fmt: skip
            session.flush()
        answers = [KeyedAnswer("enquete", question, value) for question, value in keyed.items()]
        SurveyAnswers(session, tenant_id).record(interaction, answers, at=T0, queue=queue, agent=agent)


def test_an_interactions_answers_are_read_in_the_customer_file(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    _answered(sessions, platform.acme.tenant_id, "c1", {"satisfaction": 4, "resolved": 1})
    _answered(sessions, platform.acme.tenant_id, "early", {"satisfaction": 2}, record=False)
    _answered(sessions, platform.demo.tenant_id, "theirs", {"satisfaction": 1}, queue="ventes", agent="1001")
    shown = client.get("/api/interactions/c1/survey-answers", headers=as_role["agent"])
    assert shown.status_code == 200, shown.text
    assert [(a["survey"], a["question"], a["value"], a["queue"], a["agent"]) for a in shown.json()] == [
        ("enquete", "satisfaction", 4, "support", "2001"),
        ("enquete", "resolved", 1, "support", "2001"),
    ]
    early = client.get("/api/interactions/early/survey-answers", headers=as_role["supervisor"])
    assert [a["value"] for a in early.json()] == [2]  # keyed before the record was written
    _answered(sessions, platform.acme.tenant_id, "quiet", {})  # the caller hung up before the survey
    assert client.get("/api/interactions/quiet/survey-answers", headers=as_role["admin"]).json() == []
    for unknown in ("theirs", "nothing"):
        missing = client.get(f"/api/interactions/{unknown}/survey-answers", headers=as_role["admin"])
        assert (missing.status_code, missing.json()["error_id"]) == (404, "not_found")
    too_long = client.get(f"/api/interactions/{'x' * 37}/survey-answers", headers=as_role["admin"])
    assert too_long.status_code == 422


def test_client_viewers_read_answers_only_when_the_tenant_lets_them(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    _answered(sessions, platform.acme.tenant_id, "c1", {"satisfaction": 4})
    url = "/api/interactions/c1/survey-answers"
    assert client.get(url, headers=as_role["client_viewer"]).status_code == 403
    with sessions.begin() as session:
        tenant = session.get(Tenant, platform.acme.tenant_id)
        assert tenant is not None
        tenant.client_viewer_personal_data = True
    assert [a["value"] for a in client.get(url, headers=as_role["client_viewer"]).json()] == [4]


def _csat(client: TestClient, headers: dict[str, str], **params: str) -> Any:
    response = client.get("/api/kpi/csat", params={**PERIOD, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_csat_per_queue_and_agent_for_supervisors_admins_and_client_viewers(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    acme = platform.acme.tenant_id
    _answered(sessions, acme, "c1", {"satisfaction": 5, "resolved": 1})
    _answered(sessions, acme, "c2", {"satisfaction": 2, "resolved": 2}, queue="vip", agent="2002")
    _answered(sessions, acme, "c3", {"satisfaction": 4}, agent="2002")
    _answered(sessions, platform.demo.tenant_id, "d1", {"satisfaction": 1}, queue="ventes", agent="1001")
    for role in ("supervisor", "admin", "client_viewer"):
        report = _csat(client, as_role[role])
        assert report["total"] == {
            "key": None, "satisfaction_answers": 3, "mean_satisfaction": 3.67, "csat_percent": 66.7,
            "resolved_answers": 2, "resolution_percent": 50.0,
        }  # fmt: skip
        assert [(f["key"], f["csat_percent"]) for f in report["by_queue"]] == [
            ("support", 100.0),
            ("vip", 0.0),
        ]
        assert [(f["key"], f["mean_satisfaction"]) for f in report["by_agent"]] == [
            ("2001", 5.0),
            ("2002", 3.0),
        ]
        assert "4 or 5" in report["definitions"]["csat"]
    assert _csat(client, as_role["admin"], agent="2002")["total"]["satisfaction_answers"] == 2
    assert _csat(client, as_role["admin"], queue="vip")["by_agent"][0]["key"] == "2002"
    later = {"from": "2026-03-15T00:00:00Z", "to": "2026-03-16T00:00:00Z"}
    assert _csat(client, as_role["admin"], **later)["total"]["satisfaction_answers"] == 0
    demo = {**as_role["superadmin"], "X-Callfloor-Tenant": "demo"}
    assert _csat(client, demo)["by_queue"][0]["key"] == "ventes"
    forbidden = client.get("/api/kpi/csat", params=PERIOD, headers=as_role["agent"])
    assert (forbidden.status_code, forbidden.json()["error_id"]) == (403, "forbidden")


def test_csat_defaults_to_the_last_seven_days(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    report = client.get("/api/kpi/csat", headers=as_role["supervisor"]).json()
    start, end = datetime.fromisoformat(report["start"]), datetime.fromisoformat(report["end"])
    assert end - start == timedelta(days=7)
    assert abs(datetime.now(UTC) - end) < timedelta(minutes=5)
    assert report["total"]["satisfaction_answers"] == 0 and report["total"]["csat_percent"] is None


def test_a_bad_period_is_refused_with_a_message(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    cases = [
        ({"from": "2026-03-14T00:00:00", "to": "2026-03-15T00:00:00Z"}, "invalid_survey_answer"),  # naive
        ({"from": "2026-03-15T00:00:00Z", "to": "2026-03-14T00:00:00Z"}, "invalid_survey_answer"),
        ({"from": "2024-01-01T00:00:00Z", "to": "2026-03-14T00:00:00Z"}, "period_too_long"),
        ({"from": "yesterday"}, "invalid_request"),
        ({"queue": "q" * 65}, "invalid_request"),
    ]
    for params, error_id in cases:
        response = client.get("/api/kpi/csat", params=params, headers=as_role["admin"])
        assert (response.status_code, response.json()["error_id"]) == (422, error_id), (params, response.text)
        assert response.json()["message"]["fr"] and response.json()["message"]["en"]


def test_a_queue_s_survey_and_team_email_through_the_api(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    admin = as_role["admin"]
    body = {"name": "retours", "survey": "main", "team_email": "Retours@Acme.example"}
    created = client.post("/api/queues", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert (created.json()["survey"], created.json()["team_email"]) == ("main", "retours@acme.example")
    shown = client.get(f"/api/queues/{created.json()['id']}", headers=as_role["supervisor"]).json()
    assert (shown["survey"], shown["team_email"]) == ("main", "retours@acme.example")
    cleared = client.put(f"/api/queues/{created.json()['id']}", json={"name": "retours"}, headers=admin)
    assert (cleared.json()["survey"], cleared.json()["team_email"]) == (None, None)
    unknown = client.post("/api/queues", json={"name": "x", "survey": "nowhere"}, headers=admin)
    assert (unknown.status_code, unknown.json()["error_id"]) == (422, "unknown_reference")
    assert "nowhere" in unknown.json()["message"]["en"]
    bad = client.post("/api/queues", json={"name": "y", "team_email": "retours"}, headers=admin)
    assert (bad.status_code, bad.json()["error_id"]) == (422, "invalid_request")
