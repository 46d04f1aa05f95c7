"""Quote and order lines and their totals, computed the way a French invoice is.

A line is a quantity of a product at a unit price excluding VAT (prix unitaire HT), less an
optional discount (remise) in percent, at a VAT rate. Its total excluding VAT (montant HT) is
rounded to the cent, half up. VAT is then computed **per rate**, on the sum of the lines at
that rate, and rounded once per rate: the invoice shows a VAT breakdown (récapitulatif de TVA)
giving, for each rate, the total excluding VAT and the tax on it (CGI annexe II, art. 242 nonies A,
I-11°). Rounding each line's VAT and adding them up can be a cent or more off on a long quote,
which is why the tax is taken on each rate's base.

Money is :class:`decimal.Decimal` only: a float is refused where it enters, since 0.1 + 0.2 is
not 0.3 in binary and a total off by a cent is a wrong invoice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from callfloor.crm import CrmError

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
FRENCH_VAT_RATES = tuple(Decimal(rate) for rate in ("20", "10", "5.5", "2.1", "0"))
"""France's usual rates (CGI art. 278 and following); any rate from 0 to 100 is accepted."""


class PricingError(CrmError):
    """A line or an amount that cannot be priced: a float, a negative quantity, a rate out of range."""


def to_cent(amount: Decimal) -> Decimal:
    """``amount`` rounded to the cent, half up (0.125 -> 0.13), as French invoices are."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(name: str, value: object) -> Decimal:
    """``value`` if it is a finite Decimal; a float is named as the mistake it is."""
    if isinstance(value, float):
        raise PricingError(f"{name}: floats are refused, pass Decimal({str(value)!r})")
    if not isinstance(value, Decimal):
        raise PricingError(f"{name}: a Decimal is required, not {type(value).__name__}")
    if not value.is_finite():
        raise PricingError(f"{name}: {value} is not an amount")
    return value


def _percent(name: str, value: object) -> Decimal:
    """A percentage from 0 to 100 inclusive."""
    percent = _decimal(name, value)
    if not 0 <= percent <= HUNDRED:
        raise PricingError(f"{name}: {percent} is not between 0 and 100")
    return percent


def _rate_key(rate: Decimal) -> Decimal:
    """One spelling per rate, so that 20, 20.0 and 20.00 share one line of the breakdown."""
    plain = rate.normalize()  # 20 normalizes to 2E+1, so whole rates are spelled whole
    return plain.quantize(Decimal(1)) if plain == plain.to_integral_value() else plain


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a quote or an order; checked when made, so a total never meets a bad line."""

    reference: str
    label: str
    quantity: Decimal
    unit_price: Decimal  # excluding VAT (HT), in euros with at most two decimals
    vat_rate: Decimal  # percent: 20 for 20 %
    discount: Decimal = Decimal(0)  # percent taken off the line (remise)

    def __post_init__(self) -> None:
        where = f"line {self.reference!r}"
        if _decimal(f"{where}, quantity", self.quantity) <= 0:
            raise PricingError(f"{where}, quantity: {self.quantity} must be more than 0")
        price = _decimal(f"{where}, unit price", self.unit_price)
        if price < 0:
            raise PricingError(f"{where}, unit price: {price} is negative")
        if price != price.quantize(CENT):
            raise PricingError(f"{where}, unit price: {price} has more than 2 decimal places")
        _percent(f"{where}, VAT rate", self.vat_rate)
        _percent(f"{where}, discount", self.discount)

    @property
    def total_excl_vat(self) -> Decimal:
        """Quantity times unit price, less the discount, rounded to the cent (montant HT)."""
        return to_cent(self.quantity * self.unit_price * (HUNDRED - self.discount) / HUNDRED)


@dataclass(frozen=True, slots=True)
class VatAmount:
    """One line of the VAT breakdown: the base at this rate and the tax on it."""

    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    """What the foot of a quote or an invoice shows: total HT, the VAT per rate, total TTC."""

    excl_vat: Decimal
    breakdown: tuple[VatAmount, ...]  # by rate, highest first, as invoices list them
    incl_vat: Decimal

    @property
    def vat(self) -> Decimal:
        """The VAT of every rate together."""
        return sum((amount.vat for amount in self.breakdown), Decimal("0.00"))


def vat_breakdown(lines: Iterable[Line]) -> tuple[VatAmount, ...]:
    """The base and the VAT of each rate, the VAT rounded once per rate (see the module's doc)."""
    bases: dict[Decimal, Decimal] = {}
    for line in lines:
        key = _rate_key(line.vat_rate)
        bases[key] = bases.get(key, Decimal("0.00")) + line.total_excl_vat
    return tuple(
        VatAmount(rate, base, to_cent(base * rate / HUNDRED))
        for rate, base in sorted(bases.items(), reverse=True)
    )


def totals(lines: Iterable[Line]) -> Totals:
    """The totals of a quote or an order; no lines gives zero totals and an empty breakdown."""
    breakdown = vat_breakdown(lines)
    excl = sum((amount.base for amount in breakdown), Decimal("0.00"))
    vat = sum((amount.vat for amount in breakdown), Decimal("0.00"))
    return Totals(excl, breakdown, excl + vat)
