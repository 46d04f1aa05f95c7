"""Outbound scenarios: a campaign's dialer, its agents and the people it calls.

A scenario file with a top-level ``outbound:`` section is an outbound scenario (an inbound one
has ``queues``/``arrivals`` instead; both share ``duration_hours``). Keys (a stable interface:
extend, never rename)::

    duration_hours: 8
    outbound:
      mode: predictive           # preview, progressive, power, predictive
      agents: 20                 # agents on the campaign all day (ids <agent_name>-0001...)
      leads: 20000               # size of the contact list (retried per the default retry rules)
      answer_rate: 0.30          # a person answers
      machine_rate: 0.05         # an answering machine answers
      busy_rate: 0.10
      failed_rate: 0.05          # refused or unreachable; the rest ring out (no answer)
      answer_after: {distribution: lognormal, mean_s: 7, sd_s: 3}  # ringing before an answer
      no_answer_after: {distribution: lognormal, mean_s: 27.5, sd_s: 1.5}  # omit: ring_timeout_s
      busy_after: {distribution: constant, mean_s: 2}               # busy and failed calls
      talk_time: {distribution: lognormal, mean_s: 180, sd_s: 90}
      wrap_up: {distribution: lognormal, mean_s: 15, sd_s: 4}
      conversion_rate: 0.1       # of contacts, disposition "sale"; the others "refusal"
      amd: true                  # answering-machine detection; off, machines reach agents
      machine: hangup            # or message (left on the machine)
      machine_talk_s: 6          # amd off: an agent hangs up on a machine after this long
      preview_s: {distribution: constant, mean_s: 10}   # preview mode: time to decide
      preview_skip_rate: 0.05
      drop_message_s: 8
      machine_message_s: 20
      caller_id: "+33187654321"
      target_drop_rate: 0.03
      drop_window_minutes: 30
      ring_timeout_s: 28
      power_ratio: 2.0
      max_lines_per_agent: 5

An answer that comes after ``ring_timeout_s`` is a no answer: the dialer gave up first.
"""

from pathlib import Path
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from callfloor.core.dialer.settings import DialerSettings, DialingMode, MachineHandling, SettingsError
from callfloor.sim import ScenarioError
from callfloor.sim.scenario import DurationSpec, Scenario, scenario_from
from callfloor.yamlfile import YamlDocument, load_yaml, parse_yaml

Rate = Annotated[float, Field(ge=0, le=1)]
Positive = Annotated[float, Field(gt=0)]
Seconds = Annotated[float, Field(ge=0)]


def _constant(seconds: float) -> DurationSpec:
    return DurationSpec(distribution="constant", mean_s=seconds)


class OutboundSpec(BaseModel):
    """The ``outbound:`` section."""

    model_config = ConfigDict(extra="forbid")

    mode: DialingMode = DialingMode.PREDICTIVE
    agents: Annotated[int, Field(ge=1, le=10_000)]
    agent_name: str = "agent"
    leads: Annotated[int, Field(ge=1, le=10_000_000)] = 20_000
    answer_rate: Rate = 0.3
    machine_rate: Rate = 0.0
    busy_rate: Rate = 0.1
    failed_rate: Rate = 0.05
    answer_after: DurationSpec = Field(default_factory=lambda: DurationSpec(mean_s=7.0))
    no_answer_after: DurationSpec | None = None
    busy_after: DurationSpec = Field(default_factory=lambda: _constant(2.0))
    talk_time: DurationSpec = Field(default_factory=lambda: DurationSpec(mean_s=180.0))
    wrap_up: DurationSpec = Field(default_factory=lambda: _constant(15.0))
    conversion_rate: Rate = 0.0
    amd: bool = True
    machine: MachineHandling = MachineHandling.HANGUP
    machine_talk_s: Seconds = 6.0
    preview_s: DurationSpec = Field(default_factory=lambda: _constant(10.0))
    preview_skip_rate: Rate = 0.0
    drop_message_s: Seconds = 8.0
    machine_message_s: Seconds = 20.0
    caller_id: str = "+33187654321"
    target_drop_rate: Annotated[float, Field(gt=0, le=0.03)] = 0.03
    drop_window_minutes: Positive = 30.0
    ring_timeout_s: Annotated[float, Field(ge=15)] = 28.0
    power_ratio: Annotated[float, Field(ge=1)] = 2.0
    max_lines_per_agent: Annotated[float, Field(ge=1)] = 5.0

    @model_validator(mode="after")
    def _rates_add_up(self) -> Self:
        if self.answer_rate + self.machine_rate + self.busy_rate + self.failed_rate > 1 + 1e-9:
            raise ValueError("answer_rate + machine_rate + busy_rate + failed_rate must not exceed 1")
        try:
            self.settings()
        except SettingsError as exc:
            raise ValueError(str(exc)) from exc
        return self

    def settings(self) -> DialerSettings:
        """The campaign's dialing settings; its guesses are this scenario's means."""
        return DialerSettings(
            mode=self.mode,
            caller_id=self.caller_id,
            target_drop_rate=self.target_drop_rate,
            drop_window_s=self.drop_window_minutes * 60.0,
            ring_timeout_s=self.ring_timeout_s,
            power_ratio=self.power_ratio,
            max_lines_per_agent=self.max_lines_per_agent,
            machine=self.machine,
            expected_talk_s=self.talk_time.mean_s,
            expected_wrap_up_s=self.wrap_up.mean_s,
        )

    def agent_ids(self) -> list[str]:
        """The agents, ``<agent_name>-0001`` on."""
        return [f"{self.agent_name}-{i + 1:04d}" for i in range(self.agents)]


class OutboundScenario(BaseModel):
    """A whole outbound scenario file."""

    model_config = ConfigDict(extra="forbid")

    duration_hours: Positive
    outbound: OutboundSpec


def is_outbound(doc: YamlDocument) -> bool:
    """Whether a parsed scenario is an outbound one (it has an ``outbound:`` section)."""
    return isinstance(doc.data, dict) and "outbound" in doc.data


def outbound_from(doc: YamlDocument) -> OutboundScenario:
    """Validate a parsed outbound scenario."""
    try:
        return OutboundScenario.model_validate(doc.data)
    except ValidationError as exc:
        raise ScenarioError(doc.validation_problems(exc)) from exc


def any_scenario_from(doc: YamlDocument) -> Scenario | OutboundScenario:
    """An inbound or an outbound scenario, by what the document holds."""
    return outbound_from(doc) if is_outbound(doc) else scenario_from(doc)


def load_any_scenario(path: Path) -> Scenario | OutboundScenario:
    """Read and validate a scenario file of either kind."""
    return any_scenario_from(load_yaml(path))


def parse_outbound(text: str, path: str = "scenario.yaml") -> OutboundScenario:
    """Validate outbound scenario text (tests, benches)."""
    return outbound_from(parse_yaml(text, path))
