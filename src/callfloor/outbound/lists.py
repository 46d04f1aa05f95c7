"""Importing a campaign's contact list (liste d'appel) from CSV or XLSX with a column mapping.

Numbers are read E.164 in the tenant's region, typed mobile/fixed, and placed (zone, country,
subdivision) for the legal hours and holidays of the callee. A number twice in the file, or
already in the campaign, makes one lead (:func:`~callfloor.outbound.lead_rows.merge`); a lead
already called keeps its status and attempts. Each lead is linked to the CRM contact that has
its number, when there is one. The list itself is recorded by name (the file's name unless
given) with what its last import did; importing the same file again creates and changes
nothing. See :mod:`callfloor.outbound.importing` for the batched passes.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from callfloor.crm.sheets import read_sheet
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.importing import ImportReport, Progress, chunks, custom_plans, parse_rows, written
from callfloor.outbound.lead_rows import LEAD_FIELDS, Context, LeadParser, LeadRow, merge
from callfloor.outbound.mapping import Plan, plan
from callfloor.outbound.places import Place
from callfloor.storage.contacts import ContactPhone
from callfloor.storage.models import Tenant
from callfloor.storage.outbound import Campaign, ContactList, Lead
from callfloor.storage.types import utcnow

MERGED = ("first_name", "last_name", "company", "email", "postal_code", "priority", "data")
_STORED = ("phone", "phone_type", "zone", "country", "subdivision", *MERGED)
_LEADS = cast(Table, Lead.__table__)
INSERT_BATCH = 2000
#: Stored leads by number: id, the lead as a row, its CRM contact.
Stored = dict[str, tuple[int, LeadRow, int | None]]


@dataclass
class ListReport(ImportReport):
    """An import's report, with the campaign and the list it went to."""

    campaign: str = ""
    list_name: str = ""


