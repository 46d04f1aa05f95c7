"""Where a lead lives: its IANA zone, country and ``holidays`` subdivision, from number and postal code.

Legal calling hours are the callee's (décret 2022-1313 art. 1; 16 CFR 310.4(c)), and so are
the public holidays (Alsace-Moselle keeps Good Friday and 26 December, each overseas
département its abolition day). A French postal code says the most: a person in Guadeloupe
may well keep a mainland mobile number (06…), while 971xx is Guadeloupe whatever the number.
The zone follows :mod:`callfloor.core.compliance.zones` (address, then the number, then the
tenant's zone or the westernmost of a number's zones); the subdivision the postcode, then the
overseas number.

Overseas French numbers (+590, +262…) belong to regions of their own for ``phonenumbers``
(GP, RE…); the lead's country is then ``FR`` with that département as subdivision, which is
how the ``holidays`` package names them.
"""

from dataclasses import dataclass

from callfloor.core.compliance.zones import address_zone, zone_of

#: Overseas regions of ``phonenumbers`` that are France: (holidays subdivision, zone).
OVERSEAS: dict[str, tuple[str, str]] = {
    "GP": ("971", "America/Guadeloupe"),
    "MQ": ("972", "America/Martinique"),
    "GF": ("973", "America/Cayenne"),
    "RE": ("974", "Indian/Reunion"),
    "YT": ("976", "Indian/Mayotte"),
    "PM": ("PM", "America/Miquelon"),
    "BL": ("BL", "America/St_Barthelemy"),
    "MF": ("MF", "America/Marigot"),
    "WF": ("WF", "Pacific/Wallis"),
    "PF": ("PF", "Pacific/Tahiti"),
    "NC": ("NC", "Pacific/Noumea"),
}
#: French postal code prefixes (3 digits) of overseas places, as ``phonenumbers`` regions.
_POSTAL_OVERSEAS = {
    "971": "GP", "972": "MQ", "973": "GF", "974": "RE", "975": "PM", "976": "YT",
    "977": "BL", "978": "MF", "986": "WF", "987": "PF", "988": "NC",
}  # fmt: skip
# Saint-Barthélemy and Saint-Martin kept Guadeloupe's 971 postal prefix.
_POSTAL_EXCEPTIONS = {"97133": "BL", "97150": "MF"}
#: Départements of Alsace-Moselle, whose local law adds public holidays ("57" for ``holidays``).
_ALSACE_MOSELLE = frozenset({"57", "67", "68"})
MAINLAND_ZONE = "Europe/Paris"


@dataclass(frozen=True, slots=True)
class Place:
    """Where the callee is, as the compliance rules read it."""

    zone: str
    country: str
    subdivision: str | None


def place_of(
    region: str, number_zones: tuple[str, ...], postal_code: str, fallback_zone: str,
    *, number: str = "", country: str | None = None,
) -> Place:  # fmt: skip
    """The callee's place from their number (E.164, region, zones), postal code and stated country.

    The zone is :func:`callfloor.core.compliance.zones.zone_of`'s, the compliance rules' own
    reading; the number's zones, already known here, spare it a second parse of each number.
    """
    stated = country.upper() if country else None
    overseas = region if region in OVERSEAS else None
    home = stated or ("FR" if overseas else region)
    zone = address_zone(postal_code, home)
    if zone is None:
        zone = number_zones[0] if len(number_zones) == 1 else zone_of(number, None, home, fallback_zone)
    subdivision = _french_subdivision(postal_code, overseas) if home == "FR" else None
    return Place(zone, home, subdivision)


def _french_subdivision(postal_code: str, overseas: str | None) -> str | None:
    """The ``holidays`` subdivision a French postcode names, else the overseas number's."""
    code = postal_code.strip().replace(" ", "")
    if len(code) == 5 and code.isdigit():
        region = _POSTAL_EXCEPTIONS.get(code) or _POSTAL_OVERSEAS.get(code[:3])
        if region is not None:
            return OVERSEAS[region][0]
        if not code.startswith(("97", "98")):
            return "57" if code[:2] in _ALSACE_MOSELLE else None
    return OVERSEAS[overseas][0] if overseas is not None else None
