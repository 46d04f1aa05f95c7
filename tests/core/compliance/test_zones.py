"""The callee's time zone: from the address first, then the number, else the tenant's zone."""

import pytest

from callfloor.core.compliance import InvalidFacts
from callfloor.core.compliance.zones import address_zone, number_zone_candidates, zone_of


@pytest.mark.parametrize(
    ("number", "postal_code", "country", "fallback", "zone"),
    [
        ("+262262123456", None, None, "Europe/Paris", "Indian/Reunion"),
        ("+590590123456", None, None, "Europe/Paris", "America/Guadeloupe"),
        ("+594594123456", None, None, "Europe/Paris", "America/Cayenne"),
        ("+262269601234", None, None, "Europe/Paris", "Indian/Mayotte"),
        ("+33145678901", None, None, "Indian/Reunion", "Europe/Paris"),
        ("0145678901", None, "FR", "Indian/Reunion", "Europe/Paris"),  # national: read in the country
        ("+12125551234", None, None, "Europe/Paris", "America/New_York"),
        ("+13105551234", None, None, "Europe/Paris", "America/Los_Angeles"),
        # The address wins: a metropolitan mobile of someone living in La Réunion, or Martinique.
        ("+33612345678", "97400", "FR", "Europe/Paris", "Indian/Reunion"),
        ("+33612345678", "97200", "FR", "Europe/Paris", "America/Martinique"),
        ("+33612345678", "97133", "FR", "Europe/Paris", "America/Guadeloupe"),  # Saint-Barthélemy
        ("+33612345678", "97320", "FR", "Europe/Paris", "America/Cayenne"),
        ("+33612345678", "97600", "FR", "Europe/Paris", "Indian/Mayotte"),
        ("+262692123456", "75011", "FR", "Indian/Reunion", "Europe/Paris"),
        ("+262692123456", "20000", "FR", "Indian/Reunion", "Europe/Paris"),  # Ajaccio
        ("+33612345678", "98000", "FR", "Europe/Paris", "Europe/Monaco"),
        ("+68940123456", "98714", "FR", "Europe/Paris", "Europe/Paris"),  # Polynésie: three zones, bad number
        ("+32225551234", "1000", "BE", "Europe/Paris", "Europe/Brussels"),
        # Several zones for the number: the tenant's if it is one, else the westernmost.
        ("+19075551234", None, None, "America/Anchorage", "America/Anchorage"),
        ("+19075551234", None, None, "Europe/Paris", "America/Adak"),
        ("+262947812345", None, None, "Indian/Reunion", "Indian/Reunion"),
        ("+262947812345", None, None, "Europe/Paris", "Indian/Mayotte"),
        # Nothing known: the tenant's.
        (None, None, None, "Europe/Paris", "Europe/Paris"),
        ("not a number", "", "FR", "Europe/Paris", "Europe/Paris"),
        ("+15555551234", None, "US", "America/Chicago", "America/Chicago"),
        ("+12125551234", None, "FR", "Europe/Paris", "America/New_York"),  # a country alone is no address
        ("+12125551234", "10001", "US", "Europe/Paris", "America/New_York"),  # a ZIP code: no table
    ],
)  # fmt: skip
def test_zone_of(
    number: str | None, postal_code: str | None, country: str | None, fallback: str, zone: str
) -> None:
    assert zone_of(number, postal_code, country, fallback) == zone


def test_an_unknown_fallback_is_an_error() -> None:
    with pytest.raises(InvalidFacts, match="IANA"):
        zone_of("+33145678901", None, None, "Paris")


def test_building_blocks() -> None:
    assert address_zone("974 00", "fr") == "Indian/Reunion"
    assert address_zone("9740", "FR") is None
    assert address_zone(None, "BE") is None
    assert number_zone_candidates("+19075551234") == ("America/Adak", "America/Anchorage")
    assert number_zone_candidates("") == ()
