"""A callee's zone (the compliance rules' reading), country and holiday subdivision."""

import pytest

from callfloor.outbound.places import Place, place_of


@pytest.mark.parametrize(
    ("region", "zones", "postal_code", "expected"),
    [
        ("FR", ("Europe/Paris",), "75002", Place("Europe/Paris", "FR", None)),
        ("FR", ("Europe/Paris",), "67000", Place("Europe/Paris", "FR", "57")),  # Alsace-Moselle
        ("FR", ("Europe/Paris",), "97110", Place("America/Guadeloupe", "FR", "971")),  # a mainland mobile
        ("FR", ("Europe/Paris",), "97133", Place("America/Guadeloupe", "FR", "BL")),  # Saint-Barthélemy
        ("RE", ("Indian/Reunion",), "", Place("Indian/Reunion", "FR", "974")),
        ("GP", ("America/Guadeloupe",), "97150", Place("America/Guadeloupe", "FR", "MF")),
        ("FR", ("Europe/Paris",), "98999", Place("Europe/Paris", "FR", None)),  # no known place
        ("US", ("America/Chicago",), "60601", Place("America/Chicago", "US", None)),
    ],
)
def test_place_from_postal_code_number_and_fallback(
    region: str, zones: tuple[str, ...], postal_code: str, expected: Place
) -> None:
    assert place_of(region, zones, postal_code, "Europe/Paris") == expected


def test_a_number_of_several_zones_is_called_on_the_westernmost_unless_the_tenant_is_in_one() -> None:
    zones = ("America/Denver", "America/North_Dakota/Center")
    number = "+16055550123"  # South Dakota: Mountain and Central time
    assert place_of("US", zones, "", "Europe/Paris", number=number).zone == "America/Denver"
    center = "America/North_Dakota/Center"
    assert place_of("US", zones, "", center, number=number).zone == center


def test_a_stated_country_overrides_the_numbers_region() -> None:
    assert place_of("FR", ("Europe/Paris",), "", "Europe/Paris", country="be") == Place(
        "Europe/Paris", "BE", None
    )
    assert place_of("GP", ("America/Guadeloupe",), "", "Europe/Paris", country="FR").subdivision == "971"
