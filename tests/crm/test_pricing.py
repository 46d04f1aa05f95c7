"""Quote totals the French way: lines rounded to the cent, VAT per rate, floats refused."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.crm import CrmError
from callfloor.crm.pricing import FRENCH_VAT_RATES, Line, PricingError, VatAmount, to_cent, totals

D = Decimal


def quote() -> list[Line]:
    """Headsets and a training at 20 %, books at 5.5 %, two lines with a discount."""
    return [
        Line("CASQ-01", "Casque USB", D(3), D("49.90"), D(20), discount=D(10)),
        Line("FORM-1", "Formation une journée", D(1), D("350.00"), D(20)),
        Line("LIV-7", "Guide de la relation client", D(7), D("12.35"), D("5.5")),
        Line("LIV-8", "Guide du télétravail", D(2), D("19.99"), D("5.5"), discount=D(15)),
    ]


def test_a_quote_with_two_rates_and_discounts_has_these_exact_totals() -> None:
    lines = quote()
    # 3 x 49.90 = 149.70, less 10 % = 134.73; 2 x 19.99 = 39.98, less 15 % = 33.983 -> 33.98
    assert [line.total_excl_vat for line in lines] == [D("134.73"), D("350.00"), D("86.45"), D("33.98")]
    result = totals(lines)
    assert result.breakdown == (
        VatAmount(D(20), D("484.73"), D("96.95")),  # 96.946
        VatAmount(D("5.5"), D("120.43"), D("6.62")),  # 6.62365
    )
    assert (result.excl_vat, result.vat, result.incl_vat) == (D("605.16"), D("103.57"), D("708.73"))
    assert str(result.incl_vat) == "708.73"


def test_vat_is_taken_on_each_rates_base_not_line_by_line() -> None:
    # Per line, 0.05 x 5.5 % = 0.00275 rounds to 0.00, three times; on the base, 0.15 x 5.5 % = 0.00825 -> 0.01.
    lines = [Line(f"R{n}", "Ruban", D(1), D("0.05"), D("5.5")) for n in range(3)]
    assert totals(lines).breakdown == (VatAmount(D("5.5"), D("0.15"), D("0.01")),)


def test_rounding_is_half_up_not_to_even() -> None:
    assert Line("X", "x", D(1), D("0.25"), D(20), discount=D(50)).total_excl_vat == D("0.13")
    assert to_cent(D("2.345")) == D("2.35")
    assert to_cent(D("-2.345")) == D("-2.35")


def test_one_rate_spelled_differently_is_one_line_of_the_breakdown() -> None:
    lines = [Line("A", "a", D(1), D("10.00"), D(20)), Line("B", "b", D(1), D("10.00"), D("20.00"))]
    assert totals(lines).breakdown == (VatAmount(D(20), D("20.00"), D("4.00")),)
    assert str(totals(lines).breakdown[0].rate) == "20"


def test_zero_rated_lines_show_in_the_breakdown_and_fractional_quantities_are_priced() -> None:
    lines = [
        Line("EXPORT", "Export hors UE", D(1), D("99.99"), D(0)),
        Line("H", "Heures de conseil", D("1.5"), D("80.00"), D(20)),
    ]
    result = totals(lines)
    assert result.breakdown == (
        VatAmount(D(20), D("120.00"), D("24.00")),
        VatAmount(D(0), D("99.99"), D("0.00")),
    )
    assert result.incl_vat == D("243.99")


def test_no_lines_make_zero_totals() -> None:
    result = totals([])
    assert (result.excl_vat, result.breakdown, result.vat, result.incl_vat) == (D(0), (), D(0), D(0))


def test_a_full_discount_and_a_free_line_cost_nothing() -> None:
    lines = [
        Line("G", "Offert", D(2), D("15.00"), D(20), discount=D(100)),
        Line("F", "Gratuit", D(1), D(0), D(10)),
    ]
    assert totals(lines).incl_vat == D(0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quantity": D(-1)}, "quantity: -1 must be more than 0"),
        ({"quantity": D(0)}, "quantity: 0 must be more than 0"),
        ({"quantity": 2.0}, r"quantity: floats are refused, pass Decimal\('2.0'\)"),
        ({"quantity": 2}, "quantity: a Decimal is required, not int"),
        ({"quantity": D("NaN")}, "quantity: NaN is not an amount"),
        ({"unit_price": 9.99}, "unit price: floats are refused"),
        ({"unit_price": D("-0.01")}, "unit price: -0.01 is negative"),
        ({"unit_price": D("9.999")}, "unit price: 9.999 has more than 2 decimal places"),
        ({"unit_price": D("Infinity")}, "unit price: Infinity is not an amount"),
        ({"vat_rate": D("100.1")}, "VAT rate: 100.1 is not between 0 and 100"),
        ({"vat_rate": D(-20)}, "VAT rate: -20 is not between 0 and 100"),
        ({"vat_rate": 0.2}, "VAT rate: floats are refused"),
        ({"vat_rate": "20"}, "VAT rate: a Decimal is required, not str"),
        ({"discount": D(101)}, "discount: 101 is not between 0 and 100"),
        ({"discount": D(-5)}, "discount: -5 is not between 0 and 100"),
        ({"discount": 10.0}, "discount: floats are refused"),
    ],
)
def test_bad_lines_are_refused_naming_the_line_and_the_field(
    changes: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {
        "reference": "CASQ-01",
        "label": "Casque",
        "quantity": D(1),
        "unit_price": D("9.99"),
        "vat_rate": D(20),
    }
    with pytest.raises(PricingError, match=f"line 'CASQ-01', {message}"):
        Line(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_price_written_with_trailing_zeros_is_still_in_cents() -> None:
    assert Line("X", "x", D(1), D("9.9900"), D(20)).total_excl_vat == D("9.99")


def test_pricing_errors_are_crm_errors() -> None:
    assert issubclass(PricingError, CrmError)


rates = st.one_of(
    st.sampled_from(FRENCH_VAT_RATES), st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
)
lines = st.builds(
    Line,
    reference=st.text(max_size=5),
    label=st.just("article"),
    quantity=st.decimals(min_value=D("0.001"), max_value=10_000, places=3, allow_nan=False),
    unit_price=st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False),
    vat_rate=rates,
    discount=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
)


@settings(max_examples=200)
@given(st.lists(lines, max_size=12))
def test_total_incl_vat_is_excl_vat_plus_the_breakdown(quote_lines: list[Line]) -> None:
    result = totals(quote_lines)
    assert result.incl_vat == result.excl_vat + sum(amount.vat for amount in result.breakdown)
    assert result.excl_vat == sum(line.total_excl_vat for line in quote_lines)
    assert all(amount.vat == to_cent(amount.vat) >= 0 for amount in result.breakdown)
    assert len({amount.rate for amount in result.breakdown}) == len(result.breakdown)


@settings(max_examples=200)
@given(st.lists(lines, max_size=12).flatmap(lambda ls: st.tuples(st.just(ls), st.permutations(ls))))
def test_the_order_of_the_lines_changes_no_total(pair: tuple[list[Line], list[Line]]) -> None:
    original, permuted = pair
    assert totals(original) == totals(permuted)
