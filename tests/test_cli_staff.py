"""``callfloor staff``, run as a planner runs it: in a subprocess, no database needed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {**os.environ, "COLUMNS": "200"}


def staff(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``callfloor staff ARGS`` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "callfloor", "staff", *args],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def table_rows(output: str) -> list[list[str]]:
    """The body rows of a rich table, as lists of cell texts."""
    return [
        [c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines() if line.startswith("│")
    ]


def test_erlang_c_table() -> None:
    result = staff("--calls-per-hour", "200", "--aht", "180", "--target", "80/20")
    assert result.returncode == 0, result.stderr
    assert "Erlang C: target 80/20, AHT 180 s" in result.stdout
    assert table_rows(result.stdout) == [["200", "10.00", "14", "14", "88.8%", "7.8 s", "71.4%", "0.0%"]]


def test_erlang_a_json_with_shrinkage() -> None:
    result = staff(
        *("--calls-per-hour", "600", "--aht", "240", "--target", "80/20"),
        *("--patience", "120", "--shrinkage", "0.3", "--json"),
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["model"] == "erlang_a"
    assert (record["agents"], record["scheduled"]) == (41, 59)
    assert record["traffic_erlangs"] == 40
    assert record["service_level"] == pytest.approx(0.8073, abs=1e-4)
    assert record["abandon_rate"] == pytest.approx(0.0616, abs=1e-4)
    assert set(record) >= {"p_wait", "asa_s", "occupancy"}


def test_forecast_prints_good_rows_and_names_the_bad_line(tmp_path: Path) -> None:
    forecast = tmp_path / "monday.csv"
    forecast.write_text("interval,calls\n08:00,100\n08:30,lots\n09:00,150\n", encoding="utf-8")
    result = staff("--forecast", str(forecast), "--aht", "180", "--target", "80/20")
    assert result.returncode == 1
    assert f"{forecast}:3: calls must be a number, got 'lots'" in result.stderr.replace("\n", "")
    rows = table_rows(result.stdout)
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        ("08:00", "100", "200", "14"),
        ("09:00", "150", "300", "19"),
    ]
    listed = staff("--forecast", str(forecast), "--aht", "180", "--target", "80/20", "--json")
    assert listed.returncode == 1
    assert [(r["interval"], r["line"], r["agents"]) for r in json.loads(listed.stdout)] == [
        ("08:00", 2, 14),
        ("09:00", 4, 19),
    ]


def test_interval_length_sets_the_rate(tmp_path: Path) -> None:
    forecast = tmp_path / "quarters.csv"
    forecast.write_text("08:00,50\n", encoding="utf-8")
    args = ("--forecast", str(forecast), "--aht", "180", "--target", "80/20", "--json")
    (half_hours,) = json.loads(staff(*args).stdout)  # 30 minutes by default
    (quarters,) = json.loads(staff(*args, "--interval-minutes", "15").stdout)
    assert (half_hours["calls_per_hour"], half_hours["agents"]) == (100, 8)
    assert (quarters["calls_per_hour"], quarters["agents"]) == (200, 14)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--calls-per-hour", "600", "--aht", "240", "--target", "80-20"), "--target"),
        (("--calls-per-hour", "600", "--aht", "240", "--target", "120/20"), "--target"),
        (("--calls-per-hour", "-5", "--aht", "240", "--target", "80/20"), "--calls-per-hour"),
        (("--calls-per-hour", "600", "--aht", "-240", "--target", "80/20"), "--aht"),
        (
            ("--calls-per-hour", "600", "--aht", "240", "--target", "80/20", "--shrinkage", "1.2"),
            "--shrinkage",
        ),
        (("--calls-per-hour", "600", "--aht", "240", "--target", "80/20", "--patience", "0"), "--patience"),
        (("--aht", "240", "--target", "80/20"), "--forecast"),
    ],
)
def test_bad_options_exit_2_with_a_message(args: tuple[str, ...], says: str) -> None:
    result = staff(*args)
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
