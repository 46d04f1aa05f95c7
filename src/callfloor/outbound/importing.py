"""What the three outbound imports share: the report, the pass over the rows, batches.

Theory of operation. A file is read whole (:func:`callfloor.crm.sheets.read_sheet`: CSV in
UTF-8 or Windows-1252 with ``;``, ``,`` or tab, or XLSX; each row with its line), its header
mapped (:mod:`callfloor.outbound.mapping`), then every row parsed by a pure function into a
record with a key (the number). A row refused is reported with its line, field and reason in
English and French; a key seen twice is merged into one record. Only then is the database
asked, in batches of :data:`BATCH` keys, what it already holds, and the new records are
inserted with one executemany per batch (Core, not one ORM object per row: 100,000 rows take
seconds). Records that differ from what is stored are updated, the others left alone, so an
import run twice changes nothing the second time. A dry run stops before writing.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from callfloor.crm.imports import Refusal
from callfloor.crm.sheets import Sheet
from callfloor.outbound.values import CellError

BATCH = 500
#: Told ``(done, total)`` as the import goes (reading counts for the first half, writing the second).
Progress = Callable[[int, int], None]
R = TypeVar("R")
T = TypeVar("T")


@dataclass
class ImportReport:
    """What an import did, or would do (``dry_run``).

    ``merged`` counts the lines folded into an earlier line of the same file (same number);
    ``updated`` and ``unchanged`` the records already stored that the file named again.
    """

    kind: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    refused: list[Refusal] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Rows read, blank rows aside."""
        return self.created + self.updated + self.unchanged + self.merged + len(self.refused)


@dataclass
class Parsed(Generic[R]):
    """The records of a file by key, in the order first seen."""

    records: dict[str, R] = field(default_factory=dict)
    total: int = 0


def parse_rows(
    sheet: Sheet,
    parse: Callable[[list[str]], tuple[str, R]],
    merge: Callable[[R, R], R],
    report: ImportReport,
    progress: Progress | None = None,
) -> Parsed[R]:
    """Every non-blank row parsed and merged by key; refusals go to ``report``."""
    parsed: Parsed[R] = Parsed(total=len(sheet.rows))
    for done, (line, cells) in enumerate(sheet.rows, 1):
        if progress is not None and done % 2000 == 0:
            progress(done, 2 * parsed.total)
        if not any(c.strip() for c in cells):
            continue
        try:
            key, record = parse(cells)
        except CellError as exc:
            report.refused.append(Refusal(line, exc.field, exc.en, exc.fr))
            continue
        earlier = parsed.records.get(key)
        if earlier is not None:
            record = merge(earlier, record)
            report.merged += 1
        parsed.records[key] = record
    return parsed


def custom_plans(session: Session) -> None:
    """On PostgreSQL, plan each look-up with its own values until the transaction ends.

    psycopg prepares a statement run five times, and PostgreSQL may then fall back on a
    generic plan for ``phone IN (<500 parameters>)`` that scans the campaign's every lead: a
    second import of 100,000 rows went from 13 s to 6 minutes. ``SET LOCAL`` ends with the
    transaction, so the rest of the application keeps its settings.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """``items`` by slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def written(progress: Progress | None, total: int) -> Callable[[int, int], None]:
    """A progress callback for the writing half: ``(done, of)`` writes as the bar's second half."""

    def tell(done: int, of: int) -> None:
        if progress is not None:
            progress(total + (total * done) // max(of, 1), 2 * total)

    return tell
