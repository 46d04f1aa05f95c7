"""Outbound scenario files: their keys, their errors, and telling them from inbound ones."""

from pathlib import Path

import pytest

from callfloor.core.dialer.settings import DialingMode, MachineHandling
from callfloor.sim import ScenarioError
from callfloor.sim.outbound_scenario import (
    OutboundScenario,
    any_scenario_from,
    load_any_scenario,
    parse_outbound,
)
from callfloor.sim.scenario import Scenario
from callfloor.yamlfile import parse_yaml

EXAMPLES = Path(__file__).parents[2] / "examples"

MINIMAL = """\
duration_hours: 2
outbound:
  agents: 3
"""


def test_a_minimal_file_takes_the_defaults() -> None:
    scenario = parse_outbound(MINIMAL)
    spec = scenario.outbound
    assert (spec.mode, spec.answer_rate, spec.amd, spec.machine) == (
        DialingMode.PREDICTIVE, 0.3, True, MachineHandling.HANGUP
    )  # fmt: skip
    assert spec.agent_ids() == ["agent-0001", "agent-0002", "agent-0003"]
    settings = spec.settings()
    assert (settings.target_drop_rate, settings.ring_timeout_s, settings.expected_talk_s) == (
        0.03,
        28.0,
        180.0,
    )


def test_the_kind_follows_the_outbound_section() -> None:
    assert isinstance(any_scenario_from(parse_yaml(MINIMAL, "s.yaml")), OutboundScenario)
    assert isinstance(load_any_scenario(EXAMPLES / "scenario.yaml"), Scenario)
    assert isinstance(load_any_scenario(EXAMPLES / "outbound.yaml"), OutboundScenario)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  busy_rate: 0.8\n", "s.yaml:3: outbound: Value error, answer_rate + machine_rate"),
        (
            "  target_drop_rate: 0.05\n",
            "s.yaml:4: outbound.target_drop_rate: Input should be less than or equal to 0.03",
        ),
        (
            "  ring_timeout_s: 10\n",
            "s.yaml:4: outbound.ring_timeout_s: Input should be greater than or equal to 15",
        ),
        ("  mode: dialing\n", "s.yaml:4: outbound.mode: Input should be"),
        ("  queue: x\n", "s.yaml:4: outbound.queue: Extra inputs are not permitted"),
    ],
)
def test_a_bad_file_names_the_key_and_its_line(line: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as error:
        parse_outbound(MINIMAL + line, "s.yaml")
    assert error.value.problems[0].startswith(expected)
