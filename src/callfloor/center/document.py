"""The whole center YAML document: a tenant's floor configuration in one file."""

from collections import Counter
from typing import Self

from pydantic import Field, model_validator

from callfloor.center.campaigns import CampaignSpec
from callfloor.center.flows import IvrFlowSpec
from callfloor.center.schema import (
    AgentSpec,
    DispositionSpec,
    NumberSpec,
    PauseReasons,
    QueueSpec,
    SkillSpec,
    Spec,
    TenantSpec,
    TrunkSpec,
    UserSpec,
    WallboardThresholdsSpec,
)
from callfloor.center.scripts import ScriptSpec, SurveySpec


def _duplicates(values: list[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


class CenterSpec(Spec):
    """A whole center configuration file."""

    tenant: TenantSpec | None = None
    skills: list[SkillSpec] = Field(default_factory=list)
    queues: list[QueueSpec] = Field(default_factory=list)
    agents: list[AgentSpec] = Field(default_factory=list)
    users: list[UserSpec] = Field(default_factory=list)
    dispositions: list[DispositionSpec] = Field(default_factory=list)
    # The tenant's own pause reasons, replacing the default ones; absent: left as they are.
    pause_reasons: PauseReasons | None = None
    # Where the wallboard's figures turn amber and red, those that differ from the defaults
    # (a figure left out: its default); absent: left as they are.
    wallboard_thresholds: WallboardThresholdsSpec | None = None
    ivr_flows: list[IvrFlowSpec] = Field(default_factory=list)
    numbers: list[NumberSpec] = Field(default_factory=list)
    trunks: list[TrunkSpec] = Field(default_factory=list)
    scripts: list[ScriptSpec] = Field(default_factory=list)
    surveys: list[SurveySpec] = Field(default_factory=list)
    campaigns: list[CampaignSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        checks = {
            "skill name": [s.name for s in self.skills],
            "queue name": [q.name for q in self.queues],
            "extension": [a.extension for a in self.agents],
            "e-mail": [u.email for u in [*self.agents, *self.users]],
            "disposition code": [d.code for d in self.dispositions],
            "trunk name": [t.name for t in self.trunks],
            "flow name": [f.name for f in self.ivr_flows],
            "script name": [s.name for s in self.scripts],
            "survey name": [s.name for s in self.surveys],
            "campaign name": [c.name for c in self.campaigns],
        }
        problems = [
            f"duplicate {what}: {', '.join(d)}" for what, v in checks.items() if (d := _duplicates(v))
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self
