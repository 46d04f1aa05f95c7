"""The cells of an outbound file read as people write them: numbers, dates, amounts, priorities.

Each reader returns the clean value or raises :class:`CellError` naming the field and the
reason in English and French, which the importer reports against the row's line. Numbers are
read with ``phonenumbers`` in the tenant's region and must be *valid* (not merely possible):
dialing a number that cannot exist costs an attempt and an agent's time. Dates are read in
ISO form or, as the tenant's country writes them, day first (FR) or month first (US).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers import timezone as number_zones

from callfloor.crm import RefusalError
from callfloor.crm.import_owners import RowError
from callfloor.crm.import_products import amount as spreadsheet_amount
from callfloor.outbound.places import MAINLAND_ZONE, OVERSEAS

_SEPARATORS = re.compile(r"[\s()/.\-\u00a0\u202f]")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T](\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$")
_TYPES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
}
MAX_PRIORITY = 1000
#: French national prefixes of the overseas départements, which have country codes of their own.
_OVERSEAS_PREFIXES = {
    **dict.fromkeys(("0590", "0690", "0691"), "GP"),
    **dict.fromkeys(("0594", "0694"), "GF"),
    **dict.fromkeys(("0596", "0696", "0697"), "MQ"),
    **dict.fromkeys(("0262", "0263", "0692", "0693"), "RE"),
    **dict.fromkeys(("0269", "0639"), "YT"),
}


class CellError(Exception):
    """A cell that cannot be imported: the field, and why in English and French."""

    def __init__(self, field: str, en: str, fr: str) -> None:
        super().__init__(en)
        self.field, self.en, self.fr = field, en, fr

    @classmethod
    def of(cls, field: str, exc: RefusalError | RowError) -> "CellError":
        """The refusal of a CRM rule (which says the field itself, or not) as this row's."""
        return cls(field, exc.en, exc.fr)


@dataclass(frozen=True, slots=True)
class PhoneInfo:
    """A valid number: E.164, its type, the region it belongs to and the zones it may ring in."""

    e164: str
    type: str
    region: str
    zones: tuple[str, ...]


def phone(text: str, region: str, field: str = "phone") -> PhoneInfo:
    """The number as E.164 with what ``phonenumbers`` knows of it; refused unless valid."""
    cleaned = _SEPARATORS.sub("", text.strip().replace("(0)", ""))
    if not cleaned:
        raise CellError(field, "the phone number is missing", "le numéro de téléphone manque")
    found = _parse(cleaned, region)
    if found is None:
        raise CellError(field, f"invalid phone number: {text!r}", f"numéro de téléphone invalide : {text!r}")
    parsed, kind = found
    home = phonenumbers.region_code_for_number(parsed) or region
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return PhoneInfo(e164, _TYPES.get(kind, "other"), home, _zones(parsed, home))


def _parse(cleaned: str, region: str) -> tuple[phonenumbers.PhoneNumber, int] | None:
    """The parsed number and its type, when valid (a valid number is one whose type is known)."""
    overseas = _OVERSEAS_PREFIXES.get(cleaned[:4]) if region == "FR" and len(cleaned) == 10 else None
    candidates = [cleaned]
    if overseas is not None:
        region = overseas  # « 0590 12 34 56 » is +590 590 12 34 56, not +33 590…
    if cleaned.isdigit() and not cleaned.startswith("0") and len(cleaned) > 9:
        candidates.append("+" + cleaned)  # "33612345678": a trunk or a CRM dropped the +
    for candidate in candidates:
        parsed = _french(candidate) if region == "FR" else None
        if parsed is None:
            try:
                parsed = phonenumbers.parse(candidate, region)
            except phonenumbers.NumberParseException:
                continue
        kind = phonenumbers.number_type(parsed)  # what is_valid_number asks, once instead of twice
        if kind != PhoneNumberType.UNKNOWN:
            return parsed, kind
    return None


