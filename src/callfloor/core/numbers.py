"""Phone numbers as callfloor keys them: E.164 for public numbers, digits as dialed for short ones.

A DID reaches us as the trunk writes it (``0800100100``, ``+33800100100``, ``33800100100``);
both spellings must find the same entry, so numbers are stored and looked up normalised with
``phonenumbers`` in the tenant's region. Short numbers (``3900``, internal extensions) have no
E.164 form and stay as their digits.
"""

import contextlib

import phonenumbers

from callfloor.core import CoreError

SHORT_MAX_DIGITS = 6


class InvalidNumberError(CoreError, ValueError):
    """Not a phone number we can route."""


def normalize(number: str, region: str = "FR") -> str:
    """``+E164`` for a public number, the bare digits for a short one."""
    text = number.strip().replace(" ", "").replace(".", "").replace("-", "")
    digits = text.removeprefix("+")
    if not digits.isdigit():
        raise InvalidNumberError(f"not a phone number: {number!r}")
    if not text.startswith("+") and len(digits) <= SHORT_MAX_DIGITS:
        return digits
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumberError(f"not a phone number: {number!r} ({exc})") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidNumberError(f"not a possible number in {region}: {number!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def lookup_keys(dialed: str, region: str = "FR") -> list[str]:
    """The keys an incoming number may be stored under (normalised first, then as dialed)."""
    candidates = [dialed]
    if not dialed.startswith("+") and dialed.isdigit() and len(dialed) > 9:
        candidates.append("+" + dialed)  # "33800100100": the trunk dropped the +
    keys = []
    for candidate in candidates:
        with contextlib.suppress(InvalidNumberError):
            keys.append(normalize(candidate, region))
    return list(dict.fromkeys(keys))
