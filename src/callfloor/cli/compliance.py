"""``callfloor compliance check`` and ``compliance audit``: who may be called, and when; what was."""

import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from callfloor.cli.base import TenantOption, app, console, fail, instant, tenant_id_of
from callfloor.crm.sheets import write_csv, write_xlsx
from callfloor.outbound import UnknownCampaignError
from callfloor.outbound.audit import HEADER, audit_rows
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.compliance import CampaignCompliance, Checked
from callfloor.settings import Settings
from callfloor.storage.db import make_engine, session_factory
from callfloor.storage.migrate import upgrade
from callfloor.storage.models import Tenant
from callfloor.storage.outbound import Campaign

compliance_app = typer.Typer(
    help="Which leads may be called now, later or never, and why.", no_args_is_help=True
)
app.add_typer(compliance_app, name="compliance")

CampaignOption = Annotated[str, typer.Option("--campaign", help="The campaign's name.")]
MAX_SHOWN = 50


def _verdict(checked: Checked, zone: ZoneInfo) -> tuple[str, str]:
    """The lead's column ("now", "later: when", "never") and the reasons that keep it waiting."""
    verdict = checked.verdict
    if verdict.allowed:
        return "now / maintenant", ""
    blocking = verdict.blocking or tuple(d for d in verdict.later if not d.outcome.allows)
    reasons = "; ".join(f"{d.reason_en} / {d.reason_fr} [{d.rule_id}]" for d in blocking)
    if verdict.not_before is None:
        return "never / jamais", reasons
    return f"later / plus tard: {verdict.not_before.astimezone(zone):%Y-%m-%d %H:%M}", reasons


def _kind(checked: Checked) -> str:
    if checked.verdict.allowed:
        return "now"
    return "never" if checked.verdict.not_before is None else "later"


@compliance_app.command("check")
def check(
    campaign: CampaignOption,
    tenant: TenantOption = None,
    at: Annotated[str | None, typer.Option("--at", help="ISO date-time with offset (default: now).")] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="One JSON object per lead, one per line.")
    ] = False,
) -> None:
    """Say which of a campaign's leads are callable now, which later (from when) and which never, and why."""
    now = instant(at, "--at") or datetime.now().astimezone()
    engine = make_engine(Settings().resolved_database_url)
    upgrade(engine)
    try:
        with session_factory(engine)() as session:
            tenant_id = tenant_id_of(session, tenant)
            found = _campaign(session, tenant_id, campaign)
            compliance = CampaignCompliance(session, found)
            checked = compliance.check(compliance.pending(), now)
            zone = ZoneInfo(_zone(session, tenant_id))
            if json_output:
                _json(checked)
            else:
                _table(checked, zone, campaign, now)
    finally:
        engine.dispose()


def _campaign(session: Session, tenant_id: int, name: str) -> Campaign:
    try:
        return Campaigns(session, tenant_id).require(name)
    except UnknownCampaignError as exc:
        fail([exc.en, exc.fr])


def _zone(session: Session, tenant_id: int) -> str:
    tenant = session.get(Tenant, tenant_id)
    return tenant.timezone if tenant else "UTC"


def _json(checked: list[Checked]) -> None:
    for item in checked:
        verdict = item.verdict
        line = {
            "lead": item.lead.id, "number": item.lead.phone, "verdict": _kind(item),
            "not_before": verdict.not_before.isoformat() if verdict.not_before else None,
            "decisions": [
                {"rule": d.rule_id, "outcome": d.outcome.value, "en": d.reason_en, "fr": d.reason_fr}
                for d in (verdict.decisions if verdict.allowed else verdict.later or verdict.decisions)
            ],
        }  # fmt: skip
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


def _table(checked: list[Checked], zone: ZoneInfo, campaign: str, now: datetime) -> None:
    counts = Counter(_kind(item) for item in checked)
    console.print(
        f"{campaign} at {now.astimezone(zone):%Y-%m-%d %H:%M %Z}: {counts['now']} callable now / appelables"
        f" maintenant, {counts['later']} later / plus tard, {counts['never']} never / jamais",
        highlight=False,
    )
    table = Table(title=f"Leads / Contacts ({min(len(checked), MAX_SHOWN)} of {len(checked)})")
    for column in ("lead", "number", "name", "verdict", "why / pourquoi"):
        table.add_column(column)
    ordered = sorted(checked, key=lambda item: ("now", "later", "never").index(_kind(item)), reverse=True)
    for item in ordered[:MAX_SHOWN]:
        lead = item.lead
        table.add_row(
            str(lead.id), lead.phone, f"{lead.first_name} {lead.last_name}".strip(), *_verdict(item, zone)
        )
    console.print(table)


@compliance_app.command("audit")
def audit(
    campaign: CampaignOption,
    out: Annotated[Path, typer.Option("--out", help="The file to write: .csv or .xlsx.", dir_okay=False)],
    tenant: TenantOption = None,
    since: Annotated[str | None, typer.Option("--from", help="ISO date-time with offset.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="ISO date-time with offset (excluded).")] = None,
) -> None:
    """Export every attempt of a campaign with the rules applied to it (CSV or XLSX)."""
    if out.suffix.lower() not in (".csv", ".xlsx"):
        fail([f"{out}: .csv or .xlsx / .csv ou .xlsx"])
    start, end = instant(since, "--from"), instant(until, "--to")
    engine = make_engine(Settings().resolved_database_url)
    upgrade(engine)
    try:
        with session_factory(engine)() as session:
            found = _campaign(session, tenant_id_of(session, tenant), campaign)
            rows = list(audit_rows(session, found, start, end))
    finally:
        engine.dispose()
    data = write_csv(HEADER, rows) if out.suffix.lower() == ".csv" else write_xlsx(HEADER, rows, "audit")
    out.write_bytes(data)
    console.print(f"{len(rows)} attempts written to {out} / tentatives écrites", highlight=False)
