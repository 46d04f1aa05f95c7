"""IVR flows in the center YAML: pydantic specs of the nodes, and the core flow they become.

A flow is written as its start and a mapping of named nodes, each with a ``type``::

    ivr_flows:
      - name: accueil
        start: welcome
        nodes:
          welcome: {type: play, prompts: [welcome], next: menu}
          menu: {type: menu, prompts: [main_menu], options: {"1": ventes, "0": standard}, fallback: standard}
          ventes: {type: queue, queue: ventes}
          standard: {type: queue, queue: accueil}

Menu keys are strings: quote them (``"1"``; ``"#"`` unquoted starts a YAML comment). Prompt ids
are those of the prompt catalogue (``callfloor/prompts/catalog.yaml``), which a tenant may
record again; queue names are the tenant's.
"""

from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from callfloor.center.schema import Name, Spec
from callfloor.core.config import Locale
from callfloor.core.ivr.flow import Flow, Hangup, Language, Menu, Node, Play, Queue, prompts
from callfloor.prompts import catalog

PromptId = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")]


def _keys_as_text(value: Any) -> Any:
    """YAML reads ``1:`` as the integer 1: a menu key is the text of the key pressed."""
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value


class PlaySpec(Spec):
    """Prompts in a row, then ``next``."""

    type: Literal["play"]
    prompts: Annotated[list[PromptId], Field(min_length=1)]
    next: Name


class MenuSpec(Spec):
    """A prompt, then a key chooses the next node; silence and wrong keys are retried."""

    type: Literal["menu"]
    prompts: list[PromptId] = Field(default_factory=list)
    options: Annotated[dict[str, Name], BeforeValidator(_keys_as_text)]
    timeout_s: Annotated[float, Field(gt=0, le=60)] = 5.0
    tries: Annotated[int, Field(ge=1, le=9)] = 3
    fallback: Name | None = None
    invalid_prompt: PromptId = "invalid_choice"
    no_input_prompt: PromptId = "no_input"


class LanguageSpec(Spec):
    """Prompts in ``language`` from here on."""

    type: Literal["language"]
    language: Locale
    next: Name


class QueueNodeSpec(Spec):
    """The call leaves the IVR for a queue."""

    type: Literal["queue"]
    queue: Name


class HangupSpec(Spec):
    """A goodbye, then the end of the call."""

    type: Literal["hangup"]
    prompts: list[PromptId] = Field(default_factory=lambda: ["goodbye"])


NodeSpec = Annotated[
    PlaySpec | MenuSpec | LanguageSpec | QueueNodeSpec | HangupSpec, Field(discriminator="type")
]


class IvrFlowSpec(Spec):
    """A tenant's flow: where calls start, and its nodes by name."""

    name: Name
    start: Name
    nodes: Annotated[dict[Name, NodeSpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _holds_together(self) -> Self:
        flow = unchecked_flow(self)
        problems = [str(p) for p in flow.check()]
        known = catalog()
        problems += [
            f"node {name!r}: unknown prompt {prompt!r} (callfloor/prompts/catalog.yaml lists them)"
            for name, n in flow.nodes.items()
            for prompt in dict.fromkeys(prompts(n))
            if prompt not in known
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


def node(spec: PlaySpec | MenuSpec | LanguageSpec | QueueNodeSpec | HangupSpec) -> Node:
    """The core node a spec describes."""
    if isinstance(spec, PlaySpec):
        return Play(tuple(spec.prompts), spec.next)
    if isinstance(spec, MenuSpec):
        return Menu(
            tuple(spec.prompts), dict(spec.options), spec.timeout_s, spec.tries, spec.fallback,
            spec.invalid_prompt, spec.no_input_prompt,
        )  # fmt: skip
    if isinstance(spec, LanguageSpec):
        return Language(spec.language.value, spec.next)
    if isinstance(spec, QueueNodeSpec):
        return Queue(spec.queue)
    return Hangup(tuple(spec.prompts))


def unchecked_flow(spec: IvrFlowSpec) -> Flow:
    """The core flow, not yet checked (:meth:`Flow.check` lists its problems)."""
    return Flow(spec.name, spec.start, {name: node(n) for name, n in spec.nodes.items()})


def core_flow(spec: IvrFlowSpec) -> Flow:
    """The core flow of a spec (which validated it: it holds together)."""
    flow = unchecked_flow(spec)
    return Flow.checked(flow.name, flow.start, flow.nodes)


def queue_names(spec: IvrFlowSpec) -> set[str]:
    """The queues a flow sends calls to."""
    return {n.queue for n in spec.nodes.values() if isinstance(n, QueueNodeSpec)}


def definition(spec: IvrFlowSpec) -> dict[str, Any]:
    """What is stored of a flow version, and exported: the spec less its name, defaults left out."""
    return spec.model_dump(mode="json", exclude={"name"}, exclude_defaults=True)


def flow_spec(name: str, stored: dict[str, Any]) -> IvrFlowSpec:
    """The spec a stored definition stands for."""
    return IvrFlowSpec.model_validate({"name": name, **stored})
