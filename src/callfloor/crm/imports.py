"""Importing contacts, accounts and products from CSV or XLSX files, row by row, in batches.

Theory of operation. The file is read (:mod:`callfloor.crm.sheets`), its header mapped to
canonical columns (:mod:`callfloor.crm.columns`), then rows go by batches of
:data:`BATCH_SIZE`: the records a batch names by its upsert key (customer number, e-mail
address or product reference) are loaded in one query with their phones, e-mails and
addresses, and each row is then written through the very service the API calls
(:class:`~callfloor.crm.contacts.CustomerFile`, :class:`~callfloor.crm.catalogue.Catalogue`)
inside its own SAVEPOINT. A row the service refuses is rolled back alone and reported with its
line, field and reason in French and English; the good rows stay. A row whose values are those
already stored changes nothing (not even ``updated_at``), so importing an export again is a
no-op. A dry run does it all inside one more SAVEPOINT, rolled back at the end: the report is
the one a real import would give, and nothing is written.

Everything happens in the caller's transaction: the caller commits (the API's request, the CLI).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callfloor.crm import CrmError
from callfloor.crm.columns import KINDS, Header, header_key, read_header
from callfloor.crm.import_owners import OwnerRows, RowError
from callfloor.crm.import_products import ProductRows
from callfloor.crm.sheets import SheetError, read_sheet, records
from callfloor.storage.contacts import CustomFieldRepository
from callfloor.storage.types import utcnow

BATCH_SIZE = 500
UPSERT_KEYS = ("customer_number", "email")


class Outcome(StrEnum):
    """What an imported row did."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A row that was not imported: its line in the file, the field at fault, why."""

    line: int
    field: str | None
    en: str
    fr: str


@dataclass
class ImportReport:
    """What an import did, or would do (``dry_run``)."""

    kind: str
    dry_run: bool
    key: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows read (blank rows aside)."""
        return self.created + self.updated + self.unchanged + len(self.refused)


Rows = OwnerRows | ProductRows
Record = dict[str, str]


class Importer:
    """Import one kind of record into one tenant, in the caller's transaction."""

    def __init__(
        self, session: Session, tenant_id: int, kind: str, *, key: str = "customer_number",
        now: datetime | None = None,
    ) -> None:  # fmt: skip
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if key not in UPSERT_KEYS:
            raise ValueError(f"key must be one of {UPSERT_KEYS}")
        self.session, self.tenant_id, self.kind = session, tenant_id, kind
        self.key = "reference" if kind == "products" else key
        self.now = now or utcnow()

    def run(
        self, data: bytes, file_name: str = "", *, dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportReport:  # fmt: skip
        """Import the file; ``progress(done, total)`` is told after each batch."""
        sheet = read_sheet(data, file_name)
        header = read_header(self.kind, sheet.header, self._custom_labels())
        report = ImportReport(self.kind, dry_run, self.key, ignored_columns=header.ignored)
        rows = list(records(sheet))
        outer = self.session.begin_nested() if dry_run else None
        writer = self._rows(header)
        for done, batch in _batches(rows):
            writer.prefetch([_record(header, cells) for _, cells in batch])
            for line, cells in batch:
                self._row(writer, report, line, _record(header, cells))
            if progress is not None:
                progress(done, len(rows))
        if outer is not None:
            outer.rollback()
        return report

    def _rows(self, header: Header) -> Rows:
        if self.kind == "products":
            return ProductRows(self.session, self.tenant_id, header, self.now)
        return OwnerRows(self.session, self.tenant_id, self.kind, header, self.key)

    def _row(self, writer: Rows, report: ImportReport, line: int, record: Record) -> None:
        try:
            with self.session.begin_nested():
                outcome = writer.write(record)
        except (CrmError, RowError) as exc:
            en, fr = getattr(exc, "en", str(exc)), getattr(exc, "fr", str(exc))
            report.refused.append(Refusal(line, getattr(exc, "field", None), en, fr))
            return
        except IntegrityError as exc:
            reason = str(exc.orig).splitlines()[0] if exc.orig else "integrity rule"
            report.refused.append(Refusal(line, None, f"refused by the database: {reason}",
                                          f"refusée par la base : {reason}"))  # fmt: skip
            return
        setattr(report, outcome, getattr(report, outcome) + 1)

    def _custom_labels(self) -> dict[str, str]:
        """Custom fields named by their labels: folded label -> key."""
        if self.kind == "products":
            return {}
        entity = "contact" if self.kind == "contacts" else "account"
        found = CustomFieldRepository(self.session, self.tenant_id).for_entity(entity)
        return {header_key(label): d.key for d in found.values() for label in (d.label_en, d.label_fr)}


def _record(header: Header, cells: dict[int, str]) -> Record:
    return {name: cells.get(index, "") for index, name in header.columns.items()}


def _batches(rows: list[tuple[int, dict[int, str]]]) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        yield start + len(batch), batch


def import_file(
    session: Session, tenant_id: int, kind: str, data: bytes, file_name: str = "", *,
    dry_run: bool = False, key: str = "customer_number",
) -> ImportReport:  # fmt: skip
    """Import ``data`` (CSV or XLSX) into the tenant; :class:`SheetError` if the file is unreadable."""
    return Importer(session, tenant_id, kind, key=key).run(data, file_name, dry_run=dry_run)


__all__ = ["ImportReport", "Importer", "Outcome", "Refusal", "SheetError", "import_file"]
