"""``callfloor ivr check`` and ``callfloor ivr walk``: IVR flows checked, and walked in text, without a phone.

Both read a file holding one flow (``name``, ``start``, ``nodes``) or a center document with
``ivr_flows`` (``--flow NAME`` picks one; ``check`` checks them all by default).

``check`` prints each problem as ``path:line: node 'x', field: message``: first the form
(types, names, required fields), then what the core checker finds (unknown nodes and prompts,
settings, silent loops, dead ends), and, in a center document that lists its queues, the
queues the flow names. Nodes nothing reaches, and half-set overflows, are warnings: printed,
and an error only with ``--strict``. It exits 1 if any error is found.

``walk`` runs the real IVR session on a simulated clock (:mod:`callfloor.core.ivr.walk`) and
prints each input, node, variable and action, then where the call went. Its hours are those of
``--schedule`` (a file in the tenant schedule's form), or the default every tenant has until it
sets its own: Monday to Friday 09:00-18:00 in the tenant's time zone (Europe/Paris unless the
center document says otherwise), closed on its country's public holidays.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from callfloor.center.flows import FLOW_CHECKS, IvrFlowSpec, core_flow, flow_problems, queue_of
from callfloor.cli.base import app, console, fail
from callfloor.core.actions import Append
from callfloor.core.ivr import FlowProblem, Severity
from callfloor.core.ivr.actions import (
    Disconnect,
    EnterQueue,
    IvrAction,
    LookupCaller,
    PlayPrompts,
    RecordVoicemail,
    SetLanguage,
    SetPriority,
    StopPrompts,
    SurveyAnswer,
    TransferCall,
)
from callfloor.core.ivr.flow import Flow
from callfloor.core.ivr.nodes import DTMF_KEYS
from callfloor.core.ivr.variables import text
from callfloor.core.ivr.waiting import WaitOptions
from callfloor.core.ivr.walk import Step, Walk, walk
from callfloor.core.numbers import InvalidNumberError, normalize
from callfloor.core.schedule import InvalidSchedule
from callfloor.core.schedule.calendar import Schedule
from callfloor.core.schedule.config import parse_schedule
from callfloor.crm.sla import default_schedule_data
from callfloor.storage.models import Tenant
from callfloor.yamlfile import Location, YamlDocument, YamlFileError, load_yaml

ivr_app = typer.Typer(help="Check IVR flows, and walk them without a phone.", no_args_is_help=True)
app.add_typer(ivr_app, name="ivr")

FlowFile = Annotated[Path, typer.Argument(metavar="FLOW.yaml", help="A flow, or a center document.")]
FlowName = Annotated[str | None, typer.Option("--flow", help="The flow of a center document to use.")]


@dataclass(frozen=True)
class Source:
    """One flow in a file: its name, where it stands, its plain data."""

    name: str
    base: Location
    data: Any


@dataclass(frozen=True)
class Checked:
    """A flow's problems as ``path:line:`` lines, in line order, and its spec when its form is right."""

    spec: IvrFlowSpec | None
    problems: list[tuple[Severity, str]]

    def lines(self, severity: Severity) -> list[str]:
        """The lines of the problems of one severity."""
        return [line for s, line in self.problems if s is severity]


# -- reading and checking ---------------------------------------------------------------------


def sources(doc: YamlDocument, only: str | None) -> list[Source]:
    """The flows of a file, or the one ``--flow`` names; a file that holds none fails."""
    data = doc.data
    if isinstance(data, dict) and "ivr_flows" in data and isinstance(data["ivr_flows"], list):
        found = [
            Source(str(f.get("name", i)) if isinstance(f, dict) else str(i), ("ivr_flows", i), f)
            for i, f in enumerate(data["ivr_flows"])
        ]
    elif isinstance(data, dict) and "nodes" in data:
        found = [Source(str(data.get("name", "")), (), data)]
    else:
        fail([f"{doc.path}:1: neither a flow (name, start, nodes) nor a center document with ivr_flows"])
    if only is not None:
        found = [s for s in found if s.name == only]
        if not found:
            fail([f"{doc.path}: no flow named {only!r}"])
    return found


