"""The flow checker: what would make a walk fail, or a caller go round for ever, found before any call.

One checker for every way a flow comes in (``Flow.checked``, the center YAML and the API through
``center.flows``, ``callfloor ivr check``), so they never disagree. Each problem names its node
and the field, as written in the YAML (``options.1``, ``when.0.next``), so a tool can point at
its line.

Errors, which refuse the flow:

- a node named that does not exist (the start, a ``next``, an option, a fallback…);
- a node's settings that cannot work (a menu key that is not one DTMF key, ``min_length`` above
  ``max_length``, a pattern that is not a regular expression, a rule's value…);
- a prompt not in the catalogue, when the caller gives the catalogue;
- a *silent loop*: nodes that play nothing and read no key leading round to themselves; the
  session would spin without end on one input;
- a *dead end*: a node from which no end can be reached (a hangup, a queue, a transfer, a
  voicemail, or a question that gives up with goodbye): a loop with no exit, or a way into one.

Warnings, reported and not refusing the flow: a node the start does not reach (a flow being
edited often keeps one aside), a queue node's ``max_wait_s`` without ``overflow`` (the caller
waits on) or ``overflow`` without ``max_wait_s`` (never taken), a transfer to a queue with a
``fallback`` (a queue takes every call: only agents and numbers fail). Graph problems (loops, dead
ends, reach) are looked for only once every node named exists.
"""

from collections.abc import Callable, Collection, Mapping

from callfloor.core.ivr import FlowProblem, Severity
from callfloor.core.ivr.entry import entry_problems
from callfloor.core.ivr.nodes import (
    DTMF_KEYS,
    SILENT,
    Collect,
    Condition,
    Lookup,
    Menu,
    Node,
    Play,
    Queue,
    Survey,
    Transfer,
    TransferKind,
    Voicemail,
    may_end,
    prompt_fields,
    successors,
    voicemail_for,
)
from callfloor.core.ivr.variables import rule_problem
from callfloor.core.numbers import InvalidNumberError, normalize

Problems = list[tuple[str, str]]  # (field, message) of one node
Through = Callable[[Node], bool]  # which nodes a walk over the graph may step out of
MAX_TIMEOUT_S = 60.0
MAX_VOICEMAIL_S = 600.0


def check(
    start: str, nodes: Mapping[str, Node], known_prompts: Collection[str] | None = None
) -> list[FlowProblem]:
    """Every problem of the flow from ``start`` over ``nodes``, errors and warnings, in node order."""
    problems: list[FlowProblem] = []
    if start not in nodes:
        problems.append(FlowProblem(None, "start", f"unknown node {start!r}"))
    for name, node in nodes.items():
        found = [
            (where, f"unknown node {target!r}") for where, target in successors(node) if target not in nodes
        ]
        found += settings_problems(node, nodes, name)
        if known_prompts is not None:
            found += [
                (where, f"unknown prompt {prompt!r} (not in the prompt catalogue)")
                for where, prompt in prompt_fields(node)
                if prompt not in known_prompts
            ]
        problems += [FlowProblem(name, where, message) for where, message in found]
        problems += [FlowProblem(name, w, m, Severity.WARNING) for w, m in _warnings(node)]
    if any(p.message.startswith("unknown node") for p in problems):
        return problems
    return problems + silent_loops(nodes) + dead_ends(nodes) + unreachable(start, nodes)


# -- one node ---------------------------------------------------------------------------------


def settings_problems(node: Node, nodes: Mapping[str, Node], name: str) -> Problems:
    """What is wrong with a node's own settings, as (field, message) pairs."""
    if isinstance(node, Menu):
        return _menu(node)
    if isinstance(node, Collect):
        return entry_problems(node) + _asking(node.tries, node.timeout_s)
    if isinstance(node, Survey):
        return _survey(node)
    if isinstance(node, Condition):
        return [
            (f"when.{i}.{rule.test.value}", problem)
            for i, rule in enumerate(node.when)
            if (problem := rule_problem(rule)) is not None
        ]
    if isinstance(node, Lookup):
        return [] if 0 < node.timeout_s <= MAX_TIMEOUT_S else [("timeout_s", _seconds(MAX_TIMEOUT_S))]
    if isinstance(node, Voicemail):
        return [] if 0 < node.max_s <= MAX_VOICEMAIL_S else [("max_s", _seconds(MAX_VOICEMAIL_S))]
    if isinstance(node, Transfer):
        return _transfer(node)
    if isinstance(node, Queue):
        return _queue(node, nodes, name)
    return []


def _seconds(most: float) -> str:
    return f"more than 0 seconds, at most {most:g}"


def _asking(tries: int, timeout_s: float) -> Problems:
    problems = [] if 1 <= tries <= 9 else [("tries", "from 1 to 9")]
    return problems + ([] if 0 < timeout_s <= MAX_TIMEOUT_S else [("timeout_s", _seconds(MAX_TIMEOUT_S))])


def _menu(menu: Menu) -> Problems:
    problems = [
        (f"options.{key}", "a menu option is one key: 0-9, *, #, A-D")
        for key in menu.options
        if key not in DTMF_KEYS
    ]
    if not menu.options:
        problems.append(("options", "a menu needs at least one option"))
    return problems + _asking(menu.tries, menu.timeout_s)


