"""The tenant's do-not-call register (liste d'opposition): numbers added one by one or by file.

Entries come from an import (the tenant's own list, Bloctel's answer file, the US National Do
Not Call Registry), the API, or a « ne plus m'appeler » disposition during a call; every
attempt is checked against it (code de la consommation art. L223-1; 16 CFR 310.4(b)(1)(iii)).
An entry may expire. One entry per number: adding a number again keeps one entry and the
later expiry (none is the latest of all).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from callfloor.crm import RefusalError
from callfloor.crm import fields as crm_fields
from callfloor.crm.sheets import read_sheet
from callfloor.outbound import OutboundError
from callfloor.outbound.importing import ImportReport, Progress, chunks, custom_plans, parse_rows, written
from callfloor.outbound.lead_rows import Context, cell
from callfloor.outbound.lists import context_of
from callfloor.outbound.mapping import Field, Plan, plan
from callfloor.outbound.values import CellError, moment, phone
from callfloor.storage.outbound import DncEntry
from callfloor.storage.types import utcnow

SOURCES = ("import", "api", "disposition", "bloctel", "ftc")
DNC_FIELDS = (
    Field("number", "phone", True, ("phone", "numero", "telephone", "tel", "numero_de_telephone", "mobile")),
    Field("reason", "text", False, ("motif", "raison", "commentaire")),
    Field("expires_at", "moment", False, ("expiration", "date_expiration", "expires", "fin", "date_fin")),
)
_TABLE = cast(Table, DncEntry.__table__)


@dataclass(frozen=True, slots=True)
class DncRow:
    """A number not to call, with why and until when."""

    number: str
    reason: str = ""
    expires_at: datetime | None = None


def later(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two expiries, None (never) being the latest."""
    return None if a is None or b is None else max(a, b)


def merge_dnc(older: DncRow, newer: DncRow) -> DncRow:
    """One entry of two for one number: the newer reason (or the older if blank), the later expiry."""
    return DncRow(newer.number, newer.reason or older.reason, later(older.expires_at, newer.expires_at))


def parse_dnc(cells: Sequence[str], layout: Plan, context: Context) -> DncRow:
    """The entry a row holds; :class:`CellError` names the field at fault."""
    number = phone(cell(cells, layout, "number"), context.region, "number").e164
    try:
        reason = crm_fields.text(cell(cells, layout, "reason"), "reason", 200)
    except RefusalError as exc:
        raise CellError.of("reason", exc) from None
    expires = moment(cell(cells, layout, "expires_at"), "expires_at", context.zone, context.month_first)
    return DncRow(number, reason, expires)


class DncRegister:
    """One tenant's do-not-call entries."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session, self.tenant_id = session, tenant_id

    def add(
        self, number: str, source: str, *, reason: str = "", user_id: int | None = None,
        expires_at: datetime | None = None, now: datetime | None = None,
    ) -> DncEntry:  # fmt: skip
        """Put ``number`` (E.164) on the list, or keep it there with the later expiry."""
        _check_source(source)
        found = self.entry(number)
        if found is not None:
            found.expires_at = later(found.expires_at, expires_at)
            found.reason = reason or found.reason
            self.session.flush()
            return found
        entry = DncEntry(tenant_id=self.tenant_id, number=number, source=source, reason=reason,
                         added_at=now or utcnow(), added_by=user_id, expires_at=expires_at)  # fmt: skip
        self.session.add(entry)
        self.session.flush()
        return entry

    def entry(self, number: str) -> DncEntry | None:
        """The entry of ``number``, expired or not, or None."""
        query = select(DncEntry).where(DncEntry.tenant_id == self.tenant_id, DncEntry.number == number)
        return self.session.scalars(query).one_or_none()

    def listed(self, numbers: Iterable[str], now: datetime) -> set[str]:
        """Those of ``numbers`` that must not be called at ``now``."""
        found: set[str] = set()
        for part in chunks(list(numbers)):
            query = select(DncEntry.number).where(DncEntry.tenant_id == self.tenant_id)
            query = query.where(DncEntry.number.in_(part))
            query = query.where(or_(DncEntry.expires_at.is_(None), DncEntry.expires_at > now))
            found.update(self.session.scalars(query))
        return found

    def import_file(
        self, data: bytes, file_name: str = "", mapping: Mapping[str, str] | None = None, *,
        source: str = "import", user_id: int | None = None, dry_run: bool = False,
        progress: Progress | None = None, now: datetime | None = None,
    ) -> ImportReport:  # fmt: skip
        """Import a list of numbers; bad rows are reported with their line, good ones land."""
        _check_source(source)
        sheet = read_sheet(data, file_name)
        layout = plan(sheet.header, DNC_FIELDS, mapping)
        custom_plans(self.session)
        context = context_of(self.session, self.tenant_id)
        report = ImportReport("dnc", dry_run, ignored_columns=layout.ignored)
        parsed = parse_rows(
            sheet, lambda c: _keyed(parse_dnc(c, layout, context)), merge_dnc, report, progress
        )
        new, changed = self._sort(parsed.records, report)
        if not dry_run:
            self._write(new, changed, {"source": source, "added_by": user_id, "added_at": now or utcnow()})
            written(progress, parsed.total)(1, 1)
        return report

    def _sort(self, records: dict[str, DncRow], report: ImportReport) -> tuple[list[DncRow], list[DncRow]]:
        new, changed = [], []
        for part in chunks(list(records)):
            query = select(DncEntry.number, DncEntry.reason, DncEntry.expires_at)
            query = query.where(DncEntry.tenant_id == self.tenant_id, DncEntry.number.in_(part))
            stored = {n: DncRow(n, r, e) for n, r, e in self.session.execute(query)}
            for number in part:
                before = stored.get(number)
                after = records[number] if before is None else merge_dnc(before, records[number])
                if before is None:
                    new.append(after)
                elif after != before:
                    changed.append(after)
        report.created, report.updated = len(new), len(changed)
        report.unchanged = len(records) - len(new) - len(changed)
        return new, changed

    def _write(self, new: list[DncRow], changed: list[DncRow], common: dict[str, Any]) -> None:
        for part in chunks(new, 2000):
            rows = [{**_values(row), **common, "tenant_id": self.tenant_id} for row in part]
            self.session.execute(insert(_TABLE), rows)
        statement = update(_TABLE).where(_TABLE.c.tenant_id == self.tenant_id)
        statement = statement.where(_TABLE.c.number == bindparam("key"))
        for part in chunks(changed, 2000):
            self.session.execute(statement, [{**_values(row), "key": row.number} for row in part])


def _values(row: DncRow) -> dict[str, Any]:
    return {"number": row.number, "reason": row.reason, "expires_at": row.expires_at}


def _keyed(row: DncRow) -> tuple[str, DncRow]:
    return row.number, row


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise OutboundError(f"source: one of {', '.join(SOURCES)}", f"source : parmi {', '.join(SOURCES)}")
