"""Simulation scenarios: the YAML file ``callfloor simulate`` reads.

Keys (a stable interface: extend, never rename)::

    duration_hours: 8
    warmup_hours: 0.5          # excluded from KPIs
    queues:
      - {name: support, skills: [fr], service_level_s: 20, short_abandon_s: 5,
         service_level_definition: offered}
    agents:
      - {count: 14, skills: {fr: 5}}
    arrivals:
      - {queue: support, per_hour: 200}           # Poisson; or profile: [[0, 120], [2, 300]] (hour, rate)
    handle_time: {distribution: exponential, mean_s: 180}   # also lognormal (mean_s, sd_s), constant
    patience: {distribution: exponential, mean_s: 120}      # omit: callers never abandon
    wrap_up_s: 0
    answer_delay_s: 0          # agents pick up after this long
    interval_minutes: 60       # report interval: 15, 30 or 60

Queues also take the center's keys (``strategy``, ``priority``, ``max_wait_s``, ``overflow``,
``wrap_up_s``, ``ring_timeout_s``, ``steps``); agents take ``name`` (id prefix) and ``chats``.
A bad file raises :class:`callfloor.sim.ScenarioError` naming the key and its line.

A file with an ``outbound:`` section is an outbound scenario instead (a campaign's dialer, its
agents and the people it calls); its keys are in :mod:`callfloor.sim.outbound_scenario`.
"""

from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from callfloor.core.acd.model import AgentProfile, QueueProfile, Step
from callfloor.core.config import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN, Channel, ServiceLevelDefinition, Strategy
from callfloor.sim import ScenarioError
from callfloor.sim.distributions import Duration
from callfloor.yamlfile import YamlDocument, load_yaml, parse_yaml

