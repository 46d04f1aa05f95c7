"""``callfloor survey-results``: a campaign's survey figures, printed as a table or exported (CSV, XLSX).

The table is the export's ``results`` layout (:mod:`callfloor.outbound.survey_exports`) for the
campaign, so what is printed and what a spreadsheet opens say the same.
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from callfloor.center.apply_outbound import survey_spec
from callfloor.center.scripts import core_survey
from callfloor.cli.base import TenantOption, app, console, fail, tenant_id_of
from callfloor.cli.compliance import CampaignOption
from callfloor.core.config import Locale
from callfloor.core.scripts.survey import Survey
from callfloor.outbound import OutboundError
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.survey_exports import ALL_CAMPAIGNS, LAYOUTS, export_survey, result_table
from callfloor.outbound.survey_results import SurveyResponses
from callfloor.settings import Settings
from callfloor.storage.db import make_engine, session_factory
from callfloor.storage.migrate import upgrade
from callfloor.storage.models import Tenant
from callfloor.storage.scope import TenantScope

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


def _survey(session: Session, tenant_id: int, campaign: str) -> Survey:
    """The campaign's survey; fails when the campaign or its survey is unknown."""
    found = Campaigns(session, tenant_id).get(campaign)
    if found is None:
        fail([f"unknown campaign {campaign!r} / campagne inconnue {campaign!r}"])
    row = TenantScope(session, tenant_id).surveys.by_name(found.survey or "")
    if row is None:
        fail([f"campaign {campaign!r} has no survey / la campagne {campaign!r} n'a pas d'enquête"])
    return core_survey(survey_spec(row))


@app.command("survey-results")
def survey_results(
    campaign: CampaignOption,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the export to this .csv or .xlsx file.", dir_okay=False),
    ] = None,
    table: Annotated[
        str, typer.Option("--table", help="With --out: results, respondents or answers.")
    ] = "results",
    tenant: TenantOption = None,
) -> None:
    """Print a campaign's survey results (counts, percentages, mean, NPS), or export them with --out."""
    format_ = FORMATS.get(out.suffix.lower()) if out is not None else None
    if out is not None and format_ is None:
        fail([f"{out}: .csv or .xlsx / .csv ou .xlsx"])
    if table not in LAYOUTS:
        fail([f"--table: one of {', '.join(LAYOUTS)} / parmi {', '.join(LAYOUTS)}"])
    engine = make_engine(Settings().resolved_database_url)
    upgrade(engine)
    try:
        with session_factory(engine)() as session:
            tenant_id = tenant_id_of(session, tenant)
            survey = _survey(session, tenant_id, campaign)
            if out is None or format_ is None:
                _print(session, tenant_id, survey, campaign)
                return
            data = export_survey(session, tenant_id, survey, table, format_, campaign=campaign)
    except OutboundError as exc:
        fail([exc.en, exc.fr])
    finally:
        engine.dispose()
    out.write_bytes(data)
    console.print(f"{survey.name} {table} written to {out} / écrit dans {out}", highlight=False)


def _print(session: Session, tenant_id: int, survey: Survey, campaign: str) -> None:
    """The figures as the export's ``results`` layout, in the tenant's language."""
    report = SurveyResponses(session, tenant_id).results(survey, campaign=campaign)
    tenant = session.get(Tenant, tenant_id)
    locale = Locale.EN if tenant is not None and tenant.locale.startswith("en") else Locale.FR
    header, rows = result_table(survey, report, locale)
    respondents = report.total.respondents
    shown = Table(title=f"{survey.name} — {campaign}: {respondents} respondents / répondants")
    for name in header[1:]:
        shown.add_column(
            name, justify="right" if name in ("answered", "count", "percent", "value") else "left"
        )
    for row in rows:
        if row[0] == ALL_CAMPAIGNS:  # the campaign's own rows repeat the total
            shown.add_row(*row[1:])
    console.print(shown)
    if report.ignored:
        console.print(f"{report.ignored} answers left out (the survey changed) / réponses écartées")
