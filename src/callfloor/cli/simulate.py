"""``callfloor simulate``: a scenario through the real floor, KPIs as tables or one JSON object."""

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from callfloor.cli.base import app, console, fail
from callfloor.sim.report import ROWS, as_json, definition_note, rows
from callfloor.sim.run import SimResult, simulate
from callfloor.sim.scenario import load_scenario
from callfloor.yamlfile import YamlFileError

# Runs expected to take more than a second or so get a progress bar.
LONG_RUN_CALLS = 20_000


@app.command("simulate")
def simulate_command(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO.yaml", help="Scenario file.")],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same output.")
    ] = 0,
    days: Annotated[int, typer.Option("--days", min=1, max=366, help="Consecutive days to simulate.")] = 1,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of tables.")
    ] = False,
) -> None:
    """Run a scenario through the real routing engine and print its KPIs."""
    try:
        scenario = load_scenario(scenario_file)
    except YamlFileError as exc:
        fail(exc.problems)
    expected = days * scenario.duration_hours * sum(a.peak() for a in scenario.arrivals)
    if json_output or expected < LONG_RUN_CALLS:
        result = simulate(scenario, seed=seed, days=days)
    else:
        result = _with_progress(lambda progress: simulate(scenario, seed=seed, days=days, progress=progress))
    if json_output:
        sys.stdout.write(json.dumps(as_json(result, seed=seed, days=days), ensure_ascii=False) + "\n")
    else:
        _tables(result)


def _with_progress(run: Callable[[Callable[[float], None]], SimResult]) -> SimResult:
    columns = (
        TextColumn("Simulating"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f} %"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("simulate", total=1.0)
        return run(lambda fraction: bar.update(task, completed=fraction))


def _tables(result: SimResult) -> None:
    kpis = result.kpis
    totals = Table(title=f"Totals — {result.interactions} interactions simulated")
    totals.add_column("KPI")
    totals.add_column("value", justify="right")
    for label, value in rows(kpis.totals):
        totals.add_row(label, value)
    console.print(totals)
    if len(kpis.per_queue) > 1:
        per_queue = Table(title="Per queue / Par file")
        per_queue.add_column("KPI")
        for name in kpis.per_queue:
            per_queue.add_column(name, justify="right")
        columns = [rows(k) for k in kpis.per_queue.values()]
        for index, (_, label) in enumerate(ROWS):
            per_queue.add_row(label, *(column[index][1] for column in columns))
        console.print(per_queue)
    console.print(definition_note(kpis.totals), highlight=False)
    if len(kpis.per_queue) > 1:
        for name, queue in kpis.per_queue.items():
            console.print(f"  {name}: {definition_note(queue)}", highlight=False)
