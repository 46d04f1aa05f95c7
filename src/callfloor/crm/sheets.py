"""Spreadsheets as other CRMs and Excel write them: CSV or XLSX in, rows of text out, and back.

A CSV file is read as UTF-8 (with or without the BOM Excel puts first) and, when it is not
UTF-8, as Windows-1252, the code page French Excel saves « CSV (séparateur : point-virgule) »
in. The separator is the one of ``;``, ``,`` or tab that the header line holds most of (French
Excel writes ``;`` because ``,`` is its decimal mark). Each row keeps the line it starts on,
so a refusal can name it: the physical line for CSV (a quoted cell may span lines), the row
number Excel shows for XLSX.

Written files are what French Excel opens as they are: CSV with ``;``, UTF-8 with a BOM (without
it Excel reads Windows-1252 and mangles accents), CRLF line ends; or XLSX with text cells.

Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first: « CSV
injection ») are written behind an apostrophe, and the reader takes that apostrophe off again,
so a value read back is the value written (:func:`escape` and :func:`unescape` are inverses).
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from callfloor.crm import CrmError

FORMULA_START = frozenset("=+-@\t\r")
SEPARATORS = (";", ",", "\t")
XLSX_MAGIC = b"PK\x03\x04"


class SheetError(CrmError):
    """A file that is no readable spreadsheet (empty, no header, not CSV nor XLSX)."""

    error_id = "unreadable_file"
    status = 422

    def __init__(self, en: str, fr: str) -> None:
        super().__init__(en)
        self.en = en
        self.fr = fr


@dataclass(frozen=True, slots=True)
class Sheet:
    """A header and the rows under it, each row with the line it starts on."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def escape(value: str) -> str:
    """``value`` as written to a cell: behind an apostrophe when a spreadsheet would run it."""
    first, second = value[:1], value[1:2]
    if first in FORMULA_START or (
        first == "'" and second != "" and (second in FORMULA_START or second == "'")
    ):
        return "'" + value
    return value


def unescape(value: str) -> str:
    """The value :func:`escape` wrote (a lone leading apostrophe before plain text stays)."""
    if value[:1] == "'" and value[1:2] and (value[1] in FORMULA_START or value[1] == "'"):
        return value[1:]
    return value


def read_sheet(data: bytes, file_name: str = "") -> Sheet:
    """The header and rows of a CSV or XLSX file, told apart by signature (then by name)."""
    if data.startswith(XLSX_MAGIC) or file_name.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (BOM or not), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def separator(header_line: str) -> str:
    """The separator the header line holds most of (``;`` when none)."""
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _read_csv(data: bytes) -> Sheet:
    text = decode(data)
    if not text.strip():
        raise SheetError("the file is empty", "le fichier est vide")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text.split("\n", 1)[0]))
    try:
        header = next(reader)
        rows = []
        start = reader.line_num + 1
        for row in reader:
            rows.append((start, [unescape(cell) for cell in row]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SheetError(
            f"line {reader.line_num}: not CSV ({exc})", f"ligne {reader.line_num} : CSV illisible ({exc})"
        ) from None
    return Sheet([cell.strip() for cell in header], rows)


def _read_xlsx(data: bytes) -> Sheet:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SheetError(f"not an XLSX workbook ({exc})", f"classeur XLSX illisible ({exc})") from None
    try:
        values = book.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(cell).strip() for cell in next(values, ())]
        rows = [(number, [unescape(cell_text(c)) for c in row]) for number, row in enumerate(values, 2)]
    finally:
        book.close()
    if not any(header):
        raise SheetError("the first sheet has no header row", "la première feuille n'a pas d'en-tête")
    return Sheet(header, rows)


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ``.0``, dates in ISO form, blanks empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A CSV file French Excel opens as is: ``;``, UTF-8 with BOM, CRLF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([escape(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[str]], title: str = "export") -> bytes:
    """An XLSX workbook of one sheet, every cell text (Excel keeps leading zeros and ``+``)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        sheet.append([escape(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def records(sheet: Sheet) -> Iterator[tuple[int, dict[int, str]]]:
    """Rows that hold anything, as ``(line, {column index: text})``; blank rows are skipped."""
    for line, cells in sheet.rows:
        if any(cell.strip() for cell in cells):
            yield line, dict(enumerate(cells))
