"""``/admin/schedule``: the tenant's business hours as a form: weekly hours, closures, special days.

Each weekday has its opening ranges (several a day: a lunch break is two ranges); the tenant's
own closures and special days are picked with date pickers; the country's public holidays of
the coming twelve months are shown as the ``holidays`` package has them (the center is closed
on them unless "closed on public holidays" is unticked or a special day opens it). The browser
asks ``POST /admin/schedule/check`` where a problem stands (the very parser the API uses says
``weekly.mon[1]``, ``closures[0]``…) and then writes ``/api/schedule``
(``static/admin_forms.js``), so the API's role, tenant, audit and its other checks apply.
"""

from datetime import date, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale as BabelLocale
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from callfloor.api.routes.schedule import ScheduleIn
from callfloor.core.config import Locale
from callfloor.core.schedule import InvalidSchedule
from callfloor.core.schedule.config import parse_schedule, schedule_data
from callfloor.core.schedule.public_holidays import holidays_of_year, resolve, supported_countries
from callfloor.crm.sla import schedule_of
from callfloor.storage.scope import TenantScope
from callfloor.storage.types import utcnow
from callfloor.web.admin.base import Admin, fragment, language_of
from callfloor.web.formats import Formats
from callfloor.web.nav import N_
from callfloor.web.render import page

router = APIRouter(include_in_schema=False)
DAYS = (
    ("mon", N_("Monday")), ("tue", N_("Tuesday")), ("wed", N_("Wednesday")), ("thu", N_("Thursday")),
    ("fri", N_("Friday")), ("sat", N_("Saturday")), ("sun", N_("Sunday")),
)  # fmt: skip
TEXTS = {
    "saved": N_("Saved."),
    "closed": N_("Closed"),
    "opens": N_("Opens"),
    "closes": N_("Closes"),
    "remove_range": N_("Remove the range"),
    "remove_day": N_("Remove the day"),
}


@router.get("/admin/schedule")
def schedule_page(request: Request, who: Admin) -> HTMLResponse:
    """The form, filled with the tenant's hours (or the default ones), and the coming holidays."""
    scope = TenantScope(who.session, who.tenant_id)
    schedule = schedule_of(scope)
    data = schedule_data(schedule)
    lang = language_of(request, who)
    subdivisions = supported_countries().get(schedule.country or "", ())
    return page(
        request, "admin/schedule_form.html", user=who.user, session=who.session, data=data, days=DAYS,
        zones=sorted(available_timezones()), countries=countries(lang), subdivisions=subdivisions,
        default=scope.schedule.data() is None,
        holidays=_holidays(lang, schedule.zone, schedule.country, schedule.subdivision), texts=TEXTS,
    )  # fmt: skip


@router.post("/admin/schedule/check")
def check(who: Admin, body: ScheduleIn) -> dict[str, Any]:
    """Where the schedule the form holds is wrong, as the parser of ``PUT /api/schedule`` says it."""
    data = body.model_dump(mode="json", exclude_none=True)
    try:
        parse_schedule(data)
    except InvalidSchedule as exc:
        return {"problems": [{"path": exc.field, "message": exc.message}]}
    return {"problems": []}


@router.get("/admin/schedule/holidays")
def public_holidays(
    request: Request,
    who: Admin,
    country: Annotated[str, Query(max_length=2)],
    subdivision: Annotated[str, Query(max_length=40)] = "",
    timezone: Annotated[str, Query(max_length=64)] = "UTC",
) -> dict[str, Any]:
    """The public holidays of the coming twelve months, as a list to show, and the subdivisions."""
    lang = language_of(request, who)
    try:
        code, sub = resolve(country, subdivision.strip() or None)
    except InvalidSchedule as exc:
        return {"html": "", "subdivisions": [], "problem": {"path": exc.field, "message": exc.message}}
    zone = ZoneInfo(timezone) if timezone in available_timezones() else ZoneInfo("UTC")
    return {"html": _holidays(lang, zone, code, sub), "subdivisions": list(supported_countries()[code])}


def countries(lang: Locale) -> list[tuple[str, str]]:
    """The countries the ``holidays`` package knows, with their names in ``lang``, by name."""
    names = BabelLocale.parse(lang.value).territories
    return sorted(((code, names.get(code, code)) for code in supported_countries()), key=lambda c: c[1])


def upcoming(country: str, subdivision: str | None, today: date) -> list[tuple[date, str]]:
    """The public holidays from ``today`` to a year later."""
    end = today + timedelta(days=365)
    found = {
        **holidays_of_year(country, subdivision, today.year),
        **holidays_of_year(country, subdivision, end.year),
    }
    return sorted((day, name) for day, name in found.items() if today <= day < end)


def _holidays(lang: Locale, zone: ZoneInfo, country: str | None, subdivision: str | None) -> str:
    today = utcnow().astimezone(zone).date()
    days = upcoming(country, subdivision, today) if country else []
    return fragment("admin/_holidays.html", lang, days=days, fmt=Formats(lang, zone), country=country)
