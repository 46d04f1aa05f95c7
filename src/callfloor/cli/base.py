"""The ``callfloor`` application object and what every command shares: consoles, failing."""

from typing import Annotated, NoReturn

import typer
from rich.console import Console

from callfloor import __version__

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
