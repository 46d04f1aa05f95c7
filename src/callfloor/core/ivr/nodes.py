"""The node types of a call flow: what the caller hears at each, and where the call goes next.

The serveur vocal interactif's building blocks. Some speak or listen: ``play`` (prompts, then
the next node), ``menu`` (a key chooses the next node), ``collect`` (a number typed in, checked),
``survey`` (DTMF answers to a few questions). Some decide in silence: ``hours`` (open, closed,
holiday), ``condition`` (on the session's variables), ``lookup`` (the caller in the CRM),
``set`` (variables, priority), ``language`` (the prompt set). Some end the walk: ``queue``,
``transfer``, ``voicemail``, ``hangup``.

Prompt ids, queue names and transfer targets are the tenant's: the configuration that loads a
flow checks them against its catalogue and queues; :mod:`.check` checks what a flow says of
itself. Every field named here is the field of the same name in the flow's YAML, so that a
problem found on a node points at its line.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from callfloor.core.ivr.variables import Rule, Value
from callfloor.core.schedule.calendar import Schedule

if TYPE_CHECKING:  # waiting.py builds on the session's actions, which build on these nodes
    from callfloor.core.ivr.waiting import WaitOptions

DTMF_KEYS = frozenset("0123456789*#ABCD")  # RFC 4733 §3.2, events 0-15
GOODBYE = ("goodbye",)


def default_wait() -> "WaitOptions":
    """A queue node's waiting options when it sets none (imported here, late, to keep imports acyclic)."""
    from callfloor.core.ivr.waiting import WaitOptions

    return WaitOptions()


@dataclass(frozen=True, slots=True)
class Play:
    """Prompts played in a row (keys pressed meanwhile are kept for the next question), then ``next``."""

    kind: ClassVar[str] = "play"
    prompts: tuple[str, ...]
    next: str


@dataclass(frozen=True, slots=True)
class Menu:
    """A prompt the caller may interrupt with a key; ``options`` maps keys to nodes.

    ``tries`` counts the prompt's first playing: after that many wrong keys or silences, the call
    goes to ``fallback`` (the operator, say), or with none hears goodbye and is hung up.
    """

    kind: ClassVar[str] = "menu"
    prompts: tuple[str, ...]
    options: Mapping[str, str]
    timeout_s: float = 5.0
    tries: int = 3
    fallback: str | None = None
    invalid_prompt: str = "invalid_choice"
    no_input_prompt: str = "no_input"


@dataclass(frozen=True, slots=True)
class Collect:
    """Digits typed in (a customer or order number) into ``variable``, then ``next``.

    The entry ends at ``terminator``, at ``max_length`` digits, or when ``timeout_s`` passes
    between two keys. It must have ``min_length`` to ``max_length`` digits, match ``pattern``
    (a regular expression, whole) and pass ``check`` (``luhn``) if given; a wrong entry or
    silence is retried like a menu's, then ``fallback`` or goodbye.
    """

    kind: ClassVar[str] = "collect"
    prompts: tuple[str, ...]
    variable: str
    next: str
    min_length: int = 1
    max_length: int = 16
    terminator: str | None = "#"
    timeout_s: float = 5.0
    tries: int = 3
    pattern: str | None = None
    check: str | None = None
    fallback: str | None = None
    invalid_prompt: str = "invalid_choice"
    no_input_prompt: str = "no_input"


@dataclass(frozen=True, slots=True)
class Language:
    """Prompts are played in ``language`` from here on."""

    kind: ClassVar[str] = "language"
    language: str
    next: str


@dataclass(frozen=True, slots=True)
class Hours:
    """Open or closed now, by the tenant's schedule (or ``schedule``, this node's own).

    Sets the variable ``closure`` to why it is closed (``outside_hours``, ``public_holiday``,
    ``exceptional_closure``; absent when open) and, on a jour férié, ``holiday`` to its name.
    A public holiday goes to ``holiday`` when given, else to ``closed``.
    """

    kind: ClassVar[str] = "hours"
    open: str
    closed: str
    holiday: str | None = None
    schedule: Schedule | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    """The first rule of ``when`` that the variables match chooses the next node, else ``otherwise``."""

    kind: ClassVar[str] = "condition"
    when: tuple[Rule, ...]
    otherwise: str


@dataclass(frozen=True, slots=True)
class Lookup:
    """The caller's number looked up in the CRM by the driver, then ``found`` or ``not_found``.

    A caller with no number (anonymous) is not looked up, and an answer later than ``timeout_s``
    counts as not found: the caller is never kept waiting in silence. A VIP's calls get
    ``vip_priority`` in the queue.
    """

    kind: ClassVar[str] = "lookup"
    found: str
    not_found: str
    timeout_s: float = 3.0
    vip_priority: int | None = None


@dataclass(frozen=True, slots=True)
class SetVariables:
    """Set these variables (and the call's queue priority, if given), then ``next``."""

    kind: ClassVar[str] = "set"
    variables: Mapping[str, Value]
    next: str
    priority: int | None = None


@dataclass(frozen=True, slots=True)
class Queue:
    """The call leaves the IVR for this queue of the floor; ``options`` say how it waits there."""

    kind: ClassVar[str] = "queue"
    queue: str
    options: "WaitOptions" = field(default_factory=default_wait)


