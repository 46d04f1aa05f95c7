"""The rules a contact's or an account's own fields follow, and the folding names are searched by.

Every writer (API, import, IVR, dialer) goes through the service, which cleans values here, so
the database only holds what these rules accept: numbers E.164 in the tenant's country,
lower-cased addresses, known time zones, SIREN/SIRET with a valid key.
"""

import re
import unicodedata
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from callfloor.core.numbers import lookup_keys
from callfloor.crm import CustomerFileError, RefusalError

PHONE_LABELS = frozenset({"mobile", "work", "home", "fax", "other"})
EMAIL_LABELS = frozenset({"work", "home", "other"})
ADDRESS_LABELS = frozenset({"home", "work", "billing", "delivery", "other"})

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# La Poste's establishments share SIREN 356000000 and follow their own key (INSEE).
_LA_POSTE = "356000000"


refuse = CustomerFileError.of_field


def fold(text: str) -> str:
    """Lower case, no accents, words separated by one space: « Hélène  LE-GALL » → "helene le gall"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare).strip()


def text(value: str, field: str, max_length: int, *, multiline: bool = False) -> str:
    """``value`` stripped, refused when too long or holding control characters."""
    cleaned = value.strip()
    if len(cleaned) > max_length:
        raise refuse(field, f"longer than {max_length} characters", f"plus de {max_length} caractères")
    if (_CONTROL_BUT_LINES if multiline else _CONTROL).search(cleaned):
        raise refuse(field, "control characters", "caractères de contrôle")
    return cleaned


def text_as(
    family: type[RefusalError], value: str, field: str, max_length: int, *, multiline: bool = False
) -> str:
    """:func:`text`, its refusal told as ``family``'s (a ticket's, an appointment's…)."""
    try:
        return text(value, field, max_length, multiline=multiline)
    except CustomerFileError as exc:
        raise family(exc.en, exc.fr, field=field) from None


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    """Like :func:`text`, with blank meaning unset (None)."""
    cleaned = text(value, field, max_length) if value is not None else ""
    return cleaned or None


def language(value: str | None) -> str | None:
    """An ISO 639-1 code, optionally with a region (``fr``, ``en``, ``fr-CA``)."""
    if value is None or not value.strip():
        return None
    if not _LANGUAGE.match(value.strip()):
        raise refuse("language", f"not a language code: {value!r}", f"code de langue invalide : {value!r}")
    return value.strip()


def timezone(value: str | None) -> str | None:
    """An IANA time zone name that zoneinfo knows."""
    if value is None or not value.strip():
        return None
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise refuse(
            "timezone", f"unknown time zone {value!r}", f"fuseau horaire inconnu {value!r}"
        ) from None
    return value.strip()


def phone(value: str, region: str) -> str:
    """The number E.164 in the tenant's ``region``; short numbers reach no customer and are refused."""
    public = [key for key in number_keys(value, region) if key.startswith("+")]
    if not public:
        raise refuse("phone", f"not a phone number: {value!r}", f"numéro invalide : {value!r}")
    return public[0]


def number_keys(raw: str, region: str) -> list[str]:
    """The stored forms a number written as people write it may have (none when it is no number).

    The « (0) » of ``+33 (0)6…`` and the separators people put between digits go first; then
    :func:`callfloor.core.numbers.lookup_keys` reads it as a trunk's number would be read.
    """
    cleaned = re.sub(r"[\s()/.\-\u00a0]", "", raw.strip().replace("(0)", ""))
    return lookup_keys(cleaned, region) if cleaned else []


def email(value: str) -> str:
    """The address, lower-cased."""
    address = value.strip().lower()
    if len(address) > 254 or not _EMAIL.match(address):
        raise refuse("email", f"not an e-mail address: {value!r}", f"adresse e-mail invalide : {value!r}")
    return address


def country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased."""
    code = value.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise refuse("country", f"not an ISO country code: {value!r}", f"code pays invalide : {value!r}")
    return code


def label(value: str, allowed: frozenset[str], field: str) -> str:
    """One of ``allowed``."""
    if value not in allowed:
        choices = ", ".join(sorted(allowed))
        raise refuse(field, f"label must be one of {choices}", f"le libellé doit être parmi {choices}")
    return value


def registration_number(value: str | None) -> str | None:
    """A SIREN (9 digits) or SIRET (14 digits) whose key checks (Luhn; La Poste's own rule)."""
    if value is None or not value.strip():
        return None
    digits = re.sub(r"[\s.]", "", value)
    valid_shape = digits.isdigit() and len(digits) in (9, 14)
    if not valid_shape or not _key_checks(digits):
        raise refuse(
            "registration_number", f"not a SIREN or SIRET: {value!r}", f"SIREN ou SIRET invalide : {value!r}"
        )
    return digits


def _key_checks(digits: str) -> bool:
    if len(digits) == 14 and digits.startswith(_LA_POSTE):
        return sum(int(d) for d in digits) % 5 == 0
    total = 0
    for position, char in enumerate(reversed(digits)):
        doubled = int(char) * (2 if position % 2 else 1)
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def tags(values: Iterable[str]) -> list[str]:
    """Tags stripped, without blanks or repeats, in the order given."""
    cleaned = [text(v, "tags", 40) for v in values]
    return list(dict.fromkeys(t for t in cleaned if t))
