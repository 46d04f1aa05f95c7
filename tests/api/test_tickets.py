"""The ticket routes: create, triage and escalate, history, filters, breaches, files, setup, hours."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.ticket_files import MAX_SIZE
from callfloor.crm.tickets import TicketDesk, TicketInput
from callfloor.settings import Settings
from tests.crm.customer_files import TicketFloor, ticket_floor
from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def floor(platform: Platform2, sessions: sessionmaker[Session]) -> TicketFloor:
    """Acme's teams « Accueil » (1) and « Experts » (2), and its category « Livraison »."""
    with sessions.begin() as session:
        return ticket_floor(session, platform.acme.tenant_id)


def _post(
    client: TestClient, url: str, headers: dict[str, str], body: dict[str, Any], status: int = 200
) -> Any:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def _ticket(client: TestClient, headers: dict[str, str], **extra: Any) -> Any:
    body = {"subject": "Colis abîmé", "category": "Livraison", **extra}
    return _post(client, "/api/tickets", headers, body, 201)


def test_an_agent_triages_and_escalates_and_the_history_says_so(
    client: TestClient, platform: Platform2, floor: TicketFloor, as_role: Headers
) -> None:
    agent = as_role["agent"]
    ticket = _ticket(client, agent, description="Carton écrasé", priority="high", interaction_id="call-1@pbx")
    assert ticket["number"].startswith("T-") and ticket["status"] == "new"
    assert (ticket["team"], ticket["category"], ticket["kind"], ticket["priority"]) == (
        "Accueil", "Livraison", "complaint", "high",
    )  # fmt: skip
    assert ticket["first_response_due"] is not None and ticket["late"] == {
        "first_response": False,
        "resolution": False,
    }
    url = f"/api/tickets/{ticket['id']}"
    _post(client, f"{url}/comments", agent, {"body": "Photo demandée", "internal": True}, 201)
    assert client.get(url, headers=agent).json()["first_response_at"] is None
    _post(client, f"{url}/comments", agent, {"body": "Nous enquêtons.", "internal": False}, 201)
    refused = client.post(f"{url}/escalate", json={"team": "Experts", "reason": "Litige"}, headers=agent)
    assert (refused.status_code, refused.json()["error_id"]) == (422, "invalid_ticket")
    assert "checklist_answers" in refused.json()["message"]["fr"]
    body = {"team": "Experts", "reason": "Litige transporteur", "checklist_answers": ["C-2026-000045", "non"]}
    escalated = _post(client, f"{url}/escalate", agent, body)
    assert (escalated["level"], escalated["team"], escalated["first_response_at"] is not None) == (
        2,
        "Experts",
        True,
    )
    assert [e["type"] for e in escalated["events"]] == ["created", "comment", "comment", "escalated"]
    assert escalated["events"][-1]["data"]["checklist"][0] == {
        "step": "Numéro de commande ?",
        "answer": "C-2026-000045",
    }
    again = client.post(f"{url}/escalate", json=body, headers=agent)
    assert (again.status_code, again.json()["error_id"]) == (409, "cannot_escalate")
    assert [c["body"] for c in escalated["comments"]] == ["Photo demandée", "Nous enquêtons."]


def test_status_moves_follow_the_table_and_illegal_ones_are_named(
    client: TestClient, platform: Platform2, floor: TicketFloor, as_role: Headers
) -> None:
    agent = as_role["supervisor"]
    url = f"/api/tickets/{_ticket(client, agent)['id']}"
    assert _post(client, f"{url}/status", agent, {"status": "pending"})["paused_at"] is not None
    assert _post(client, f"{url}/status", agent, {"status": "resolved"})["resolved_at"] is not None
    illegal = client.post(f"{url}/status", json={"status": "pending"}, headers=agent)
    assert (illegal.status_code, illegal.json()["error_id"]) == (409, "illegal_status_change")
    assert "resolved" in illegal.json()["message"]["en"] and "pending" in illegal.json()["message"]["fr"]
    assert _post(client, f"{url}/status", agent, {"status": "closed"})["closed_at"] is not None
    closed = client.post(f"{url}/comments", json={"body": "?"}, headers=agent)
    assert (closed.status_code, closed.json()["error_id"]) == (409, "ticket_closed")


