"""A row read into a lead or refused with its field; two leads of one number merged into one."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.outbound.lead_rows import LEAD_FIELDS, Context, LeadRow, merge, parse_lead
from callfloor.outbound.mapping import Plan, plan
from callfloor.outbound.places import Place
from callfloor.outbound.values import CellError

HEADER = ["Téléphone", "Prénom", "Nom", "Société", "E-mail", "Code postal", "Pays", "Priorité",
          "N° devis", "Montant devis", "Date devis", "Montant dû", "Échéance", "Pro", "Fuseau", "data.canal"]  # fmt: skip
LAYOUT = plan(HEADER, LEAD_FIELDS, data_fields=True)
PARIS = Place("Europe/Paris", "FR", None)


def test_the_layout_covers_every_column() -> None:
    assert len(LAYOUT.columns) == len(HEADER) and LAYOUT.ignored == []


def test_a_full_row_fills_the_columns_and_the_data() -> None:
    cells = ["06 12 34 56 78", " Jeanne ", "Martin", "Acme", "J.Martin@Example.org", "67000", "", "3",
             "D-2026-000042", "1 234,50", "14/03/2026", "99,90", "2026-04-30", "oui", "", "salon"]  # fmt: skip
    lead = parse_lead(cells, LAYOUT, Context())
    assert lead == LeadRow(
        "+33612345678", "mobile", Place("Europe/Paris", "FR", "57"), "Jeanne", "Martin", "Acme",
        "j.martin@example.org", "67000", 3,
        {"quote_number": "D-2026-000042", "quote_amount": "1234.50", "quote_sent_at": "2026-03-14",
         "amount_due": "99.90", "due_date": "2026-04-30", "b2b": True, "canal": "salon"},
    )  # fmt: skip


def test_a_stated_zone_wins_and_short_rows_are_blank() -> None:
    cells = ["0140000001", *[""] * 13, "America/Martinique"]
    lead = parse_lead(cells, LAYOUT, Context())
    assert (lead.phone_type, lead.place.zone, lead.first_name, lead.data) == (
        "fixed", "America/Martinique", "", {}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("index", "bad", "field"),
    [
        (4, "pas-une-adresse", "email"),
        (6, "Francia", "country"),
        (7, "haute", "priority"),
        (9, "beaucoup", "quote_amount"),
        (10, "32/01/2026", "quote_sent_at"),
        (13, "peut-être", "b2b"),
        (14, "Mars/Olympus", "zone"),
        (1, "x" * 101, "first_name"),
        (0, "+33 6", "phone"),
    ],
)
def test_each_bad_cell_is_named(index: int, bad: str, field: str) -> None:
    cells = ["0612345678"] + [""] * 15
    cells[index] = bad
    with pytest.raises(CellError) as refused:
        parse_lead(cells, LAYOUT, Context())
    assert refused.value.field == field
    assert refused.value.en and refused.value.fr and refused.value.en != refused.value.fr


def _lead(priority: int, **fields: object) -> LeadRow:
    return LeadRow("+33612345678", "mobile", PARIS, priority=priority, **fields)  # type: ignore[arg-type]


def test_merge_keeps_the_higher_priority_and_fills_blanks_from_the_other() -> None:
    older = _lead(5, first_name="Jeanne", email="j@example.org", data={"quote_number": "D-1", "canal": "web"})
    newer = _lead(1, first_name="Jeanne-Marie", company="Acme", data={"quote_number": "D-2"})
    merged = merge(older, newer)
    assert (merged.priority, merged.first_name, merged.company, merged.email) == (
        5,
        "Jeanne",
        "Acme",
        "j@example.org",
    )
    assert merged.data == {"quote_number": "D-1", "canal": "web"}
    assert merge(_lead(1, first_name="A"), _lead(1, first_name="B")).first_name == "B"  # a tie: the newer


def test_the_place_goes_with_the_postal_code() -> None:
    overseas = Place("America/Guadeloupe", "FR", "971")
    older = LeadRow("+33612345678", "mobile", overseas, postal_code="97110")
    assert merge(older, _lead(3)).place == overseas
    assert merge(older, _lead(3)).postal_code == "97110"


CELL = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.digits + " +().-", max_size=16),
    st.sampled_from(["06 12 34 56 78", "+33140000001", "14/03/2026", "2026-02-30", "1 234,50", "oui", "x" * 300,
                     "Europe/Paris", "\x00", "FR", "67000", "1e9999", "-0"]),
)  # fmt: skip


def _outcome(cells: list[str], layout: Plan, context: Context) -> LeadRow | CellError:
    try:
        return parse_lead(cells, layout, context)
    except CellError as refused:
        return refused


@given(st.lists(CELL, max_size=len(HEADER) + 2))
def test_a_row_is_either_a_lead_or_a_refusal_naming_a_field(cells: list[str]) -> None:
    outcome = _outcome(cells, LAYOUT, Context())
    if isinstance(outcome, CellError):
        assert outcome.field in {f.name for f in LEAD_FIELDS} | {"canal"}
        assert outcome.en and outcome.fr
        return
    assert outcome.phone.startswith("+") and outcome.phone_type in {"mobile", "fixed", "other"}
    assert outcome.place.zone and len(outcome.place.country) == 2
    assert merge(outcome, outcome) == outcome


@given(st.lists(CELL, min_size=3, max_size=3), st.sampled_from(["FR", "US", "BE"]))
def test_any_mapping_subset_and_region_never_crashes(cells: list[str], region: str) -> None:
    layout = Plan({"phone": 0, "zone": 1, "data.note": 2}, [])
    outcome = _outcome(cells, layout, Context(region, "America/New_York", region == "US"))
    assert isinstance(outcome, LeadRow) or outcome.field in {"phone", "zone", "note"}
