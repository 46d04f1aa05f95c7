"""The client portal: the reports of a tenant's campaigns and queues, for its client viewers.

The outsourcing client (role ``client_viewer``) sees only its own tenant's campaigns and queues,
and supervisors and admins open the same pages. Figures come from the packages that compute
them for the API (:func:`callfloor.outbound.results.campaign_results`, the survey results,
:func:`callfloor.reports.queue_kpis.queue_kpis`, the CSAT); a campaign or a queue of another
tenant is the 404 page, as an absent one is. A queue's recordings are listed to those the API
lets listen (``/api/recordings``: supervisors and admins), the player reading the API's audio.

A queue's report shows its agents' figures (:mod:`callfloor.reports.queue_agents`) and exports
its days, half hours or agents (``/portal/queues/{name}/export``, CSV for French Excel or XLSX,
:mod:`callfloor.reports.queue_export`). Agents are personal data of the center, not of its
client: supervisors and admins see them by name and extension; client viewers see their figures
by extension only, the pseudonymous label the campaign report's agent lines and the recordings
list already show them, and no tenant setting adds the names (``client_viewer_personal_data``
opens the *callers'* data, the customer file and the recordings, not the agents').
"""

from datetime import datetime, timedelta
from typing import Annotated, Final
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from callfloor.api.routes.imports import FileFormat
from callfloor.core.config import ServiceLevelDefinition
from callfloor.core.roles import OBSERVE, REPORTS
from callfloor.crm.exports import CONTENT_TYPES
from callfloor.crm.surveys import SurveyAnswers
from callfloor.crm.ticket_files import safe_name
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.results import campaign_results
from callfloor.outbound.survey_exports import sheet
from callfloor.reports import PeriodError
from callfloor.reports.queue_export import Layout, queue_table
from callfloor.reports.queue_kpis import QueueKpis, period_bounds, queue_kpis
from callfloor.reports.recordings import may_listen, queue_recordings
from callfloor.storage.models import Queue, Tenant
from callfloor.storage.scope import TenantScope
from callfloor.web.access import Viewer, not_found, viewer
from callfloor.web.i18n import language
from callfloor.web.nav import N_
from callfloor.web.periods import Period, bad_period
from callfloor.web.portal_survey import survey_figures
from callfloor.web.render import DEFAULT_ZONE, page

router = APIRouter(include_in_schema=False)
Reader = Annotated[Viewer, Depends(viewer(REPORTS))]
From = Annotated[str | None, Query(alias="from")]
To = Annotated[str | None, Query(alias="to")]
#: A queue report's period when none is asked: the last seven days, today included.
DEFAULT_DAYS: Final = 7

LEAD_LABELS: Final = {
    "untouched": N_("Not called yet"),
    "in_progress": N_("Being called"),
    "scheduled": N_("Next attempt scheduled"),
    "callback": N_("Callback set"),
    "done": N_("Done"),
    "exhausted": N_("Attempts exhausted"),
}
DEFINITIONS: Final = {
    ServiceLevelDefinition.OFFERED: N_("answered within T over offered"),
    ServiceLevelDefinition.ANSWERED: N_("answered within T over answered"),
    ServiceLevelDefinition.EXCLUDE_SHORT: N_("answered within T over offered less short abandons"),
    ServiceLevelDefinition.EXCLUDE_ABANDONED_T: N_("answered within T over offered less abandons within T"),
    ServiceLevelDefinition.ABANDON_POSITIVE: N_("answered or abandoned within T over offered"),
}


def _zone(who: Viewer) -> ZoneInfo:
    tenant = who.session.get(Tenant, who.tenant_id)
    return ZoneInfo(tenant.timezone if tenant is not None else DEFAULT_ZONE)


@router.get("/portal")
def portal(request: Request, who: Reader) -> HTMLResponse:
    """The tenant's campaigns and queues, each with a link to its report."""
    campaigns = Campaigns(who.session, who.tenant_id).repository.ordered()
    queues = sorted(TenantScope(who.session, who.tenant_id).queues.list(), key=lambda q: q.name)
    return page(
        request, "portal/index.html", user=who.user, session=who.session, campaigns=campaigns, queues=queues
    )