def test_lists_filter_by_status_team_assignee_contact_and_breach(
    client: TestClient,
    platform: Platform2,
    floor: TicketFloor,
    as_role: Headers,
    sessions: sessionmaker[Session],
) -> None:
    agent = as_role["agent"]
    me = client.get("/api/me", headers=agent).json()["id"]
    contact = _post(client, "/api/contacts", agent, {"last_name": "Martin"}, 201)
    mine = _ticket(client, agent, contact_id=contact["id"])
    _post(client, f"/api/tickets/{mine['id']}/assign", agent, {"assignee_id": me})
    with sessions.begin() as session:  # opened long ago, never answered: late
        old = TicketDesk(session, platform.acme.tenant_id).create(
            TicketInput("Ancien", floor.category.id), actor=None, now=datetime(2026, 3, 2, 9, tzinfo=UTC)
        )
    for query, expected in (
        ({}, [mine["id"], old.id]),
        ({"assignee_id": me}, [mine["id"]]),
        ({"contact_id": contact["id"]}, [mine["id"]]),
        ({"team_id": floor.level1.id}, [mine["id"], old.id]),
        ({"team_id": floor.level2.id}, []),
        ({"status": ["new", "open"]}, [mine["id"], old.id]),
        ({"status": "resolved"}, []),
        ({"breached": "true"}, [old.id]),
    ):
        found = client.get("/api/tickets", params=query, headers=agent).json()
        assert [t["id"] for t in found] == expected, query
    report = client.get("/api/tickets/breaches", headers=agent).json()
    assert report["total"] == 1 and report["tickets"][0]["late"] == {
        "first_response": True,
        "resolution": True,
    }
    assert report["by_team"] == [{"id": floor.level1.id, "name": "Accueil", "tickets": 1, "first_response": 1,
                                  "resolution": 1, "open": 1}]  # fmt: skip
    assert report["by_category"][0]["name"] == "Livraison"
    later = client.get(
        "/api/tickets/breaches", params={"since": "2026-03-03T00:00:00Z"}, headers=agent
    ).json()
    assert later["total"] == 0


def test_bad_tickets_are_refused_with_the_field_named(
    client: TestClient, platform: Platform2, floor: TicketFloor, as_role: Headers
) -> None:
    agent = as_role["agent"]
    for body, field in (
        ({"subject": "x", "category": "Inconnue"}, "category_id"),
        ({"subject": "x", "category_id": floor.category.id, "team_id": floor.level2.id}, "team_id"),
        ({"subject": "x", "category_id": floor.category.id, "contact_id": 999_999}, "contact_id"),
    ):
        response = client.post("/api/tickets", json=body, headers=agent)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["message"]["en"] and field in response.json()["message"]["fr"]
    assert (
        client.post("/api/tickets", json={"subject": "x", "channel": "fax"}, headers=agent).status_code == 422
    )


def test_client_viewers_see_no_tickets(
    client: TestClient, platform: Platform2, floor: TicketFloor, as_role: Headers
) -> None:
    viewer = as_role["client_viewer"]
    for method, url in (("GET", "/api/tickets"), ("GET", "/api/tickets/breaches"), ("GET", "/api/teams"),
                        ("GET", "/api/schedule"), ("POST", "/api/tickets")):  # fmt: skip
        response = client.request(method, url, json={"subject": "x", "category": "Livraison"}, headers=viewer)
        assert response.status_code == 403 and response.json()["error_id"] == "forbidden"