def context_of(session: Session, tenant_id: int) -> Context:
    """How the tenant's files are read: its country's numbers and dates, its zone as the fallback."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        return Context()
    return Context(tenant.country, tenant.timezone, month_first=tenant.country == "US")


class ListImporter:
    """Import files into one campaign of one tenant, in the caller's transaction."""

    def __init__(
        self, session: Session, tenant_id: int, campaign: str, *, user_id: int | None = None,
        now: datetime | None = None,
    ) -> None:  # fmt: skip
        self.session, self.tenant_id, self.user_id = session, tenant_id, user_id
        self.campaign: Campaign = Campaigns(session, tenant_id).require(campaign)
        self.context = context_of(session, tenant_id)
        self.now = now or utcnow()

    def run(
        self, data: bytes, file_name: str = "", mapping: Mapping[str, str] | None = None, *,
        list_name: str | None = None, dry_run: bool = False, progress: Progress | None = None,
    ) -> ListReport:  # fmt: skip
        """Import the file; :class:`~callfloor.crm.sheets.SheetError` or MappingError if it cannot be."""
        sheet = read_sheet(data, file_name)
        layout = plan(sheet.header, LEAD_FIELDS, mapping, data_fields=True)
        custom_plans(self.session)
        name = (list_name or file_name or "import").strip()[:200]
        report = ListReport("leads", dry_run, ignored_columns=layout.ignored,
                            columns=_named(layout, sheet.header), campaign=self.campaign.name,
                            list_name=name)  # fmt: skip
        parser = LeadParser(layout, self.context)
        parsed = parse_rows(sheet, lambda cells: _keyed(parser(cells)), merge, report, progress)
        new, changed = self._sort(parsed.records, report)
        if not dry_run:
            list_id = self._list(name, file_name, report)
            self._write(new, changed, list_id, written(progress, parsed.total))
        return report

    def _sort(
        self, records: dict[str, LeadRow], report: ImportReport
    ) -> tuple[list[tuple[LeadRow, int | None]], list[tuple[int, LeadRow, int | None]]]:
        """New leads (with their contact) and stored ones the file changes (id, merged, contact)."""
        new: list[tuple[LeadRow, int | None]] = []
        changed: list[tuple[int, LeadRow, int | None]] = []
        preloaded = self._preloaded(len(records))
        for phones in chunks(list(records)):
            stored = self._stored(phones) if preloaded is None else _pick(preloaded, phones)
            contacts = self._contacts(phones)
            for phone in phones:
                row, contact = records[phone], contacts.get(phone)
                if phone not in stored:
                    new.append((row, contact))
                    continue
                lead_id, before, linked = stored[phone]
                after = merge(before, row)
                if after != before or (linked is None and contact is not None):
                    changed.append((lead_id, after, linked or contact))
                else:
                    report.unchanged += 1
        report.created, report.updated = len(new), len(changed)
        return new, changed

    def _preloaded(self, rows: int) -> Stored | None:
        """The campaign's every lead when it has no more than twice the file's rows, read in one pass.

        One scan beats a look-up per number once most of the campaign is in the file (a list
        imported again): 100,000 look-ups by 500 took twice as long as the scan on SQLite.
        """
        leads = _LEADS.c
        count = select(func.count()).where(
            leads.tenant_id == self.tenant_id, leads.campaign_id == self.campaign.id
        )
        if (self.session.scalar(count) or 0) > 2 * rows:
            return None
        return self._stored(None)

    def _stored(self, phones: Sequence[str] | None) -> Stored:
        """The campaign's leads with these numbers (all of them for None): id, fields, contact."""
        leads = _LEADS.c
        query = select(leads.id, leads.contact_id, *(leads[n] for n in _STORED))
        query = query.where(leads.tenant_id == self.tenant_id, leads.campaign_id == self.campaign.id)
        if phones is not None:
            query = query.where(leads.phone.in_(phones))
        return {row.phone: (row.id, _row_of(row), row.contact_id) for row in self.session.execute(query)}

    def _contacts(self, phones: Sequence[str]) -> dict[str, int]:
        """The CRM contact of each number, the first one to have it when several do."""
        query = select(ContactPhone.number, ContactPhone.contact_id, ContactPhone.id)
        query = query.where(ContactPhone.tenant_id == self.tenant_id, ContactPhone.number.in_(phones))
        found: dict[str, int] = {}
        # Sorted here, not in SQL: an ORDER BY id makes SQLite scan the tenant's phones by id.
        for number, contact_id, _ in sorted(self.session.execute(query), key=lambda row: row[2]):
            if contact_id is not None:
                found.setdefault(number, contact_id)
        return found

    def _list(self, name: str, file_name: str, report: ImportReport) -> int:
        query = select(ContactList).where(
            ContactList.tenant_id == self.tenant_id,
            ContactList.campaign_id == self.campaign.id,
            ContactList.name == name,
        )
        found = self.session.scalars(query).one_or_none()
        if found is None:
            found = ContactList(tenant_id=self.tenant_id, campaign_id=self.campaign.id, name=name)
            self.session.add(found)
        found.source_file, found.imported_at, found.imported_by = file_name[:255], self.now, self.user_id
        found.rows_read, found.rows_created, found.rows_updated = report.rows, report.created, report.updated
        found.rows_unchanged, found.rows_merged = report.unchanged, report.merged
        found.rows_refused = len(report.refused)
        self.session.flush()
        return found.id

    def _write(
        self,
        new: list[tuple[LeadRow, int | None]],
        changed: list[tuple[int, LeadRow, int | None]],
        list_id: int,
        tell: Progress,
    ) -> None:
        total = len(new) + len(changed)
        for done, batch in enumerate(chunks(new, INSERT_BATCH), 1):
            rows = [self._insertable(row, contact, list_id) for row, contact in batch]
            self.session.execute(insert(_LEADS), rows)
            tell(min(done * INSERT_BATCH, len(new)), total)
        if changed:
            statement = update(_LEADS).where(_LEADS.c.id == bindparam("lead_id"))
            for part in chunks(changed, INSERT_BATCH):
                self.session.execute(statement, [self._updatable(i, row, c) for i, row, c in part])
        tell(total, total)

    def _insertable(self, row: LeadRow, contact: int | None, list_id: int) -> dict[str, Any]:
        return {
            **lead_columns(row), "tenant_id": self.tenant_id, "campaign_id": self.campaign.id,
            "list_id": list_id, "contact_id": contact, "phone": row.phone, "phone_type": row.phone_type,
            "status": "untouched", "attempts": 0, "created_at": self.now, "updated_at": self.now,
        }  # fmt: skip

    def _updatable(self, lead_id: int, row: LeadRow, contact: int | None) -> dict[str, Any]:
        return {**lead_columns(row), "lead_id": lead_id, "contact_id": contact, "updated_at": self.now}


def lead_columns(row: LeadRow) -> dict[str, Any]:
    """A lead's columns a row sets besides its number and type: names, priority, data, place."""
    place = row.place
    merged = {name: getattr(row, name) for name in MERGED}
    return {**merged, "zone": place.zone, "country": place.country, "subdivision": place.subdivision}


def _row_of(stored: Row[Any]) -> LeadRow:
    place = Place(stored.zone, stored.country, stored.subdivision)
    names = {name: getattr(stored, name) for name in MERGED}
    return LeadRow(stored.phone, stored.phone_type, place, **{**names, "data": dict(stored.data)})


def _pick(stored: Stored, phones: Sequence[str]) -> Stored:
    return {phone: stored[phone] for phone in phones if phone in stored}


def _keyed(lead: LeadRow) -> tuple[str, LeadRow]:
    return lead.phone, lead


def _named(layout: Plan, header: Sequence[str]) -> dict[str, str]:
    return {name: header[index].strip() for name, index in layout.columns.items()}
