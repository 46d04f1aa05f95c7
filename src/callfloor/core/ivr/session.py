"""One caller's walk through a flow: digits, ends of prompts and deadlines in, what to do out.

Theory of operation. The session is in one of three states: ``playing`` (prompts are being
played; the driver reports their end with :meth:`IvrSession.prompt_done`), ``waiting`` (a menu
has been said and the caller has ``timeout_s`` to press a key; :meth:`IvrSession.next_deadline`
says until when) and ``done`` (the call left for a queue, or was hung up). Moves are a table
from (state, input) to a handler; an input the table does not list raises
:class:`~callfloor.core.ivr.IllegalInput`, so a driver's mistake has a name.

A call that ends in the IVR (the caller hangs up, or the flow hangs up) leaves an
``ivr_ended`` entry for the interaction log, so that every call has its record; one that
reaches a queue leaves it to the floor, whose ``enqueued`` follows.

Keys pressed during a ``play`` node are kept and answer the next menu at once (type-ahead,
as callers who know the menu expect); a key during a menu's prompt stops it (barge-in). Each
input returns the actions that follow from it, in order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from callfloor.core.actions import Append
from callfloor.core.config import Channel
from callfloor.core.ivr import IllegalInput
from callfloor.core.ivr.flow import Flow, Hangup, Language, Menu, Node, Play, Queue
from callfloor.core.log import InteractionEventType, LogEntry


@dataclass(frozen=True, slots=True)
class PlayPrompts:
    """Play these prompts in a row, in the session's language; ``barge_in``: a key stops them."""

    prompts: tuple[str, ...]
    barge_in: bool


@dataclass(frozen=True, slots=True)
class StopPrompts:
    """Stop what is playing (the caller pressed a key during a menu)."""


@dataclass(frozen=True, slots=True)
class SetLanguage:
    """Prompts in this language from now on."""

    language: str


@dataclass(frozen=True, slots=True)
class EnterQueue:
    """The call leaves the IVR for this queue."""

    queue: str


@dataclass(frozen=True, slots=True)
class Disconnect:
    """Hang up the caller; ``reason`` says why (``hangup`` node, ``no_choice`` after the tries)."""

    reason: str


IvrAction = PlayPrompts | StopPrompts | SetLanguage | EnterQueue | Disconnect | Append


class State(StrEnum):
    """Where a session is."""

    START = "start"
    PLAYING = "playing"
    WAITING = "waiting"
    DONE = "done"


Handler = Callable[["IvrSession", str, float], list[IvrAction]]


