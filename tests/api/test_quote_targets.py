"""``POST /api/campaigns/{campaign}/quote-targets``: admins and supervisors feed a relance de devis."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.crm.lines import LineInput
from callfloor.crm.sales import Sales
from callfloor.outbound.campaigns import Campaigns
from callfloor.storage.outbound import Lead
from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]


@pytest.fixture
def quotes(platform: Platform2, sessions: sessionmaker[Session]) -> dict[str, str]:
    """Acme's ``relance`` and ``sondage``, demo's ``relance-demo``; acme's quotes to Jean (10 days
    ago, 1,500 €) and to Paul, who has no number (20 days ago); their numbers by name."""
    now = datetime.now(UTC)
    numbers = {}
    with sessions.begin() as session:
        acme, demo = platform.acme.tenant_id, platform.demo.tenant_id
        Campaigns(session, acme).create("relance", "quote_followup")
        Campaigns(session, acme).create("sondage", "survey")
        Campaigns(session, demo).create("relance-demo", "quote_followup")
        customers, sales = CustomerFile(session, acme), Sales(session, acme)
        for name, days, phones in (("Jean", 10, [PhoneInput("06 12 34 56 78")]), ("Paul", 20, [])):
            contact = customers.create_contact({"first_name": name}, phones=phones)
            line = LineInput(reference="F", label="Pose", unit_price=Decimal(1500), vat_rate=Decimal(0))
            quote = sales.create_quote(
                {"contact_id": contact.id, "valid_until": date(2999, 1, 1)}, [line], now=now
            )
            numbers[name] = sales.send(
                quote, today=sales.local_date(now) - timedelta(days=days), now=now
            ).number
    return numbers


def _post(client: TestClient, headers: dict[str, str], campaign: str = "relance", **body: Any) -> Any:
    return client.post(f"/api/campaigns/{campaign}/quote-targets", json=body, headers=headers)


def _leads(sessions: sessionmaker[Session], tenant_id: int) -> list[str]:
    with sessions() as session:
        return [
            lead.data["quote_number"]
            for lead in session.scalars(select(Lead).where(Lead.tenant_id == tenant_id))
        ]


def test_a_supervisor_runs_it_dry_then_an_admin_for_real(
    client: TestClient,
    quotes: dict[str, str],
    as_role: Headers,
    platform: Platform2,
    sessions: sessionmaker[Session],
) -> None:
    dry = _post(client, as_role["supervisor"], min_age_days=7, dry_run=True)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert (report["campaign"], report["dry_run"], report["created"], report["merged"]) == (
        "relance",
        True,
        1,
        [],
    )
    (skipped,) = report["skipped"]
    assert skipped["quote"] == quotes["Paul"] and "aucun numéro" in skipped["message"]["fr"]
    assert _leads(sessions, platform.acme.tenant_id) == []
    young = _post(client, as_role["admin"], min_age_days=15, min_amount="1000").json()
    assert (young["created"], young["skipped"][0]["quote"]) == (0, quotes["Paul"])
    done = _post(client, as_role["admin"]).json()  # the defaults: a week, any amount, for real
    assert (done["dry_run"], done["created"]) == (False, 1)
    assert _leads(sessions, platform.acme.tenant_id) == [quotes["Jean"]]
    assert _post(client, as_role["admin"]).json()["unchanged"] == 1


@pytest.mark.parametrize("role", ["agent", "client_viewer"])
def test_floor_roles_are_refused(
    client: TestClient, quotes: dict[str, str], as_role: Headers, role: str
) -> None:
    response = _post(client, as_role[role])
    assert (response.status_code, response.json()["error_id"]) == (403, "forbidden")


def test_another_type_another_tenant_or_a_bad_range_is_refused(
    client: TestClient,
    quotes: dict[str, str],
    as_role: Headers,
    platform: Platform2,
    sessions: sessionmaker[Session],
) -> None:
    admin = as_role["admin"]
    survey = _post(client, admin, "sondage")
    assert (survey.status_code, survey.json()["error_id"]) == (409, "wrong_campaign_type")
    assert "pas une relance de devis" in survey.json()["message"]["fr"]
    assert "not a quote follow-up" in survey.json()["message"]["en"]
    other = _post(client, admin, "relance-demo")
    assert (other.status_code, other.json()["error_id"]) == (404, "not_found")
    ages = _post(client, admin, min_age_days=30, max_age_days=10)
    assert (ages.status_code, ages.json()["error_id"]) == (422, "invalid_quote_targets")
    negative = _post(client, admin, min_age_days=-1)
    assert negative.status_code == 422
    assert _leads(sessions, platform.acme.tenant_id) == [] and _leads(sessions, platform.demo.tenant_id) == []
