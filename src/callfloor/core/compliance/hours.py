"""Calling hours and public holidays, on the callee's clock (décret 2022-1313 art. 1; 16 CFR 310.4(c)).

Both kinds lean on :class:`~callfloor.core.schedule.calendar.Schedule`: the rule's weekly windows
in the callee's zone for ``calling_hours``, and every day open but the callee's public holidays
for ``no_public_holidays``. So "20:00" is 20:00 on the callee's clock whatever the DST offset,
an opening's end is closed (19:59 passes, 20:00 defers), and a deferral is the schedule's next
opening.

The decree names the holidays of C. trav. L3133-1 (the national list). The callee's
subdivision adds its local ones (Good Friday and 26 December in Alsace-Moselle, each overseas
department's abolition day): calling on them is not what the law forbids, but it is the
protective reading, and a local public holiday is a day off all the same.
"""

from datetime import datetime
from functools import lru_cache

from callfloor.core.compliance import InvalidFacts
from callfloor.core.compliance.model import AttemptFacts, Decision, Outcome, zone_info
from callfloor.core.compliance.rules import HoursParams, Rule
from callfloor.core.compliance.wording import hours_en, hours_fr, when_en, when_fr
from callfloor.core.schedule import InvalidSchedule
from callfloor.core.schedule.calendar import Schedule
from callfloor.core.schedule.hours import Opening
from callfloor.core.schedule.public_holidays import resolve

_WHOLE_DAY = (Opening(0, 24 * 60),)
Weekly = tuple[tuple[Opening, ...], ...]


def calling_hours(rule: Rule, facts: AttemptFacts, at: datetime) -> Decision:
    """Passed within the rule's weekly windows on the callee's clock, else deferred to the next."""
    params = rule.params
    if not isinstance(params, HoursParams):
        raise InvalidFacts(f"rule {rule.rule_id} has no hours")
    zone = facts.target.zone
    fr, en = hours_fr(params.weekly), hours_en(params.weekly)
    if _within(params.weekly, at.astimezone(zone_info(zone))):
        return Decision(
            rule.rule_id, Outcome.PASSED,
            f"{when_fr(at, zone)} : dans les heures autorisées ({fr})",
            f"{when_en(at, zone)}: within the allowed hours ({en})",
        )  # fmt: skip
    later = _hours_schedule(zone, params.weekly).next_open(at)
    if later is None:
        return Decision(rule.rule_id, Outcome.BLOCKED, "aucune heure autorisée", "no allowed hours at all")
    return Decision(
        rule.rule_id, Outcome.DEFERRED,
        f"{when_fr(at, zone)} : hors des heures autorisées ({fr}) ; possible dès {when_fr(later, zone)}",
        f"{when_en(at, zone)}: outside the allowed hours ({en}); possible from {when_en(later, zone)}",
        later,
    )  # fmt: skip


def no_public_holidays(rule: Rule, facts: AttemptFacts, at: datetime) -> Decision:
    """Passed unless the callee's local date is one of their public holidays; deferred to the day after."""
    target = facts.target
    schedule = _holiday_schedule(target.zone, target.country, target.subdivision)
    name = schedule.holiday(schedule.local(at).date())
    if name is None:
        return Decision(
            rule.rule_id, Outcome.PASSED,
            f"{when_fr(at, target.zone)} : pas un jour férié",
            f"{when_en(at, target.zone)}: not a public holiday",
        )  # fmt: skip
    later = schedule.next_open(at)
    if later is None:  # pragma: no cover - a year of holidays does not exist
        return Decision(rule.rule_id, Outcome.BLOCKED, "que des jours fériés", "nothing but holidays")
    return Decision(
        rule.rule_id, Outcome.DEFERRED,
        f"{when_fr(at, target.zone)} : jour férié ({name}) ; possible dès {when_fr(later, target.zone)}",
        f"{when_en(at, target.zone)}: a public holiday ({name}); possible from {when_en(later, target.zone)}",
        later,
    )  # fmt: skip


def _within(weekly: Weekly, local: datetime) -> bool:
    """Whether the wall clock ``local`` is in one of its weekday's openings (whole minutes, half-open).

    The same answer as the schedule's ``is_open``, without building the day's spans: the fast
    path of a dialer checking lead after lead during opening hours.
    """
    minute = local.hour * 60 + local.minute
    return any(o.opens <= minute < o.closes for o in weekly[local.weekday()])


@lru_cache(maxsize=512)
def _hours_schedule(zone: str, weekly: Weekly) -> Schedule:
    return Schedule(zone=zone_info(zone), weekly=weekly, holidays_close=False)


@lru_cache(maxsize=512)
def _holiday_schedule(zone: str, country: str, subdivision: str | None) -> Schedule:
    try:
        code, subdivision_code = resolve(country, subdivision)
    except InvalidSchedule as exc:
        raise InvalidFacts(f"the callee's public holidays: {exc}") from None
    every_day = (_WHOLE_DAY,) * 7
    return Schedule(zone=zone_info(zone), weekly=every_day, country=code, subdivision=subdivision_code)
