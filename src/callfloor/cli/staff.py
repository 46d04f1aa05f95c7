"""``callfloor staff``: agents needed for a service level (Erlang C, or Erlang A with patience)."""

import json
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from callfloor.cli.base import app, console, fail
from callfloor.core.staffing import ForecastError, InvalidParameterError, TargetUnreachableError
from callfloor.core.staffing.erlang import StaffingResult, agents_needed
from callfloor.core.staffing.forecast import ServiceTarget, parse_forecast, parse_target


def _service_target(text: str) -> ServiceTarget:
    try:
        return parse_target(text)
    except InvalidParameterError as exc:
        raise typer.BadParameter(str(exc)) from None


def _positive(value: float | None) -> float | None:
    if value is not None and not value > 0:
        raise typer.BadParameter(f"must be above 0, got {value:g}")
    return value


def _share(value: float) -> float:
    if not 0 <= value < 1:
        raise typer.BadParameter(f"must be at least 0 and below 1, got {value:g}")
    return value


_STAFF_COLUMNS = ("calls/h", "Erlangs", "agents", "scheduled", "service level", "ASA", "occupancy", "abandon")


def _staff_record(calls_per_hour: float, result: StaffingResult) -> dict[str, object]:
    m = result.metrics
    figures = {"p_wait": m.p_wait, "service_level": m.service_level, "asa_s": m.asa_s}
    figures |= {"occupancy": m.occupancy, "abandon_rate": m.abandon_rate}
    return {
        "calls_per_hour": calls_per_hour,
        "traffic_erlangs": round(m.traffic_erlangs, 6),
        "model": result.model.value,
        "agents": result.agents,
        "scheduled": result.scheduled,
        **{name: round(value, 6) for name, value in figures.items()},
    }


def _staff_cells(calls_per_hour: float, result: StaffingResult) -> list[str]:
    m = result.metrics
    return [
        f"{calls_per_hour:g}",
        f"{m.traffic_erlangs:.2f}",
        str(result.agents),
        str(result.scheduled),
        f"{m.service_level:.1%}",
        f"{m.asa_s:.1f} s",
        f"{m.occupancy:.1%}",
        f"{m.abandon_rate:.1%}",
    ]


def _staff_forecast(
    forecast: Path, interval_minutes: float, plan: Callable[[float], StaffingResult]
) -> tuple[list[tuple[list[str], dict[str, object]]], list[str]]:
    """One planned row per good forecast line, and ``file:line: problem`` for each bad one."""
    try:
        lines = forecast.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{forecast}: {exc}"]
    planned, problems = [], []
    for row in parse_forecast(lines):
        if isinstance(row, ForecastError):
            problems.append(f"{forecast}:{row.line}: {row.reason}")
            continue
        rate = row.calls_per_hour(interval_minutes)
        try:
            result = plan(rate)
        except TargetUnreachableError as exc:
            problems.append(f"{forecast}:{row.line}: {exc}")
            continue
        record = {
            "interval": row.interval,
            "line": row.line,
            "calls": row.calls,
            **_staff_record(rate, result),
        }
        planned.append(([row.interval, f"{row.calls:g}", *_staff_cells(rate, result)], record))
    return planned, problems


def _show_staffing(
    planned: list[tuple[list[str], dict[str, object]]], title: str, *, as_json: bool, per_interval: bool
) -> None:
    """A table, or JSON: a list with one object per interval, else one object."""
    records = [record for _, record in planned]
    if as_json:
        sys.stdout.write(json.dumps(records if per_interval else next(iter(records), {})) + "\n")
        return
    if not planned:
        return
    table = Table(title=title)
    for column in ("interval", "calls") * per_interval + _STAFF_COLUMNS:
        table.add_column(column, justify="left" if column == "interval" else "right")
    for cells, _ in planned:
        table.add_row(*cells)
    console.print(table)


@app.command()
def staff(
    *,
    target: Annotated[
        ServiceTarget,
        typer.Option(
            parser=_service_target,
            metavar="PERCENT/SECONDS",
            help="Service level: percent answered within seconds, e.g. 80/20.",
        ),
    ],
    aht: Annotated[
        float,
        typer.Option("--aht", callback=_positive, help="Average handle time (talk + wrap-up), seconds."),
    ],
    calls_per_hour: Annotated[
        float | None, typer.Option("--calls-per-hour", min=0, help="Calls offered per hour.")
    ] = None,
    patience: Annotated[
        float | None,
        typer.Option(
            "--patience",
            callback=_positive,
            help="Callers' mean patience, seconds: Erlang A instead of Erlang C.",
        ),
    ] = None,
    shrinkage: Annotated[
        float, typer.Option("--shrinkage", callback=_share, help="Share of paid time off the phones, 0–1.")
    ] = 0.0,
    forecast: Annotated[
        Path | None,
        typer.Option("--forecast", exists=True, dir_okay=False, help="CSV of interval,calls rows."),
    ] = None,
    interval_minutes: Annotated[
        float,
        typer.Option(
            "--interval-minutes", callback=_positive, help="Length of a forecast interval, minutes."
        ),
    ] = 30.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Agents needed for a service level: Erlang C, or Erlang A with --patience."""
    if (calls_per_hour is None) == (forecast is None):
        raise typer.BadParameter(
            "give either --calls-per-hour or --forecast", param_hint="'--calls-per-hour' / '--forecast'"
        )
    plan = partial(
        agents_needed,
        aht_s=aht,
        target_sl=target.share,
        target_t_s=target.within_s,
        patience_s=patience,
        shrinkage=shrinkage,
    )
    planned: list[tuple[list[str], dict[str, object]]]
    problems: list[str]
    try:
        if forecast is None:
            rate = calls_per_hour or 0.0  # given, since --forecast is not
            result = plan(rate)
            planned, problems = [(_staff_cells(rate, result), _staff_record(rate, result))], []
        else:
            planned, problems = _staff_forecast(forecast, interval_minutes, plan)
    except InvalidParameterError as exc:
        raise typer.BadParameter(str(exc)) from None
    except TargetUnreachableError as exc:
        planned, problems = [], [str(exc)]
    title = (
        f"{'Erlang A' if patience else 'Erlang C'}: target {target}, AHT {aht:g} s, shrinkage {shrinkage:.0%}"
    )
    _show_staffing(planned, title, as_json=as_json, per_interval=forecast is not None)
    if problems:
        fail(problems)
