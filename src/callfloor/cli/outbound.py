"""``callfloor import-list``, ``import-dnc`` and ``import-consents``: outbound files, CSV or XLSX;
``callfloor quote-followup``: a relance de devis's leads taken from the CRM's quotes."""

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from callfloor.cli.base import (
    MAX_REFUSALS_SHOWN,
    TenantOption,
    app,
    console,
    fail,
    print_refusals,
    tenant_id_of,
)
from callfloor.crm.sheets import SheetError
from callfloor.outbound import OutboundError, values
from callfloor.outbound.consents import PhoneConsents
from callfloor.outbound.dnc import SOURCES, DncRegister
from callfloor.outbound.importing import ImportReport
from callfloor.outbound.lists import ListImporter
from callfloor.outbound.mapping import parse_map
from callfloor.outbound.quote_targets import QuoteTargets, QuoteTargetsReport
from callfloor.outbound.values import CellError
from callfloor.settings import Settings
from callfloor.storage.db import make_engine, session_factory
from callfloor.storage.migrate import upgrade
from callfloor.storage.repositories import audit

FileArg = Annotated[
    Path,
    typer.Argument(help="CSV (UTF-8 or Windows-1252; ; , or tab) or XLSX file.", exists=True, dir_okay=False),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", help="field=Column[,field=Column…]: the column holding each field (repeatable)."),
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Report without writing.")]
Run = Callable[[Session, int, Callable[[int, int], None]], ImportReport]


def _run(file: Path, tenant: str | None, action: str, run: Run) -> ImportReport:
    """Read the file, run the import in one transaction with a progress bar, audit it."""
    engine = make_engine(Settings().resolved_database_url)
    upgrade(engine)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with (
            session_factory(engine).begin() as session,
            Progress(*columns, console=console, transient=True) as bar,
        ):
            tenant_id = tenant_id_of(session, tenant)
            task = bar.add_task(file.name, total=None)
            report = run(
                session, tenant_id, lambda done, total: bar.update(task, completed=done, total=total)
            )
            if not report.dry_run:
                audit(session, action, tenant_id=tenant_id, target=file.name[:200],
                      details={"created": report.created, "updated": report.updated,
                               "refused": len(report.refused)})  # fmt: skip
    except (SheetError, OutboundError) as exc:
        fail([f"{file}: {exc.en}", f"{file} : {exc.fr}"])
    finally:
        engine.dispose()
    return report


def _mapping(entries: list[str] | None) -> dict[str, str] | None:
    try:
        return parse_map(",".join(entries)) if entries else None
    except OutboundError as exc:
        fail([exc.en, exc.fr])


def _summary(report: ImportReport, title: str) -> None:
    heading = "Dry run: nothing written / Essai : rien n'est écrit" if report.dry_run else "Import"
    table = Table(title=f"{heading} — {title}")
    names = ("created / créés", "updated / modifiés", "unchanged / inchangés", "merged / fusionnés",
             "refused / refusés")  # fmt: skip
    for name in names:
        table.add_column(name, justify="right")
    counts = (report.created, report.updated, report.unchanged, report.merged, len(report.refused))
    table.add_row(*(str(n) for n in counts))
    console.print(table)
    if report.columns:
        used = ", ".join(f"{field} ← {column}" for field, column in report.columns.items())
        console.print(f"Columns / colonnes: {used}", highlight=False)
    if report.ignored_columns:
        console.print(
            f"Ignored columns / colonnes ignorées: {', '.join(report.ignored_columns)}", highlight=False
        )
    if report.refused:
        print_refusals(report.refused)


@app.command("import-list")
def import_list(
    file: FileArg,
    *,
    campaign: Annotated[str, typer.Option("--campaign", help="The campaign's name.")],
    map_: MapOption = None,
    tenant: TenantOption = None,
    list_name: Annotated[str | None, typer.Option("--list-name", help="Default: the file's name.")] = None,
    dry_run: DryRunOption = False,
) -> None:
    """Import a campaign's contact list: numbers E.164, duplicates merged, bad lines listed."""
    mapping = _mapping(map_)
    data = file.read_bytes()

    def run(session: Session, tenant_id: int, progress: Callable[[int, int], None]) -> ImportReport:
        importer = ListImporter(session, tenant_id, campaign)
        return importer.run(data, file.name, mapping, list_name=list_name, dry_run=dry_run, progress=progress)

    _summary(_run(file, tenant, "import.leads", run), f"{campaign} / {list_name or file.name}")


@app.command("import-dnc")
def import_dnc(
    file: FileArg,
    *,
    map_: MapOption = None,
    tenant: TenantOption = None,
    source: Annotated[str, typer.Option("--source", help=f"One of {', '.join(SOURCES)}.")] = "import",
    dry_run: DryRunOption = False,
) -> None:
    """Import numbers not to call (liste d'opposition, Bloctel, the US registry)."""
    mapping = _mapping(map_)
    data = file.read_bytes()

    def run(session: Session, tenant_id: int, progress: Callable[[int, int], None]) -> ImportReport:
        register = DncRegister(session, tenant_id)
        return register.import_file(
            data, file.name, mapping, source=source, dry_run=dry_run, progress=progress
        )

    _summary(_run(file, tenant, "import.dnc", run), f"do not call / opposition ({source})")


@app.command("import-consents")
def import_consents(
    file: FileArg,
    *,
    map_: MapOption = None,
    tenant: TenantOption = None,
    purpose: Annotated[
        str, typer.Option("--purpose", help="Purpose of rows without one (prospecting…).")
    ] = "prospecting",
    dry_run: DryRunOption = False,
) -> None:
    """Import consents to phone canvassing with their proof (loi 2025-594 art. 13)."""
    mapping = _mapping(map_)
    data = file.read_bytes()

    def run(session: Session, tenant_id: int, progress: Callable[[int, int], None]) -> ImportReport:
        consents = PhoneConsents(session, tenant_id)
        return consents.import_file(
            data, file.name, mapping, purpose=purpose, dry_run=dry_run, progress=progress
        )

    _summary(_run(file, tenant, "import.consents", run), f"consents / consentements ({purpose})")


_DAYS = re.compile(r"(\d+)\s*([dwj]?)")  # days (jours) or weeks; retry_config's parse_delay has no weeks


def _days(text: str, option: str) -> int:
    """Days from ``7d``, ``7`` (days) or ``2w`` (weeks)."""
    found = _DAYS.fullmatch(text.strip().lower())
    if found is None:
        fail([f"{option}: {text!r} is not an age such as 7d, 7 or 2w",
              f"{option} : {text!r} n'est pas un âge comme 7d, 7 ou 2w"])  # fmt: skip
    number, unit = found.groups()
    return int(number) * (7 if unit == "w" else 1)


def _quote_report(report: QuoteTargetsReport) -> None:
    heading = "Dry run: nothing written / Essai : rien n'est écrit" if report.dry_run else "Quote follow-up"
    table = Table(title=f"{heading} — {report.campaign}")
    counts = {"created / créés": report.created, "refreshed / mis à jour": report.refreshed,
              "unchanged / inchangés": report.unchanged, "closed / clos": report.closed,
              "merged / fusionnés": len(report.merged), "skipped / écartés": len(report.skipped)}  # fmt: skip
    for name in counts:
        table.add_column(name, justify="right")
    table.add_row(*(str(n) for n in counts.values()))
    console.print(table)
    if report.skipped:
        skipped = Table(title="Skipped quotes / devis écartés")
        for column in ("quote / devis", "reason", "motif"):
            skipped.add_column(column)
        for row in report.skipped[:MAX_REFUSALS_SHOWN]:
            skipped.add_row(row.quote, row.en, row.fr)
        console.print(skipped)
    if report.merged:
        merged = ", ".join(f"{m.quote} → {m.into}" for m in report.merged[:MAX_REFUSALS_SHOWN])
        console.print(f"Merged (same number) / fusionnés (même numéro) : {merged}", highlight=False)


@app.command("quote-followup")
def quote_followup(
    *,
    campaign: Annotated[str, typer.Option("--campaign", help="The quote follow-up campaign's name.")],
    min_age: Annotated[str, typer.Option("--min-age", help="Sent at least this long ago: 7d, 7, 2w.")],
    max_age: Annotated[str | None, typer.Option("--max-age", help="Sent at most this long ago.")] = None,
    min_amount: Annotated[str | None, typer.Option("--min-amount", help="Least amount incl. VAT.")] = None,
    tenant: TenantOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Feed a relance de devis from the CRM: sent quotes unanswered, one lead per quote."""
    least = _days(min_age, "--min-age")
    most = _days(max_age, "--max-age") if max_age is not None else None
    try:
        amount = Decimal(values.amount(min_amount, "min_amount") or 0) if min_amount is not None else None
    except CellError as exc:
        fail([f"--min-amount: {exc.en}", f"--min-amount : {exc.fr}"])
    engine = make_engine(Settings().resolved_database_url)
    upgrade(engine)
    try:
        with session_factory(engine).begin() as session:
            tenant_id = tenant_id_of(session, tenant)
            targets = QuoteTargets(session, tenant_id)
            report = targets.run(campaign, min_age=least, max_age=most, min_amount=amount, dry_run=dry_run)
            if not dry_run:
                audit(session, "campaign.quote_targets", tenant_id=tenant_id, target=campaign[:200],
                      details=report.counts())  # fmt: skip
    except OutboundError as exc:
        fail([exc.en, exc.fr])
    finally:
        engine.dispose()
    _quote_report(report)
