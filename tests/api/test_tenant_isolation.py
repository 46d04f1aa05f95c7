"""A user of one tenant never reaches another tenant's objects: 404 on every route, nothing in lists."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.settings import Settings
from callfloor.storage.secretbox import SecretBox
from tests.api.routes import (
    AGENT_DESK_ROUTES,
    FLOOR_ROUTES,
    OPEN_ROUTES,
    PLATFORM_ROUTES,
    SAMPLE_BODIES,
    TRANSFER_ROUTES,
    operations,
    with_appointments,
    with_customer_file,
    with_integrations,
    with_sales,
    with_tickets,
)
from tests.tenants import Platform2


@pytest.fixture
def platform(platform: Platform2, sessions: sessionmaker[Session], settings: Settings) -> Platform2:
    """The two tenants, each with a contact, an account, a custom field, a product, a quote, an order and a ticket."""
    with_appointments(with_sales(with_customer_file(platform, sessions), sessions), sessions)
    with_integrations(platform, sessions, SecretBox.from_settings(settings))
    return with_tickets(platform, sessions, settings.data_dir)


def test_every_route_with_an_id_answers_404_for_another_tenants_object(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    checked = []
    for op in operations(client):
        if (
            not op.params or (op.method, op.path) in OPEN_ROUTES | TRANSFER_ROUTES
        ):  # a feed's token is its credential
            continue
        assert op.body_schema is None or op.body_schema in SAMPLE_BODIES, (
            f"add a sample body for {op.body_schema}"
        )
        response = op.call(client, op.url(platform.demo.ids), as_role["admin"])
        assert response.status_code == 404, (op, response.text)
        assert response.json()["error_id"] == "not_found"
        checked.append((op.method, op.path))
    assert len(checked) >= 15  # the loop really walked the API


def test_the_same_routes_work_on_the_callers_own_objects(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    for op in operations(client):
        live = FLOOR_ROUTES | {("GET", "/api/campaigns/{campaign}/run")}  # no call is live, no dialer (503)
        if op.params and op.method == "GET" and (op.method, op.path) not in live:
            response = op.call(client, op.url(platform.acme.ids), as_role["admin"])
            assert response.status_code == 200, (op, response.text)


def test_lists_show_only_the_callers_tenant(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    for op in operations(client):
        if op.method != "GET" or op.params or (op.method, op.path) in OPEN_ROUTES | PLATFORM_ROUTES:
            continue
        if (op.method, op.path) in AGENT_DESK_ROUTES:  # the admin is no agent (409): no list to show
            continue
        response = op.call(client, op.path, as_role["admin"])
        assert response.status_code == 200, (op, response.text)
        text = response.text
        for marker in ("demo.example", "Démo", "ventes", "1001", '"demo"'):
            assert marker not in text, (op.path, marker)


def test_superadmin_acts_in_a_tenant_named_by_header(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    root = as_role["superadmin"]
    assert client.get("/api/skills", headers=root).json()["error_id"] == "tenant_required"
    skills = client.get("/api/skills", headers={**root, "X-Callfloor-Tenant": "demo"}).json()
    assert "ventes" in {s["name"] for s in skills}
    # The header means nothing for a tenant user: they stay in their own tenant.
    own = client.get("/api/skills", headers={**as_role["admin"], "X-Callfloor-Tenant": "demo"}).json()
    assert {s["name"] for s in own} == {"fr", "en"}
    tenants = client.get("/api/tenants", headers=root).json()
    assert {t["slug"] for t in tenants} == {"demo", "acme"}
    assert [t["slug"] for t in client.get("/api/tenants", headers=as_role["admin"]).json()] == ["acme"]
