"""A schedule from plain data (what a tenant's YAML holds), and back; errors name the field.

::

    timezone: Europe/Paris          # IANA; required
    country: FR                     # public holidays; optional
    subdivision: Alsace-Moselle     # a code (57) or a name; optional
    holidays_close: true            # the default
    weekly:                         # missing days are closed
      mon: ["09:00-12:30", "13:30-18:00"]
      sat: ["09:00-12:00"]
    closures: ["2026-12-24"]        # whole days
    special:                        # that day's hours replace the week's
      "2026-12-31": ["09:00-12:00"]

:func:`schedule_data` writes a schedule in this form, with codes and three-letter weekdays, so
that ``parse_schedule(schedule_data(s)) == s``.
"""

from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callfloor.core.schedule import InvalidSchedule
from callfloor.core.schedule.calendar import Schedule
from callfloor.core.schedule.hours import WEEKDAYS, Opening, parse_opening
from callfloor.core.schedule.public_holidays import resolve

KEYS = ("timezone", "country", "subdivision", "holidays_close", "weekly", "closures", "special")
FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_INDEX = {name: i for names in (WEEKDAYS, FULL_WEEKDAYS) for i, name in enumerate(names)}


def parse_schedule(data: object) -> Schedule:
    """The :class:`Schedule` ``data`` describes, or :class:`InvalidSchedule` naming the field."""
    fields = _mapping(data, "schedule")
    unknown = sorted(str(key) for key in fields if key not in KEYS)
    if unknown:
        raise InvalidSchedule(unknown[0], f"unknown field; the fields are {', '.join(KEYS)}")
    country, subdivision = _country(fields.get("country"), fields.get("subdivision"))
    return Schedule(
        zone=_zone(fields.get("timezone")),
        weekly=_weekly(fields.get("weekly", {})),
        country=country,
        subdivision=subdivision,
        holidays_close=_flag(fields.get("holidays_close", True), "holidays_close"),
        closures=frozenset(_date(d, f"closures[{i}]") for i, d in enumerate(_list(fields, "closures"))),
        special=_special(fields.get("special", {})),
    )


def schedule_data(schedule: Schedule) -> dict[str, object]:
    """``schedule`` as plain data :func:`parse_schedule` reads back (closed weekdays left out)."""
    data: dict[str, object] = {"timezone": schedule.zone.key}
    if schedule.country is not None:
        data["country"] = schedule.country
    if schedule.subdivision is not None:
        data["subdivision"] = schedule.subdivision
    data["holidays_close"] = schedule.holidays_close
    data["weekly"] = {name: _texts(day) for name, day in zip(WEEKDAYS, schedule.weekly, strict=True) if day}
    data["closures"] = [day.isoformat() for day in sorted(schedule.closures)]
    data["special"] = {day.isoformat(): _texts(schedule.special[day]) for day in sorted(schedule.special)}
    return data


def _texts(openings: tuple[Opening, ...]) -> list[str]:
    return [str(opening) for opening in openings]


def _zone(key: object) -> ZoneInfo:
    if key is None:
        raise InvalidSchedule("timezone", "required: an IANA time zone such as 'Europe/Paris'")
    if not isinstance(key, str):
        raise InvalidSchedule("timezone", f"{key!r} is not a time zone name")
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidSchedule("timezone", f"{key!r} is not an IANA time zone (e.g. 'Europe/Paris')") from None


def _country(country: object, subdivision: object) -> tuple[str | None, str | None]:
    if subdivision is not None and not isinstance(subdivision, str):
        raise InvalidSchedule("subdivision", f"{subdivision!r} is not a subdivision name or code")
    if country is None:
        if subdivision is not None:
            raise InvalidSchedule("subdivision", "a subdivision needs its country")
        return None, None
    if not isinstance(country, str):
        raise InvalidSchedule("country", f"{country!r} is not a country code such as 'FR'")
    return resolve(country, subdivision)


def _weekly(data: object) -> tuple[tuple[Opening, ...], ...]:
    days: list[tuple[Opening, ...] | None] = [None] * len(WEEKDAYS)
    for key, value in _mapping(data, "weekly").items():
        index = _WEEKDAY_INDEX.get(str(key).strip().lower())
        if index is None:
            raise InvalidSchedule(f"weekly.{key}", "unknown weekday; use mon, tue, wed, thu, fri, sat, sun")
        if days[index] is not None:
            raise InvalidSchedule(f"weekly.{key}", f"{WEEKDAYS[index]} is given twice")
        days[index] = _openings(value, f"weekly.{WEEKDAYS[index]}")
    return tuple(day or () for day in days)


def _special(data: object) -> Mapping[date, tuple[Opening, ...]]:
    special: dict[date, tuple[Opening, ...]] = {}
    for key, value in _mapping(data, "special").items():
        day = _date(key, f"special.{key}")
        if day in special:
            raise InvalidSchedule(f"special.{key}", f"{day} is given twice")
        special[day] = _openings(value, f"special.{day}")
    return MappingProxyType(special)


def _openings(value: object, where: str) -> tuple[Opening, ...]:
    """A day's intervals: a list of ``"HH:MM-HH:MM"`` (or one such string)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise InvalidSchedule(where, f"{value!r} is not a list of intervals like '09:00-12:30'")
    return tuple(parse_opening(item, f"{where}[{i}]") for i, item in enumerate(items))


def _date(value: object, where: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # YAML reads an unquoted 2026-12-24 as a date
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # said below, with the field
    raise InvalidSchedule(where, f"{value!r} is not a date like '2026-12-24'")


def _mapping(value: object, where: str) -> Mapping[object, object]:
    if not isinstance(value, Mapping):
        raise InvalidSchedule(where, f"expected a mapping, not {type(value).__name__}")
    return value


def _list(fields: Mapping[object, object], key: str) -> list[object] | tuple[object, ...]:
    value = fields.get(key, [])
    if not isinstance(value, list | tuple):
        raise InvalidSchedule(key, f"expected a list, not {type(value).__name__}")
    return value


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidSchedule(where, f"{value!r} is not true or false")
    return value
