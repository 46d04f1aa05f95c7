"""``callfloor import-list``, ``import-dnc`` and ``import-consents``: outbound files, CSV or XLSX."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from callfloor.cli.base import TenantOption, app, console, fail, print_refusals, tenant_id_of
from callfloor.crm.sheets import SheetError
from callfloor.outbound import OutboundError
from callfloor.outbound.consents import PhoneConsents
from callfloor.outbound.dnc import SOURCES, DncRegister
from callfloor.outbound.importing import ImportReport
from callfloor.outbound.lists import ListImporter
from callfloor.outbound.mapping import parse_map
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
