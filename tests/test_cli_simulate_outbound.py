"""``callfloor simulate`` on an outbound scenario, as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCENARIO = """\
duration_hours: 1
outbound:
  mode: predictive
  agents: 6
  leads: 2000
  answer_rate: 0.3
  machine_rate: 0.1
  talk_time: {distribution: lognormal, mean_s: 120, sd_s: 60}
  wrap_up: {distribution: constant, mean_s: 10}
  conversion_rate: 0.2
"""

KEYS = {
    "kind", "mode", "attempts", "person_answered", "contacts", "drops", "drop_rate", "machines", "occupancy",
    "attempts_per_agent_per_day", "contacts_per_agent_per_hour", "conversions", "conversion_rate", "outcomes",
    "agent_state_s", "leads", "agents", "duration_hours", "seed", "days",
}  # fmt: skip


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
    path = tmp_path / "outbound.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    first = run(str(path), "--seed", "3", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert set(report) >= KEYS
    assert [report[k] for k in ("kind", "mode", "agents", "seed")] == ["outbound", "predictive", 6, 3]
    assert sum(report["outcomes"].values()) == report["attempts"] > 0
    assert report["machines"] == report["outcomes"]["machine"]
    assert report["attempts_per_agent_per_day"] == pytest.approx(report["attempts"] / 6)
    assert 0 <= report["drop_rate"] <= 0.03
    assert run(str(path), "--seed", "3", "--json", hash_seed="12345").stdout == first.stdout
    two_days = json.loads(run(str(path), "--seed", "3", "--json", "--days", "2").stdout)
    assert two_days["days"] == 2 and two_days["attempts"] > report["attempts"]


def test_tables_show_the_headline_figures_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "outbound.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    result = run(str(path), "--seed", "1")
    assert result.returncode == 0, result.stderr
    for label in (
        "Attempts / Appels émis",
        "Drop rate / Taux d'abandon",
        "Agent occupancy / Taux d'occupation",
        "Attempts per agent per day / Appels par conseiller par jour",
        "Contacts per agent per hour / Contacts par conseiller par heure",
        "Conversions / Ventes",
        "No answer / Pas de réponse",
    ):
        assert label in result.stdout, label
    assert "Outbound, predictive — 6 agents" in result.stdout
    assert "16 CFR 310.4(b)(4)(i)" in result.stdout


def test_a_bad_outbound_scenario_names_key_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.replace("mode: predictive", "mode: telepathic"), encoding="utf-8")
    result = run(str(path))
    assert result.returncode == 1
    assert f"{path}:3: outbound.mode:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
