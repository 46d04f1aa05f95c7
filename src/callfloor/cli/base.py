"""The ``callfloor`` application object and what every command shares: consoles, failing,
the tenant a command names, the table of an import's refused lines, a time given as an option."""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from callfloor import __version__
from callfloor.crm.imports import Refusal
from callfloor.storage.platform import Platform

app = typer.Typer(help="callfloor: the contact-center platform.", no_args_is_help=True, add_completion=False)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
app.add_typer(user_app, name="user")
console = Console()
errors = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        console.print(f"callfloor {__version__}")
        raise typer.Exit


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """callfloor: the contact-center platform."""


def fail(problems: list[str], code: int = 1) -> NoReturn:
    """Print each problem on stderr and exit with ``code``."""
    for problem in problems:
        errors.print(problem, markup=False, highlight=False, soft_wrap=True)  # one problem, one line
    raise typer.Exit(code=code)


#: Refused lines an import prints; the rest are counted.
MAX_REFUSALS_SHOWN = 50


def print_refusals(refused: Sequence[Refusal]) -> None:
    """The first refused lines of an import, with field and reason in English and French."""
    table = Table(title="Refused lines / lignes refusées")
    for column in ("line / ligne", "field / champ", "reason", "motif"):
        table.add_column(column)
    for row in refused[:MAX_REFUSALS_SHOWN]:
        table.add_row(str(row.line), row.field or "", row.en, row.fr)
    console.print(table)
    if len(refused) > MAX_REFUSALS_SHOWN:
        console.print(f"… {len(refused) - MAX_REFUSALS_SHOWN} more / de plus")


TenantOption = Annotated[str | None, typer.Option("--tenant", help="Tenant slug (default: the only tenant).")]


def tenant_id_of(session: Session, slug: str | None) -> int:
    """The id of the tenant ``--tenant`` names, or of the only tenant; fails otherwise."""
    platform = Platform(session)
    if slug is None:
        tenants = platform.tenants()
        if len(tenants) != 1:
            slugs = ", ".join(t.slug for t in tenants) or "none / aucun"
            fail([f"name the tenant with --tenant ({slugs})", f"nommez le tenant avec --tenant ({slugs})"])
        return tenants[0].id
    found = platform.tenant_by_slug(slug)
    if found is None:
        fail([f"unknown tenant {slug!r} / tenant inconnu {slug!r}"])
    return found.id


def instant(text: str | None, option: str) -> datetime | None:
    """An option's ISO date-time with its UTC offset (None when not given); fails otherwise."""
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        fail([f"{option}: not an ISO date-time: {text!r} / date et heure ISO attendues : {text!r}"])
    if at.tzinfo is None:
        fail([f"{option}: give the UTC offset, e.g. +01:00 / précisez le décalage UTC, ex. +01:00"])
    return at