def _numbers_flows(doc: YamlDocument) -> set[str]:
    """The flows a center document's numbers lead to."""
    numbers = doc.data.get("numbers") if isinstance(doc.data, dict) else None
    if not isinstance(numbers, list):
        return set()
    return {str(n["flow"]) for n in numbers if isinstance(n, dict) and n.get("flow")}


def check_source(doc: YamlDocument, source: Source) -> Checked:
    """The form first (pydantic, with its lines); then the flow checker and the document's queues."""
    try:
        spec = IvrFlowSpec.model_validate(source.data, context={FLOW_CHECKS: False})
    except ValidationError as exc:
        errors = [doc.problem((*source.base, *e["loc"]), e["msg"]) for e in exc.errors()]
        return Checked(None, [(Severity.ERROR, line) for line in errors])
    found = flow_problems(spec) + _unknown_queues(doc, spec)
    lines = sorted((doc.line(_location(source.base, p)), i, p) for i, p in enumerate(found))
    return Checked(spec, [(p.severity, f"{doc.path}:{line}: {_where(source, p)}{p}") for line, _, p in lines])


def _where(source: Source, problem: FlowProblem) -> str:
    flow = f"flow {source.name!r}, " if source.base else ""
    return f"warning: {flow}" if problem.severity is Severity.WARNING else flow


def _location(base: Location, problem: FlowProblem) -> Location:
    """Where in the YAML a problem's field stands: ``when.0.next`` is ``("when", 0, "next")``."""
    parts = tuple(int(p) if p.isdigit() else p for p in problem.field.split(".") if p)
    if problem.node is None:
        return (*base, *parts)
    return (*base, "nodes", problem.node, *parts)


def _unknown_queues(doc: YamlDocument, spec: IvrFlowSpec) -> list[FlowProblem]:
    """In a center document that lists its queues, the queues a flow names that it does not list."""
    data = doc.data
    if not (isinstance(data, dict) and isinstance(data.get("queues"), list)):
        return []
    queues = {q.get("name") for q in data["queues"] if isinstance(q, dict)}
    return [
        FlowProblem(name, field, f"unknown queue {queue!r} (not in the document's queues)")
        for name, node in spec.nodes.items()
        if (found := queue_of(node)) is not None
        for field, queue in [found]
        if queue not in queues
    ]


def _say(line: str) -> None:
    """One line as it is: no markup, no colours, never wrapped (a problem, a step, one line each)."""
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def _load(path: Path) -> YamlDocument:
    try:
        return load_yaml(path)
    except YamlFileError as exc:
        fail(exc.problems)


@ivr_app.command("check")
def check_command(
    file: FlowFile,
    flow: FlowName = None,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings as errors.")] = False,
) -> None:
    """Report a flow's unreachable nodes, missing prompts, dead ends and loops, with line numbers."""
    doc = _load(file)
    errors = warnings = 0
    for source in sources(doc, flow):
        checked = check_source(doc, source)
        for _, line in checked.problems:
            _say(line)
        errors += len(checked.lines(Severity.ERROR))
        warnings += len(checked.lines(Severity.WARNING))
        if not checked.problems and checked.spec is not None:
            nodes = len(checked.spec.nodes)
            _say(f"{doc.path}: flow {source.name!r}: no problems ({nodes} nodes)")
    if errors or warnings:
        _say(f"{errors} error(s), {warnings} warning(s)")
    if errors or (strict and warnings):
        raise typer.Exit(code=1)


# -- walking ----------------------------------------------------------------------------------