Level = Annotated[int, Field(ge=SKILL_LEVEL_MIN, le=SKILL_LEVEL_MAX)]
Positive = Annotated[float, Field(gt=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StepSpec(_Strict):
    """Skills escalation step."""

    after_s: Annotated[float, Field(ge=0)]
    skills: dict[str, Level]


class QueueScenario(_Strict):
    """A queue of the simulated floor; ``skills`` is a list (level 1) or a map of minimum levels."""

    name: str
    skills: list[str] | dict[str, Level] = Field(default_factory=dict)
    strategy: Strategy = Strategy.LONGEST_IDLE
    priority: Annotated[int, Field(ge=0, le=100)] = 0
    service_level_s: Positive = 20.0
    short_abandon_s: Annotated[float, Field(ge=0)] = 5.0
    service_level_definition: ServiceLevelDefinition = ServiceLevelDefinition.OFFERED
    max_wait_s: Positive | None = None
    overflow: str | None = None
    wrap_up_s: Annotated[float, Field(ge=0)] | None = None
    ring_timeout_s: Positive = 15.0
    steps: list[StepSpec] = Field(default_factory=list)

    def profile(self, default_wrap_up_s: float) -> QueueProfile:
        """The core's view of this queue."""
        skills = dict.fromkeys(self.skills, 1) if isinstance(self.skills, list) else dict(self.skills)
        return QueueProfile(
            name=self.name,
            strategy=self.strategy,
            skills=skills,
            priority=self.priority,
            service_level_s=self.service_level_s,
            short_abandon_s=self.short_abandon_s,
            service_level_definition=self.service_level_definition,
            max_wait_s=self.max_wait_s,
            overflow=self.overflow,
            wrap_up_s=default_wrap_up_s if self.wrap_up_s is None else self.wrap_up_s,
            ring_timeout_s=self.ring_timeout_s,
            steps=tuple(Step(s.after_s, s.skills) for s in self.steps),
        )


class AgentGroup(_Strict):
    """``count`` identical agents."""

    count: Annotated[int, Field(ge=1, le=100_000)]
    skills: dict[str, Level] = Field(default_factory=dict)
    name: str = "agent"
    chats: Annotated[int, Field(ge=0, le=20)] = 0


class Arrival(_Strict):
    """Poisson arrivals to one queue, at a constant rate or a piecewise-constant profile."""

    queue: str
    per_hour: Annotated[float, Field(ge=0)] | None = None
    profile: list[tuple[Annotated[float, Field(ge=0)], Annotated[float, Field(ge=0)]]] | None = None
    channel: Channel = Channel.CALL
    priority: int = 0

    @model_validator(mode="after")
    def _one_rate(self) -> Self:
        if (self.per_hour is None) == (self.profile is None):
            raise ValueError("give either per_hour or profile")
        if self.profile is not None and (not self.profile or self.profile[0][0] != 0):
            raise ValueError("a profile starts at hour 0")
        return self

    def rate_at(self, hour: float) -> float:
        """Calls per hour at ``hour`` from the start."""
        if self.per_hour is not None:
            return self.per_hour
        assert self.profile is not None  # noqa: S101 - checked by the validator
        return next(rate for start, rate in reversed(self.profile) if start <= hour)

    def peak(self) -> float:
        """The highest rate (for thinning)."""
        return self.per_hour if self.per_hour is not None else max(r for _, r in self.profile or [(0, 0)])


class DurationSpec(_Strict):
    """A duration distribution."""

    distribution: Literal["exponential", "lognormal", "constant"] = "exponential"
    mean_s: Positive
    sd_s: Annotated[float, Field(ge=0)] = 0.0

    def build(self) -> Duration:
        """The sampler."""
        return Duration(self.distribution, self.mean_s, self.sd_s)


class Scenario(_Strict):
    """A whole scenario file."""

    duration_hours: Positive
    warmup_hours: Annotated[float, Field(ge=0)] = 0.0
    queues: list[QueueScenario] = Field(min_length=1)
    agents: list[AgentGroup] = Field(min_length=1)
    arrivals: list[Arrival] = Field(min_length=1)
    handle_time: DurationSpec
    patience: DurationSpec | None = None
    wrap_up_s: Annotated[float, Field(ge=0)] = 0.0
    answer_delay_s: Annotated[float, Field(ge=0)] = 0.0
    interval_minutes: Literal[15, 30, 60] = 60

    def queue_profiles(self) -> list[QueueProfile]:
        """The floor's queues."""
        return [q.profile(self.wrap_up_s) for q in self.queues]

    def agent_profiles(self) -> list[AgentProfile]:
        """The floor's agents, named ``<name>-<n>`` in file order."""
        profiles: list[AgentProfile] = []
        for group in self.agents:
            capacity = {Channel.CALL: 1, Channel.CHAT: group.chats}
            start = sum(p.id.startswith(f"{group.name}-") for p in profiles)
            profiles += [
                AgentProfile(f"{group.name}-{start + i + 1:04d}", dict(group.skills), capacity)
                for i in range(group.count)
            ]
        return profiles


def _references(scenario: Scenario, doc: YamlDocument) -> list[str]:
    names = {q.name for q in scenario.queues}
    problems = [
        doc.problem(("arrivals", i, "queue"), f"unknown queue {a.queue!r}")
        for i, a in enumerate(scenario.arrivals)
        if a.queue not in names
    ]
    problems += [
        doc.problem(("queues", i, "overflow"), f"unknown queue {q.overflow!r}")
        for i, q in enumerate(scenario.queues)
        if q.overflow is not None and q.overflow not in names
    ]
    if scenario.warmup_hours >= scenario.duration_hours:
        problems.append(doc.problem(("warmup_hours",), "must be shorter than duration_hours"))
    return problems


def scenario_from(doc: YamlDocument) -> Scenario:
    """Validate a parsed scenario document."""
    try:
        scenario = Scenario.model_validate({} if doc.data is None else doc.data)
    except ValidationError as exc:
        raise ScenarioError(doc.validation_problems(exc)) from exc
    if problems := _references(scenario, doc):
        raise ScenarioError(problems)
    return scenario


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file."""
    return scenario_from(load_yaml(path))


def parse_scenario(text: str, path: str = "scenario.yaml") -> Scenario:
    """Validate scenario text (tests, the API)."""
    return scenario_from(parse_yaml(text, path))
