"""The pass over a file's rows: every non-blank row is a record, a merge, or a refusal with its line."""

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from callfloor.crm.sheets import Sheet, read_sheet
from callfloor.outbound.importing import ImportReport, chunks, parse_rows
from callfloor.outbound.lead_rows import LEAD_FIELDS, Context, LeadParser, LeadRow, merge
from callfloor.outbound.mapping import plan

HEADER = ["Téléphone", "Prénom", "Priorité", "Échéance", "Montant dû"]
LAYOUT = plan(HEADER, LEAD_FIELDS)
CELL = st.one_of(
    st.sampled_from(["0612345678", "06 12 34 56 79", "+33140000001", "0612", "", " ", "3", "x", "14/03/2026",
                     "2026-02-30", "12,50", "abc", "\t"]),
    st.text(max_size=12),
)  # fmt: skip


def keyed(parser: LeadParser) -> Callable[[list[str]], tuple[str, LeadRow]]:
    def parse(cells: list[str]) -> tuple[str, LeadRow]:
        lead = parser(cells)
        return lead.phone, lead

    return parse


@given(st.lists(st.lists(CELL, min_size=0, max_size=6), max_size=25))
def test_each_row_is_kept_merged_or_refused_with_its_line(rows: list[list[str]]) -> None:
    sheet = Sheet(HEADER, [(line, cells) for line, cells in enumerate(rows, 2)])
    report = ImportReport("leads", dry_run=True)
    parser = LeadParser(LAYOUT, Context())
    parsed = parse_rows(
        sheet, lambda cells: (lead := parser(cells)).phone and (lead.phone, lead), merge, report
    )
    non_blank = [line for line, cells in sheet.rows if any(c.strip() for c in cells)]
    refused = [r.line for r in report.refused]
    assert len(parsed.records) + report.merged + len(refused) == len(non_blank)
    assert set(refused) <= set(non_blank) and refused == sorted(refused)
    assert all(r.en and r.fr and r.field for r in report.refused)


def test_lines_are_the_files_own_even_with_quoted_line_breaks() -> None:
    data = 'Téléphone;Prénom\r\n0612345678;"Jeanne\r\nMarie"\r\nfaux;Léa\r\n'.encode()
    report = ImportReport("leads", dry_run=True)
    parser = LeadParser(plan(["Téléphone", "Prénom"], LEAD_FIELDS), Context())
    parse_rows(read_sheet(data), keyed(parser), merge, report)
    # The first row spans lines 2 and 3 (a line break in a name is refused); the next starts on 4.
    assert [(r.line, r.field) for r in report.refused] == [(2, "first_name"), (4, "phone")]


def test_chunks_cover_every_item_once() -> None:
    assert [list(c) for c in chunks(list(range(7)), 3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunks([], 3)) == []
