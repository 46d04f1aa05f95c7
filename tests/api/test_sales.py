"""The sales routes: the catalogue, quotes from draft to order during a call, orders, their errors."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.api.routes import with_customer_file
from tests.tenants import Platform2

HEADSET = {"reference": "HS-1", "label": "Casque", "unit_price": "49.90", "vat_rate": "20"}
BOOK = {"reference": "BK-1", "label": "Livre", "unit_price": "12.50", "vat_rate": "5.5"}


@pytest.fixture
def platform(platform: Platform2, sessions: sessionmaker[Session]) -> Platform2:
    """The two tenants, each with a contact and an account."""
    return with_customer_file(platform, sessions)


@pytest.fixture
def catalogue(client: TestClient, as_role: dict[str, dict[str, str]]) -> None:
    """Acme's supervisor puts a headset and a book in the catalogue."""
    for product in (HEADSET, BOOK):
        response = client.post("/api/products", json=product, headers=as_role["supervisor"])
        assert response.status_code == 201, response.text


def _quote(client: TestClient, platform: Platform2, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    body = {
        "contact_id": platform.acme.ids["/api/contacts"]["contact_id"],
        "lines": [{"product": "HS-1", "quantity": "10"}, {"product": "BK-1", "quantity": "2"}],
        **extra,
    }
    response = client.post("/api/quotes", json=body, headers=headers)
    assert response.status_code == 201, response.text
    quote: dict[str, Any] = response.json()
    return quote


@pytest.mark.usefixtures("catalogue")
def test_an_agent_quotes_and_takes_the_order_during_a_call(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    agent = as_role["agent"]
    quote = _quote(client, platform, agent)
    assert quote["number"].startswith("D-") and quote["status"] == "draft"
    assert quote["totals"] == {
        "excl_vat": "524.00",
        "vat": "101.18",
        "incl_vat": "625.18",
        "breakdown": [
            {"rate": "20", "base": "499.00", "vat": "99.80"},
            {"rate": "5.5", "base": "25.00", "vat": "1.38"},
        ],
    }
    assert [line["total_excl_vat"] for line in quote["lines"]] == ["499.00", "25.00"]
    url = f"/api/quotes/{quote['id']}"
    sent = client.post(f"{url}/send", headers=agent).json()
    assert sent["status"] == "sent" and sent["sent_on"] is not None
    order = client.post(f"{url}/order", headers=agent)
    assert order.status_code == 201, order.text
    assert order.json()["number"].startswith("C-") and order.json()["totals"]["incl_vat"] == "625.18"
    assert client.get(url, headers=agent).json()["status"] == "ordered"
    moved = client.post(
        f"/api/orders/{order.json()['id']}/status", json={"status": "confirmed"}, headers=agent
    )
    assert moved.json()["status"] == "confirmed"
    assert [o["number"] for o in client.get("/api/orders?status=confirmed", headers=agent).json()] == [
        order.json()["number"]
    ]


@pytest.mark.usefixtures("catalogue")
def test_illegal_moves_are_409_naming_them_and_bad_lines_422_naming_the_line(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    agent = as_role["agent"]
    quote = _quote(client, platform, agent)
    accepted = client.post(f"/api/quotes/{quote['id']}/accept", headers=agent)
    assert accepted.status_code == 409
    assert accepted.json()["error_id"] == "illegal_status_change"
    assert "draft" in accepted.json()["message"]["en"] and "accepted" in accepted.json()["message"]["fr"]
    body = {"account_id": quote["account_id"], "lines": [{"product": "HS-1"}, {"product": "NOPE"}]}
    bad = client.post("/api/quotes", json=body, headers=agent)
    assert bad.status_code == 422
    assert bad.json()["error_id"] == "invalid_line"
    assert bad.json()["message"] == {
        "fr": "ligne 2 : produit 'NOPE' inconnu",
        "en": "line 2: unknown product 'NOPE'",
    }
    floats = client.post(
        "/api/quotes", json={**body, "lines": [{"product": "HS-1", "quantity": 1.5}]}, headers=agent
    )
    assert floats.status_code == 422 and "string" in floats.json()["message"]["en"]


@pytest.mark.usefixtures("catalogue")
def test_a_draft_is_edited_and_a_sent_quote_is_not(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    agent = as_role["agent"]
    url = f"/api/quotes/{_quote(client, platform, agent)['id']}"
    edited = client.patch(
        url, json={"lines": [{"product": "BK-1", "quantity": "4"}], "notes": "x"}, headers=agent
    )
    assert edited.json()["totals"]["incl_vat"] == "52.75"
    client.post(f"{url}/send", headers=agent)
    refused = client.patch(url, json={"notes": "y"}, headers=agent)
    assert (refused.status_code, refused.json()["error_id"]) == (409, "quote_not_draft")
    assert client.post(f"{url}/refuse", headers=agent).json()["status"] == "refused"


@pytest.mark.usefixtures("catalogue")
def test_the_catalogue_is_written_by_supervisors_and_read_by_agents(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    new = {**HEADSET, "reference": "HS-2"}
    assert client.post("/api/products", json=new, headers=as_role["agent"]).status_code == 403
    assert (
        client.post("/api/products", json=HEADSET, headers=as_role["admin"]).json()["error_id"] == "duplicate"
    )
    products = client.get("/api/products", headers=as_role["agent"]).json()
    assert [(p["reference"], p["unit_price"], p["vat_rate"]) for p in products] == [
        ("BK-1", "12.50", "5.50"),
        ("HS-1", "49.90", "20.00"),
    ]
    url = f"/api/products/{products[1]['id']}"
    assert (
        client.patch(url, json={"unit_price": "59.90"}, headers=as_role["supervisor"]).json()["unit_price"]
        == "59.90"
    )
    too_fine = client.patch(url, json={"unit_price": "1.001"}, headers=as_role["admin"])
    assert (too_fine.status_code, too_fine.json()["error_id"]) == (422, "invalid_product")
    assert client.delete(url, headers=as_role["admin"]).status_code == 204
    assert client.get("/api/quotes", headers=as_role["client_viewer"]).status_code == 403


@pytest.mark.usefixtures("catalogue")
def test_lists_filter_and_the_follow_up_feed(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    agent = as_role["agent"]
    draft, sent = _quote(client, platform, agent), _quote(client, platform, agent)
    client.post(f"/api/quotes/{sent['id']}/send", headers=agent)
    assert [q["id"] for q in client.get("/api/quotes?status=sent", headers=agent).json()] == [sent["id"]]
    both = client.get(f"/api/quotes?status=sent&status=draft&account_id={draft['account_id']}", headers=agent)
    assert [q["id"] for q in both.json()] == [sent["id"], draft["id"]]
    assert client.get("/api/quotes?contact_id=999999", headers=agent).json() == []
    feed = client.get("/api/quotes/follow-up?after_days=0", headers=agent).json()
    assert [q["id"] for q in feed] == [sent["id"]]  # sent today, and nothing to wait for
    assert client.get("/api/quotes/follow-up", headers=agent).json() == []  # a week has not passed
