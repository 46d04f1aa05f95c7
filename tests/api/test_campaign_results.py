"""``GET /api/campaigns/{campaign}/results``: a report that client viewers read, tenant by tenant."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.outbound.morning import TUESDAY, worked_morning
from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]
URL = "/api/campaigns/prospection/results"


def test_the_results_as_a_client_viewer_reads_them(
    client: TestClient, as_role: Headers, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    worked_morning(sessions, platform.acme.tenant_id)
    answer = client.get(URL, headers=as_role["client_viewer"])
    assert answer.status_code == 200, answer.text
    results = answer.json()
    assert (results["dialed"], results["blocked"], results["contacts"], results["drops"]) == (4, 1, 2, 1)
    assert (results["conversions"], results["conversion_rate"], results["success_dispositions"]) == (
        1, 0.5, ["sale"]
    )  # fmt: skip
    assert abs(results["drop_rate"] - 1 / 3) < 1e-9
    assert results["dispositions"] == {"refusal": 1, "sale": 1}
    assert [(p["name"], p["total"], p["leads"]["done"]) for p in results["lists"]] == [
        ("février", 2, 0), ("janvier", 3, 2)
    ]  # fmt: skip
    assert results["agents"] == [
        {"agent": "1001", "contacts": 2, "conversions": 1, "conversion_rate": 0.5, "connected_s": 300.0}
    ]
    assert client.get(URL, headers=as_role["supervisor"]).json() == results
    assert client.get(URL, headers=as_role["agent"]).status_code == 403


def test_a_period_is_two_aware_times_in_order(
    client: TestClient, as_role: Headers, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    worked_morning(sessions, platform.acme.tenant_id)
    headers = as_role["admin"]
    since = (TUESDAY + timedelta(minutes=7)).isoformat()
    later = client.get(URL, params={"since": since}, headers=headers)
    assert later.status_code == 200, later.text
    assert (later.json()["dialed"], later.json()["contacts"], later.json()["since"][:16]) == (
        2, 0, "2026-12-08T10:37"
    )  # fmt: skip
    backwards = client.get(URL, params={"since": since, "until": TUESDAY.isoformat()}, headers=headers)
    assert backwards.status_code == 422 and backwards.json()["error_id"] == "bad_period"
    naive = client.get(URL, params={"since": "2026-12-08T10:30:00"}, headers=headers)
    assert naive.status_code == 422


def test_another_tenants_campaign_is_not_found(
    client: TestClient, as_role: Headers, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    worked_morning(sessions, platform.demo.tenant_id)
    assert client.get(URL, headers=as_role["admin"]).status_code == 404
    assert client.get("/api/campaigns/inconnue/results", headers=as_role["admin"]).status_code == 404
