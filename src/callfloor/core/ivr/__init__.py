"""The serveur vocal interactif (IVR), sans I/O: flows of nodes, and a session per call that walks one.

A :class:`~callfloor.core.ivr.flow.Flow` is a tenant's call flow (welcome, opening hours,
language choice, menus, then a queue, a transfer or a voicemail), checked as a whole before it
is used. An :class:`~callfloor.core.ivr.session.IvrSession` walks a flow for one caller: it
takes the caller's digits, the end of each prompt, the answers of the driver's look-ups and
``now``, and returns what to play, when to give up waiting, and where the call goes. The SIP
server drives it; nothing here plays a sound or reads a clock.

Modules: :mod:`.nodes` (the node types), :mod:`.variables` (a session's variables and the
rules that read them), :mod:`.entry` (what a ``collect`` accepts), :mod:`.check` (the flow
checker), :mod:`.flow` (a checked flow), :mod:`.actions` and :mod:`.session` (the walk),
:mod:`.walk` (a walk on a simulated clock, for tools and tests), :mod:`.waiting` (a queue
node's waiting options).

Errors::

    IvrError (CoreError)
    ├── FlowError      a flow that does not hold together (unknown node, no way out…);
    │                  ``problems`` lists each one with the node and field it is about
    └── IllegalInput   an input the session's state has no transition for, named
"""

from dataclasses import dataclass
from enum import StrEnum

from callfloor.core import CoreError


class IvrError(CoreError):
    """Root of the IVR's errors."""


class Severity(StrEnum):
    """An error refuses the flow; a warning is reported and the flow is used (see :mod:`.check`)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class FlowProblem:
    """One thing wrong with a flow: which node, which of its fields (as in the YAML), and what."""

    node: str | None  # None: the flow as a whole (its start)
    field: str  # "" for the node as a whole
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        if self.node is None:
            return f"{self.field}: {self.message}"
        where = f"node {self.node!r}, {self.field}" if self.field else f"node {self.node!r}"
        return f"{where}: {self.message}"


class FlowError(IvrError):
    """A flow that cannot be walked; ``problems`` says where and why (errors only)."""

    def __init__(self, problems: list[FlowProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class IllegalInput(IvrError):  # noqa: N818 - named for what happened, like the SIP layer's errors
    """An input the session cannot take in its state (e.g. a digit after the call left the IVR)."""

    def __init__(self, state: str, event: str) -> None:
        super().__init__(f"no transition for {event!r} in state {state!r}")
        self.state, self.event = state, event
