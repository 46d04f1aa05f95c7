"""The simulator drives the real floor: repeatable, and in line with queueing theory."""

import json
import math
from statistics import fmean, stdev

from callfloor.core.kpi.figures import IntervalKpis
from callfloor.core.staffing.erlang import erlang_c
from callfloor.sim.report import as_json
from callfloor.sim.run import simulate
from callfloor.sim.scenario import parse_scenario

SMALL = """\
duration_hours: 4
warmup_hours: 0.5
queues:
  - {name: sales, skills: {fr: 3}, service_level_s: 20}
  - {name: support, skills: [fr], service_level_s: 30, wrap_up_s: 10, max_wait_s: 300, overflow: sales}
agents:
  - {count: 6, skills: {fr: 5}}
  - {count: 2, skills: {fr: 2}, name: junior}
arrivals:
  - {queue: sales, per_hour: 60}
  - {queue: support, profile: [[0, 40], [2, 90]]}
handle_time: {distribution: lognormal, mean_s: 200, sd_s: 120}
patience: {distribution: exponential, mean_s: 90}
"""


def test_same_seed_same_output_byte_for_byte() -> None:
    scenario = parse_scenario(SMALL)
    first = json.dumps(as_json(simulate(scenario, seed=5), seed=5, days=1))
    assert first == json.dumps(as_json(simulate(scenario, seed=5), seed=5, days=1))
    assert first != json.dumps(as_json(simulate(scenario, seed=6), seed=6, days=1))


def test_report_figures_hang_together() -> None:
    report = as_json(simulate(parse_scenario(SMALL), seed=1), seed=1, days=1)
    assert set(report["per_queue"]) == {"sales", "support"}
    assert report["offered"] >= report["answered"] + report["abandoned"] - report["overflowed"] > 0
    assert report["short_abandoned"] <= report["abandoned"]
    assert 0 < report["occupancy"] < 1
    assert report["per_queue"]["support"]["service_level_threshold_s"] == 30
    assert report["service_level_threshold_s"] is None  # queues disagree on T
    assert sum(i["offered"] for i in report["per_interval"]) == report["offered"]
    assert report["per_interval"][0]["start"] == "00:00"
    assert report["per_agent_summary"]["agents"] == 8


def test_warmup_is_left_out_and_days_add_up() -> None:
    scenario = parse_scenario(SMALL + "interval_minutes: 30\n")
    one = as_json(simulate(scenario, seed=2), seed=2, days=1)
    assert all(i["start_s"] >= 1800 for i in one["per_interval"] if i["offered"])
    assert one["per_interval"][0]["start"] == "00:30"
    two = as_json(simulate(scenario, seed=2, days=2), seed=2, days=2)
    assert two["offered"] > 1.6 * one["offered"]
    assert any(i["start"].startswith("d2 ") for i in two["per_interval"])


def test_peak_hours_bring_more_calls() -> None:
    report = as_json(simulate(parse_scenario(SMALL), seed=3), seed=3, days=1)
    support = {i["start"]: i for i in report["per_interval"]}
    assert support["03:00"]["offered"] > support["01:00"]["offered"]


def _batches(intervals: list[IntervalKpis], size: int) -> list[dict[str, float]]:
    """Figures of consecutive batches of intervals, each batch weighted by its calls."""
    out = []
    for start in range(0, len(intervals) - size + 1, size):
        batch = [i.totals for i in intervals[start : start + size] if i.totals.offered]
        handled = [k.answered + k.abandoned for k in batch]
        total = sum(handled)
        out.append(
            {
                "p_wait": sum((k.p_wait or 0) * n for k, n in zip(batch, handled, strict=True)) / total,
                "service_level": sum((k.service_level or 0) * k.offered for k in batch)
                / sum(k.offered for k in batch),
                "asa_s": sum((k.asa_s or 0) * k.answered for k in batch) / sum(k.answered for k in batch),
                "abandon_rate": sum(k.abandoned for k in batch) / sum(k.offered for k in batch),
            }
        )
    return out


def _within_ci(batches: list[dict[str, float]], key: str, expected: float, slack: float) -> None:
    values = [b[key] for b in batches]
    mean, half = fmean(values), 3 * stdev(values) / math.sqrt(len(values))  # 99.7 % batch-means interval
    assert abs(mean - expected) <= half + slack, f"{key}: {mean:.4f} ± {half:.4f}, theory {expected:.4f}"


def test_matches_erlang_c_without_abandons() -> None:
    # 200 calls/h, AHT 180 s, 14 agents: P(wait) 0.174, SL20 0.888, ASA 7.8 s.
    text = (
        SMALL.split("queues:", maxsplit=1)[0].replace("duration_hours: 4", "duration_hours: 500")
        + """\
queues: [{name: q, service_level_s: 20}]
agents: [{count: 14}]
arrivals: [{queue: q, per_hour: 200}]
handle_time: {distribution: exponential, mean_s: 180}
"""
    )
    intervals = simulate(parse_scenario(text), seed=11).kpis.per_interval
    batches = _batches(intervals, 10)
    c = erlang_c(14, 10.0)
    _within_ci(batches, "p_wait", c, 0.003)
    _within_ci(batches, "service_level", 1 - c * math.exp(-(14 - 10) * 20 / 180), 0.003)
    _within_ci(batches, "asa_s", c * 180 / 4, 0.15)
    assert abs(c - 0.174) < 0.001


def test_matches_erlang_a_with_patience() -> None:
    # 600 calls/h, AHT 240 s, 45 agents, patience 120 s: abandons about 2.6 %, SL20 about 0.92.
    text = """\
duration_hours: 250
warmup_hours: 1
queues: [{name: q, service_level_s: 20}]
agents: [{count: 45}]
arrivals: [{queue: q, per_hour: 600}]
handle_time: {distribution: exponential, mean_s: 240}
patience: {distribution: exponential, mean_s: 120}
"""
    batches = _batches(simulate(parse_scenario(text), seed=12).kpis.per_interval, 10)
    _within_ci(batches, "abandon_rate", 0.026, 0.003)
    _within_ci(batches, "service_level", 0.92, 0.005)