@ivr_app.command("walk")
def walk_command(
    file: FlowFile,
    *,
    digits: Annotated[
        str,
        typer.Option("--digits", help="Answers to the questions in turn, comma-separated: 2,1 or 2,12345#."),
    ] = "",
    at: Annotated[
        str | None, typer.Option("--at", help="When the call comes, ISO 8601 (default: now).")
    ] = None,
    caller: Annotated[
        str | None, typer.Option("--caller", help="The caller's number (default: withheld).")
    ] = None,
    flow: FlowName = None,
    schedule_file: Annotated[
        Path | None,
        typer.Option("--schedule", help="Opening hours (default: Mon-Fri 09:00-18:00, holidays closed)."),
    ] = None,
    known: Annotated[bool, typer.Option("--known", help="A look-up finds the caller in the CRM.")] = False,
    vip: Annotated[bool, typer.Option("--vip", help="A look-up finds the caller, a VIP.")] = False,
    language: Annotated[
        str | None, typer.Option("--language", help="The prompts' language at first.")
    ] = None,
    overflow: Annotated[
        bool, typer.Option("--overflow", help="Queued callers wait their maximum, then go to the overflow.")
    ] = False,
) -> None:
    """Walk a flow in text: each node, prompt, variable and action, then where the call went."""
    doc = _load(file)
    found = sources(doc, flow)
    if len(found) > 1:  # a center document: the flow its numbers lead to, if only one does
        dialed = _numbers_flows(doc)
        found = [s for s in found if s.name in dialed] if len(dialed) == 1 else found
    if len(found) > 1:
        fail([f"{doc.path}: several flows ({', '.join(s.name for s in found)}): choose one with --flow"])
    checked = check_source(doc, found[0])
    if checked.spec is None or checked.lines(Severity.ERROR):
        fail(checked.lines(Severity.ERROR))
    tenant = _tenant(doc)
    schedule = _schedule(schedule_file, tenant)
    start = _instant(at, schedule)
    entries = _entries(digits)
    variables: dict[str, str | int | bool] = {}
    if caller:
        variables["caller"] = _number(caller)
    if (called := _called(doc, found[0].name)) is not None:
        variables["called"] = called
    first = language or tenant.locale
    contact: dict[str, str | int | bool] | None = None
    if known or vip:
        contact = {"id": "walk", "name": "Contact", "vip": vip, "language": first}
    ivr_flow = core_flow(checked.spec)
    result = walk(
        ivr_flow, start.timestamp(), entries, language=first, variables=variables,
        schedule=schedule, contact=contact, overflow=overflow,
    )  # fmt: skip
    local = start.astimezone(schedule.zone)
    _say(
        f"Flow {checked.spec.name}: {local:%A %Y-%m-%d %H:%M} ({schedule.zone.key}), "
        f"caller {variables.get('caller', 'withheld')}, language {first}"
    )
    for line in describe(result, ivr_flow, start.timestamp(), first):
        _say(line)


def _tenant(doc: YamlDocument) -> Tenant:
    """The tenant a center document describes (its zone, country, locale), or the defaults."""
    data = doc.data.get("tenant") if isinstance(doc.data, dict) else None
    fields = data if isinstance(data, dict) else {}
    return Tenant(
        timezone=fields.get("timezone", "Europe/Paris"),
        country=fields.get("country", "FR"),
        locale=fields.get("locale", "fr"),
    )


def _schedule(path: Path | None, tenant: Tenant) -> Schedule:
    data: Any = default_schedule_data(tenant) if path is None else _load(path).data
    try:
        return parse_schedule(data)
    except InvalidSchedule as exc:
        fail([f"{path or 'the default schedule'}: {exc}"])


def _instant(text: str | None, schedule: Schedule) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        fail([f"--at: not an ISO 8601 date and time: {text!r} (e.g. 2026-12-25T10:00+01:00)"])
    return when if when.tzinfo is not None else when.replace(tzinfo=schedule.zone)


def _entries(digits: str) -> list[str]:
    entries = [entry.strip() for entry in digits.split(",") if entry.strip()]
    wrong = [entry for entry in entries if not set(entry) <= DTMF_KEYS]
    if wrong:
        fail([f"--digits: not keys of a phone: {', '.join(wrong)} (0-9, *, #, A-D)"])
    return entries


def _number(number: str) -> str:
    try:
        return normalize(number)
    except InvalidNumberError as exc:
        fail([f"--caller: {exc}"])


def _called(doc: YamlDocument, flow: str) -> str | None:
    """The number of a center document that leads to the flow, if one does."""
    numbers = doc.data.get("numbers") if isinstance(doc.data, dict) else None
    found = [n.get("number") for n in numbers or [] if isinstance(n, dict) and n.get("flow") == flow]
    return str(found[0]) if found else None


