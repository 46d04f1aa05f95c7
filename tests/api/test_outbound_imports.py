"""Outbound uploads: a campaign's lists (admins import, supervisors read), DNC and consent files."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.outbound.campaigns import Campaigns
from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]
LEADS = "Nom;Prénom;Tél;Montant dû\r\nMartin;Jeanne;06 12 34 56 78;12,50\r\nPetit;Léa;pas un numéro;\r\n"
LEADS += "Martin;;0612345678;\r\n"


@pytest.fixture
def campaigns(platform: Platform2, sessions: sessionmaker[Session]) -> Platform2:
    """Campaign ``relance`` in both tenants."""
    with sessions.begin() as session:
        for tenant in (platform.acme, platform.demo):
            Campaigns(session, tenant.tenant_id).create("relance", "collection")
    return platform


def _send(
    client: TestClient, headers: dict[str, str], data: bytes, campaign: str = "relance", **form: Any
) -> Any:
    params = {"dry_run": form.pop("dry_run")} if "dry_run" in form else {}
    return client.post(
        f"/api/campaigns/{campaign}/lists",
        files={"file": ("mars.csv", data)},
        data={"map": "phone=Tél", **form},
        params=params,
        headers=headers,
    )


def test_an_admin_imports_a_list_and_a_supervisor_reads_it(
    client: TestClient, campaigns: Platform2, as_role: Headers
) -> None:
    admin = as_role["admin"]
    dry = _send(client, admin, LEADS.encode("cp1252"), dry_run="true")
    assert dry.status_code == 200, dry.text
    assert (dry.json()["dry_run"], dry.json()["created"]) == (True, 1)
    assert client.get("/api/campaigns/relance/lists", headers=admin).json() == []
    summary = _send(client, admin, LEADS.encode("cp1252"), list_name="Mars").json()
    assert (summary["created"], summary["merged"], summary["rows"]) == (1, 1, 3)
    (refused,) = summary["refused"]
    assert (refused["line"], refused["field"]) == (3, "phone")
    assert "pas un numéro" in refused["message"]["fr"] and "invalid phone number" in refused["message"]["en"]
    assert summary["columns"] == {
        "phone": "Tél",
        "last_name": "Nom",
        "first_name": "Prénom",
        "amount_due": "Montant dû",
    }
    again = _send(client, admin, LEADS.encode("cp1252"), list_name="Mars").json()
    assert (again["created"], again["unchanged"]) == (0, 1)
    (listed,) = client.get("/api/campaigns/relance/lists", headers=as_role["supervisor"]).json()
    assert (listed["name"], listed["source_file"], listed["rows_unchanged"]) == ("Mars", "mars.csv", 1)
    demo_lists = client.get(
        "/api/campaigns/relance/lists", headers={**as_role["superadmin"], "X-Callfloor-Tenant": "demo"}
    )
    assert demo_lists.json() == []  # the other tenant's campaign of the same name got nothing


def test_bad_mappings_files_and_campaigns_get_stable_errors(
    client: TestClient, campaigns: Platform2, as_role: Headers
) -> None:
    admin = as_role["admin"]
    column = _send(client, admin, LEADS.encode(), map="phone=Portable")
    assert (column.status_code, column.json()["error_id"]) == (422, "bad_mapping")
    assert "pas de colonne 'Portable'" in column.json()["message"]["fr"]
    entry = _send(client, admin, LEADS.encode(), map="phone")
    assert (entry.status_code, entry.json()["error_id"]) == (422, "bad_mapping")
    empty = _send(client, admin, b"")
    assert (empty.status_code, empty.json()["error_id"]) == (422, "unreadable_file")
    unknown = _send(client, admin, LEADS.encode(), campaign="soldes")
    assert (unknown.status_code, unknown.json()["error_id"]) == (404, "not_found")
    missing = client.post("/api/campaigns/relance/lists", data={"map": "phone=Tél"}, headers=admin)
    assert (missing.status_code, missing.json()["error_id"]) == (422, "file_missing")


def test_only_admins_import(client: TestClient, campaigns: Platform2, as_role: Headers) -> None:
    for role in ("supervisor", "agent", "client_viewer"):
        response = _send(client, as_role[role], LEADS.encode())
        assert (response.status_code, response.json()["error_id"]) == (403, "forbidden"), role
    for role in ("agent", "client_viewer"):
        assert client.get("/api/campaigns/relance/lists", headers=as_role[role]).status_code == 403
    dnc = client.post(
        "/api/dnc/imports", files={"file": ("x.csv", b"Tel\n0612345678\n")}, headers=as_role["agent"]
    )
    assert dnc.status_code == 403


def test_dnc_and_consent_files(client: TestClient, campaigns: Platform2, as_role: Headers) -> None:
    admin = as_role["admin"]
    dnc = client.post(
        "/api/dnc/imports",
        files={"file": ("bloctel.csv", "Numéro;Motif\n0612345678;opposition\nfaux;\n".encode())},
        params={"source": "bloctel"},
        headers=admin,
    ).json()
    assert (dnc["kind"], dnc["created"], [r["line"] for r in dnc["refused"]]) == ("dnc", 1, [3])
    consents = client.post(
        "/api/consents/imports",
        files={"file": ("c.csv", "Tel;Où;Quand;Texte\n0612345678;web;2026-03-01;oui\n".encode())},
        data={"map": "number=Tel,source=Où,given_at=Quand,proof=Texte"},
        headers=admin,
    ).json()
    assert (consents["kind"], consents["created"]) == ("consents", 1)
    bad_source = client.post(
        "/api/dnc/imports", files={"file": ("x.csv", b"Tel\n1\n")}, params={"source": "x"}, headers=admin
    )
    assert bad_source.status_code == 422
