"""Importing and exporting the customer file and the catalogue: encodings, separators, bad rows, upserts, round trips."""

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.catalogue import Catalogue
from callfloor.crm.contacts import EmailInput, PhoneInput
from callfloor.crm.custom_fields import CustomFields
from callfloor.crm.exports import export_file
from callfloor.crm.imports import Importer, ImportReport, import_file
from callfloor.crm.sheets import SheetError, escape, unescape
from callfloor.storage.contacts import Account, Contact
from callfloor.storage.scope import TenantScope
from tests.crm.customer_files import Two, two_tenants

FRENCH_EXCEL = (
    "N° client;Civilité;Nom;Prénom;Téléphone;Portable;E-mail;Adresse;Code postal;Ville;Étiquettes\r\n"
    "C001;Mme;Le Gall;Hélène;01 40 00 00 01;06 12 34 56 78;helene@example.org;12 rue de la Paix;75002;"
    "Paris;vip, fidèle\r\n"
    "C002;M.;Dupont;René;;07 00 00 00 02;rene@example.org;;;;\r\n"
)


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


def _import(two: Two, data: bytes, kind: str = "contacts", **options: Any) -> ImportReport:
    return import_file(two.session, two.acme.tenant_id, kind, data, **options)


def _contacts(two: Two, tenant_id: int | None = None) -> list[Contact]:
    return list(TenantScope(two.session, tenant_id or two.acme.tenant_id).contacts.list())


def _snapshot(two: Two) -> list[tuple[Any, ...]]:
    """Everything an import may change about the tenant's contacts, ids and times included."""
    two.session.expire_all()
    return [
        (c.id, c.customer_number, c.civility, c.first_name, c.last_name, c.account_id, c.language, c.timezone,
         c.tags, c.notes, c.custom, c.updated_at, [(p.id, p.number, p.label) for p in c.phones],
         [(e.id, e.address, e.label) for e in c.emails],
         [(a.id, a.lines, a.postal_code, a.city, a.country, a.label) for a in c.addresses])
        for c in _contacts(two)
    ]  # fmt: skip


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("separator", [";", ","])
def test_csv_in_every_encoding_and_separator_french_excel_writes(
    two: Two, encoding: str, separator: str
) -> None:
    text = FRENCH_EXCEL.replace(";", separator) if separator == "," else FRENCH_EXCEL
    text = text.replace("vip, fidèle", '"vip, fidèle"') if separator == "," else text
    report = _import(two, text.encode(encoding))
    assert (report.created, report.refused) == (2, [])
    helene, rene = _contacts(two)
    assert (helene.customer_number, helene.civility, helene.last_name, helene.first_name) == (
        "C001", "Mme", "Le Gall", "Hélène"
    )  # fmt: skip
    assert [(p.number, p.label) for p in helene.phones] == [
        ("+33140000001", "home"),
        ("+33612345678", "mobile"),
    ]
    assert [e.address for e in helene.emails] == ["helene@example.org"]
    assert (helene.addresses[0].lines, helene.addresses[0].city) == (["12 rue de la Paix"], "Paris")
    assert helene.tags == ["vip", "fidèle"]
    assert (rene.first_name, rene.addresses) == ("René", [])


def test_xlsx_with_english_headers_numbered_phones_and_number_cells(two: Two) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["customer_number", "last_name", "first_name", "phone", "phone_2", "mobile", "email", "email_2"]
    )
    sheet.append(
        [1042, "Martin", "Jeanne", "0140000002", "+33 1 40 00 00 03", 612345679, "j@example.org", None]
    )
    out = io.BytesIO()
    book.save(out)
    report = _import(two, out.getvalue(), file_name="clients.xlsx")
    assert (report.created, report.refused) == (1, [])
    (jeanne,) = _contacts(two)
    assert jeanne.customer_number == "1042"
    assert [p.number for p in jeanne.phones] == ["+33140000002", "+33140000003", "+33612345679"]


def test_bad_rows_are_reported_with_their_line_and_good_rows_import(two: Two) -> None:
    data = (
        "nom;prénom;téléphone;email;fuseau horaire;notes\n"
        "Martin;Jeanne;0140000004;jeanne@example.org;Europe/Paris;ok\n"
        "Durand;Paul;pas un numéro;;;\n"
        "Petit;Léa;;lea@example.org;Europe/Lutece;\n"
        '"Grand;Max";Max;;;;"deux\nlignes"\n'
        "Roux;Ana;;ana@;;\n"
        "\n"
        "Blanc;Eva;;;;\n"
    )
    report = _import(two, data.encode())
    assert report.created == 3
    assert [(r.line, r.field) for r in report.refused] == [(3, "phone"), (4, "timezone"), (7, "email")]
    assert "pas un numéro" in report.refused[0].en
    assert report.refused[1].fr.startswith("timezone : fuseau horaire inconnu")
    assert sorted(c.last_name for c in _contacts(two)) == ["Blanc", "Grand;Max", "Martin"]


