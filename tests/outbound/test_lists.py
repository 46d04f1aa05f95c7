"""Importing contact lists on a real database: encodings, XLSX, bad lines, merges, re-imports, tenants."""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.crm.sheets import SheetError
from callfloor.outbound import MappingError, UnknownCampaignError
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.lists import ListImporter, ListReport
from callfloor.storage.outbound import ContactList, Lead
from callfloor.storage.platform import Platform

FRENCH_EXCEL = (
    "Nom;Prénom;Tél;CP;N° devis;Montant TTC;Envoyé le;Priorité\r\n"
    "Lefèvre;Hélène;06 12 34 56 78;75002;D-1;1 234,50;14/03/2026;1\r\n"
    "Petit;Léa;pas un numéro;;D-2;;;\r\n"
    "Lefèvre;;0612345678;;;;;4\r\n"
    ";;;;;;;\r\n"
    "Durand;Paul;0590 12 34 56;97110;D-3;abc;;\r\n"
    "Roux;Zoé;01 40 00 00 01;67000;D-4;99;31/02/2026;\r\n"
    "Roux;Marc;01 40 00 00 02;67000;D-5;99;2026-03-01;\r\n"
)
MAP = {"phone": "Tél", "postal_code": "CP", "quote_amount": "Montant TTC", "quote_sent_at": "Envoyé le"}


@dataclass
class Floor:
    """A session and two tenants, each with a campaign named alike."""

    session: Session
    acme: int
    globex: int

    def run(
        self, data: bytes, name: str = "devis.csv", tenant: int | None = None, **options: Any
    ) -> ListReport:
        importer = ListImporter(self.session, tenant or self.acme, "relance")
        return importer.run(data, name, options.pop("mapping", MAP), **options)

    def leads(self, tenant: int | None = None) -> list[Lead]:
        query = select(Lead).where(Lead.tenant_id == (tenant or self.acme)).order_by(Lead.phone)
        self.session.expire_all()
        return list(self.session.scalars(query))


@pytest.fixture
def floor(sessions: sessionmaker[Session]) -> Iterator[Floor]:
    with sessions() as session, session.begin():
        platform = Platform(session)
        acme, globex = platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")
        for tenant in (acme, globex):
            Campaigns(session, tenant.id).create("relance", "quote_followup", "progressive")
        yield Floor(session, acme.id, globex.id)
        session.rollback()


def _refusals(report: ListReport) -> list[tuple[int, str | None]]:
    return [(r.line, r.field) for r in report.refused]


def test_a_french_excel_file_lands_with_its_bad_lines_reported(floor: Floor) -> None:
    report = floor.run(FRENCH_EXCEL.encode("cp1252"))
    assert (report.created, report.merged, report.updated, report.unchanged) == (2, 1, 0, 0)
    assert _refusals(report) == [(3, "phone"), (6, "quote_amount"), (7, "quote_sent_at")]
    assert "pas un numéro" in report.refused[0].fr and "invalid phone number" in report.refused[0].en
    assert report.rows == 6 and report.columns["phone"] == "Tél"
    helene, marc = sorted(floor.leads(), key=lambda lead: lead.last_name)
    assert (helene.phone, helene.phone_type, helene.first_name, helene.priority) == (
        "+33612345678", "mobile", "Hélène", 4
    )  # fmt: skip
    assert helene.data == {"quote_number": "D-1", "quote_amount": "1234.50", "quote_sent_at": "2026-03-14"}
    assert (helene.status, helene.attempts, helene.zone) == ("untouched", 0, "Europe/Paris")
    assert (marc.subdivision, marc.data["quote_sent_at"]) == ("57", "2026-03-01")
    (listed,) = floor.session.scalars(select(ContactList))
    assert (listed.name, listed.rows_created, listed.rows_merged, listed.rows_refused) == (
        "devis.csv",
        2,
        1,
        3,
    )


def test_an_xlsx_file_with_dates_and_numbers_as_cells(floor: Floor) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Téléphone", "Prénom", "Montant dû", "Échéance"])
    sheet.append(["+590 690 30 12 34", "Léa", 120.5, datetime(2026, 4, 30)])
    sheet.append([612345678, "Paul", 10, "bientôt"])
    sheet.append([612345679, "Marc", None, None])  # Excel ate the leading zero: still a French mobile
    out = io.BytesIO()
    book.save(out)
    report = floor.run(out.getvalue(), "relances.xlsx", mapping=None)
    assert report.created == 2 and _refusals(report) == [(3, "due_date")]
    marc, lea = floor.leads()
    assert (marc.phone, marc.first_name, marc.data) == ("+33612345679", "Marc", {})
    assert (lea.phone, lea.phone_type, lea.zone, lea.country, lea.subdivision) == (
        "+590690301234", "mobile", "America/Guadeloupe", "FR", "971"
    )  # fmt: skip
    assert lea.data == {"amount_due": "120.5", "due_date": "2026-04-30"}


