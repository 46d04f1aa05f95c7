"""GDPR routes: the export as JSON and as a page, the erasure confirmed or dry, who may call them."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.settings import Settings
from callfloor.storage.repositories import audit_entries
from tests.api.routes import with_customer_file, with_tickets
from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]


@pytest.fixture
def platform(platform: Platform2, sessions: sessionmaker[Session], settings: Settings) -> Platform2:
    """The two tenants, each with Marie Curie, her recorded call and her ticket with a comment and a file."""
    return with_tickets(with_customer_file(platform, sessions), sessions, settings.data_dir)


def _url(platform: Platform2, action: str) -> str:
    return f"/api/contacts/{platform.acme.ids['/api/contacts']['contact_id']}/{action}"


def test_admins_and_supervisors_export_as_json(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    for role in ("admin", "supervisor"):
        response = client.get(_url(platform, "gdpr-export"), headers=as_role[role])
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        document = response.json()
        assert document["tenant"] == "Acme" and document["language"] == "fr"
        assert (document["data"]["contact"]["last_name"], document["data"]["contact"]["account"]) == (
            "Curie",
            "Client SA",
        )
        assert [t["subject"] for t in document["data"]["tickets"]] == ["Colis jamais livré"]
        assert len(document["data"]["recordings"]) == 1


def test_the_export_as_a_page(client: TestClient, platform: Platform2, as_role: Headers) -> None:
    response = client.get(_url(platform, "gdpr-export"), params={"format": "html"}, headers=as_role["admin"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert (
        "Vos données personnelles" in response.text
        and "Curie" in response.text
        and "bon.txt" in response.text
    )
    wrong = client.get(_url(platform, "gdpr-export"), params={"format": "pdf"}, headers=as_role["admin"])
    assert (wrong.status_code, wrong.json()["error_id"]) == (422, "invalid_request")


def _files(settings: Settings) -> list[Path]:
    return [f for folder in ("recordings", "attachments") for f in (settings.data_dir / folder).rglob("*.*")]


def _erase(client: TestClient, platform: Platform2, headers: dict[str, str], **body: Any) -> Any:
    return client.post(_url(platform, "erase"), json=body, headers=headers)


def test_an_erasure_must_be_confirmed(client: TestClient, platform: Platform2, as_role: Headers) -> None:
    refused = _erase(client, platform, as_role["admin"])
    assert refused.status_code == 422
    body = refused.json()
    assert body["error_id"] == "confirmation_required" and body["message"]["fr"] and body["message"]["en"]
    assert client.get(_url(platform, "gdpr-export"), headers=as_role["admin"]).status_code == 200


def test_a_dry_run_then_the_erasure(
    client: TestClient,
    platform: Platform2,
    as_role: Headers,
    settings: Settings,
    sessions: sessionmaker[Session],
) -> None:
    admin = as_role["admin"]
    assert client.get(_url(platform, "gdpr-export"), headers=admin).status_code == 200  # audited too
    dry = _erase(client, platform, admin, dry_run=True)
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] and dry.json()["files"] == 2  # the recording and the attachment
    assert dry.json()["counts"]["tickets"]["tickets_anonymised"] == 1
    assert len(_files(settings)) == 4  # both tenants' recording and attachment
    done = _erase(client, platform, admin, confirm=True)
    assert done.status_code == 200, done.text
    assert done.json()["dry_run"] is False and done.json()["counts"] == dry.json()["counts"]
    assert client.get(_url(platform, "gdpr-export"), headers=admin).json()["error_id"] == "not_found"
    left = _files(settings)
    assert len(left) == 2 and all(f"/{platform.demo.tenant_id}/" in str(f) for f in left)  # demo's stay
    with sessions() as session:
        actions = [e.action for e in audit_entries(session, platform.acme.tenant_id)]
    assert actions.count("contact.gdpr_erase") == 1 and "contact.gdpr_export" in actions


@pytest.mark.parametrize("role", ["agent", "client_viewer"])
def test_agents_and_viewers_neither_export_nor_erase(
    client: TestClient, platform: Platform2, as_role: Headers, role: str
) -> None:
    assert client.get(_url(platform, "gdpr-export"), headers=as_role[role]).json()["error_id"] == "forbidden"
    assert _erase(client, platform, as_role[role], confirm=True).json()["error_id"] == "forbidden"


def test_supervisors_do_not_erase(client: TestClient, platform: Platform2, as_role: Headers) -> None:
    response = _erase(client, platform, as_role["supervisor"], confirm=True)
    assert (response.status_code, response.json()["error_id"]) == (403, "forbidden")


def test_another_tenants_contact_is_not_found(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    other = f"/api/contacts/{platform.demo.ids['/api/contacts']['contact_id']}"
    assert client.get(f"{other}/gdpr-export", headers=as_role["admin"]).status_code == 404
    erased = client.post(f"{other}/erase", json={"confirm": True}, headers=as_role["admin"])
    assert (erased.status_code, erased.json()["error_id"]) == (404, "not_found")