class IvrSession:
    """A caller in a flow. ``trail`` lists the nodes visited and ``choices`` the keys that chose."""

    TABLE: ClassVar[dict[tuple[State, str], Handler]] = {}

    def __init__(self, flow: Flow, language: str, interaction: str = "") -> None:
        """``interaction`` names the call in the log entry of a call that ends here."""
        self.flow = flow
        self.interaction = interaction
        self.started = 0.0
        self.language = language
        self.state = State.START
        self.trail: list[str] = []
        self.choices: list[str] = []
        self._node: Node | None = None
        self._barge_in = False
        self._typed: list[str] = []  # keys pressed before the menu that takes them
        self._failures = 0
        self._deadline: float | None = None
        self._end_reason = "hangup"

    # -- inputs ---------------------------------------------------------------------------------

    def start(self, now: float) -> list[IvrAction]:
        """The call is answered: the flow's first node."""
        return self._input("start", "", now)

    def prompt_done(self, now: float) -> list[IvrAction]:
        """The prompts asked for last have all been played."""
        return self._input("prompt_done", "", now)

    def digit(self, key: str, now: float) -> list[IvrAction]:
        """The caller pressed ``key`` (RFC 4733 or SIP INFO)."""
        return self._input("digit", key, now)

    def caller_hung_up(self, now: float) -> list[IvrAction]:
        """The caller left while in the IVR."""
        return self._input("hung_up", "", now)

    def next_deadline(self) -> float | None:
        """When a menu stops waiting for a key, if it is waiting."""
        return self._deadline

    def on_deadline(self, now: float) -> list[IvrAction]:
        """Call when :meth:`next_deadline` is due; early calls change nothing."""
        if self._deadline is None or now < self._deadline:
            return []
        return self._input("timeout", "", now)

    @property
    def done(self) -> bool:
        """Whether the call has left the IVR."""
        return self.state is State.DONE

    def _input(self, event: str, key: str, now: float) -> list[IvrAction]:
        handler = self.TABLE.get((self.state, event))
        if handler is None:
            raise IllegalInput(self.state.value, event)
        return handler(self, key, now)

    # -- transitions ----------------------------------------------------------------------------

    def _on_start(self, _key: str, now: float) -> list[IvrAction]:
        self.started = now
        return self._goto(self.flow.start, now)

    def _on_hung_up(self, _key: str, now: float) -> list[IvrAction]:
        return self._ended("caller_hung_up", now)

    def _ended(self, reason: str, now: float) -> list[IvrAction]:
        self.state, self._deadline = State.DONE, None
        entry = LogEntry(
            now, InteractionEventType.IVR_ENDED, self.interaction, channel=Channel.CALL,
            wait_s=now - self.started, reason=reason,
        )  # fmt: skip
        return [Append(entry)]

    def _on_prompt_done(self, _key: str, now: float) -> list[IvrAction]:
        node = self._node
        if isinstance(node, Play):
            return self._goto(node.next, now)
        if isinstance(node, Menu):
            self.state, self._deadline = State.WAITING, now + node.timeout_s
            return []
        # A hangup node's goodbye, or a menu's after its last try, has been said.
        return [*self._ended(self._end_reason, now), Disconnect(self._end_reason)]

    def _on_typed_ahead(self, key: str, _now: float) -> list[IvrAction]:
        self._typed.append(key)
        return []

    def _on_menu_key(self, key: str, now: float) -> list[IvrAction]:
        stop: list[IvrAction] = [StopPrompts()] if self.state is State.PLAYING else []
        return stop + self._choose(key, now)

    def _on_timeout(self, _key: str, now: float) -> list[IvrAction]:
        menu = self._node
        assert isinstance(menu, Menu)  # noqa: S101 - only a menu waits
        return self._failed(menu, menu.no_input_prompt, now)

    # -- the walk -------------------------------------------------------------------------------

    def _goto(self, name: str, now: float) -> list[IvrAction]:
        out: list[IvrAction] = []
        node = self.flow.nodes[name]
        while isinstance(node, Language):  # Flow.check() rules out a loop of these
            self.trail.append(name)
            self.language = node.language
            out.append(SetLanguage(node.language))
            name, node = node.next, self.flow.nodes[node.next]
        self.trail.append(name)
        self._node, self._deadline, self._failures = node, None, 0
        if isinstance(node, Queue):
            self.state = State.DONE
            return [*out, EnterQueue(node.queue)]
        if isinstance(node, Menu) and self._typed:
            return out + self._choose(self._typed.pop(0), now)
        return [*out, *self._play(node.prompts, barge_in=isinstance(node, Menu))]

    def _play(self, prompts: tuple[str, ...], *, barge_in: bool) -> list[IvrAction]:
        self.state, self._barge_in, self._deadline = State.PLAYING, barge_in, None
        return [PlayPrompts(prompts, barge_in)]

    def _choose(self, key: str, now: float) -> list[IvrAction]:
        menu = self._node
        assert isinstance(menu, Menu)  # noqa: S101 - only a menu takes keys
        target = menu.options.get(key)
        if target is None:
            return self._failed(menu, menu.invalid_prompt, now)
        self.choices.append(key)
        return self._goto(target, now)

    def _failed(self, menu: Menu, prompt: str, now: float) -> list[IvrAction]:
        self._failures += 1
        if self._failures < menu.tries:
            return self._play((prompt, *menu.prompts), barge_in=True)
        if menu.fallback is not None:
            return self._goto(menu.fallback, now)
        self._node, self._end_reason = Hangup(), "no_choice"
        return self._play(self._node.prompts, barge_in=False)

    def _on_key(self, key: str, now: float) -> list[IvrAction]:
        """A key while prompts play: barge-in on a menu, kept for later otherwise."""
        if self._barge_in:
            return self._on_menu_key(key, now)
        return self._on_typed_ahead(key, now)


IvrSession.TABLE = {
    (State.START, "start"): IvrSession._on_start,
    (State.PLAYING, "prompt_done"): IvrSession._on_prompt_done,
    (State.PLAYING, "digit"): IvrSession._on_key,
    (State.WAITING, "digit"): IvrSession._on_menu_key,
    (State.WAITING, "timeout"): IvrSession._on_timeout,
    (State.PLAYING, "hung_up"): IvrSession._on_hung_up,
    (State.WAITING, "hung_up"): IvrSession._on_hung_up,
}
