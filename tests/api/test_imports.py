"""Import and export routes: multipart files in, summaries with refused lines out, files back; roles."""

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]
CONTACTS = (
    "N° client;Nom;Prénom;Téléphone\r\nC1;Martin;Jeanne;01 40 00 00 01\r\nC2;Petit;Léa;pas un numéro\r\n"
)


def _send(
    client: TestClient, headers: dict[str, str], data: bytes, name: str = "clients.csv", **params: str
) -> Any:
    return client.post("/api/imports/contacts", files={"file": (name, data)}, params=params, headers=headers)


def test_a_supervisor_imports_good_rows_and_reads_the_refused_lines(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    supervisor = as_role["supervisor"]
    dry = _send(client, supervisor, CONTACTS.encode("cp1252"), dry_run="true").json()
    assert (dry["dry_run"], dry["created"], dry["rows"]) == (True, 1, 2)
    assert client.get("/api/contacts", params={"q": "Martin"}, headers=supervisor).json()["total"] == 0
    summary = _send(client, supervisor, CONTACTS.encode("cp1252")).json()
    assert (summary["created"], summary["updated"]) == (1, 0)
    (refused,) = summary["refused"]
    assert (refused["line"], refused["field"]) == (3, "phone")
    assert "pas un numéro" in refused["message"]["fr"] and "not a phone number" in refused["message"]["en"]
    again = _send(client, supervisor, CONTACTS.encode("cp1252")).json()
    assert (again["created"], again["unchanged"]) == (0, 1)
    assert client.get("/api/contacts", params={"q": "Martin"}, headers=supervisor).json()["total"] == 1


def test_exports_come_back_as_csv_or_xlsx_and_reimport_unchanged(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    admin = as_role["admin"]
    _send(client, admin, CONTACTS.encode())
    csv = client.get("/api/exports/contacts", headers=admin)
    assert csv.headers["content-type"].startswith("text/csv")
    assert 'filename="contacts.csv"' in csv.headers["content-disposition"]
    assert csv.content.startswith(b"\xef\xbb\xbfcustomer_number;")
    xlsx = client.get("/api/exports/contacts", params={"format": "xlsx"}, headers=admin)
    rows = list(load_workbook(io.BytesIO(xlsx.content)).worksheets[0].values)
    assert (rows[1][0], rows[1][2], rows[1][3]) == ("C1", "Martin", "Jeanne")
    for data, name in ((csv.content, "x.csv"), (xlsx.content, "x.xlsx")):
        assert _send(client, admin, data, name).json()["unchanged"] == 1
    products = client.get("/api/exports/products", headers=admin)
    assert products.content.decode("utf-8-sig").startswith("reference;label;description;unit_price")


def test_unreadable_files_bad_kinds_and_missing_parts_are_refused(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    admin = as_role["admin"]
    unreadable = _send(client, admin, b"foo;bar\n1;2\n")
    assert (unreadable.status_code, unreadable.json()["error_id"]) == (422, "unreadable_file")
    assert unreadable.json()["message"]["fr"].startswith("aucune colonne")
    missing = client.post("/api/imports/contacts", data={"x": "y"}, headers=admin)
    assert (missing.status_code, missing.json()["error_id"]) == (422, "file_missing")
    assert (
        client.post("/api/imports/tickets", files={"file": ("x.csv", b"a")}, headers=admin).status_code == 422
    )
    assert client.get("/api/exports/contacts", params={"format": "pdf"}, headers=admin).status_code == 422


def test_agents_and_client_viewers_neither_import_nor_export(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    for role in ("agent", "client_viewer"):
        assert _send(client, as_role[role], CONTACTS.encode()).json()["error_id"] == "forbidden"
        assert client.get("/api/exports/contacts", headers=as_role[role]).status_code == 403


def test_an_import_touches_only_the_callers_tenant(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    _send(client, as_role["admin"], CONTACTS.encode())
    demo = {**as_role["superadmin"], "X-Callfloor-Tenant": "demo"}
    assert b"Martin" not in client.get("/api/exports/contacts", headers=demo).content
    assert b"Martin" in client.get("/api/exports/contacts", headers=as_role["admin"]).content
