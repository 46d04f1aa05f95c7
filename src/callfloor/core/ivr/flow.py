"""A call flow: named nodes (:mod:`.nodes`) and the one calls start at, checked as a whole.

:meth:`Flow.checked` builds a flow the session can walk: it refuses one with any error that
:mod:`.check` finds (an unknown node, a silent loop, a dead end…) and lets warnings through
(a node nothing reaches). The node types are re-exported here, where flows have always been
built from.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from callfloor.core.ivr import FlowError, FlowProblem, Severity
from callfloor.core.ivr.check import check, reachable
from callfloor.core.ivr.nodes import (
    DTMF_KEYS,
    Collect,
    Condition,
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
    prompts,
    successors,
    voicemail_for,
)

__all__ = [
    "DTMF_KEYS",
    "Collect",
    "Condition",
    "Flow",
    "Hangup",
    "Hours",
    "Language",
    "Lookup",
    "Menu",
    "Node",
    "Play",
    "Question",
    "Queue",
    "SetVariables",
    "Survey",
    "Transfer",
    "TransferKind",
    "Voicemail",
    "prompts",
    "successors",
    "welcome_then_queue",
]


@dataclass(frozen=True, slots=True)
class Flow:
    """A named flow; calls start at ``start``. Build it with :meth:`checked`."""

    name: str
    start: str
    nodes: Mapping[str, Node] = field(default_factory=dict)

    @classmethod
    def checked(
        cls, name: str, start: str, nodes: Mapping[str, Node], known_prompts: Collection[str] | None = None
    ) -> "Flow":
        """The flow, or :class:`FlowError` listing every error :meth:`check` finds (warnings pass)."""
        flow = cls(name, start, MappingProxyType(dict(nodes)))
        errors = [p for p in flow.check(known_prompts) if p.severity is Severity.ERROR]
        if errors:
            raise FlowError(errors)
        return flow

    def check(self, known_prompts: Collection[str] | None = None) -> list[FlowProblem]:
        """Every problem of this flow, errors and warnings (:mod:`.check`); prompts if given the catalogue."""
        return check(self.start, self.nodes, known_prompts)

    def reachable(self) -> set[str]:
        """The nodes a call can reach from the start."""
        return reachable(self.start, self.nodes)

    def needs_schedule(self) -> list[str]:
        """The ``hours`` nodes that check the tenant's schedule (those with none of their own)."""
        return [
            name for name, node in self.nodes.items() if isinstance(node, Hours) and node.schedule is None
        ]

    def voicemail_node(self, queue_node: str) -> str | None:
        """Where a caller waiting at ``queue_node`` who chooses to leave a message is resumed."""
        return voicemail_for(self.nodes, queue_node)


def welcome_then_queue(queue: str) -> Flow:
    """The flow of a number that leads straight to a queue: the welcome, then the queue."""
    return Flow.checked(
        f"queue:{queue}", "welcome", {"welcome": Play(("welcome",), "queue"), "queue": Queue(queue)}
    )