def _french(cleaned: str) -> phonenumbers.PhoneNumber | None:
    """``0X XX XX XX XX`` or ``+33 X XX XX XX XX`` as ``phonenumbers.parse`` reads it in France.

    The shape of nearly every row of a French list, built directly: ``parse`` spends two thirds
    of a row's import time on what this shape makes trivial (the trunk prefix 0, country 33).
    Validity is still ``phonenumbers``' to say. Any other shape goes through ``parse``.
    """
    national = cleaned[1:] if len(cleaned) == 10 and cleaned[0] == "0" else None
    if national is None and len(cleaned) == 12 and cleaned.startswith("+33"):
        national = cleaned[3:]
    if national is None or not national.isascii() or not national.isdigit() or national[0] == "0":
        return None
    return phonenumbers.PhoneNumber(country_code=33, national_number=int(national))


def _zones(parsed: phonenumbers.PhoneNumber, region: str) -> tuple[str, ...]:
    """The zones the number may ring in; France and its overseas départements have one each."""
    if region == "FR":
        return (MAINLAND_ZONE,)
    if region in OVERSEAS:
        return (OVERSEAS[region][1],)
    return tuple(z for z in number_zones.time_zones_for_number(parsed) if z != "Etc/Unknown")


def priority(text: str) -> int:
    """A whole number from -1000 to 1000 (higher is called first); blank is 0."""
    cleaned = text.strip()
    if not cleaned:
        return 0
    try:
        number = float(cleaned.replace(",", "."))
    except ValueError:
        number = 0.5  # not a number: refused below, as a fraction is
    if not number.is_integer():
        raise CellError("priority", f"not a whole number: {text!r}", f"pas un nombre entier : {text!r}")
    value = int(number)
    if abs(value) > MAX_PRIORITY:
        raise CellError(
            "priority",
            f"between -{MAX_PRIORITY} and {MAX_PRIORITY}",
            f"entre -{MAX_PRIORITY} et {MAX_PRIORITY}",
        )
    return value


def amount(text: str, field: str) -> str | None:
    """A decimal amount as spreadsheets write it (``1 234,50 €``), as canonical text; None when blank."""
    try:
        value = spreadsheet_amount(text, field)
    except RowError as exc:
        raise CellError.of(field, exc) from None
    if value is None:
        return None
    if abs(value) >= 10**12:
        raise CellError(field, f"amount out of range: {text!r}", f"montant hors limites : {text!r}")
    return format(value, "f")


def day(text: str, field: str, month_first: bool = False) -> date | None:
    """A date: ISO (``2026-03-14``), or ``14/03/2026`` (``03/14/2026`` when ``month_first``)."""
    found = _moment(text, field, month_first)
    return found.date() if found is not None else None


def moment(text: str, field: str, zone: str, month_first: bool = False) -> datetime | None:
    """A date and time, aware UTC; a date or time without offset is in ``zone``."""
    found = _moment(text, field, month_first)
    if found is None:
        return None
    if found.tzinfo is None:
        found = found.replace(tzinfo=ZoneInfo(zone))
    return found.astimezone(UTC)


def _moment(text: str, field: str, month_first: bool) -> datetime | None:
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError:
        pass
    match = _DMY.match(cleaned)
    try:
        if match is None:
            raise ValueError(cleaned)
        first, second, year, hour, minute, second_s = match.groups()
        day_, month = (int(second), int(first)) if month_first else (int(first), int(second))
        full_year = int(year) + 2000 if len(year) == 2 else int(year)
        clock = time(int(hour or 0), int(minute or 0), int(second_s or 0))
        return datetime.combine(date(full_year, month, day_), clock)
    except ValueError:
        example = "03/14/2026" if month_first else "14/03/2026"
        raise CellError(
            field,
            f"bad date: {text!r} (write 2026-03-14 or {example})",
            f"date invalide : {text!r} (écrire 14/03/2026 ou 2026-03-14)",
        ) from None