def _survey(survey: Survey) -> Problems:
    problems = [] if survey.name else [("name", "a survey needs its name (answers are filed under it)")]
    if not survey.questions:
        problems.append(("questions", "a survey needs at least one question"))
    seen: set[str] = set()
    for i, question in enumerate(survey.questions):
        if not 0 <= question.min <= question.max <= 9:
            problems.append((f"questions.{i}", "answers are keys: 0 <= min <= max <= 9"))
        if not question.prompts:
            problems.append((f"questions.{i}.prompts", "a question needs its prompt"))
        if question.id in seen or not question.id:
            problems.append((f"questions.{i}.id", f"question ids are unique and not empty: {question.id!r}"))
        seen.add(question.id)
    return problems + _asking(survey.tries, survey.timeout_s)


def _transfer(transfer: Transfer) -> Problems:
    target = transfer.target
    if transfer.to is TransferKind.AGENT and not (target.isdigit() and 2 <= len(target) <= 8):
        return [("target", "an agent's extension: 2 to 8 digits")]
    if transfer.to is TransferKind.QUEUE and not target:
        return [("target", "a queue's name")]
    if transfer.to is TransferKind.NUMBER:
        try:
            normalize(target)
        except InvalidNumberError as exc:
            return [("target", str(exc))]
    return []


def _queue(queue: Queue, nodes: Mapping[str, Node], name: str) -> Problems:
    options = queue.options
    problems = []
    for where, value, low in (
        ("announce_every_s", options.announce_every_s, 10.0),
        ("callback_after_s", options.callback_after_s, 0.0),
        ("callback_when_wait_over_s", options.callback_when_wait_over_s, 0.0),
        ("max_wait_s", options.max_wait_s, 1.0),
    ):
        if value is not None and not low <= value < 86_400:
            problems.append((where, f"from {low:g} seconds to less than a day"))
    if options.voicemail and voicemail_for(nodes, name) is None:
        problems.append(
            (
                "voicemail",
                f"no voicemail node for the message: overflow to one, or add one for {queue.queue!r}",
            )
        )
    return problems


def _warnings(node: Node) -> Problems:
    if isinstance(node, Transfer) and node.to is TransferKind.QUEUE and node.fallback is not None:
        return [("fallback", "a transfer to a queue is never refused: the fallback is never taken")]
    if not isinstance(node, Queue):
        return []
    if node.options.max_wait_s is not None and node.options.overflow is None:
        return [("max_wait_s", "no overflow node: after max_wait_s the caller waits on")]
    if node.options.overflow is not None and node.options.max_wait_s is None:
        return [("overflow", "no max_wait_s: the overflow is never taken")]
    return []


# -- the graph --------------------------------------------------------------------------------


def reachable(start: str, nodes: Mapping[str, Node]) -> set[str]:
    """The nodes a call can reach from ``start``."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in nodes:
            continue
        seen.add(name)
        todo += [target for _, target in successors(nodes[name])]
    return seen


def _anywhere(_: Node) -> bool:
    return True


def _is_silent(node: Node) -> bool:
    return isinstance(node, SILENT) or (isinstance(node, Play) and not node.prompts)


def _cycle(name: str, nodes: Mapping[str, Node], through: Through) -> list[str] | None:
    """A path from ``name`` back to itself through nodes ``through`` accepts, if there is one."""
    paths: dict[str, list[str]] = {name: [name]}
    todo = [name]
    while todo:
        current = todo.pop(0)
        if not through(nodes[current]):
            continue
        for _, target in successors(nodes[current]):
            if target == name:
                return [*paths[current], name]
            if target not in paths:
                paths[target] = [*paths[current], target]
                todo.append(target)
    return None


def silent_loops(nodes: Mapping[str, Node]) -> list[FlowProblem]:
    """Nodes that lead round to themselves with nothing played and no key read: one problem per loop."""
    problems, reported = [], set[frozenset[str]]()
    for name, node in nodes.items():
        path = _cycle(name, nodes, _is_silent) if _is_silent(node) else None
        if path is not None and frozenset(path) not in reported:
            reported.add(frozenset(path))
            problems.append(
                FlowProblem(name, "", f"loops back to itself ({' → '.join(path)}) with no prompt played "
                            "and no key read: the call would go round for ever")
            )  # fmt: skip
    return problems


def dead_ends(nodes: Mapping[str, Node]) -> list[FlowProblem]:
    """Nodes from which no end can be reached: loops with no exit, and the ways into them."""
    can_end = {name for name, node in nodes.items() if may_end(node)}
    changed = True
    while changed:  # a node can end if one of its successors can
        more = {n for n, node in nodes.items() if any(t in can_end for _, t in successors(node))}
        changed, can_end = not more <= can_end, can_end | more
    problems, in_loops = [], set[str]()
    ends = "a hangup, a queue, a transfer or a voicemail"
    for name in nodes:
        if name in can_end or name in in_loops:
            continue
        path = _cycle(name, nodes, _anywhere)
        if path is not None:
            in_loops.update(path)
            message = f"in a loop with no exit ({' → '.join(path)}): no path reaches {ends}"
        else:
            message = f"a dead end: every way from here leads into a loop with no exit, never to {ends}"
        problems.append(FlowProblem(name, "", message))
    return problems


def unreachable(start: str, nodes: Mapping[str, Node]) -> list[FlowProblem]:
    """Warnings for the nodes no call from ``start`` reaches."""
    if start not in nodes:
        return []
    seen = reachable(start, nodes)
    return [
        FlowProblem(name, "", f"unreachable from the start ({start!r})", Severity.WARNING)
        for name in nodes
        if name not in seen
    ]
