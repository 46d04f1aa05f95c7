"""How decisions say instants, dates and hours, in French and in English.

A supervisor reads a reason on the callee's clock ("vendredi 17/07/2026 20:00 (Europe/Paris)"),
since that is the clock the law counts on; the zone is named so that a Réunion callee's 11:30
is not taken for Paris time.
"""

from datetime import date, datetime
from fractions import Fraction
from functools import lru_cache
from itertools import groupby

from callfloor.core.compliance.model import zone_info
from callfloor.core.schedule.hours import Opening

DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SHORT_FR = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
_SHORT_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def when_fr(at: datetime, zone: str) -> str:
    """``at`` on the clock of ``zone``, in French: ``vendredi 17/07/2026 20:00 (Europe/Paris)``."""
    local = at.astimezone(zone_info(zone))
    return f"{DAYS_FR[local.weekday()]} {local:%d/%m/%Y %H:%M} ({zone})"


def when_en(at: datetime, zone: str) -> str:
    """``at`` on the clock of ``zone``, in English: ``Friday 2026-07-17 20:00 (Europe/Paris)``."""
    local = at.astimezone(zone_info(zone))
    return f"{DAYS_EN[local.weekday()]} {local:%Y-%m-%d %H:%M} ({zone})"


def day_fr(day: date) -> str:
    """A date in French: ``11/08/2026``."""
    return f"{day:%d/%m/%Y}"


def percent_fr(value: Fraction) -> str:
    """A percentage with one decimal and a decimal comma: ``3,1 %``."""
    return f"{float(value):.1f} %".replace(".", ",")


def percent_en(value: Fraction) -> str:
    """A percentage with one decimal: ``3.1%``."""
    return f"{float(value):.1f}%"


@lru_cache(maxsize=64)
def hours_fr(weekly: tuple[tuple[Opening, ...], ...]) -> str:
    """Weekly hours, consecutive days alike grouped: ``lun.–ven. 10:00-13:00, 14:00-20:00``."""
    return _hours(weekly, _SHORT_FR, "fermé")


@lru_cache(maxsize=64)
def hours_en(weekly: tuple[tuple[Opening, ...], ...]) -> str:
    """Weekly hours, consecutive days alike grouped: ``Mon–Fri 10:00-13:00, 14:00-20:00``."""
    return _hours(weekly, _SHORT_EN, "closed")


def _hours(weekly: tuple[tuple[Opening, ...], ...], names: tuple[str, ...], closed: str) -> str:
    parts = []
    for openings, group in groupby(enumerate(weekly), key=lambda day: day[1]):
        days = [index for index, _ in group]
        span = names[days[0]] if len(days) == 1 else f"{names[days[0]]}–{names[days[-1]]}"
        if openings:
            parts.append(f"{span} {', '.join(str(o) for o in openings)}")
    return "; ".join(parts) or closed
