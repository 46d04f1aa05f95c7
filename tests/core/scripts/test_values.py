"""Values as the tenant's language writes them: amounts, numbers, dates, times, yes and no."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from callfloor.core.config import Locale
from callfloor.core.scripts.values import Money, Value, format_value

FR, EN = Locale.FR, Locale.EN
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (Money(Decimal("1234.5")), FR, f"1{NNBSP}234,50{NBSP}€"),
        (Money(Decimal("1234.5")), EN, "€1,234.50"),
        (Money(Decimal("1234567.891")), FR, f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
        (Money(Decimal("0.005")), FR, f"0,01{NBSP}€"),  # half up to the cent
        (Money(Decimal("-42")), FR, f"-42,00{NBSP}€"),
        (Money(Decimal("-42")), EN, "-€42.00"),
        (Money(Decimal("-0.001")), FR, f"0,00{NBSP}€"),  # no minus before a zero
        (Money(Decimal("99"), "usd"), EN, "$99.00"),
        (Money(Decimal("99"), "CHF"), FR, f"99,00{NBSP}CHF"),
        (Money(Decimal("99"), "CHF"), EN, f"CHF{NBSP}99.00"),
        (Decimal("1234.5"), FR, f"1{NNBSP}234,5"),
        (Decimal("123"), EN, "123"),
        (Decimal("1E+3"), EN, "1,000"),
        (2.5, FR, "2,5"),
        (123456, FR, "123456"),  # integers are identifiers: not grouped
        (True, FR, "oui"),
        (False, EN, "no"),
        (date(2026, 3, 15), FR, "15 mars 2026"),
        (date(2026, 3, 1), FR, "1er mars 2026"),
        (date(2026, 8, 1), EN, "August 1, 2026"),
        (datetime(2026, 3, 15, 14, 5), FR, "15 mars 2026 à 14:05"),
        (datetime(2026, 3, 15, 0, 5), EN, "March 15, 2026 at 12:05 AM"),
        (datetime(2026, 3, 15, 12, 0), EN, "March 15, 2026 at 12:00 PM"),
        ("D-2026-042", FR, "D-2026-042"),
        (None, FR, ""),
    ],
)
def test_values_are_written_as_the_locale_writes_them(value: Value, locale: Locale, expected: str) -> None:
    assert format_value(value, locale) == expected


def test_an_aware_datetime_is_shown_in_the_tenants_zone() -> None:
    moment = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    assert format_value(moment, FR, ZoneInfo("Europe/Paris")) == "1er juillet 2026 à 10:30"
    assert format_value(moment, FR) == "1er juillet 2026 à 08:30"  # no zone: as given


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("NaN"), "NaN"),
        (Decimal("-Infinity"), "-Infinity"),
        (Decimal("sNaN"), "sNaN"),
        (Decimal("1E+400"), "1E+400"),  # not written out in 400 digits
        (float("inf"), "Infinity"),
        (Money(Decimal("NaN")), f"NaN{NBSP}€"),
    ],
)
def test_numbers_that_cannot_be_written_out_are_shown_as_python_writes_them(
    value: Value, expected: str
) -> None:
    assert format_value(value, FR) == expected