@dataclass(frozen=True, slots=True)
class Voicemail:
    """Prompts, then the caller's message is recorded for ``queue``'s team; then ``next`` or the end."""

    kind: ClassVar[str] = "voicemail"
    prompts: tuple[str, ...] = ("voicemail_invite", "beep")
    queue: str | None = None
    max_s: float = 120.0
    next: str | None = None


class TransferKind(StrEnum):
    """Where a ``transfer`` node sends the call."""

    AGENT = "agent"  # an extension
    QUEUE = "queue"  # a queue, with no waiting options of this flow's
    NUMBER = "number"  # an external number, through a trunk


@dataclass(frozen=True, slots=True)
class Transfer:
    """Prompts, then the call leaves the IVR for an agent, a queue or an outside number.

    An agent or a number may not take it (busy, unavailable, no answer): the call then goes to
    ``fallback`` (the switchboard's queue, say), or with none hears goodbye and is hung up.
    """

    kind: ClassVar[str] = "transfer"
    to: TransferKind
    target: str
    prompts: tuple[str, ...] = ("transfer",)
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a survey: its prompts, and the keys ``min`` to ``max`` that answer it."""

    id: str
    prompts: tuple[str, ...]
    min: int = 1
    max: int = 5


@dataclass(frozen=True, slots=True)
class Survey:
    """A short DTMF survey (satisfaction 1-5, "was it solved" 1/2): its intro, then each question.

    A question unanswered after ``tries`` (silence or a key out of range) is skipped; after the
    last, ``next``, or with none the call ends.
    """

    kind: ClassVar[str] = "survey"
    name: str
    questions: tuple[Question, ...]
    prompts: tuple[str, ...] = ("survey_intro",)
    tries: int = 2
    timeout_s: float = 5.0
    invalid_prompt: str = "invalid_choice"
    no_input_prompt: str = "no_input"
    next: str | None = None


@dataclass(frozen=True, slots=True)
class Hangup:
    """Say goodbye and end the call."""

    kind: ClassVar[str] = "hangup"
    prompts: tuple[str, ...] = GOODBYE


Node = (
    Play | Menu | Collect | Language | Hours | Condition | Lookup | SetVariables
    | Queue | Voicemail | Transfer | Survey | Hangup
)  # fmt: skip
#: Nodes a walk passes through at once, playing nothing and reading no key.
SILENT = (Language, Hours, Condition, Lookup, SetVariables)
#: Nodes where a call may end.
ENDINGS = (Hangup, Queue, Transfer, Voicemail)


def successors(node: Node) -> Iterator[tuple[str, str]]:
    """The nodes ``node`` may lead to, each with the field that names it."""
    if (
        isinstance(node, Play | Language | SetVariables | Collect | Voicemail | Survey)
        and node.next is not None
    ):
        yield "next", node.next
    if isinstance(node, Menu):
        yield from ((f"options.{key}", target) for key, target in node.options.items())
    if isinstance(node, Menu | Collect | Transfer) and node.fallback is not None:
        yield "fallback", node.fallback
    if isinstance(node, Hours):
        yield from (("open", node.open), ("closed", node.closed))
        if node.holiday is not None:
            yield "holiday", node.holiday
    if isinstance(node, Condition):
        yield from ((f"when.{i}.next", rule.next) for i, rule in enumerate(node.when))
        yield "else", node.otherwise
    if isinstance(node, Lookup):
        yield from (("found", node.found), ("not_found", node.not_found))
    if isinstance(node, Queue) and node.options.overflow is not None:
        yield "overflow", node.options.overflow


def may_end(node: Node) -> bool:
    """Whether the call may end at ``node`` itself: an ending, or a question that gives up with goodbye."""
    if isinstance(node, ENDINGS):
        return True
    if isinstance(node, Menu | Collect):
        return node.fallback is None
    return isinstance(node, Survey) and node.next is None


def prompt_fields(node: Node) -> Iterator[tuple[str, str]]:
    """Every prompt id ``node`` may play, with the field that names it."""
    if isinstance(node, Play | Hangup | Menu | Collect | Voicemail | Transfer | Survey):
        yield from ((f"prompts.{i}", p) for i, p in enumerate(node.prompts))
    if isinstance(node, Survey):
        for i, question in enumerate(node.questions):
            yield from ((f"questions.{i}.prompts.{j}", p) for j, p in enumerate(question.prompts))
    if isinstance(node, Menu | Collect | Survey):
        yield from (("invalid_prompt", node.invalid_prompt), ("no_input_prompt", node.no_input_prompt))
    if isinstance(node, Menu | Collect) and node.fallback is None:
        yield from (("fallback", p) for p in GOODBYE)  # said when the tries run out
    if isinstance(node, Queue) and node.options.entry_prompt is not None:
        yield "entry_prompt", node.options.entry_prompt


def prompts(node: Node) -> Iterator[str]:
    """Every prompt id ``node`` may play."""
    return (prompt for _, prompt in prompt_fields(node))


def voicemail_for(nodes: Mapping[str, Node], queue_node: str) -> str | None:
    """Where a caller of ``queue_node`` who chooses to leave a message goes (``voicemail: true``).

    The queue's overflow node when that is a voicemail node, else the first voicemail node for
    the same queue; None if the flow has neither.
    """
    queue = nodes.get(queue_node)
    if not isinstance(queue, Queue):
        return None
    overflow = queue.options.overflow
    if overflow is not None and isinstance(nodes.get(overflow), Voicemail):
        return overflow
    return next((n for n, v in nodes.items() if isinstance(v, Voicemail) and v.queue == queue.queue), None)
