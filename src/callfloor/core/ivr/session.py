"""One caller's walk through a flow: keys, ends of prompts, look-ups and deadlines in, what to do out.

Theory of operation. This is the IVR's one state machine, which is why it is longer than most
modules. A session is in one of six states:

- ``start``: created for a call not answered yet; :meth:`IvrSession.start` walks from the flow's start;
- ``playing``: prompts are playing (:class:`PlayPrompts`); the driver reports their end with
  :meth:`~IvrSession.prompt_done`, and what follows them (the next node, a wait for keys, a
  recording, a transfer, the end) is the session's continuation;
- ``waiting``: a menu, a collect or a survey question waits for keys until
  :meth:`~IvrSession.next_deadline`;
- ``lookup``: the driver looks the caller up (:class:`LookupCaller`) and answers with
  :meth:`~IvrSession.lookup_done`; past the node's ``timeout_s`` the caller counts as unknown;
- ``recording``: the caller leaves a message (:class:`RecordVoicemail`) until
  :meth:`~IvrSession.voicemail_done`;
- ``done``: the call left the IVR (a queue, a transfer) or ended. One that left may be taken up
  again at a node of the flow with :meth:`~IvrSession.resume`: its queue's overflow after the
  maximum wait, the voicemail a waiting caller chose, a post-call survey.

A call that left for an agent's extension or an outside number is the IVR's until the driver
says how that went, since no floor takes its record: :meth:`~IvrSession.transfer_failed` (busy,
unavailable, no answer) walks on at the node's ``fallback``, or says goodbye and ends the call
``transfer_failed``; :meth:`~IvrSession.transfer_answered`, then
:meth:`~IvrSession.transfer_ended` when either side hangs up, ends it ``transfer`` with the talk
time (``caller_hung_up`` when the caller left before the answer).

Moves are a table from (state, input) to a handler; an input the table does not list raises
:class:`~callfloor.core.ivr.IllegalInput`, so a driver's mistake has a name. Silent nodes
(``language``, ``hours``, ``condition``, ``set``, and ``lookup`` of a withheld number) are
passed within one input; :meth:`Flow.check` rules out loops of them, and a walk of an unchecked
flow that goes round raises :class:`~callfloor.core.ivr.FlowError` rather than spin.

Keys pressed while prompts play that are no question (a ``play``, a survey's intro) or during a
look-up are kept and answer the next question at once, its prompts skipped (type-ahead, as
callers who know the menu expect); a key during a question's prompts stops them (barge-in).

A call that ends in the IVR (the caller hangs up, the flow hangs up, a voicemail, a survey)
leaves an ``ivr_ended`` entry for the interaction log, with the time spent in the IVR and the
queue it came from when it was resumed; one that leaves for a queue leaves its record to the
floor (``enqueued``). Ringing a transfer's agent or number counts as time in the IVR: the caller
waits in our hands, hearing music.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import ClassVar

from callfloor.core.actions import Append
from callfloor.core.config import Channel
from callfloor.core.ivr import FlowError, FlowProblem, IllegalInput
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
from callfloor.core.ivr.entry import accepts
from callfloor.core.ivr.flow import Flow
from callfloor.core.ivr.nodes import (
    GOODBYE,
    Collect,
    Condition,
    Hangup,
    Hours,
    Language,
    Lookup,
    Menu,
    Node,
    Play,
    Queue,
    SetVariables,
    Survey,
    Transfer,
    TransferKind,
    Voicemail,
)
from callfloor.core.ivr.variables import Value, matches
from callfloor.core.log import InteractionEventType, LogEntry
from callfloor.core.numbers import InvalidNumberError, normalize
from callfloor.core.schedule.calendar import ClosureReason, Schedule

__all__ = [
    "CONTACT_FIELDS",
    "Disconnect",
    "EnterQueue",
    "IvrAction",
    "IvrSession",
    "LookupCaller",
    "PlayPrompts",
    "RecordVoicemail",
    "SetLanguage",
    "SetPriority",
    "State",
    "StopPrompts",
    "SurveyAnswer",
    "TransferCall",
]

#: The variables a found contact's fields go to; any other field ``f`` goes to ``contact_f``.
CONTACT_FIELDS: Mapping[str, str] = {
    "id": "contact_id",
    "name": "contact_name",
    "language": "contact_language",
    "vip": "vip",
}


class State(StrEnum):
    """Where a session is."""

    START = "start"
    PLAYING = "playing"
    WAITING = "waiting"
    LOOKUP = "lookup"
    RECORDING = "recording"
    DONE = "done"


Arg = str | Mapping[str, Value] | None  # a key, a node's name, a look-up's answer
Handler = Callable[["IvrSession", Arg, float], list[IvrAction]]
Then = Callable[[float], list[IvrAction]]
Asking = Menu | Collect | Survey


class IvrSession:
    """A caller in a flow. ``trail`` lists the nodes visited, ``choices`` the menu keys that chose.

    ``variables`` are the driver's seed (``caller``, ``called``…) plus what the walk sets;
    ``priority`` is the call's priority for the queue it enters.
    """

    TABLE: ClassVar[dict[tuple[State, str], Handler]] = {}

    def __init__(
        self,
        flow: Flow,
        language: str,
        interaction: str = "",
        *,
        schedule: Schedule | None = None,
        variables: Mapping[str, Value] | None = None,
    ) -> None:
        """``interaction`` names the call in its log entry; ``schedule`` is the tenant's hours.

        A flow with an ``hours`` node of no schedule of its own (:meth:`Flow.needs_schedule`)
        needs ``schedule``: a walk that reaches such a node without one raises
        :class:`FlowError` naming it, and the session is done. Drivers check before answering.
        """
        self.flow, self.interaction, self.schedule = flow, interaction, schedule
        self.started = 0.0
        self.language = language
        self.variables: dict[str, Value] = {**(variables or {}), "language": language}
        self.priority = 0
        self.state = State.START
        self.trail: list[str] = []
        self.choices: list[str] = []
        self._node: Node | None = None
        self._then: Then | None = None  # what follows the prompts playing
        self._barge_in = False
        self._typed: list[str] = []  # keys pressed before the question that takes them
        self._entry = ""  # a collect's keys so far
        self._question = 0  # the survey question being asked
        self._failures = 0
        self._deadline: float | None = None
        self._queue: str | None = None  # the queue the call left for, if it did
        self._resumable = False
        self._voicemail = False  # a message was recorded
        self._ivr_s = 0.0  # time spent in the IVR before the last resume
        self._since = 0.0
        self._pending: Transfer | None = None  # the agent or number transfer awaiting its outcome
        self._answered_at: float | None = None  # when that transfer's agent or number answered

    # -- inputs ---------------------------------------------------------------------------------

    def start(self, now: float) -> list[IvrAction]:
        """The call is answered: the flow's first node."""
        return self._input("start", None, now)

    def prompt_done(self, now: float) -> list[IvrAction]:
        """The prompts asked for last have all been played."""
        return self._input("prompt_done", None, now)

    def digit(self, key: str, now: float) -> list[IvrAction]:
        """The caller pressed ``key`` (RFC 4733 or SIP INFO)."""
        return self._input("digit", key, now)

    def caller_hung_up(self, now: float) -> list[IvrAction]:
        """The caller left while in the IVR (during a recording: the message is left)."""
        return self._input("hung_up", None, now)

    def lookup_done(self, found: Mapping[str, Value] | None, now: float) -> list[IvrAction]:
        """The answer to :class:`LookupCaller`: the contact's fields, or None if unknown.

        Fields ``id``, ``name``, ``language`` and ``vip`` become the variables of
        :data:`CONTACT_FIELDS`, any other ``f`` becomes ``contact_f``, and an integer
        ``priority`` the call's priority; ``caller_known`` says whether it was found.
        """
        return self._input("lookup_done", found, now)

    def voicemail_done(self, now: float) -> list[IvrAction]:
        """The recording asked for ended (its maximum reached, or the caller hung up)."""
        return self._input("voicemail_done", None, now)

    def resume(self, node: str, now: float) -> list[IvrAction]:
        """Walk on from ``node``, for a call that left for a queue or a transfer (overflow, voicemail…)."""
        return self._input("resume", node, now)

    def transfer_answered(self, now: float) -> list[IvrAction]:
        """The agent or the number of the transfer the call left for answered: the talk begins."""
        return self._input("transfer_answered", None, now)

    def transfer_failed(self, now: float) -> list[IvrAction]:
        """That agent or number did not take the call: the node's fallback, or goodbye."""
        return self._input("transfer_failed", None, now)

    def transfer_ended(self, now: float) -> list[IvrAction]:
        """The transferred call ended, either side hanging up (or the caller, while it rang): its entry."""
        return self._input("transfer_ended", None, now)

    def next_deadline(self) -> float | None:
        """When a question stops waiting for a key, or a look-up for its answer."""
        return self._deadline

    def on_deadline(self, now: float) -> list[IvrAction]:
        """Call when :meth:`next_deadline` is due; early calls change nothing."""
        if self._deadline is None or now < self._deadline:
            return []
        return self._input("timeout", None, now)

    @property
    def done(self) -> bool:
        """Whether the call has left the IVR."""
        return self.state is State.DONE

    def _input(self, event: str, arg: Arg, now: float) -> list[IvrAction]:
        handler = self.TABLE.get((self.state, event))
        if handler is None:
            raise IllegalInput(self.state.value, event)
        return handler(self, arg, now)

    # -- transitions ----------------------------------------------------------------------------

    def _on_start(self, _arg: Arg, now: float) -> list[IvrAction]:
        self.started = self._since = now
        return self._goto(self.flow.start, now)

    def _on_prompt_done(self, _arg: Arg, now: float) -> list[IvrAction]:
        then, self._then = self._then, None
        assert then is not None  # noqa: S101 - every play sets what follows it
        return then(now)

    def _on_key_while_playing(self, key: Arg, now: float) -> list[IvrAction]:
        """Barge-in on a question's prompts; otherwise the key is kept for the next question."""
        if not self._barge_in:
            return self._on_typed_ahead(key, now)
        self._listen(now)
        return [StopPrompts(), *self._on_key(key, now)]

    def _on_typed_ahead(self, key: Arg, _now: float) -> list[IvrAction]:
        assert isinstance(key, str)  # noqa: S101 - digit() passes a key
        self._typed.append(key)
        return []

    def _on_key(self, key: Arg, now: float) -> list[IvrAction]:
        assert isinstance(key, str)  # noqa: S101
        node = self._asking()
        if isinstance(node, Menu):
            return self._choose(node, key, now)
        if isinstance(node, Collect):
            return self._collect(node, key, now)
        return self._rate(node, key, now)

    def _on_timeout(self, _arg: Arg, now: float) -> list[IvrAction]:
        node = self._asking()
        if isinstance(node, Collect) and self._entry:
            return self._entered(node, now)  # silence after some digits ends the entry
        return self._failed(node.no_input_prompt, now)

    def _on_hung_up(self, _arg: Arg, now: float) -> list[IvrAction]:
        return self._ended("caller_hung_up", now)

    def _on_lookup_done(self, found: Arg, now: float) -> list[IvrAction]:
        assert not isinstance(found, str)  # noqa: S101 - lookup_done() passes a mapping or None
        return self._looked_up(found, now)

    def _on_lookup_timeout(self, _arg: Arg, now: float) -> list[IvrAction]:
        return self._looked_up(None, now)

    def _on_voicemail_done(self, _arg: Arg, now: float) -> list[IvrAction]:
        node = self._node
        assert isinstance(node, Voicemail)  # noqa: S101 - only a voicemail records
        return self._goto(node.next, now) if node.next is not None else self._end("voicemail", now)

    def _on_ignored(self, _arg: Arg, _now: float) -> list[IvrAction]:
        return []

    def _on_resume(self, node: Arg, now: float) -> list[IvrAction]:
        assert isinstance(node, str)  # noqa: S101 - resume() passes a node's name
        if not self._resumable:
            raise IllegalInput(self.state.value, "resume")
        if node not in self.flow.nodes:
            raise FlowError([FlowProblem(None, "resume", f"unknown node {node!r}")])
        self._resumable, self._since, self._typed = False, now, []
        self._pending = None  # the driver walks on: whatever became of a transfer, it is over
        return self._goto(node, now)

    def _transferring(self, event: str, *, answered: bool | None = False) -> Transfer:
        """The transfer awaiting ``event``: answered or not as asked (None: either), or IllegalInput."""
        node = self._pending
        if node is None or (answered is not None and (self._answered_at is not None) != answered):
            raise IllegalInput(self.state.value, event)
        return node

    def _on_transfer_answered(self, _arg: Arg, now: float) -> list[IvrAction]:
        self._transferring("transfer_answered")
        self._answered_at, self._resumable = now, False  # in conversation: no way back into the flow
        return []

    def _on_transfer_failed(self, _arg: Arg, now: float) -> list[IvrAction]:
        node = self._transferring("transfer_failed")
        self._pending, self._resumable, self._typed = None, False, []
        self._ivr_s, self._since = self._ivr_s + now - self._since, now  # the ringing was IVR time
        if node.fallback is not None:
            return self._goto(node.fallback, now)
        self._node = Hangup()
        return self._play(GOODBYE, now, lambda t: self._end("transfer_failed", t))

    def _on_transfer_ended(self, _arg: Arg, now: float) -> list[IvrAction]:
        node = self._transferring("transfer_ended", answered=None)
        answered, self._pending, self._answered_at = self._answered_at, None, None
        if answered is None:
            return self._ended("caller_hung_up", now)
        agent = node.target if node.to is TransferKind.AGENT else None
        return self._ended("transfer", now, talk_s=now - answered, agent=agent)

    # -- the walk -------------------------------------------------------------------------------

    def _goto(self, name: str, now: float) -> list[IvrAction]:
        """Walk from ``name`` through silent nodes to one that plays, listens or ends."""
        out: list[IvrAction] = []
        for _ in range(len(self.flow.nodes) + 1):
            node = self.flow.nodes[name]
            self.trail.append(name)
            self._node, self._deadline, self._failures = node, None, 0
            following = self._pass(node, now, out)
            if following is None:
                return out
            name = following
        raise FlowError([FlowProblem(name, "", "loops with no prompt played and no key read")])

    def _pass(self, node: Node, now: float, out: list[IvrAction]) -> str | None:
        """The next node after a silent one (its actions added to ``out``); None after starting any other."""
        if isinstance(node, Language):
            self.language = node.language
            self.variables["language"] = node.language
            out.append(SetLanguage(node.language))
            return node.next
        if isinstance(node, SetVariables):
            self.variables.update(node.variables)
            out += self._prioritise(node.priority)
            return node.next
        if isinstance(node, Condition):
            return next((rule.next for rule in node.when if matches(rule, self.variables)), node.otherwise)
        if isinstance(node, Hours):
            return self._hours(node, now)
        if isinstance(node, Play) and not node.prompts:
            return node.next
        if isinstance(node, Lookup):
            return self._lookup(node, now, out)
        out += self._begin(node, now)
        return None

    def _begin(self, node: Node, now: float) -> list[IvrAction]:
        """Start a node that plays, listens or ends."""
        if isinstance(node, Play):
            return self._play(node.prompts, now, lambda t: self._goto(node.next, t))
        if isinstance(node, Menu | Collect):
            self._entry = ""
            return self._ask(node.prompts, now)
        if isinstance(node, Survey):
            return self._play(node.prompts, now, lambda t: self._question_at(0, t))
        if isinstance(node, Queue):
            return self._leave(node.queue, now, EnterQueue(node.queue, node.options, self.priority))
        if isinstance(node, Transfer):
            return self._play(node.prompts, now, lambda t: self._transfer(node, t))
        if isinstance(node, Voicemail):
            return self._play(node.prompts, now, lambda _: self._record(node))
        assert isinstance(node, Hangup)  # noqa: S101 - _pass took the silent nodes
        return self._play(node.prompts, now, lambda t: self._end("hangup", t))

    def _play(
        self, prompts: tuple[str, ...], now: float, then: Then, *, barge_in: bool = False
    ) -> list[IvrAction]:
        if not prompts:
            return then(now)
        self.state, self._barge_in, self._deadline, self._then = State.PLAYING, barge_in, None, then
        return [PlayPrompts(prompts, barge_in)]

    # -- questions: menu, collect, survey -------------------------------------------------------

    def _asking(self) -> Asking:
        node = self._node
        assert isinstance(node, Menu | Collect | Survey)  # noqa: S101 - only these wait for keys
        return node

    def _ask(self, prompts: tuple[str, ...], now: float) -> list[IvrAction]:
        """A question's prompts, then a wait for keys; keys typed ahead answer it at once."""
        if self._typed:
            return self._wait(now)
        return self._play(prompts, now, self._wait, barge_in=True)

    def _listen(self, now: float) -> None:
        self.state, self._then, self._deadline = State.WAITING, None, now + self._asking().timeout_s

    def _wait(self, now: float) -> list[IvrAction]:
        self._listen(now)
        out: list[IvrAction] = []
        while self._typed and self.state is State.WAITING:
            out += self._on_key(self._typed.pop(0), now)
        return out

    def _choose(self, menu: Menu, key: str, now: float) -> list[IvrAction]:
        target = menu.options.get(key)
        if target is None:
            return self._failed(menu.invalid_prompt, now)
        self.choices.append(key)
        return self._goto(target, now)

    def _collect(self, node: Collect, key: str, now: float) -> list[IvrAction]:
        if key == node.terminator:
            return self._entered(node, now)
        self._entry += key
        self._deadline = now + node.timeout_s  # the time allowed between two keys
        return self._entered(node, now) if len(self._entry) >= node.max_length else []

    def _entered(self, node: Collect, now: float) -> list[IvrAction]:
        entry, self._entry = self._entry, ""
        if not accepts(node, entry):
            return self._failed(node.invalid_prompt, now)
        self.variables[node.variable] = entry
        return self._goto(node.next, now)

    def _rate(self, survey: Survey, key: str, now: float) -> list[IvrAction]:
        question = survey.questions[self._question]
        if not (key.isdigit() and question.min <= int(key) <= question.max):
            return self._failed(survey.invalid_prompt, now)
        return [SurveyAnswer(survey.name, question.id, int(key)), *self._question_at(self._question + 1, now)]

    def _question_at(self, index: int, now: float) -> list[IvrAction]:
        survey = self._node
        assert isinstance(survey, Survey)  # noqa: S101
        self._question, self._failures = index, 0
        if index < len(survey.questions):
            return self._ask(survey.questions[index].prompts, now)
        return self._goto(survey.next, now) if survey.next is not None else self._end("survey", now)

    def _failed(self, prompt: str, now: float) -> list[IvrAction]:
        """A wrong answer or silence: asked again, then the fallback (survey: next question) or goodbye."""
        node = self._asking()
        self._failures += 1
        if self._failures < node.tries:
            asked = node.questions[self._question].prompts if isinstance(node, Survey) else node.prompts
            return self._play((prompt, *asked), now, self._wait, barge_in=True)
        if isinstance(node, Survey):
            return self._question_at(self._question + 1, now)
        if node.fallback is not None:
            return self._goto(node.fallback, now)
        self._node = Hangup()
        return self._play(GOODBYE, now, lambda t: self._end("no_choice", t))

    # -- silent nodes ---------------------------------------------------------------------------

    def _hours(self, node: Hours, now: float) -> str:
        schedule = node.schedule if node.schedule is not None else self.schedule
        if schedule is None:
            self.state, self._deadline, self._then = State.DONE, None, None
            raise FlowError(
                [FlowProblem(self.trail[-1], "schedule", "checks the hours, but no schedule given")]
            )
        closure = schedule.closure(datetime.fromtimestamp(now, UTC))
        self.variables.pop("closure", None)
        self.variables.pop("holiday", None)
        if closure is None:
            return node.open
        self.variables["closure"] = closure.reason.value
        if closure.holiday is not None:
            self.variables["holiday"] = closure.holiday
        if closure.reason is ClosureReason.PUBLIC_HOLIDAY and node.holiday is not None:
            return node.holiday
        return node.closed

    def _lookup(self, node: Lookup, now: float, out: list[IvrAction]) -> str | None:
        number = self.variables.get("caller")
        try:
            key = normalize(number) if isinstance(number, str) and number else None
        except InvalidNumberError:
            key = None
        if key is None:  # a withheld number: nothing to look up
            out += self._contact(node, None)
            return node.not_found
        self.state, self._deadline = State.LOOKUP, now + node.timeout_s
        out.append(LookupCaller(key))
        return None

    def _looked_up(self, found: Mapping[str, Value] | None, now: float) -> list[IvrAction]:
        node = self._node
        assert isinstance(node, Lookup)  # noqa: S101 - only a lookup waits for one
        out = self._contact(node, found)
        return out + self._goto(node.found if found is not None else node.not_found, now)

    def _contact(self, node: Lookup, found: Mapping[str, Value] | None) -> list[IvrAction]:
        self.variables["caller_known"] = found is not None
        self.variables["vip"] = False
        fields = dict(found or {})
        given = fields.pop("priority", None)
        for name, value in fields.items():
            self.variables[CONTACT_FIELDS.get(name, f"contact_{name}")] = value
        priorities = [given] if isinstance(given, int) and not isinstance(given, bool) else []
        if self.variables["vip"] is True and node.vip_priority is not None:
            priorities.append(node.vip_priority)
        return self._prioritise(max(priorities, default=None))

    def _prioritise(self, priority: int | None) -> list[IvrAction]:
        if priority is None:
            return []
        self.priority = priority
        return [SetPriority(priority)]

    # -- endings --------------------------------------------------------------------------------

    def _leave(self, queue: str | None, now: float, action: IvrAction) -> list[IvrAction]:
        """Out of the IVR, alive: whoever takes the call keeps its record; it may be resumed."""
        self._ivr_s, self._since = self._ivr_s + now - self._since, now
        self.state, self._deadline, self._queue, self._resumable = State.DONE, None, queue, True
        return [action]

    def _transfer(self, node: Transfer, now: float) -> list[IvrAction]:
        target = normalize(node.target) if node.to is TransferKind.NUMBER else node.target
        queue = target if node.to is TransferKind.QUEUE else None
        self._pending, self._answered_at = (None if queue else node), None  # its outcome is ours
        return self._leave(queue, now, TransferCall(node.to, target))

    def _record(self, node: Voicemail) -> list[IvrAction]:
        self.state, self._voicemail = State.RECORDING, True
        return [RecordVoicemail(node.queue, node.max_s)]

    def _end(self, reason: str, now: float) -> list[IvrAction]:
        reason = self._final(reason)
        return [*self._ended(reason, now), Disconnect(reason)]

    def _final(self, reason: str) -> str:
        """A call that left a message and then hangs up (or is hung up) ends ``voicemail``."""
        return "voicemail" if self._voicemail and reason in ("hangup", "caller_hung_up") else reason

    def _ended(
        self, reason: str, now: float, *, talk_s: float | None = None, agent: str | None = None
    ) -> list[IvrAction]:
        """The call ends here: its log entry (a transfer's talk time is no wait)."""
        reason = self._final(reason)
        self.state, self._deadline, self._then, self._resumable = State.DONE, None, None, False
        entry = LogEntry(
            now, InteractionEventType.IVR_ENDED, self.interaction, self._queue, agent, Channel.CALL,
            wait_s=self._ivr_s + now - (talk_s or 0.0) - self._since, talk_s=talk_s, reason=reason,
        )  # fmt: skip
        return [Append(entry)]


