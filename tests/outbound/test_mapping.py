"""Column mappings: ``--map`` entries, headers recognised by their usual names, clear errors."""

import pytest

from callfloor.outbound import MappingError
from callfloor.outbound.lead_rows import LEAD_FIELDS
from callfloor.outbound.mapping import parse_map, plan

HEADER = ["Nom", "Prénom", "Tél. portable", "Code postal", "N° devis", "Divers"]


def test_parse_map_reads_field_column_pairs() -> None:
    assert parse_map("phone=Tél. portable, first_name=Prénom,") == {
        "phone": "Tél. portable",
        "first_name": "Prénom",
    }
    with pytest.raises(MappingError, match="field=Column") as bad:
        parse_map("phone")
    assert "champ=Colonne" in bad.value.fr


def test_given_columns_win_and_the_others_are_recognised_by_name() -> None:
    layout = plan(HEADER, LEAD_FIELDS, {"phone": "tel portable", "data.misc": "Divers"}, data_fields=True)
    assert layout.columns == {
        "phone": 2,
        "data.misc": 5,
        "last_name": 0,
        "first_name": 1,
        "postal_code": 3,
        "quote_number": 4,
    }
    assert layout.ignored == []
    assert plan(HEADER, LEAD_FIELDS, {"phone": "Tél. portable"}).ignored == ["Divers"]


def test_an_unknown_field_or_column_names_what_exists() -> None:
    with pytest.raises(MappingError) as field:
        plan(HEADER, LEAD_FIELDS, {"telephone": "Tél. portable"})
    assert "unknown field 'telephone'" in field.value.en and "phone, first_name" in field.value.en
    assert "champ inconnu" in field.value.fr
    with pytest.raises(MappingError) as column:
        plan(HEADER, LEAD_FIELDS, {"phone": "Téléphone"})
    assert "no column 'Téléphone' in the file" in column.value.en and "'Tél. portable'" in column.value.en
    assert "pas de colonne 'Téléphone'" in column.value.fr
    with pytest.raises(MappingError, match=r"unknown field 'data\.x'"):
        plan(HEADER, LEAD_FIELDS, {"data.x": "Divers"})  # data fields are for lead files only


def test_a_file_without_a_phone_column_is_refused_before_any_row() -> None:
    with pytest.raises(MappingError) as missing:
        plan(["Nom", "Prénom"], LEAD_FIELDS)
    assert "--map phone=<column>" in missing.value.en and "--map phone=<colonne>" in missing.value.fr
