"""A call flow: named nodes, each saying what the caller hears and where the call goes next.

The node types are the serveur vocal interactif's building blocks: ``play`` (prompts, then the
next node), ``menu`` (a prompt, a digit chooses the next node; no input or a wrong key is
retried, then the fallback), ``language`` (the prompts' language from here on), ``queue``
(the call leaves the IVR for a queue of the floor) and ``hangup`` (a goodbye, then the end).
Prompt ids and queue names are the tenant's: the configuration that loads a flow checks them
against its catalogue and queues; :meth:`Flow.check` checks what a flow says of itself.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from callfloor.core.ivr import FlowError, FlowProblem

DTMF_KEYS = frozenset("0123456789*#ABCD")  # RFC 4733 §3.2, events 0-15


@dataclass(frozen=True, slots=True)
class Play:
    """Prompts played in a row (keys pressed meanwhile are kept for the next menu), then ``next``."""

    prompts: tuple[str, ...]
    next: str


@dataclass(frozen=True, slots=True)
class Menu:
    """A prompt the caller may interrupt with a key; ``options`` maps keys to nodes.

    ``tries`` counts the prompt's first playing: after that many wrong keys or silences, the call
    goes to ``fallback`` (the operator, say), or with none hears goodbye and is hung up.
    """

    prompts: tuple[str, ...]
    options: Mapping[str, str]
    timeout_s: float = 5.0
    tries: int = 3
    fallback: str | None = None
    invalid_prompt: str = "invalid_choice"
    no_input_prompt: str = "no_input"


@dataclass(frozen=True, slots=True)
class Language:
    """Prompts are played in ``language`` from here on."""

    language: str
    next: str


@dataclass(frozen=True, slots=True)
class Queue:
    """The call leaves the IVR for this queue of the floor."""

    queue: str


@dataclass(frozen=True, slots=True)
class Hangup:
    """Say goodbye and end the call."""

    prompts: tuple[str, ...] = ("goodbye",)


Node = Play | Menu | Language | Queue | Hangup


def successors(node: Node) -> Iterator[tuple[str, str]]:
    """The nodes ``node`` may lead to, each with the field that names it."""
    if isinstance(node, Play | Language):
        yield "next", node.next
    elif isinstance(node, Menu):
        for key, target in node.options.items():
            yield f"options.{key}", target
        if node.fallback is not None:
            yield "fallback", node.fallback


def prompts(node: Node) -> Iterator[str]:
    """Every prompt id ``node`` may play."""
    if isinstance(node, Play | Hangup):
        yield from node.prompts
    elif isinstance(node, Menu):
        yield from (*node.prompts, node.invalid_prompt, node.no_input_prompt)
        if node.fallback is None:
            yield from Hangup().prompts


@dataclass(frozen=True, slots=True)
class Flow:
    """A named flow; calls start at ``start``. Build it with :meth:`checked`."""

    name: str
    start: str
    nodes: Mapping[str, Node] = field(default_factory=dict)

    @classmethod
    def checked(cls, name: str, start: str, nodes: Mapping[str, Node]) -> "Flow":
        """The flow, or :class:`FlowError` listing everything :meth:`check` finds wrong."""
        flow = cls(name, start, MappingProxyType(dict(nodes)))
        problems = flow.check()
        if problems:
            raise FlowError(problems)
        return flow

    def check(self) -> list[FlowProblem]:
        """What would make a walk of this flow fail: unknown nodes, bad menus, silent loops."""
        problems: list[FlowProblem] = []
        if self.start not in self.nodes:
            problems.append(FlowProblem(None, "start", f"unknown node {self.start!r}"))
        for name, node in self.nodes.items():
            problems += [
                FlowProblem(name, where, f"unknown node {target!r}")
                for where, target in successors(node)
                if target not in self.nodes
            ]
            if isinstance(node, Menu):
                problems += _menu_problems(name, node)
        return problems or self._silent_loops()

    def reachable(self) -> set[str]:
        """The nodes a call can reach from the start."""
        seen: set[str] = set()
        todo = [self.start]
        while todo:
            name = todo.pop()
            if name in seen or name not in self.nodes:
                continue
            seen.add(name)
            todo += [target for _, target in successors(self.nodes[name])]
        return seen

    def _silent_loops(self) -> list[FlowProblem]:
        """Language nodes leading round to themselves with nothing played: a walk would never end."""
        problems = []
        for name, start in self.nodes.items():
            seen, node = {name}, start
            while isinstance(node, Language):
                if node.next in seen:
                    problems.append(FlowProblem(name, "next", "loops back with no prompt in between"))
                    break
                seen.add(node.next)
                node = self.nodes[node.next]
        return problems


def _menu_problems(name: str, menu: Menu) -> list[FlowProblem]:
    problems = [
        FlowProblem(name, f"options.{key}", "a menu option is one key: 0-9, *, #, A-D")
        for key in menu.options
        if key not in DTMF_KEYS
    ]
    if not menu.options:
        problems.append(FlowProblem(name, "options", "a menu needs at least one option"))
    if menu.tries < 1:
        problems.append(FlowProblem(name, "tries", "at least 1"))
    if menu.timeout_s <= 0:
        problems.append(FlowProblem(name, "timeout_s", "must be more than 0 seconds"))
    return problems


def welcome_then_queue(queue: str) -> Flow:
    """The flow of a number that leads straight to a queue: the welcome, then the queue."""
    return Flow.checked(
        f"queue:{queue}", "welcome", {"welcome": Play(("welcome",), "queue"), "queue": Queue(queue)}
    )