def test_attachments_are_checked_stored_under_the_data_dir_and_served_back(
    client: TestClient, platform: Platform2, floor: TicketFloor, as_role: Headers, settings: Settings
) -> None:
    agent = as_role["agent"]
    url = f"/api/tickets/{_ticket(client, agent)['id']}/attachments"
    sent = client.post(url, files={"file": ("facture mars.pdf", PDF, "application/pdf")}, headers=agent)
    assert sent.status_code == 201, sent.text
    attachment = sent.json()
    assert (attachment["file_name"], attachment["size"], attachment["content_type"]) == (
        "facture mars.pdf", len(PDF), "application/pdf",
    )  # fmt: skip
    stored = list((settings.data_dir / "attachments" / str(platform.acme.tenant_id)).rglob("*.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes() == PDF and stored[0].stat().st_mode & 0o077 == 0
    back = client.get(f"{url}/{attachment['id']}", headers=agent)
    assert back.status_code == 200 and back.content == PDF
    assert (
        back.headers["content-type"] == "application/pdf"
        and "attachment" in back.headers["content-disposition"]
    )
    assert [a["id"] for a in client.get(url, headers=agent).json()] == [attachment["id"]]
    for files, status, error_id in (
        ({"file": ("x.exe", b"MZ\x90\x00", "application/x-msdownload")}, 415, "unsupported_media_type"),
        ({"file": ("photo.png", b"MZ\x90\x00 not a png", "image/png")}, 415, "unsupported_media_type"),
        ({"file": ("big.txt", b"a" * (MAX_SIZE + 1), "text/plain")}, 413, "too_large"),
        ({"other": ("x.txt", b"a", "text/plain")}, 422, "file_missing"),
    ):
        refused = client.post(url, files=files, headers=agent)
        assert (refused.status_code, refused.json()["error_id"]) == (status, error_id), files.keys()
    assert client.get(f"{url}/999999", headers=agent).json()["error_id"] == "not_found"
    events = client.get(url.rsplit("/", 1)[0], headers=agent).json()["events"]
    assert [e["type"] for e in events] == ["created", "attachment"]


def test_admins_set_up_teams_and_categories_and_others_read_them(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    admin, agent = as_role["admin"], as_role["agent"]
    me = client.get("/api/me", headers=agent).json()["id"]
    experts = _post(client, "/api/teams", admin, {"name": "Experts", "level": 2, "member_ids": [me]}, 201)
    duplicate = client.post("/api/teams", json={"name": "Experts"}, headers=admin)
    assert (duplicate.status_code, duplicate.json()["error_id"]) == (409, "duplicate")
    body = {"name": "SAV", "kind": "after_sales", "first_response_s": 3600, "resolution_s": 7200,
            "default_team_id": experts["id"], "checklist": ["Numéro de série ?"]}  # fmt: skip
    refused = client.post("/api/ticket-categories", json=body, headers=admin)
    assert refused.status_code == 422 and "default_team_id" in refused.json()["message"]["en"]
    front = _post(client, "/api/teams", admin, {"name": "Accueil", "member_ids": [me]}, 201)
    category = _post(client, "/api/ticket-categories", admin, body | {"default_team_id": front["id"]}, 201)
    assert category["checklist"] == ["Numéro de série ?"]
    assert client.post("/api/teams", json={"name": "X"}, headers=agent).status_code == 403
    assert client.delete(f"/api/teams/{front['id']}", headers=agent).status_code == 403
    assert [t["member_ids"] for t in client.get("/api/teams", headers=agent).json()] == [[me], [me]]
    assert client.get(f"/api/ticket-categories/{category['id']}", headers=agent).json()["name"] == "SAV"
    assert _ticket(client, agent, category="SAV")["team"] == "Accueil"
    changed = client.put(f"/api/ticket-categories/{category['id']}", json=body | {"default_team_id": None,
                         "active": False}, headers=admin)  # fmt: skip
    assert changed.json()["active"] is False
    inactive = client.post("/api/tickets", json={"subject": "x", "category": "SAV"}, headers=agent)
    assert inactive.status_code == 422 and "category_id" in inactive.json()["message"]["fr"]
    assert client.delete(f"/api/teams/{front['id']}", headers=admin).status_code == 204


def test_the_tenants_hours_default_then_set_by_an_admin(
    client: TestClient, platform: Platform2, floor: TicketFloor, as_role: Headers
) -> None:
    admin, agent = as_role["admin"], as_role["agent"]
    default = client.get("/api/schedule", headers=agent).json()
    assert (
        default["default"] is True
        and default["weekly"]["fri"] == ["09:00-18:00"]
        and "sat" not in default["weekly"]
    )
    assert (default["timezone"], default["country"]) == ("Europe/Paris", "FR")
    week = {"timezone": "Europe/Paris", "country": "FR", "subdivision": "Alsace-Moselle",
            "weekly": {"mon": ["08:00-12:00", "14:00-19:00"], "sat": ["09:00-12:00"]}, "closures": ["2026-12-24"]}  # fmt: skip
    stored = client.put("/api/schedule", json=week, headers=admin).json()
    assert (stored["default"], stored["subdivision"], stored["closures"]) == (False, "57", ["2026-12-24"])
    assert client.put("/api/schedule", json=week, headers=agent).status_code == 403
    for bad, field in (
        ({"timezone": "Europe/Lutece"}, "timezone"),
        ({"timezone": "Europe/Paris", "weekly": {"mon": ["18:00-09:00"]}}, "weekly.mon[0]"),
        ({"timezone": "Europe/Paris", "weekly": {"lundi": ["09:00-18:00"]}}, "weekly.lundi"),
    ):
        refused = client.put("/api/schedule", json=bad, headers=admin)
        assert (refused.status_code, refused.json()["error_id"]) == (422, "invalid_schedule"), bad
        assert field in refused.json()["message"]["fr"] and field in refused.json()["message"]["en"]
    assert client.get("/api/schedule", headers=agent).json()["weekly"]["sat"] == ["09:00-12:00"]
