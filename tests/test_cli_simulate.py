"""``callfloor simulate`` as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

SCENARIO = """\
duration_hours: 3
warmup_hours: 0.5
queues:
  - {name: support, skills: [fr], service_level_s: 20, short_abandon_s: 5, service_level_definition: offered}
  - {name: sales, skills: {fr: 4}, service_level_s: 30, service_level_definition: exclude_short}
agents:
  - {count: 14, skills: {fr: 5}}
arrivals:
  - {queue: support, per_hour: 200}
  - {queue: sales, profile: [[0, 20], [1, 60]]}
handle_time: {distribution: exponential, mean_s: 180}
patience: {distribution: exponential, mean_s: 120}
wrap_up_s: 0
"""

KEYS = {
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "abandon_rate",
    "service_level",
    "service_level_definition",
    "service_level_threshold_s",
    "asa_s",
    "avg_wait_s",
    "p_wait",
    "aht_s",
    "occupancy",
    "max_wait_s",
    "per_queue",
    "per_interval",
}


def run(*args: str, hash_seed: str = "0") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callfloor", "simulate", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": hash_seed},
    )


def test_json_output_is_complete_and_repeatable(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    first = run(str(path), "--seed", "42", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert set(report) >= KEYS
    assert set(report["per_queue"]) == {"support", "sales"}
    assert KEYS - {"per_queue", "per_interval"} <= set(report["per_queue"]["sales"])
    assert report["per_queue"]["sales"]["service_level_definition"] == "exclude_short"
    assert report["service_level_definition"] == "offered"
    assert [i["start"] for i in report["per_interval"] if i["offered"]] == ["00:00", "01:00", "02:00"]
    assert run(str(path), "--seed", "42", "--json", hash_seed="12345").stdout == first.stdout
    assert run(str(path), "--seed", "43", "--json").stdout != first.stdout
    two_days = json.loads(run(str(path), "--seed", "42", "--json", "--days", "2").stdout)
    assert two_days["offered"] > report["offered"]


def test_table_output_names_the_service_level_definition(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    result = run(str(path), "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert "Service level / Niveau de service" in result.stdout and "Per queue" in result.stdout
    assert "service level: offered, T of each call's queue" in result.stdout
    assert "support: service level: offered, T = 20.0 s" in result.stdout
    assert "sales: service level: exclude_short, T = 30.0 s" in result.stdout


def test_bad_scenario_names_key_and_line_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.replace("{queue: sales,", "{queue: nowhere,"), encoding="utf-8")
    result = run(str(path))
    assert result.returncode == 1
    assert f"{path}:10: arrivals.1.queue: unknown queue 'nowhere'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    missing = run(str(tmp_path / "absent.yaml"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr
