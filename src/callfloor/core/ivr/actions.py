"""What an IVR session asks its driver to do, in order: play, stop, look up, record, queue, transfer, hang up.

Each is a frozen value; the driver carries them out and reports back through the session's
inputs (the end of prompts, a look-up's answer, the end of a recording). :class:`Append` (the
log entry of a call that ends in the IVR) is the floor's own action.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from callfloor.core.actions import Append
from callfloor.core.ivr.nodes import TransferKind, default_wait

if TYPE_CHECKING:  # waiting.py builds on these actions
    from callfloor.core.ivr.waiting import WaitOptions


@dataclass(frozen=True, slots=True)
class PlayPrompts:
    """Play these prompts in a row, in the session's language; ``barge_in``: a key stops them.

    The driver reports their end with ``prompt_done``.
    """

    prompts: tuple[str, ...]
    barge_in: bool


@dataclass(frozen=True, slots=True)
class StopPrompts:
    """Stop what is playing (the caller pressed a key during a question)."""


@dataclass(frozen=True, slots=True)
class SetLanguage:
    """Prompts in this language from now on."""

    language: str


@dataclass(frozen=True, slots=True)
class LookupCaller:
    """Look ``number`` (E.164) up in the tenant's CRM; answer with ``lookup_done``."""

    number: str


@dataclass(frozen=True, slots=True)
class SetPriority:
    """The call's priority in the queue it will enter (higher first); ``EnterQueue`` carries it too."""

    priority: int


@dataclass(frozen=True, slots=True)
class EnterQueue:
    """The call leaves the IVR for this queue, to wait there as ``options`` say, with ``priority``."""

    queue: str
    options: "WaitOptions" = field(default_factory=default_wait)
    priority: int = 0


@dataclass(frozen=True, slots=True)
class RecordVoicemail:
    """Record the caller's message, for ``queue``'s team (None: the tenant's box), ``max_s`` at most.

    The driver reports the end of the recording with ``voicemail_done``.
    """

    queue: str | None
    max_s: float


@dataclass(frozen=True, slots=True)
class TransferCall:
    """The call leaves the IVR for an agent's extension, a queue or an outside number (E.164)."""

    kind: TransferKind
    target: str


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    """The caller answered ``question`` of ``survey`` with ``value`` (a key, 0-9)."""

    survey: str
    question: str
    value: int


@dataclass(frozen=True, slots=True)
class Disconnect:
    """Hang up the caller; ``reason`` says why (``hangup``, ``no_choice``, ``voicemail``, ``survey``)."""

    reason: str


IvrAction = (
    PlayPrompts | StopPrompts | SetLanguage | LookupCaller | SetPriority | EnterQueue
    | RecordVoicemail | TransferCall | SurveyAnswer | Disconnect | Append
)  # fmt: skip
