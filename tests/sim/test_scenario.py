"""Scenario files: the documented keys parse; mistakes are named with their line."""

import pytest

from callfloor.core.config import Strategy
from callfloor.sim import ScenarioError
from callfloor.sim.scenario import parse_scenario

BASE = """\
duration_hours: 8
warmup_hours: 0.5
queues:
  - {name: support, skills: [fr], service_level_s: 20, short_abandon_s: 5, service_level_definition: offered}
agents:
  - {count: 14, skills: {fr: 5}}
arrivals:
  - {queue: support, per_hour: 200}
handle_time: {distribution: exponential, mean_s: 180}
patience: {distribution: exponential, mean_s: 120}
wrap_up_s: 0
"""


def test_the_documented_example_parses() -> None:
    scenario = parse_scenario(BASE)
    (queue,) = scenario.queue_profiles()
    assert queue.skills == {"fr": 1} and queue.strategy is Strategy.LONGEST_IDLE
    agents = scenario.agent_profiles()
    assert len(agents) == 14 and agents[0].id == "agent-0001" and agents[0].skills == {"fr": 5}
    assert scenario.patience is not None and scenario.patience.mean_s == 120


def test_profiles_give_the_rate_of_each_hour() -> None:
    text = BASE.replace("per_hour: 200", "profile: [[0, 120], [2, 300], [5.5, 60]]")
    (arrival,) = parse_scenario(text).arrivals
    assert [arrival.rate_at(h) for h in (0, 1.9, 2, 5.4, 7)] == [120, 120, 300, 300, 60]
    assert arrival.peak() == 300


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("per_hour: 200", "per_hour: 200, profile: [[0, 1]]"),
            "scenario.yaml:8: arrivals.0: Value error, give either",
        ),
        (("{queue: support,", "{queue: sales,"), "scenario.yaml:8: arrivals.0.queue: unknown queue 'sales'"),
        (
            ("distribution: exponential, mean_s: 180", "distribution: gamma, mean_s: 180"),
            "scenario.yaml:9: handle_time.distribution: Input should be",
        ),
        (
            ("duration_hours: 8", "duration_hours: -1"),
            "scenario.yaml:1: duration_hours: Input should be greater than 0",
        ),
        (
            ("warmup_hours: 0.5", "warmup_hours: 9"),
            "scenario.yaml:2: warmup_hours: must be shorter than duration_hours",
        ),
        (
            ("count: 14", "count: 14, seats: 3"),
            "scenario.yaml:6: agents.0.seats: Extra inputs are not permitted",
        ),
        (("handle_time:", "handle_tme:"), "scenario.yaml:1: handle_time: Field required"),
        (
            ("skills: {fr: 5}", "skills: {fr: 11}"),
            "scenario.yaml:6: agents.0.skills.fr: Input should be less than",
        ),
    ],
)
def test_mistakes_name_the_key_and_line(change: tuple[str, str], expected: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(BASE.replace(*change))
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems


def test_the_example_in_the_repository_is_valid() -> None:
    from pathlib import Path

    from callfloor.sim.scenario import load_scenario

    example = load_scenario(Path(__file__).parents[2] / "examples" / "scenario.yaml")
    assert {q.name for q in example.queues} == {"support", "ventes"}
