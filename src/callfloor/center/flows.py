"""IVR flows in the center YAML: pydantic specs of the nodes, and the core flow they become.

A flow is written as its start and a mapping of named nodes, each with a ``type``::

    ivr_flows:
      - name: accueil
        start: welcome
        nodes:
          welcome: {type: play, prompts: [welcome], next: hours}
          hours: {type: hours, open: menu, closed: closed}
          closed: {type: play, prompts: [closed], next: message}
          message: {type: voicemail, queue: accueil}
          menu: {type: menu, prompts: [main_menu], options: {"1": ventes, "0": standard}, fallback: standard}
          ventes: {type: queue, queue: ventes, callback_after_s: 60, max_wait_s: 600, overflow: message}
          standard: {type: queue, queue: accueil}

The node types and their fields are those of :mod:`callfloor.core.ivr.nodes`: ``play``,
``menu``, ``collect``, ``language``, ``hours`` (``schedule``: an optional schedule of its own,
in the tenant schedule's form), ``condition`` (``when: [{variable, equals | not_equals | in |
greater_than | less_than | present, next}]``, ``else``), ``lookup`` (``found`` and
``not_found``, or ``next`` for both), ``set``, ``queue`` (plus the waiting options of
:class:`~callfloor.core.ivr.waiting.WaitOptions`), ``voicemail``, ``transfer`` (``to: agent |
queue | number``, ``target``, and ``fallback``: where the call goes when the agent or the number
does not take it), ``survey`` and ``hangup``.

The specs check the form (types, names, required fields); whether the values hold together
(lengths, regular expressions, loops, dead ends, unknown nodes and prompts) is the core
checker's, :func:`flow_problems`, so that the import, the API and ``callfloor ivr check`` say
the same. Menu keys and numbers are strings: quote them (``"1"``; ``"#"`` unquoted starts a
YAML comment). Prompt ids are those of the prompt catalogue (``callfloor/prompts/catalog.yaml``),
which a tenant may record again; queue names are the tenant's.
"""

import copy
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from callfloor.center.schema import Name, Spec
from callfloor.core.config import Locale
from callfloor.core.ivr import FlowProblem, Severity
from callfloor.core.ivr.flow import (
    Collect,
    Condition,
    Flow,
    Hangup,
    Hours,
    Language,
    Lookup,
    Menu,
    Node,
    Play,
    Question,
    Queue,
    SetVariables,
    Survey,
    Transfer,
    TransferKind,
    Voicemail,
)
from callfloor.core.ivr.variables import Comparison, Rule
from callfloor.core.ivr.waiting import WaitOptions
from callfloor.core.schedule import InvalidSchedule
from callfloor.core.schedule.config import parse_schedule
from callfloor.prompts import catalog

PromptId = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")]
VariableName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]{0,63}$")]
Value = bool | int | str
#: ``validate(..., context={FLOW_CHECKS: False})`` checks the form only (``callfloor ivr check``
#: then reports the flow's problems one by one, each at its line).
FLOW_CHECKS = "flow_checks"
_WAIT = WaitOptions()


def _keys_as_text(value: Any) -> Any:
    """YAML reads ``1:`` as the integer 1: a menu key is the text of the key pressed."""
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value


