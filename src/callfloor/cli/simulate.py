"""``callfloor simulate``: a scenario through the real floor, KPIs as tables or one JSON object.

An inbound scenario runs through the floor (ACD, KPI fold); an outbound one (a file with an
``outbound:`` section, see :mod:`callfloor.sim.outbound_scenario`) through a campaign's dialer.
"""

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from callfloor.cli.base import app, console, fail
from callfloor.sim import outbound_report
from callfloor.sim.outbound import OutboundResult, simulate_outbound
from callfloor.sim.outbound_scenario import OutboundScenario, load_any_scenario
from callfloor.sim.report import ROWS, as_json, definition_note, rows
from callfloor.sim.run import SimResult, simulate
from callfloor.yamlfile import YamlFileError

# Runs expected to take more than a second or so get a progress bar.
LONG_RUN_CALLS = 20_000
# Attempts an outbound agent makes in an hour, roughly, to foresee a long run.
ATTEMPTS_PER_AGENT_HOUR = 60
R = TypeVar("R", SimResult, OutboundResult)


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
    """Run a scenario through the real routing engine (or dialer) and print its KPIs."""
    try:
        loaded = load_any_scenario(scenario_file)
    except YamlFileError as exc:
        fail(exc.problems)
    if isinstance(loaded, OutboundScenario):
        _outbound(loaded, seed=seed, days=days, json_output=json_output)
        return
    scenario = loaded
    expected = days * scenario.duration_hours * sum(a.peak() for a in scenario.arrivals)
    if json_output or expected < LONG_RUN_CALLS:
        result = simulate(scenario, seed=seed, days=days)
    else:
        result = _with_progress(lambda progress: simulate(scenario, seed=seed, days=days, progress=progress))
    if json_output:
        sys.stdout.write(json.dumps(as_json(result, seed=seed, days=days), ensure_ascii=False) + "\n")
    else:
        _tables(result)


def _outbound(scenario: OutboundScenario, *, seed: int, days: int, json_output: bool) -> None:
    expected = days * scenario.duration_hours * scenario.outbound.agents * ATTEMPTS_PER_AGENT_HOUR
    if json_output or expected < LONG_RUN_CALLS:
        result = simulate_outbound(scenario, seed=seed, days=days)
    else:
        result = _with_progress(
            lambda progress: simulate_outbound(scenario, seed=seed, days=days, progress=progress)
        )
    if json_output:
        report = outbound_report.as_json(result, seed=seed)
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
    else:
        _outbound_tables(result)


def _outbound_tables(result: OutboundResult) -> None:
    title = (
        f"Outbound, {result.mode} — {result.agents} agents, {result.days} day(s) of "
        f"{result.duration_hours:g} h / Campagne sortante"
    )
    totals = Table(title=title)
    totals.add_column("KPI")
    totals.add_column("value", justify="right")
    for label, value in outbound_report.rows(result):
        totals.add_row(label, value)
    console.print(totals)
    outcomes = Table(title="Attempts by outcome / Appels par issue")
    outcomes.add_column("outcome / issue")
    outcomes.add_column("attempts", justify="right")
    outcomes.add_column("share", justify="right")
    for row in outbound_report.outcome_rows(result):
        outcomes.add_row(*row)
    console.print(outcomes)
    console.print(outbound_report.DEFINITIONS, highlight=False)


def _with_progress(run: Callable[[Callable[[float], None]], R]) -> R:
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
