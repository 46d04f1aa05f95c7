"""Roles: agents and client viewers reach no configuration route, supervisors only read."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.settings import Settings
from callfloor.storage.secretbox import SecretBox
from tests.api.routes import (
    AGENT_DESK_ROUTES,
    CAMPAIGN_DESK_ROUTES,
    CAMPAIGN_RUN_ROUTES,
    FLOOR_ROUTES,
    FLOOR_STREAM,
    GDPR_ROUTES,
    OPEN_ROUTES,
    PLATFORM_ROUTES,
    SUPERVISION_ROUTES,
    TRANSFER_ROUTES,
    admin_only,
    books_appointments,
    manages_catalogue,
    operations,
    plans_appointments,
    reads_reports,
    sells,
    with_appointments,
    with_customer_file,
    with_integrations,
    with_sales,
    with_tickets,
    works_in_customer_file,
)
from tests.tenants import Platform2

# What every logged-in user may call, whatever the role.
EVERYONE = {
    ("GET", "/api/me"),
    ("POST", "/api/auth/logout"),
    ("GET", "/api/tenants"),
    ("GET", "/api/tenants/{tenant_id}"),
}


@pytest.fixture
def platform(platform: Platform2, sessions: sessionmaker[Session], settings: Settings) -> Platform2:
    """The two tenants, each with a contact, an account, a custom field, a product, a quote, an order and a ticket."""
    with_appointments(with_sales(with_customer_file(platform, sessions), sessions), sessions)
    with_integrations(platform, sessions, SecretBox.from_settings(settings))
    return with_tickets(platform, sessions, settings.data_dir)


@pytest.mark.parametrize("role", ["agent", "client_viewer"])
def test_floor_roles_cannot_call_admin_routes(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]], role: str
) -> None:
    forbidden = 0
    for op in operations(client):
        key = (op.method, op.path)
        if key in OPEN_ROUTES or key in EVERYONE:
            continue
        response = op.call(client, op.url(platform.acme.ids), as_role[role])
        if key in FLOOR_ROUTES and role == "agent":  # an agent's own calls: none live here
            assert response.status_code == (200 if op.method == "GET" and not op.params else 404), (
                op,
                response.text,
            )
            continue
        if (key in AGENT_DESK_ROUTES or key == FLOOR_STREAM) and role == "agent":  # their desk (no SIP: 503)
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if books_appointments(*key) and role == "agent":  # agents book, reading reps' calendars
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if key in CAMPAIGN_DESK_ROUTES and role == "agent":  # agents join campaigns (no dialer here: 503)
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if sells(*key) and role == "agent":  # agents write quotes and take orders, read the catalogue
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if works_in_customer_file(*key) and role == "agent":  # agents work in the customer file
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if reads_reports(*key) and role == "client_viewer":  # the client reads its KPIs
            assert response.status_code == 200, (op, response.text)
            continue
        assert response.status_code == 403, (role, op, response.text)
        assert response.json()["error_id"] == "forbidden"
        forbidden += 1
    assert forbidden >= 20


def test_supervisor_reads_but_does_not_write(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    for op in operations(client):
        key = (op.method, op.path)
        if key in OPEN_ROUTES or key in EVERYONE:
            continue
        response = op.call(client, op.url(platform.acme.ids), as_role["supervisor"])
        expected = 200 if op.method == "GET" and key not in PLATFORM_ROUTES else 403
        if key in FLOOR_ROUTES and (op.method == "POST" or op.params):
            expected = 404  # supervisors command live calls; none is live here
        if admin_only(*key):  # webhooks: admins only, reading included
            expected = 403
        if key in TRANSFER_ROUTES:  # they import and export the customer file and the catalogue
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if key in GDPR_ROUTES and op.method == "GET":  # they export; the walk may have deleted the contact
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if plans_appointments(*key):  # they set reps' calendars up and book
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if manages_catalogue(*key):  # they sell, as agents do, and keep the catalogue
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if works_in_customer_file(*key):  # they write contacts and accounts, as agents do
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if key in SUPERVISION_ROUTES | AGENT_DESK_ROUTES:  # the live floor (no SIP here: 503, 404, 409)
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        if key in CAMPAIGN_RUN_ROUTES:  # they run campaigns (no dialer here: 503)
            assert response.status_code not in {403, 500}, (op, response.text)
            continue
        assert response.status_code == expected, (op, response.text)


def test_only_a_superadmin_creates_or_deletes_tenants(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    body = {"slug": "newco", "name": "NewCo", "timezone": "America/Martinique"}
    assert client.post("/api/tenants", json=body, headers=as_role["admin"]).status_code == 403
    created = client.post("/api/tenants", json=body, headers=as_role["superadmin"])
    assert created.status_code == 201, created.text
    assert created.json()["sip_realm"] == "newco"
    url = f"/api/tenants/{platform.acme.tenant_id}"
    assert client.delete(url, headers=as_role["admin"]).status_code == 403
    assert client.patch(url, json={"active": False}, headers=as_role["admin"]).status_code == 403
    renamed = client.patch(
        url, json={"name": "Acme SA", "timezone": "Europe/Brussels"}, headers=as_role["admin"]
    )
    assert renamed.json()["name"] == "Acme SA"
    assert (
        client.delete(f"/api/tenants/{created.json()['id']}", headers=as_role["superadmin"]).status_code
        == 204
    )
    assert (
        client.get(f"/api/tenants/{created.json()['id']}", headers=as_role["superadmin"]).status_code == 404
    )


def test_anonymous_callers_get_401_everywhere_but_health_and_login(
    client: TestClient, platform: Platform2
) -> None:
    for op in operations(client):
        if (op.method, op.path) in OPEN_ROUTES:
            continue
        response = op.call(client, op.url(platform.acme.ids), {})
        assert response.status_code == 401, (op, response.text)
        assert response.json()["error_id"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"


def test_sip_bans_are_for_platform_operators(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    assert client.get("/api/sip/bans", headers=as_role["admin"]).status_code == 403
    assert client.get("/api/sip/bans", headers=as_role["superadmin"]).json() == []  # no SIP in this app