def _as_text(value: Any) -> Any:
    """An extension or number YAML read as an integer, as text (quote it to keep a leading 0)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


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


class CollectSpec(Spec):
    """Digits typed in, checked, kept in ``variable``; then ``next``."""

    type: Literal["collect"]
    prompts: list[PromptId] = Field(default_factory=list)
    variable: VariableName
    min_length: int = 1
    max_length: int = 16
    terminator: str | None = "#"
    timeout_s: float = 5.0
    tries: int = 3
    pattern: str | None = None
    check: str | None = None
    invalid_prompt: PromptId = "invalid_choice"
    no_input_prompt: PromptId = "no_input"
    next: Name
    fallback: Name | None = None


class LanguageSpec(Spec):
    """Prompts in ``language`` from here on."""

    type: Literal["language"]
    language: Locale
    next: Name


class HoursSpec(Spec):
    """Open or closed now; ``schedule``, in the tenant schedule's form, replaces the tenant's."""

    type: Literal["hours"]
    open: Name
    closed: Name
    holiday: Name | None = None
    schedule: dict[str, Any] | None = None

    @field_validator("schedule")
    @classmethod
    def _a_schedule(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            try:
                parse_schedule(value)
            except InvalidSchedule as exc:
                raise ValueError(f"schedule: {exc}") from exc
        return value


class RuleSpec(Spec):
    """One rule of a condition: its variable, one test, and where it leads."""

    variable: VariableName
    equals: Value | None = None
    not_equals: Value | None = None
    in_: list[Value] | None = Field(default=None, alias="in")
    greater_than: Value | None = None
    less_than: Value | None = None
    present: bool | None = None
    next: Name

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        if len(self._tests()) != 1:
            raise ValueError(f"one test, of {', '.join(t.value for t in Comparison)}")
        return self

    def _tests(self) -> list[tuple[Comparison, Value | list[Value]]]:
        given = {t: getattr(self, "in_" if t is Comparison.IN else t.value) for t in Comparison}
        return [(t, v) for t, v in given.items() if v is not None]

    def rule(self) -> Rule:
        """The core rule."""
        test, value = self._tests()[0]
        return Rule(self.variable, test, tuple(value) if isinstance(value, list) else value, self.next)


class ConditionSpec(Spec):
    """The first rule the variables match chooses the next node, else ``else``."""

    type: Literal["condition"]
    when: list[RuleSpec] = Field(default_factory=list)
    else_: Name = Field(alias="else")


class LookupSpec(Spec):
    """The caller looked up in the CRM, then ``found`` or ``not_found`` (``next``: both)."""

    type: Literal["lookup"]
    found: Name | None = None
    not_found: Name | None = None
    next: Name | None = None
    timeout_s: float = 3.0
    vip_priority: int | None = None

    @model_validator(mode="after")
    def _ways_on(self) -> Self:
        if (self.found or self.next) is None or (self.not_found or self.next) is None:
            raise ValueError("a lookup needs next, or found and not_found")
        return self


class SetSpec(Spec):
    """Variables (and the call's queue priority) set, then ``next``."""

    type: Literal["set"]
    variables: dict[VariableName, Value] = Field(default_factory=dict)
    priority: int | None = None
    next: Name


class QueueNodeSpec(Spec):
    """The call leaves the IVR for a queue, to wait there as its options say."""

    type: Literal["queue"]
    queue: Name
    announce_position: bool = _WAIT.announce_position
    announce_wait: bool = _WAIT.announce_wait
    announce_every_s: float | None = _WAIT.announce_every_s
    callback_after_s: float | None = _WAIT.callback_after_s
    callback_when_wait_over_s: float | None = _WAIT.callback_when_wait_over_s
    voicemail: bool = _WAIT.voicemail
    max_wait_s: float | None = _WAIT.max_wait_s
    overflow: Name | None = _WAIT.overflow
    entry_prompt: PromptId | None = _WAIT.entry_prompt


class VoicemailSpec(Spec):
    """Prompts, then a message recorded for ``queue``'s team; then ``next`` or the end."""

    type: Literal["voicemail"]
    prompts: list[PromptId] = Field(default_factory=lambda: ["voicemail_invite", "beep"])
    queue: Name | None = None
    max_s: float = 120.0
    next: Name | None = None


class TransferSpec(Spec):
    """Prompts, then the call goes to an agent's extension, a queue or an outside number."""

    type: Literal["transfer"]
    to: TransferKind
    target: Annotated[str, BeforeValidator(_as_text)]
    prompts: list[PromptId] = Field(default_factory=lambda: ["transfer"])
    fallback: Name | None = None


class QuestionSpec(Spec):
    """A survey question: its prompts and the keys that answer it."""

    id: Name
    prompts: list[PromptId]
    min: int = 1
    max: int = 5


class SurveySpec(Spec):
    """A short DTMF survey, its answers filed under ``name``; then ``next`` or the end."""

    type: Literal["survey"]
    name: Name
    prompts: list[PromptId] = Field(default_factory=lambda: ["survey_intro"])
    questions: list[QuestionSpec]
    tries: int = 2
    timeout_s: float = 5.0
    invalid_prompt: PromptId = "invalid_choice"
    no_input_prompt: PromptId = "no_input"
    next: Name | None = None


class HangupSpec(Spec):
    """A goodbye, then the end of the call."""

    type: Literal["hangup"]
    prompts: list[PromptId] = Field(default_factory=lambda: ["goodbye"])


AnyNodeSpec = (
    PlaySpec | MenuSpec | CollectSpec | LanguageSpec | HoursSpec | ConditionSpec | LookupSpec | SetSpec
    | QueueNodeSpec | VoicemailSpec | TransferSpec | SurveySpec | HangupSpec
)  # fmt: skip
NodeSpec = Annotated[AnyNodeSpec, Field(discriminator="type")]


class IvrFlowSpec(Spec):
    """A tenant's flow: where calls start, and its nodes by name."""

    name: Name
    start: Name
    nodes: Annotated[dict[Name, NodeSpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _holds_together(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(FLOW_CHECKS) is False:
            return self
        errors = [str(p) for p in flow_problems(self) if p.severity is Severity.ERROR]
        if errors:
            raise ValueError("; ".join(errors))
        return self


def flow_problems(spec: IvrFlowSpec) -> list[FlowProblem]:
    """Everything the core checker finds in a flow (errors and warnings), prompts against the catalogue."""
    return unchecked_flow(spec).check(catalog())


def node(spec: AnyNodeSpec) -> Node:
    """The core node a spec describes."""
    if isinstance(spec, PlaySpec):
        return Play(tuple(spec.prompts), spec.next)
    if isinstance(spec, MenuSpec):
        return Menu(
            tuple(spec.prompts), dict(spec.options), spec.timeout_s, spec.tries, spec.fallback,
            spec.invalid_prompt, spec.no_input_prompt,
        )  # fmt: skip
    if isinstance(spec, CollectSpec):
        fields = spec.model_dump(exclude={"type", "prompts"})
        return Collect(prompts=tuple(spec.prompts), **fields)
    if isinstance(spec, LanguageSpec):
        return Language(spec.language.value, spec.next)
    if isinstance(spec, HoursSpec):
        schedule = parse_schedule(spec.schedule) if spec.schedule is not None else None
        return Hours(spec.open, spec.closed, spec.holiday, schedule)
    if isinstance(spec, ConditionSpec):
        return Condition(tuple(rule.rule() for rule in spec.when), spec.else_)
    if isinstance(spec, LookupSpec):
        found, not_found = spec.found or spec.next or "", spec.not_found or spec.next or ""  # checked
        return Lookup(found, not_found, spec.timeout_s, spec.vip_priority)
    if isinstance(spec, SetSpec):
        return SetVariables(dict(spec.variables), spec.next, spec.priority)
    return _ending(spec)


def _ending(spec: QueueNodeSpec | VoicemailSpec | TransferSpec | SurveySpec | HangupSpec) -> Node:
    if isinstance(spec, QueueNodeSpec):
        return Queue(spec.queue, WaitOptions(**spec.model_dump(exclude={"type", "queue"})))
    if isinstance(spec, VoicemailSpec):
        return Voicemail(tuple(spec.prompts), spec.queue, spec.max_s, spec.next)
    if isinstance(spec, TransferSpec):
        return Transfer(spec.to, spec.target, tuple(spec.prompts), spec.fallback)
    if isinstance(spec, SurveySpec):
        questions = tuple(Question(q.id, tuple(q.prompts), q.min, q.max) for q in spec.questions)
        return Survey(
            spec.name, questions, tuple(spec.prompts), spec.tries, spec.timeout_s, spec.invalid_prompt,
            spec.no_input_prompt, spec.next,
        )  # fmt: skip
    return Hangup(tuple(spec.prompts))


def unchecked_flow(spec: IvrFlowSpec) -> Flow:
    """The core flow, not yet checked (:meth:`Flow.check` lists its problems)."""
    return Flow(spec.name, spec.start, {name: node(n) for name, n in spec.nodes.items()})


def core_flow(spec: IvrFlowSpec) -> Flow:
    """The core flow of a spec (which validated it: it holds together)."""
    flow = unchecked_flow(spec)
    return Flow.checked(flow.name, flow.start, flow.nodes)


def queue_names(spec: IvrFlowSpec) -> set[str]:
    """The queues a flow sends calls (or messages) to."""
    return {found[1] for n in spec.nodes.values() if (found := queue_of(n)) is not None}


def queue_of(spec: AnyNodeSpec) -> tuple[str, str] | None:
    """The queue a node sends calls or messages to, with the field that names it."""
    if isinstance(spec, QueueNodeSpec | VoicemailSpec) and spec.queue is not None:
        return "queue", spec.queue
    return (
        ("target", spec.target) if isinstance(spec, TransferSpec) and spec.to is TransferKind.QUEUE else None
    )


def definition(spec: IvrFlowSpec) -> dict[str, Any]:
    """What is stored of a flow version, and exported: the spec less its name, defaults left out."""
    return spec.model_dump(mode="json", by_alias=True, exclude={"name"}, exclude_defaults=True)


def flow_spec(name: str, stored: dict[str, Any]) -> IvrFlowSpec:
    """The spec a stored definition stands for."""
    return IvrFlowSpec.model_validate({"name": name, **stored})


#: The fields of a queue node that say how its callers wait (announcements, callback offer, overflow).
WAITING_FIELDS = tuple(WaitOptions.__dataclass_fields__)


def with_waiting(stored: dict[str, Any], waiting: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A copy of a stored definition whose queue nodes named in ``waiting`` wait with those options.

    Only the waiting fields of those nodes change; every other key, of them and of the other
    nodes, is kept as it was (the parsed structure is edited, not re-read from text).
    """
    edited = copy.deepcopy(stored)
    for name, options in waiting.items():
        node_data = edited["nodes"][name]
        node_data.update({key: value for key, value in options.items() if key in WAITING_FIELDS})
    return edited