def test_importing_the_same_file_again_changes_nothing(floor: Floor) -> None:
    data = FRENCH_EXCEL.encode("cp1252")
    floor.run(data)
    before = [(lead.id, lead.first_name, lead.priority, lead.data, lead.updated_at) for lead in floor.leads()]
    again = floor.run(data)
    assert (again.created, again.updated, again.unchanged, again.merged) == (0, 0, 2, 1)
    after = [(lead.id, lead.first_name, lead.priority, lead.data, lead.updated_at) for lead in floor.leads()]
    assert after == before
    assert floor.session.scalar(select(func.count()).select_from(ContactList)) == 1


def test_a_number_already_in_the_campaign_is_merged_and_keeps_its_calling_state(floor: Floor) -> None:
    floor.run(FRENCH_EXCEL.encode("cp1252"))
    (called,) = [lead for lead in floor.leads() if lead.phone == "+33612345678"]
    called.status, called.attempts = "scheduled", 2
    floor.session.flush()
    later = "Téléphone;Prénom;Société;Priorité\r\n+33 6 12 34 56 78;Hélène-Marie;Acme;2\r\n"
    report = floor.run(later.encode(), "second.csv", mapping=None)
    assert (report.created, report.updated) == (0, 1)
    (merged,) = [lead for lead in floor.leads() if lead.phone == "+33612345678"]
    assert (merged.first_name, merged.company, merged.priority) == ("Hélène", "Acme", 4)  # 4 > 2: kept
    assert (merged.status, merged.attempts, merged.list_id) == ("scheduled", 2, called.list_id)
    assert merged.data["quote_number"] == "D-1"


def test_a_dry_run_reports_the_same_and_writes_nothing(floor: Floor) -> None:
    dry = floor.run(FRENCH_EXCEL.encode("cp1252"), dry_run=True)
    assert (dry.dry_run, dry.created, len(dry.refused)) == (True, 2, 3)
    assert floor.leads() == []
    assert floor.session.scalar(select(func.count()).select_from(ContactList)) == 0


def test_leads_are_linked_to_the_crm_contact_with_their_number(floor: Floor) -> None:
    contact = CustomerFile(floor.session, floor.acme).create_contact(
        {"first_name": "Hélène", "last_name": "Lefèvre"}, phones=[PhoneInput("06 12 34 56 78")]
    )
    floor.run(FRENCH_EXCEL.encode("cp1252"))
    linked = {lead.phone: lead.contact_id for lead in floor.leads()}
    assert linked == {"+33612345678": contact.id, "+33140000002": None}


def test_another_tenant_sees_none_of_it_and_its_contacts_are_not_linked(floor: Floor) -> None:
    CustomerFile(floor.session, floor.globex).create_contact(
        {"last_name": "Autre"}, phones=[PhoneInput("06 12 34 56 78")]
    )
    floor.run(FRENCH_EXCEL.encode("cp1252"))
    assert floor.leads(floor.globex) == []
    assert all(lead.contact_id is None for lead in floor.leads())
    theirs = floor.run(FRENCH_EXCEL.encode("cp1252"), tenant=floor.globex)
    assert theirs.created == 2  # the same numbers in another tenant's campaign are new there


def test_mapping_errors_unreadable_files_and_unknown_campaigns_stop_before_writing(floor: Floor) -> None:
    with pytest.raises(MappingError, match="no column 'Portable'"):
        floor.run(FRENCH_EXCEL.encode("cp1252"), mapping={"phone": "Portable"})
    with pytest.raises(MappingError, match="unknown field 'mobile'"):
        floor.run(FRENCH_EXCEL.encode("cp1252"), mapping={"mobile": "Tél"})
    with pytest.raises(SheetError):
        floor.run(b"", "vide.csv")
    with pytest.raises(UnknownCampaignError) as unknown:
        ListImporter(floor.session, floor.acme, "soldes")
    assert unknown.value.fr == "campagne inconnue 'soldes'"
    assert floor.leads() == []


def test_a_list_name_records_each_file_apart(floor: Floor) -> None:
    floor.run(FRENCH_EXCEL.encode("cp1252"), list_name="Mars")
    floor.run("Tél\r\n0612345679\r\n".encode(), "avril.csv", mapping={"phone": "Tél"})
    lists = Campaigns(floor.session, floor.acme).lists(
        Campaigns(floor.session, floor.acme).require("relance")
    )
    assert [(x.name, x.source_file, x.rows_created) for x in lists] == [
        ("Mars", "devis.csv", 2),
        ("avril.csv", "avril.csv", 1),
    ]
    new = next(lead for lead in floor.leads() if lead.phone == "+33612345679")
    assert new.list_id == lists[1].id


def test_a_small_file_into_a_large_campaign_looks_its_numbers_up_one_batch_at_a_time(floor: Floor) -> None:
    numbers = "".join(f"06123456{i:02d};Nom{i}\r\n" for i in range(10))
    floor.run(f"Tél;Nom\r\n{numbers}".encode(), "base.csv", mapping={"phone": "Tél"})
    small = "Tél;Nom;Prénom\r\n0612345603;Nom3;Léo\r\n0612345699;Neuf;\r\n"
    report = floor.run(
        small.encode(), "petit.csv", mapping=None
    )  # 10 stored leads > 2 × 2 rows: no full scan
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert {lead.phone: lead.first_name for lead in floor.leads()}["+33612345603"] == "Léo"
    again = floor.run(small.encode(), "petit.csv", mapping=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
