"""The callee's time zone, from their postal address or their number; legal hours are on their clock.

Order of evidence, first that answers wins:

1. The postal address: where the person lives. A French postcode 971xx–976xx (and 986xx,
   988xx) names an overseas zone (Guadeloupe 971 with Saint-Barthélemy and Saint-Martin,
   Martinique 972, Guyane 973, La Réunion 974, Saint-Pierre-et-Miquelon 975, Mayotte 976,
   Wallis-et-Futuna 986, Nouvelle-Calédonie 988); any other postcode of a one-zone country is
   that country's zone. Polynésie (987xx) spans three zones and says nothing, and so does a
   country without a postcode (it may be the tenant's default rather than the callee's).
   So a metropolitan mobile number whose owner lives in La Réunion is called on Réunion time.
2. The number (``phonenumbers``' time zone data): one zone for +262 262… (Indian/Reunion),
   +590 (America/Guadeloupe), a New York or Los Angeles area code.
3. A number with several zones (some US area codes, Alaska, +262 9…): the tenant's zone
   (``fallback``) if it is one of them, since the tenant then knows the area; else the
   westernmost of them (smallest UTC offset), whose 8:00 comes last. No single zone is strict
   at both ends of the day (an evening call on western time is late for the east); the
   protective choice here favours the morning, and an address removes the doubt.
4. Nothing known: the fallback.
"""

from datetime import UTC, datetime, timedelta

import phonenumbers
from phonenumbers import timezone as number_zones

from callfloor.core.compliance.model import zone_info

#: French overseas postcodes, by their first three digits.
FR_OVERSEAS_POSTCODES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "986": "Pacific/Wallis",
    "988": "Pacific/Noumea",
}
#: Countries (and French territories with an ISO code of their own) that have one zone.
COUNTRY_ZONES = {
    "FR": "Europe/Paris", "MC": "Europe/Monaco", "BE": "Europe/Brussels", "LU": "Europe/Luxembourg",
    "CH": "Europe/Zurich", "DE": "Europe/Berlin", "IT": "Europe/Rome", "GB": "Europe/London",
    "GP": "America/Guadeloupe", "MQ": "America/Martinique", "GF": "America/Cayenne",
    "RE": "Indian/Reunion", "YT": "Indian/Mayotte", "PM": "America/Miquelon",
    "BL": "America/St_Barthelemy", "MF": "America/Marigot", "WF": "Pacific/Wallis", "NC": "Pacific/Noumea",
}  # fmt: skip
_REFERENCE = datetime(2026, 1, 15, 12, tzinfo=UTC)  # ranks zones by their standard offset
_UNKNOWN = "Etc/Unknown"


def zone_of(number: str | None, postal_code: str | None, country: str | None, fallback: str) -> str:
    """The IANA zone to call ``number`` on, given the address's ``postal_code`` and ``country``."""
    zone_info(fallback)  # an unknown fallback is an error, not a silent default
    by_address = address_zone(postal_code, country)
    if by_address is not None:
        return by_address
    candidates = number_zone_candidates(number, country)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates or fallback in candidates:
        return fallback
    return min(candidates, key=lambda zone: (_offset(zone), zone))


def address_zone(postal_code: str | None, country: str | None) -> str | None:
    """The zone a postal address names, or None when it says nothing sure."""
    code = (country or "").strip().upper()
    postcode = (postal_code or "").replace(" ", "")
    if not postcode:
        return None  # a country alone may be the tenant's default, not the callee's address
    if code != "FR":
        return COUNTRY_ZONES.get(code)
    if len(postcode) != 5 or not postcode.isdigit():
        return None
    if postcode.startswith("980"):
        return "Europe/Monaco"  # Monaco's postcodes are in the French series
    if postcode.startswith(("97", "98")):
        return FR_OVERSEAS_POSTCODES.get(postcode[:3])
    return COUNTRY_ZONES["FR"]


def number_zone_candidates(number: str | None, country: str | None = None) -> tuple[str, ...]:
    """The zones ``phonenumbers`` gives a number (national ones read in ``country``), none if unknown."""
    if not number:
        return ()
    try:
        parsed = phonenumbers.parse(number, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return ()
    if not phonenumbers.is_valid_number(parsed):
        return ()
    found: tuple[str, ...] = number_zones.time_zones_for_number(parsed)
    return tuple(zone for zone in found if zone != _UNKNOWN)


def _offset(zone: str) -> timedelta:
    return _REFERENCE.astimezone(zone_info(zone)).utcoffset() or timedelta()