_IN_IVR = (State.PLAYING, State.WAITING, State.LOOKUP, State.RECORDING)
IvrSession.TABLE = {
    (State.START, "start"): IvrSession._on_start,
    (State.PLAYING, "prompt_done"): IvrSession._on_prompt_done,
    (State.PLAYING, "digit"): IvrSession._on_key_while_playing,
    (State.WAITING, "digit"): IvrSession._on_key,
    (State.WAITING, "timeout"): IvrSession._on_timeout,
    (State.LOOKUP, "digit"): IvrSession._on_typed_ahead,
    (State.LOOKUP, "lookup_done"): IvrSession._on_lookup_done,
    (State.LOOKUP, "timeout"): IvrSession._on_lookup_timeout,
    (State.RECORDING, "digit"): IvrSession._on_ignored,  # the driver may end a recording on '#'
    (State.RECORDING, "voicemail_done"): IvrSession._on_voicemail_done,
    (State.DONE, "resume"): IvrSession._on_resume,
    (State.DONE, "transfer_answered"): IvrSession._on_transfer_answered,
    (State.DONE, "transfer_failed"): IvrSession._on_transfer_failed,
    (State.DONE, "transfer_ended"): IvrSession._on_transfer_ended,
    **{(state, "hung_up"): IvrSession._on_hung_up for state in _IN_IVR},
}
