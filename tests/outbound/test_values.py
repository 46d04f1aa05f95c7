"""Cells read as people write them: numbers (E.164, type, overseas France), dates, amounts, priorities."""

from datetime import UTC, date, datetime

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.outbound.values import CellError, amount, day, moment, phone, priority


@pytest.mark.parametrize(
    ("text", "e164", "kind", "region"),
    [
        ("06 12 34 56 78", "+33612345678", "mobile", "FR"),
        ("+33 (0)1 40 00 00 01", "+33140000001", "fixed", "FR"),
        ("0033612345678", "+33612345678", "mobile", "FR"),
        ("33612345678", "+33612345678", "mobile", "FR"),  # the + lost by a CRM export
        ("01.40.00.00.01", "+33140000001", "fixed", "FR"),
        ("0590 12 34 56", "+590590123456", "fixed", "GP"),  # Guadeloupe, written the French way
        ("0692 12 34 56", "+262692123456", "mobile", "RE"),
        ("+1 212-555-0123", "+12125550123", "other", "US"),  # phonenumbers cannot tell in the US
    ],
)
def test_numbers_become_e164_with_their_type_and_region(text: str, e164: str, kind: str, region: str) -> None:
    found = phone(text, "FR")
    assert (found.e164, found.type, found.region) == (e164, kind, region)


def test_a_us_tenant_reads_national_numbers_as_american() -> None:
    found = phone("(212) 555-0123", "US")
    assert (found.e164, found.zones) == ("+12125550123", ("America/New_York",))


@pytest.mark.parametrize("text", ["", "  ", "pas un numéro", "06 12 34", "+33 6 12 34 56 78 99", "3900"])
def test_missing_short_and_impossible_numbers_are_refused(text: str) -> None:
    with pytest.raises(CellError) as refused:
        phone(text, "FR")
    assert refused.value.field == "phone"
    assert ("manque" if not text.strip() else "invalide") in refused.value.fr


@pytest.mark.parametrize(
    ("text", "month_first", "expected"),
    [
        ("2026-03-14", False, date(2026, 3, 14)),
        ("14/03/2026", False, date(2026, 3, 14)),
        ("14.03.26", False, date(2026, 3, 14)),
        ("03/14/2026", True, date(2026, 3, 14)),
        ("2026-03-14T10:30:00", False, date(2026, 3, 14)),
        ("", False, None),
    ],
)
def test_dates_in_iso_or_the_countrys_order(text: str, month_first: bool, expected: date | None) -> None:
    assert day(text, "due_date", month_first) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "14/03", "demain", "03/14/2026", "2026-13-01"])
def test_bad_dates_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(CellError) as refused:
        day(text, "due_date")
    assert refused.value.field == "due_date"
    assert "14/03/2026" in refused.value.fr and "bad date" in refused.value.en


def test_a_time_without_offset_is_in_the_tenants_zone() -> None:
    assert moment("14/03/2026 10h30", "given_at", "Europe/Paris") == datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    assert moment("2026-03-14T10:30:00+00:00", "given_at", "Europe/Paris") == datetime(
        2026, 3, 14, 10, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "expected"), [("1 234,50 €", "1234.50"), ("49.9", "49.9"), ("100", "100"), ("", None)]
)
def test_amounts_as_spreadsheets_write_them(text: str, expected: str | None) -> None:
    assert amount(text, "amount_due") == expected


@pytest.mark.parametrize("text", ["douze", "1,2,3", "NaN", "1e400"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(CellError) as refused:
        amount(text, "amount_due")
    assert refused.value.field == "amount_due"


@pytest.mark.parametrize(("text", "expected"), [("", 0), ("3", 3), ("-2", -2), ("5,0", 5)])
def test_priorities_are_whole_numbers(text: str, expected: int) -> None:
    assert priority(text) == expected


@pytest.mark.parametrize("text", ["haute", "1.5", "5000", "inf"])
def test_bad_priorities_are_refused(text: str) -> None:
    with pytest.raises(CellError):
        priority(text)


OVERSEAS = ("0590", "0690", "0691", "0594", "0694", "0596", "0696", "0697", "0262", "0263", "0692", "0693",
            "0269", "0639")  # fmt: skip


@given(st.from_regex(r"(0|\+33)[0-9]{9}", fullmatch=True).filter(lambda text: not text.startswith(OVERSEAS)))
def test_the_french_shortcut_reads_numbers_as_phonenumbers_does(text: str) -> None:
    try:
        expected = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:  # 00…: an international prefix with no country after it
        expected = phonenumbers.PhoneNumber()
    if not phonenumbers.is_valid_number(expected):
        with pytest.raises(CellError):
            phone(text, "FR")
        return
    found = phone(text, "FR")
    assert found.e164 == phonenumbers.format_number(expected, phonenumbers.PhoneNumberFormat.E164)
    assert found.region == phonenumbers.region_code_for_number(expected)
