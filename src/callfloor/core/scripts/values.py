"""Variable values as the tenant's language writes them: amounts, numbers, dates, yes and no.

French: ``1 234,50 €`` (a narrow no-break space groups thousands, a no-break space comes before
the currency, as the CLDR writes French and as the Imprimerie nationale's rules have it), dates
``15 mars 2026`` and ``1er mars 2026``, times ``14:30``. English: ``€1,234.50``, ``March 15,
2026``, ``2:30 PM``. The no-break spaces keep an amount on one line of the agent's screen.

Amounts are :class:`Money` (a :class:`~decimal.Decimal` and its currency), rounded half up to the
cent for display; a bare ``Decimal`` or ``float`` is a number, written with its own decimals;
an ``int`` is written as it is, ungrouped, since integers in a lead's data are usually
identifiers (a customer number, a quote number). Nothing here raises on a value of these
types: a number too large to write out, or not finite, is written as Python writes it.
"""

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal

from callfloor.core.config import Locale

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
#: Beyond this many digits a number is written in Python's own form, not grouped.
MAX_DIGITS = 21
CENT = Decimal("0.01")
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
MONTHS = {
    Locale.FR: (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre",
    ),
    Locale.EN: (
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ),
}  # fmt: skip
YES_NO = {Locale.FR: ("oui", "non"), Locale.EN: ("yes", "no")}


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency (ISO 4217 code): what ``{amount_due}`` holds."""

    amount: Decimal
    currency: str = "EUR"


Value = str | int | float | bool | Decimal | Money | date | datetime | None


def format_value(value: Value, locale: Locale, zone: tzinfo | None = None) -> str:
    """``value`` as text in ``locale``; aware datetimes shown in ``zone`` when given."""
    if value is None:
        return ""
    if isinstance(value, bool):
        yes, no = YES_NO[locale]
        return yes if value else no
    if isinstance(value, Money):
        return format_money(value, locale)
    if isinstance(value, float):
        return format_number(Decimal(repr(value)), locale)
    if isinstance(value, Decimal):
        return format_number(value, locale)
    if isinstance(value, datetime):
        return format_datetime(value, locale, zone)
    if isinstance(value, date):
        return format_date(value, locale)
    return str(value)


def format_number(value: Decimal, locale: Locale) -> str:
    """A decimal number, grouped by thousands, with the locale's decimal mark."""
    if not value.is_finite() or value.adjusted() > MAX_DIGITS or value.adjusted() < -MAX_DIGITS:
        return str(value)
    sign = "-" if value.is_signed() and value != 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    group, mark = (NARROW_NBSP, ",") if locale is Locale.FR else (",", ".")
    grouped = group.join(_thousands(whole))
    return f"{sign}{grouped}{mark + fraction if fraction else ''}"


def _thousands(digits: str) -> list[str]:
    """``"1234567"`` as ``["1", "234", "567"]``."""
    head = len(digits) % 3 or 3
    return [digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))]


def format_money(money: Money, locale: Locale) -> str:
    """An amount to the cent with its currency, where the locale puts it."""
    amount = money.amount
    if amount.is_finite() and -MAX_DIGITS <= amount.adjusted() <= MAX_DIGITS:
        amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    code = money.currency.upper()
    symbol = SYMBOLS.get(code, code)
    if locale is Locale.FR:
        return f"{format_number(amount, locale)}{NBSP}{symbol}"
    number = format_number(abs(amount) if amount.is_finite() else amount, locale)
    sign = "-" if amount.is_finite() and amount < 0 else ""
    return f"{sign}{symbol}{NBSP if symbol == code else ''}{number}"


def format_date(day: date, locale: Locale) -> str:
    """``15 mars 2026`` (``1er`` for the first of the month) or ``March 15, 2026``."""
    month = MONTHS[locale][day.month - 1]
    if locale is Locale.FR:
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    return f"{month} {day.day}, {day.year}"


def format_time(moment: datetime, locale: Locale) -> str:
    """``14:30`` in French, ``2:30 PM`` in English."""
    if locale is Locale.FR:
        return f"{moment.hour:02d}:{moment.minute:02d}"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def format_datetime(moment: datetime, locale: Locale, zone: tzinfo | None = None) -> str:
    """A date and time; an aware one in ``zone`` (the tenant's) when given."""
    if zone is not None and moment.tzinfo is not None:
        with suppress(OverflowError):  # at the edge of datetime's range: shown in its own zone
            moment = moment.astimezone(zone)
    joint = "à" if locale is Locale.FR else "at"
    return f"{format_date(moment.date(), locale)} {joint} {format_time(moment, locale)}"