def test_a_dry_run_reports_what_an_import_would_do_and_writes_nothing(two: Two) -> None:
    data = FRENCH_EXCEL + "C003;M.;Sans;Numéro;123;;;;;;\r\n"
    dry = _import(two, data.encode(), dry_run=True)
    assert (dry.dry_run, dry.created, [r.line for r in dry.refused]) == (True, 2, [4])
    assert _contacts(two) == []
    real = _import(two, data.encode())
    assert (real.created, [r.line for r in real.refused]) == (2, [4])


def test_re_importing_by_customer_number_updates_rather_than_duplicates(two: Two) -> None:
    _import(two, FRENCH_EXCEL.encode())
    changed = "N° client;Prénom;Portable\r\nC001;Hélène-Marie;06 99 99 99 99\r\nC002;René;07 00 00 00 02\r\n"
    report = _import(two, changed.encode())
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    helene, _ = _contacts(two)
    assert (helene.first_name, helene.last_name) == ("Hélène-Marie", "Le Gall")  # absent columns stay
    assert [p.number for p in helene.phones] == ["+33699999999"]  # phone columns replace the phones
    assert len(helene.addresses) == 1


def test_re_importing_by_e_mail_updates_and_a_shared_address_is_refused(two: Two) -> None:
    two.acme.create_contact({"last_name": "Un"}, emails=[EmailInput("same@example.org")])
    two.acme.create_contact({"last_name": "Deux"}, emails=[EmailInput("same@example.org")])
    two.acme.create_contact({"last_name": "Trois"}, emails=[EmailInput("Trois@example.org")])
    data = "email;nom\nTROIS@example.org;Troisième\nsame@example.org;Autre\nnew@example.org;Neuf\n"
    report = _import(two, data.encode(), key="email")
    assert (report.created, report.updated, [(r.line, r.field) for r in report.refused]) == (
        1,
        1,
        [(3, "email")],
    )
    assert [c.last_name for c in _contacts(two)] == ["Un", "Deux", "Troisième", "Neuf"]


def test_contacts_are_linked_to_their_account_by_number_or_name(two: Two) -> None:
    acme = two.acme
    globex = acme.create_account({"name": "Globex SA", "customer_number": "A-1"})
    initech = acme.create_account({"name": "Initech"})
    two.globex.create_account({"name": "Hooli", "customer_number": "A-2"})  # another tenant's
    data = "nom;société;numéro compte\nUn;;A-1\nDeux;initech;\nTrois;;A-2\nQuatre;Inconnue;\n"
    report = _import(two, data.encode())
    assert [(r.line, r.field) for r in report.refused] == [(4, "account_number"), (5, "company")]
    assert [c.account_id for c in _contacts(two)] == [globex.id, initech.id]


def test_custom_fields_by_key_or_label_are_typed_and_checked(two: Two) -> None:
    fields = CustomFields(two.session, two.acme.tenant_id)
    fields.define(
        entity="contact", key="points", label_fr="Points fidélité", label_en="Points", type_="number"
    )
    fields.define(entity="contact", key="since", label_fr="Client depuis", label_en="Since", type_="date")
    fields.define(entity="contact", key="optin", label_fr="Accord", label_en="Opt-in", type_="bool")
    data = "nom;Points fidélité;custom.since;Accord\nUn;12;14/03/2026;oui\nDeux;douze;;\nTrois;1,5;2026-01-02;non\n"
    report = _import(two, data.encode())
    assert [(r.line, r.field) for r in report.refused] == [(3, "points")]
    assert [c.custom for c in _contacts(two)] == [
        {"points": 12, "since": "2026-03-14", "optin": True},
        {"points": 1.5, "since": "2026-01-02", "optin": False},
    ]


def test_unreadable_files_and_headers_are_refused_whole(two: Two) -> None:
    for data, name in ((b"", "x.csv"), (b"PK\x03\x04garbage", "x.xlsx"), (b"foo;bar\n1;2\n", "x.csv")):
        with pytest.raises(SheetError):
            _import(two, data, file_name=name)
    with pytest.raises(SheetError, match="two columns"):
        _import(two, b"nom;last_name\nA;B\n")
    report = _import(two, b"nom;pointure\nA;42\n")
    assert (report.created, report.ignored_columns) == (1, ["pointure"])


def test_accounts_import_with_siren_and_upsert(two: Two) -> None:
    data = "Raison sociale;SIREN;N° client;Téléphone\nGlobex;732 829 320;A-1;01 40 00 00 09\nBad;123;A-2;\n"
    report = _import(two, data.encode(), kind="accounts")
    assert ([r.field for r in report.refused], report.created) == (["registration_number"], 1)
    (globex,) = TenantScope(two.session, two.acme.tenant_id).accounts.list()
    assert (globex.registration_number, globex.phones[0].label) == ("732829320", "work")
    again = _import(two, data.replace("Globex;", "Globex SA;").encode(), kind="accounts")
    assert (again.updated, again.created) == (1, 0)


