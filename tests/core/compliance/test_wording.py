"""Reasons say instants on the callee's clock and hours grouped by days alike, in both languages."""

from datetime import UTC, datetime
from fractions import Fraction

from callfloor.core.compliance.wording import hours_en, hours_fr, percent_en, percent_fr, when_en, when_fr
from callfloor.core.schedule.hours import Opening

MORNING, EVENING = Opening(600, 780), Opening(840, 1200)


def test_instants_on_the_callees_clock() -> None:
    at = datetime(2026, 7, 15, 7, 30, tzinfo=UTC)
    assert when_fr(at, "Indian/Reunion") == "mercredi 15/07/2026 11:30 (Indian/Reunion)"
    assert when_en(at, "America/New_York") == "Wednesday 2026-07-15 03:30 (America/New_York)"


def test_hours_are_grouped() -> None:
    weekly = ((MORNING, EVENING),) * 5 + ((MORNING,), ())
    assert hours_fr(weekly) == "lun.–ven. 10:00-13:00, 14:00-20:00; sam. 10:00-13:00"
    assert hours_en(weekly) == "Mon–Fri 10:00-13:00, 14:00-20:00; Sat 10:00-13:00"
    assert hours_en(((),) * 7) == "closed"
    assert hours_fr(((MORNING,), (), (MORNING,), (), (), (), ())) == "lun. 10:00-13:00; mer. 10:00-13:00"


def test_percentages() -> None:
    assert (percent_fr(Fraction(31, 10)), percent_en(Fraction(31, 10))) == ("3,1 %", "3.1%")
