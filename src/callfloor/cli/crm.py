"""``callfloor crm import`` and ``callfloor crm export``: contacts, accounts and products as CSV or XLSX."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.orm import Session

from callfloor.cli.base import app, console, fail, print_refusals
from callfloor.crm.exports import export_file
from callfloor.crm.imports import Importer, ImportReport
from callfloor.crm.sheets import SheetError
from callfloor.settings import Settings
from callfloor.storage.db import make_engine, session_factory
from callfloor.storage.migrate import upgrade
from callfloor.storage.platform import Platform
from callfloor.storage.repositories import audit

crm_app = typer.Typer(help="Import and export the customer file and the catalogue.", no_args_is_help=True)
app.add_typer(crm_app, name="crm")


class Kind(StrEnum):
    """What the file holds."""

    CONTACTS = "contacts"
    ACCOUNTS = "accounts"
    PRODUCTS = "products"


class Key(StrEnum):
    """The column an existing record is found by (products: always their reference)."""

    CUSTOMER_NUMBER = "customer_number"
    EMAIL = "email"


def _tenant_id(session: Session, slug: str) -> int:
    found = Platform(session).tenant_by_slug(slug)
    if found is None:
        fail([f"unknown tenant {slug!r} / tenant inconnu {slug!r}"])
    return found.id


def _summary(report: ImportReport) -> None:
    title = "Dry run: nothing written / Essai : rien n'est écrit" if report.dry_run else "Import"
    table = Table(title=f"{title} ({report.kind}, key {report.key})")
    for column in ("created / créés", "updated / modifiés", "unchanged / inchangés", "refused / refusés"):
        table.add_column(column, justify="right")
    table.add_row(str(report.created), str(report.updated), str(report.unchanged), str(len(report.refused)))
    console.print(table)
    if report.ignored_columns:
        console.print(
            f"Ignored columns / colonnes ignorées: {', '.join(report.ignored_columns)}", highlight=False
        )
    if report.refused:
        print_refusals(report.refused)


@crm_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or Windows-1252, ; or ,) or XLSX file.")],
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant slug.")],
    kind: Annotated[Kind, typer.Option("--kind", help="What the file holds.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report without writing.")] = False,
    key: Annotated[
        Key, typer.Option("--key", help="Column that finds existing records.")
    ] = Key.CUSTOMER_NUMBER,
) -> None:
    """Create or update contacts, accounts or products; bad rows are listed, good ones imported."""
    settings = Settings()
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    data = file.read_bytes()
    try:
        with session_factory(engine).begin() as session, Progress(console=console, transient=True) as bar:
            tenant_id = _tenant_id(session, tenant)
            task = bar.add_task(f"{file.name}", total=None)
            report = Importer(session, tenant_id, kind.value, key=key.value).run(
                data,
                file.name,
                dry_run=dry_run,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
            if not dry_run:
                audit(session, f"import.{kind.value}", tenant_id=tenant_id, target=file.name[:200],
                      details={"created": report.created, "updated": report.updated,
                               "refused": len(report.refused)})  # fmt: skip
    except SheetError as exc:
        fail([f"{file}: {exc.en}", f"{file} : {exc.fr}"])
    _summary(report)


@crm_app.command("export")
def export(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant slug.")],
    kind: Annotated[Kind, typer.Option("--kind", help="What to export.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write: .csv or .xlsx.")],
) -> None:
    """Write contacts, accounts or products in the columns ``crm import`` reads back."""
    format_ = "xlsx" if output.suffix.lower() == ".xlsx" else "csv"
    settings = Settings()
    with session_factory(make_engine(settings.resolved_database_url))() as session:
        data = export_file(session, _tenant_id(session, tenant), kind.value, format_)
    output.write_bytes(data)
    console.print(f"{kind.value} → {output} ({format_}, {len(data)} bytes / octets)", highlight=False)