def test_products_import_french_amounts_and_upsert_by_reference(two: Two) -> None:
    data = (
        "Référence;Désignation;Prix HT;TVA;Actif\n"
        "HS-1;Casque;49,90;20 %;oui\n"
        "HS-2;Micro;1 234,5;5,5;non\n"
        "HS-3;Câble;abc;20;\n"
        "HS-4;Pile;1,999;20;\n"
    )
    report = _import(two, data.encode(), kind="products")
    assert [(r.line, r.field) for r in report.refused] == [(4, "unit_price"), (5, "unit_price")]
    products = TenantScope(two.session, two.acme.tenant_id).products.list()
    assert [(p.reference, p.unit_price, p.vat_rate, p.active) for p in products] == [
        ("HS-1", Decimal("49.90"), Decimal("20"), True),
        ("HS-2", Decimal("1234.50"), Decimal("5.5"), False),
    ]
    again = _import(two, b"ref;prix\nHS-1;49.9\nHS-2;10\n", kind="products")
    assert (again.unchanged, again.updated) == (1, 1)


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(two: Two, format_: str) -> None:
    acme = two.acme
    CustomFields(two.session, acme.tenant_id).define(
        entity="contact", key="points", label_fr="Points", label_en="Points", type_="number"
    )
    account = acme.create_account({"name": "Globex", "customer_number": "A-1"})
    acme.create_contact(
        {"customer_number": "C1", "first_name": "=Hélène", "last_name": "+Le Gall", "account_id": account.id,
         "tags": ["vip", "b"], "notes": "ligne 1\nligne 2", "custom": {"points": 3}, "language": "fr"},
        phones=[PhoneInput("0140000000", "work"), PhoneInput("0612345678"), PhoneInput("+32470123456")],
        emails=[EmailInput("h@example.org", "home"), EmailInput("w@example.org")],
    )  # fmt: skip
    acme.create_contact({"customer_number": "C2", "last_name": "'Seul"})
    before = _snapshot(two)
    data = export_file(two.session, acme.tenant_id, "contacts", format_)
    report = _import(two, data, file_name=f"export.{format_}")
    assert (report.unchanged, report.updated, report.created, report.refused) == (2, 0, 0, [])
    assert _snapshot(two) == before


def test_the_csv_export_is_what_french_excel_opens(two: Two) -> None:
    two.acme.create_contact({"customer_number": "C1", "last_name": "Été", "notes": "=1+1"},
                            phones=[PhoneInput("0612345678")])  # fmt: skip
    data = export_file(two.session, two.acme.tenant_id, "contacts", "csv")
    assert data.startswith(b"\xef\xbb\xbfcustomer_number;civility;last_name;first_name;")
    text = data.decode("utf-8-sig")
    assert "C1;;Été;" in text and "06 12 34 56 78" in text and ";'=1+1;" in text
    assert "\r\n" in text


def test_exports_hold_only_the_tenants_own_records(two: Two) -> None:
    two.acme.create_contact({"last_name": "Acme-person"})
    two.globex.create_contact({"last_name": "Globex-person"})
    for format_ in ("csv", "xlsx"):
        data = export_file(two.session, two.acme.tenant_id, "contacts", format_)
        if format_ == "xlsx":
            sheet = load_workbook(io.BytesIO(data)).worksheets[0]
            data = str(list(sheet.values)).encode()
        assert b"Acme-person" in data and b"Globex-person" not in data


def test_products_and_accounts_round_trip(two: Two) -> None:
    catalogue = Catalogue(two.session, two.acme.tenant_id)
    catalogue.create({"reference": "P-1", "label": "Un", "unit_price": Decimal("10.50"), "vat_rate": Decimal("5.5"),
                      "description": "=desc"}, now=two.acme_user.created_at)  # fmt: skip
    two.acme.create_account({"name": "Globex", "customer_number": "A-1", "registration_number": "732829320"},
                            phones=[PhoneInput("0140000000", "work")])  # fmt: skip
    for kind in ("products", "accounts"):
        for format_ in ("csv", "xlsx"):
            data = export_file(two.session, two.acme.tenant_id, kind, format_)
            report = _import(two, data, kind=kind, file_name=f"x.{format_}")
            assert (report.unchanged, report.refused) == (1, []), (kind, format_)


@pytest.mark.parametrize("value", ["", "a", "=1", "'=1", "''", "'", "+33", "-", "@x", "'a", "\tx", "'''+"])
def test_escaping_a_cell_is_undone_by_reading_it(value: str) -> None:
    assert unescape(escape(value)) == value
    assert escape(value)[:1] not in set("=+-@\t")


def test_progress_is_told_per_batch(two: Two) -> None:
    rows = "".join(f"N{i};Nom{i}\n" for i in range(1200))
    seen: list[tuple[int, int]] = []
    Importer(two.session, two.acme.tenant_id, "contacts").run(
        f"n° client;nom\n{rows}".encode(), progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]
    assert two.session.query(Account).count() == 0
