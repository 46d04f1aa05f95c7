"""Public holidays (jours fériés) of a country and subdivision, from the ``holidays`` package.

France's subdivisions are its departments and overseas collectivities as the package codes
them: ``57`` (Moselle) and ``6AE`` (Collectivité européenne d'Alsace: Bas-Rhin, Haut-Rhin) add
Good Friday and 26 December under local law (Code du travail, art. L3134-13, droit local
d'Alsace-Moselle); ``972`` (Martinique), ``974`` (La Réunion)… add their abolition-of-slavery
day (loi 83-550 du 30 juin 1983). Tenants may write the package's own aliases
("Moselle", "Martinique") or ``Alsace-Moselle``, which is ours.

Names are in the country's own language, set explicitly: left unset, the package would pick
one from the process's locale environment, and the same schedule would name Christmas
differently on two machines.
"""

from collections.abc import Mapping
from datetime import date
from functools import cache
from types import MappingProxyType

import holidays

from callfloor.core.schedule import InvalidSchedule

#: Our aliases, per country: the three departments share one local law, and the package
#: gives Moselle's code (57) the same local holidays as Alsace's (6AE).
EXTRA_ALIASES: Mapping[str, Mapping[str, str]] = MappingProxyType({"FR": {"alsace-moselle": "57"}})


@cache
def supported_countries() -> Mapping[str, tuple[str, ...]]:
    """Each ISO 3166-1 alpha-2 code the package knows, with its subdivision codes."""
    return MappingProxyType({k: tuple(v) for k, v in holidays.list_supported_countries().items()})


def resolve(country: str, subdivision: str | None) -> tuple[str, str | None]:
    """The package's codes for a country (``fr`` → ``FR``) and a subdivision, named or coded."""
    code = country.strip().upper()
    if code not in supported_countries():
        raise InvalidSchedule("country", f"{country!r} is not a country code the holidays package knows")
    if subdivision is None:
        return code, None
    return code, _subdivision_code(code, subdivision)


def _subdivision_code(country: str, subdivision: str) -> str:
    codes = supported_countries()[country]
    entity = type(holidays.country_holidays(country))
    aliases = {k.casefold(): v for k, v in getattr(entity, "subdivisions_aliases", {}).items()}
    aliases.update(EXTRA_ALIASES.get(country, {}))
    aliases.update({c.casefold(): c for c in codes})
    found = aliases.get(subdivision.strip().casefold())
    if found is None:
        known = ", ".join(codes) or "none"
        raise InvalidSchedule("subdivision", f"{subdivision!r} is not a subdivision of {country} ({known})")
    return str(found)


def holidays_of_year(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    """The public holidays of ``year``, each with its name (two on one date are joined by "; ")."""
    entity = type(holidays.country_holidays(country))
    table = holidays.country_holidays(
        country, subdiv=subdivision, years=year, language=entity.default_language
    )
    return MappingProxyType({day: str(name) for day, name in table.items()})
