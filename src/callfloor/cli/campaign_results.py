"""``callfloor campaign-results``: a campaign's list progress, calls, drops and conversions.

The same figures as ``GET /api/campaigns/{campaign}/results``
(:mod:`callfloor.outbound.results`), printed as tables: the summary, the progress of each
list, the dispositions given and each agent's contacts and conversions.
"""

from typing import Annotated

import typer
from rich.table import Table

from callfloor.cli.base import TenantOption, app, console, fail, instant, tenant_id_of
from callfloor.cli.compliance import CampaignOption
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.results import CampaignResults, campaign_results
from callfloor.settings import Settings
from callfloor.storage.db import make_engine, session_factory
from callfloor.storage.migrate import upgrade
from callfloor.storage.outbound import LEAD_STATUSES


@app.command("campaign-results")
def results(
    campaign: CampaignOption,
    since: Annotated[str | None, typer.Option("--from", help="ISO date-time with offset.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="ISO date-time with offset.")] = None,
    tenant: TenantOption = None,
) -> None:
    """Print a campaign's results: list progress, dialed, contacts, drops, conversions, per agent."""
    start, end = instant(since, "--from"), instant(until, "--to")
    if start is not None and end is not None and end <= start:
        fail(["--to must come after --from / --to doit suivre --from"])
    engine = make_engine(Settings().resolved_database_url)
    upgrade(engine)
    try:
        with session_factory(engine)() as session:
            found = Campaigns(session, tenant_id_of(session, tenant)).get(campaign)
            if found is None:
                fail([f"unknown campaign {campaign!r} / campagne inconnue {campaign!r}"])
            _print(campaign_results(session, found, start, end))
    finally:
        engine.dispose()


def _percent(rate: float) -> str:
    return f"{100 * rate:.1f} %"


def _print(results: CampaignResults) -> None:
    summary = Table(title=f"{results.campaign}: results / résultats", show_header=False)
    summary.add_column("figure")
    summary.add_column("value", justify="right")
    rows = [
        ("dialed / appels passés", str(results.dialed)),
        ("blocked by a rule / refusés par une règle", str(results.blocked)),
        ("contacts / contacts argumentés", str(results.contacts)),
        ("drops / appels abandonnés (règle des 2 s)", str(results.drops)),
        ("drop rate / taux d'abandon", _percent(results.drop_rate)),
        ("conversions", str(results.conversions)),
        ("conversion rate / taux de transformation", _percent(results.conversion_rate)),
    ]
    rows += [(f"outcome / issue: {o}", str(n)) for o, n in results.outcomes.items() if n]
    for row in rows:
        summary.add_row(*row)
    console.print(summary)

    progress = Table(title="lists / listes")
    progress.add_column("list / liste")
    for status in LEAD_STATUSES:
        progress.add_column(status, justify="right")
    progress.add_column("total", justify="right")
    for item in results.lists:
        progress.add_row(item.name, *(str(item.leads[s]) for s in LEAD_STATUSES), str(item.total))
    progress.add_row(
        "all / toutes", *(str(results.leads[s]) for s in LEAD_STATUSES), str(sum(results.leads.values()))
    )
    console.print(progress)

    if results.dispositions:
        codes = Table(title="dispositions / qualifications")
        codes.add_column("code")
        codes.add_column("calls / appels", justify="right")
        codes.add_column("success / succès")
        for code, n in results.dispositions.items():
            codes.add_row(code, str(n), "✓" if code in results.success else "")
        console.print(codes)

    if results.agents:
        agents = Table(title="agents")
        for name in ("agent", "contacts", "conversions", "conversion rate / taux", "connected / en ligne"):
            agents.add_column(name, justify="left" if name == "agent" else "right")
        for a in results.agents:
            rate = a.conversions / a.contacts if a.contacts else 0.0
            agents.add_row(
                a.agent, str(a.contacts), str(a.conversions), _percent(rate), f"{a.connected_s / 60:.1f} min"
            )
        console.print(agents)