@router.get("/portal/campaigns/{name}")
def campaign_report(
    request: Request, who: Reader, name: str, from_: From = None, to: To = None
) -> HTMLResponse:
    """A campaign's results (attempts of the period, leads as of now) and its survey's."""
    campaign = Campaigns(who.session, who.tenant_id).get(name)
    if campaign is None:
        raise not_found()
    period = Period.of(from_, to, _zone(who))
    results = campaign_results(who.session, campaign, period.since, period.until)
    locale = language(request, who.user, who.session.get(Tenant, who.tenant_id))
    survey = survey_figures(who.session, campaign, locale, period.since, period.until)
    return page(
        request, "portal/campaign.html", user=who.user, session=who.session, campaign=campaign,
        period=period, results=results, survey=survey, lead_labels=LEAD_LABELS,
    )  # fmt: skip


def agent_names(who: Viewer) -> dict[str, str] | None:
    """The agents' names by extension for supervisors and admins; None for client viewers, who
    see agents by extension only (see the module's docstring)."""
    if who.role not in OBSERVE:
        return None
    agents = TenantScope(who.session, who.tenant_id).agents.list()
    return {agent.extension: agent.user.name for agent in agents}


def _queue_figures(
    who: Viewer, name: str, from_: str | None, to: str | None
) -> tuple[Queue, QueueKpis, ZoneInfo]:
    """The queue (404 if not the viewer's tenant's), its report over the period asked (by default
    the last :data:`DEFAULT_DAYS` days) and the tenant's zone."""
    queue = TenantScope(who.session, who.tenant_id).queues.by_name(name)
    if queue is None:
        raise not_found()
    zone = _zone(who)
    asked = Period.of(from_, to, zone)
    last = asked.last or datetime.now(zone).date()
    first = asked.first or last - timedelta(days=DEFAULT_DAYS - 1)
    try:
        return queue, queue_kpis(who.session, queue, first, last, zone), zone
    except PeriodError:
        raise bad_period() from None


@router.get("/portal/queues/{name}")
def queue_report(request: Request, who: Reader, name: str, from_: From = None, to: To = None) -> HTMLResponse:
    """A queue's KPIs per day over the period, its agents, its CSAT, the recordings the viewer may hear."""
    queue, report, zone = _queue_figures(who, name, from_, to)
    since, until = period_bounds(report.first, report.last, zone)  # the report's own bounds
    csat = SurveyAnswers(who.session, who.tenant_id).csat(since, until, queue=queue.name).total
    listens = may_listen(who.session, who.tenant_id, who.role)
    recordings = queue_recordings(who.session, queue, since, until) if listens else None
    return page(
        request, "portal/queue.html", user=who.user, session=who.session, queue=queue,
        period=Period(report.first, report.last, zone), report=report, csat=csat, recordings=recordings,
        definition=DEFINITIONS[ServiceLevelDefinition(queue.service_level_definition)],
        names=agent_names(who), layouts=Layout,
    )  # fmt: skip


@router.get("/portal/queues/{name}/export")
def queue_export(
    who: Reader,
    name: str,
    from_: From = None,
    to: To = None,
    *,
    table: Layout = Layout.DAYS,
    format_: Annotated[FileFormat, Query(alias="format")] = FileFormat.CSV,
) -> Response:
    """The queue's report as a file: its days, half hours or agents; CSV (``;``, UTF-8 with BOM) or XLSX."""
    queue, report, _ = _queue_figures(who, name, from_, to)
    data = sheet(queue_table(report, table, agent_names(who)), format_.value, f"{queue.name} {table.value}")
    filename = safe_name(f"{queue.name}-{report.first}-{report.last}-{table.value}.{format_.value}")
    return Response(
        data, media_type=CONTENT_TYPES[format_.value],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )  # fmt: skip