# -- printing a walk --------------------------------------------------------------------------


def describe(result: Walk, flow: Flow, start: float, language: str) -> Iterator[str]:
    """The lines of a walk: each step (input, nodes, variables, actions), then where the call went."""
    for step in result.steps:
        yield f"{step.at - start:>6.0f} s  {step.input}"
        yield from (f"          → {node} ({flow.nodes[node].kind})" for node in step.nodes)
        yield from (f"          = {name}: {text(value)}" for name, value in step.changed.items())
        yield from (f"          = {name}: unset" for name in step.unset)
        for action in step.actions:
            language = action.language if isinstance(action, SetLanguage) else language
            yield f"          {_action(action, language)}"
        if _idle(step):
            yield "          (waits for keys)"
    yield f"Result: {_result(result)}"
    if result.unused:
        yield f"Keys not used: {', '.join(result.unused)}"


def _idle(step: Step) -> bool:
    return not (step.nodes or step.actions or step.changed or step.unset)


def _action(action: IvrAction, language: str) -> str:
    if isinstance(action, PlayPrompts):
        return f"▶ {', '.join(action.prompts)} [{language}]" + (
            " (a key interrupts)" if action.barge_in else ""
        )
    if isinstance(action, StopPrompts):
        return "■ prompts stopped by the key"
    if isinstance(action, SetLanguage):
        return f"language {action.language}"
    if isinstance(action, LookupCaller):
        return f"look-up of {action.number} in the CRM"
    if isinstance(action, SetPriority):
        return f"priority {action.priority}"
    if isinstance(action, EnterQueue | TransferCall | Disconnect):
        return f"⇒ {_outcome(action)}"
    if isinstance(action, RecordVoicemail):
        return f"● recording a message for {_team(action.queue)} ({action.max_s:g} s at most)"
    if isinstance(action, SurveyAnswer):
        return f"survey {action.survey}: {action.question} = {action.value}"
    assert isinstance(action, Append)  # noqa: S101 - the last kind of action
    return (
        f"log: {action.entry.type.value} ({action.entry.reason}, {action.entry.wait_s or 0:g} s in the IVR)"
    )


def _team(queue: str | None) -> str:
    return f"queue {queue}'s team" if queue is not None else "the general mailbox"


def _outcome(action: EnterQueue | TransferCall | Disconnect) -> str:
    if isinstance(action, EnterQueue):
        return f"queue {action.queue} (priority {action.priority}; {_waiting(action.options)})"
    if isinstance(action, TransferCall):
        return f"transfer to {action.kind.value} {action.target}"
    return f"hang up ({action.reason})"


def _waiting(options: WaitOptions) -> str:
    said = [w for w, on in (("position", options.announce_position), ("wait", options.announce_wait)) if on]
    every = f"every {options.announce_every_s:g} s" if options.announce_every_s else "on entry"
    parts = [f"{' and '.join(said)} said {every}" if said else "no announcements"]
    offers = [f"after {options.callback_after_s:g} s"] if options.callback_after_s is not None else []
    if options.callback_when_wait_over_s is not None:
        offers.append(f"when the wait is over {options.callback_when_wait_over_s:g} s")
    if offers:
        message = " (or a message)" if options.voicemail else ""
        parts.append(f"callback{message} offered {', or '.join(offers)}")
    if options.max_wait_s is not None and options.overflow is not None:
        parts.append(f"after {options.max_wait_s:g} s: {options.overflow}")
    return "; ".join(parts)


def _result(result: Walk) -> str:
    outcome = result.outcome
    if outcome is None:
        return f"the walk was cut after {len(result.steps)} steps, the call still in the IVR"
    if isinstance(outcome, Disconnect) and result.voicemail is not None and outcome.reason == "voicemail":
        return f"a message left for {_team(result.voicemail.queue)}, then hung up"
    if isinstance(outcome, Disconnect):
        return f"hung up ({outcome.reason})"
    return f"the call left the IVR for {_outcome(outcome)}"
