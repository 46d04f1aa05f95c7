"""A caller's journey before and after the agent: the IVR flow, the wait in a queue, a message, a survey.

Theory of operation. Two sans-I/O machines of :mod:`callfloor.core.ivr` decide, this module
carries out. An :class:`~callfloor.core.ivr.session.IvrSession` walks the number's flow from
the answer: prompts, keys, the tenant's hours, a look-up of the caller in the customer file
(in a worker thread), a message recorded and left as a ticket
(:class:`~callfloor.crm.voicemail.VoicemailBox`, in a worker thread). At the flow's queue node
the call goes to :class:`~callfloor.server.sip.calls.CallManager` (the recording notice, then
the floor), and a :class:`~callfloor.core.ivr.waiting.WaitSession` takes over the caller's
ear: position and estimated wait, music, the callback offer, a message, the flow's overflow.
Leaving the queue for the flow (a message, the overflow) is the floor's ``LeftQueue``, then
the IVR session resumes at the node the flow names. When the agent hangs up and the queue has
a post-call survey, the caller is kept on the line and walks the survey's flow; the answers
are stored with the interaction (:class:`~callfloor.crm.surveys.SurveyAnswers`).

Both machines run on :attr:`Journeys.clock` (epoch seconds, ``time.time`` by default):
injectable, so that a test can call on 25 December at 10:00 and hear the holiday message.
"""

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.acd import AcdError
from callfloor.core.actions import Append
from callfloor.core.events import LeftQueue
from callfloor.core.ivr import FlowError, IllegalInput
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
from callfloor.core.ivr.flow import Flow, welcome_then_queue
from callfloor.core.ivr.nodes import TransferKind
from callfloor.core.ivr.session import IvrSession
from callfloor.core.ivr.variables import Value
from callfloor.core.ivr.waiting import (
    LeaveMessage,
    Music,
    Overflow,
    RequestCallback,
    WaitAction,
    WaitOptions,
    WaitSession,
    WaitState,
)
from callfloor.crm.search import ContactSearch
from callfloor.crm.surveys import KeyedAnswer, SurveyAnswers
from callfloor.crm.voicemail import Voicemail, VoicemailBox
from callfloor.server.media.recorder import Recorder
from callfloor.server.sip.directory import Route

if TYPE_CHECKING:
    from callfloor.server.sip.calls import Call, CallManager

log = logging.getLogger(__name__)
VIP_TAG = "vip"  # a contact tagged so is a VIP for the flows' conditions
#: The IVR's actions that take the call somewhere, or keep what it did.
Onward = EnterQueue | RecordVoicemail | TransferCall | SurveyAnswer | Append | Disconnect
#: The wait's states in which the caller's keys answer the callback dialogue.
DIALOGUE = frozenset({WaitState.READING_BACK, WaitState.CONFIRMING, WaitState.ASKING, WaitState.COLLECTING})


@dataclass
class Journey:
    """What a call's journey keeps between two inputs."""

    ivr: IvrSession
    plays: int = 0  # prompts asked for: a stale end of prompts is ignored
    timer: asyncio.TimerHandle | None = None  # the IVR's or the wait's next deadline
    queue_node: str | None = None  # the flow's node where the call entered its queue
    wait: WaitSession | None = None
    message: Recorder | None = None  # the caller's message, while it is recorded
    message_queue: str | None = None
    message_started: datetime | None = None
    message_timer: asyncio.TimerHandle | None = None
    answers: list[SurveyAnswer] = field(default_factory=list)
    surveyed: bool = False  # walking the queue's post-call survey
    agent: str | None = None  # the agent the survey is about


class Journeys:
    """Every call's journey of one :class:`~callfloor.server.sip.calls.CallManager`."""

    def __init__(self, manager: "CallManager") -> None:
        self.manager = manager
        self.clock: Callable[[], float] = time.time
        self.sessions: sessionmaker[Session] | None = None  # look-ups and survey answers
        self.voicemail: VoicemailBox | None = None  # where messages go (None: not recorded)
        self.messages_dir: Path | None = None  # where messages are recorded before they are left

    # -- the IVR -------------------------------------------------------------------------------

    def start(self, call: "Call", route: Route, dialed: str) -> None:
        """The call is answered: walk the number's flow (a queue's number: the welcome, then it)."""
        flow = route.flow or welcome_then_queue(route.queue or "")
        schedule = self.manager.endpoint.schedule(call.tenant_id) if flow.needs_schedule() else None
        variables: dict[str, Value] = {"called": dialed}
        if call.number:
            variables["caller"] = call.number
        call.journey = Journey(
            IvrSession(flow, call.language, call.id, schedule=schedule, variables=variables)
        )
        self._ivr(call, lambda ivr, now: ivr.start(now))

    def _ivr(self, call: "Call", feed: Callable[[IvrSession, float], list[IvrAction]]) -> None:
        journey = call.journey
        if call.over or journey is None:
            return
        try:
            actions = feed(journey.ivr, self.clock())
        except IllegalInput as exc:  # a late input: the driver's slip, named, and the call goes on
            log.warning("call %s: IVR input refused: %s", call.id, exc)
            return
        except FlowError as exc:  # a flow that cannot go on (an hours node with no schedule)
            log.error("call %s: the flow stopped: %s", call.id, exc)
            self.manager.hang_up_caller(call)
            return
        self._run(call, actions)

    def _run(self, call: "Call", actions: list[IvrAction]) -> None:
        """Carry out what the IVR decided, then arm its timer."""
        for action in actions:
            if call.over:
                return
            if isinstance(action, PlayPrompts):
                self._play(call, action, self._ivr_prompt_done)
            elif isinstance(action, StopPrompts):
                call.player.stop()
            elif isinstance(action, SetLanguage):
                call.language = action.language
            elif isinstance(action, SetPriority):
                call.priority = action.priority
            elif isinstance(action, LookupCaller):
                asyncio.get_running_loop().create_task(self._lookup(call, action.number))
            else:
                self._leave_flow(call, action)
        self._arm(call)

    def _leave_flow(
        self,
        call: "Call",
        action: EnterQueue | RecordVoicemail | TransferCall | SurveyAnswer | Append | Disconnect,
    ) -> None:
        """The actions that take the call somewhere, or keep what it did."""
        journey = call.journey
        assert journey is not None  # noqa: S101 - only a journey's call runs its actions
        if isinstance(action, EnterQueue):
            self._enter_queue(call, action.queue, action.options, action.priority)
        elif isinstance(action, RecordVoicemail):
            self._record(call, action)
        elif isinstance(action, TransferCall):
            self._transfer(call, action)
        elif isinstance(action, SurveyAnswer):
            journey.answers.append(action)
        elif isinstance(action, Append):
            call.logged = True
            self.manager.endpoint.floor(call.tenant_id).record(action.entry)
        else:
            log.info("call %s: the IVR hangs up (%s)", call.id, action.reason)
            self._store_answers(call)
            self.manager.hang_up_caller(call)

    def _play(self, call: "Call", action: PlayPrompts, done: Callable[["Call", int], None]) -> None:
        journey = call.journey
        assert journey is not None  # noqa: S101
        journey.plays += 1
        prompts = [self.manager.prompt(call, p) for p in action.prompts]
        call.player.play(prompts, on_done=functools.partial(done, call, journey.plays))

    def digit(self, call: "Call", key: str) -> None:
        """A key: the IVR's while it walks, else the wait's."""
        journey = call.journey
        if journey is None:
            return
        if not journey.ivr.done:
            self._ivr(call, lambda ivr, now: ivr.digit(key, now))
        elif journey.wait is not None and not journey.wait.done and call.enqueued:
            self._waiting(call, lambda wait, now: wait.digit(key, now))

    def in_dialogue(self, call: "Call") -> bool:
        """Whether the caller's keys answer a question now (the flow's, the callback's), not the notice."""
        journey = call.journey
        if journey is None:
            return False
        if not journey.ivr.done:
            return True
        wait = journey.wait
        return wait is not None and wait.state in DIALOGUE

    def resumed(self, call: "Call") -> None:
        """Something else was said over the wait (the objection's answer): the wait goes on."""
        journey = call.journey
        if call.over or journey is None or journey.wait is None or journey.wait.done:
            return
        if journey.wait.state is WaitState.ANNOUNCING:  # its announcement was cut: take it as said
            self._waiting(call, lambda wait, now: wait.prompt_done(now))
        else:
            journey.plays += 1
            call.player.play([self.manager.prompt(call, "music_on_hold")], loop=True)

    def _ivr_prompt_done(self, call: "Call", play: int) -> None:
        """Prompts played; on the loop's next turn, as a player may call back from ``play()``."""
        if call.journey is not None and play == call.journey.plays:
            asyncio.get_running_loop().call_soon(self._ivr, call, lambda ivr, now: ivr.prompt_done(now))

    def _arm(self, call: "Call") -> None:
        """One timer per call: the wait's deadline while it waits, else the IVR's."""
        journey = call.journey
        if journey is None:
            return
        if journey.timer is not None:
            journey.timer.cancel()
            journey.timer = None
        if call.over:
            return
        waiting = journey.wait is not None and not journey.wait.done
        deadline = journey.wait.next_deadline() if journey.wait is not None and waiting else None
        if not waiting and not journey.ivr.done:
            deadline = journey.ivr.next_deadline()
        if deadline is not None:
            loop = asyncio.get_running_loop()
            journey.timer = loop.call_at(loop.time() + max(0.0, deadline - self.clock()), self._due, call)

    def _due(self, call: "Call") -> None:
        journey = call.journey
        if journey is None or call.over:
            return
        journey.timer = None
        if journey.wait is not None and not journey.wait.done:
            position, wait_s = self._figures(call)
            self._waiting(call, lambda wait, now: wait.on_deadline(now, position, wait_s))
        else:
            self._ivr(call, lambda ivr, now: ivr.on_deadline(now))

    async def _lookup(self, call: "Call", number: str) -> None:
        found = await asyncio.to_thread(self.find_caller, call.tenant_id, number)
        self._ivr(call, lambda ivr, now: ivr.lookup_done(found, now))

    def find_caller(self, tenant_id: int, number: str) -> dict[str, Value] | None:
        """The contact ``number`` names, as the IVR's variables want it; None unless exactly one."""
        if self.sessions is None:
            return None
        with self.sessions() as session:
            match = ContactSearch(session, tenant_id).find_by_number(number)
            if len(match.contacts) != 1:
                return None
            contact = match.contacts[0]
            found: dict[str, Value] = {
                "id": contact.id,
                "name": f"{contact.first_name} {contact.last_name}".strip(),
                "vip": VIP_TAG in (t.lower() for t in contact.tags),
            }
            if contact.language:
                found["language"] = contact.language
            if contact.customer_number:
                found["customer_number"] = contact.customer_number
            return found

    # -- the queue -----------------------------------------------------------------------------

    def _enter_queue(self, call: "Call", queue: str, options: WaitOptions, priority: int) -> None:
        journey = call.journey
        assert journey is not None  # noqa: S101
        journey.queue_node = journey.ivr.trail[-1] if journey.ivr.trail else None
        journey.wait = WaitSession(options, call.number)
        call.queue, call.priority = queue, max(call.priority, priority)
        self.manager.entering_queue(call)

    def queued(self, call: "Call") -> None:
        """The floor has the call (after the recording notice): the wait begins."""
        journey = call.journey
        if journey is None or journey.wait is None:
            call.player.play([self.manager.prompt(call, "music_on_hold")], loop=True)
            return
        position, wait_s = self._figures(call)
        self._waiting(call, lambda wait, now: wait.entered(now, position, wait_s))

    def _figures(self, call: "Call") -> tuple[int | None, float | None]:
        """The caller's position and estimated wait, from the live floor (None when not waiting)."""
        floor = self.manager.endpoint.floor(call.tenant_id)
        try:
            return floor.floor.acd.position(call.id), floor.estimated_wait(call.id)
        except AcdError:  # ringing an agent, or gone
            return None, None

    def _waiting(self, call: "Call", feed: Callable[[WaitSession, float], list[WaitAction]]) -> None:
        journey = call.journey
        if call.over or journey is None or journey.wait is None or journey.wait.done:
            return
        try:
            actions = feed(journey.wait, self.clock())
        except IllegalInput as exc:
            log.warning("call %s: input refused while waiting: %s", call.id, exc)
            return
        for action in actions:
            if call.over:
                return
            if isinstance(action, PlayPrompts):
                self._play(call, action, self._wait_prompt_done)
            elif isinstance(action, StopPrompts):
                call.player.stop()
            elif isinstance(action, Music):
                journey.plays += 1
                call.player.play([self.manager.prompt(call, "music_on_hold")], loop=True)
            elif isinstance(action, RequestCallback):
                self._call_back(call, action.number)
            elif isinstance(action, LeaveMessage):
                node = journey.ivr.flow.voicemail_node(journey.queue_node or "")
                self._back_to_flow(call, "voicemail", node)
            elif isinstance(action, Overflow):
                self._back_to_flow(call, "overflow_node", action.node)
        self._arm(call)

    def _wait_prompt_done(self, call: "Call", play: int) -> None:
        if call.journey is not None and play == call.journey.plays:
            asyncio.get_running_loop().call_soon(self._waiting, call, lambda wait, now: wait.prompt_done(now))

    def _call_back(self, call: "Call", number: str) -> None:
        """The caller confirmed a callback (the wait played the confirmation): the floor keeps their place."""
        from callfloor.server.sip.calls import CallControlError

        try:
            self.manager.request_callback(call, number, confirm=False)
        except CallControlError as exc:  # ringing an agent right now, say: the caller waits on
            log.info("call %s: callback not taken (%s); the caller waits on", call.id, exc.error_id)
            call.player.play([self.manager.prompt(call, "music_on_hold")], loop=True)

    def _back_to_flow(self, call: "Call", reason: str, node: str | None) -> None:
        """Out of the queue (``LeftQueue``), then the flow again at ``node`` (a message, the overflow)."""
        if node is None:  # the flow's checker makes sure a queue that offers a message has a node
            log.error("call %s: no node to go on to for %s; the caller waits on", call.id, reason)
            return
        try:
            self.manager.endpoint.floor(call.tenant_id).apply(LeftQueue(call.id, reason))
        except AcdError as exc:  # taken by an agent meanwhile: the wait is over anyway
            log.info("call %s: could not leave the queue: %s", call.id, exc)
            return
        call.enqueued = False
        call.player.stop()
        self._ivr(call, lambda ivr, now: ivr.resume(node, now))

    def connected(self, call: "Call") -> None:
        """An agent took the call: the wait is over."""
        journey = call.journey
        if journey is not None and journey.wait is not None and not journey.wait.done:
            self._waiting(call, lambda wait, now: wait.connected(now))

    # -- messages ------------------------------------------------------------------------------

    def _record(self, call: "Call", action: RecordVoicemail) -> None:
        journey = call.journey
        assert journey is not None  # noqa: S101
        call.player.stop()
        if self.messages_dir is None:
            log.warning("call %s: no place for messages on this server; none recorded", call.id)
            asyncio.get_running_loop().call_soon(self._ivr, call, lambda ivr, now: ivr.voicemail_done(now))
            return
        started = datetime.now(UTC)
        folder = self.messages_dir / str(call.tenant_id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            journey.message = Recorder(call.caller.rtp, None, folder / f"{call.id}-{journey.plays}.wav")
        except OSError as exc:
            log.error("call %s: cannot record a message: %s", call.id, exc)
            asyncio.get_running_loop().call_soon(self._ivr, call, lambda ivr, now: ivr.voicemail_done(now))
            return
        journey.message_queue, journey.message_started = action.queue, started
        journey.message_timer = asyncio.get_running_loop().call_later(action.max_s, self._message_over, call)

    def _message_over(self, call: "Call") -> None:
        """The longest message allowed is recorded: leave it, and the flow goes on."""
        if self._leave_message(call):
            self._ivr(call, lambda ivr, now: ivr.voicemail_done(now))

    def _leave_message(self, call: "Call") -> bool:
        """Stop recording and hand the message to the voicemail box, in a worker thread."""
        journey = call.journey
        if journey is None or journey.message is None or journey.message_started is None:
            return False
        recorder, journey.message = journey.message, None
        if journey.message_timer is not None:
            journey.message_timer.cancel()
        recorder.close()
        message = Voicemail(
            tenant_id=call.tenant_id, interaction_id=call.id, queue=journey.message_queue,
            caller=call.number, language=call.language, wav=recorder.path,
            duration_s=recorder.duration, recorded_at=journey.message_started,
            to=self._team_email(call.tenant_id, journey.message_queue),
        )  # fmt: skip
        asyncio.get_running_loop().create_task(self._deposit(message))
        return True

    def _team_email(self, tenant_id: int, queue: str | None) -> str | None:
        return self.manager.endpoint.queue_extras(tenant_id, queue).team_email if queue else None

    async def _deposit(self, message: Voicemail) -> None:
        box = self.voicemail
        try:
            if box is not None:
                deposited = await asyncio.to_thread(box.deposit, message)
                log.info("call %s: message left: %s", message.interaction_id, deposited)
            else:
                log.warning("call %s: no voicemail box on this server; message kept", message.interaction_id)
                return
        except Exception:  # the WAV stays on disk for whoever looks into it
            log.exception(
                "call %s: the message could not be left; kept at %s", message.interaction_id, message.wav
            )
            return
        message.wav.unlink(missing_ok=True)

    # -- transfers out of the flow -------------------------------------------------------------

    def _transfer(self, call: "Call", action: TransferCall) -> None:
        if action.kind is TransferKind.QUEUE:
            self._enter_queue(call, action.target, WaitOptions(), call.priority)
            return
        self.manager.transfer_out(call, action.kind.value, action.target)

    def transferred(self, call: "Call", feed: Callable[[IvrSession, float], list[IvrAction]]) -> None:
        """How the flow's transfer to an agent or a number went (:mod:`.ivr_transfers`), told to the IVR."""
        self._ivr(call, feed)

    # -- after the agent -----------------------------------------------------------------------

    def survey_flow(self, call: "Call") -> Flow | None:
        """The post-call survey the call's queue sends its callers to, if any (and the flow exists)."""
        journey = call.journey
        if journey is None or journey.surveyed or not call.queue:
            return None
        name = self.manager.endpoint.queue_extras(call.tenant_id, call.queue).survey
        flow = self.manager.endpoint.survey(call.tenant_id, name) if name else None
        if name and flow is None:
            log.warning(
                "call %s: queue %s names survey flow %r, which does not exist", call.id, call.queue, name
            )
        return flow

    def survey(self, call: "Call", flow: Flow) -> None:
        """The agent hung up: the caller walks the queue's survey flow."""
        journey = call.journey
        assert journey is not None  # noqa: S101 - survey_flow found one
        journey.ivr = IvrSession(flow, call.language, call.id, variables=journey.ivr.variables)
        journey.wait, journey.surveyed, journey.agent = None, True, call.agent
        self._ivr(call, lambda ivr, now: ivr.start(now))

    def _store_answers(self, call: "Call") -> None:
        journey = call.journey
        if journey is None or not journey.answers or self.sessions is None:
            return
        answers = [KeyedAnswer(a.survey, a.question, a.value) for a in journey.answers]
        journey.answers = []
        asyncio.get_running_loop().create_task(self._write_answers(call, answers))

    async def _write_answers(self, call: "Call", answers: list[KeyedAnswer]) -> None:
        sessions = self.sessions
        assert sessions is not None  # noqa: S101
        agent = call.journey.agent if call.journey is not None else call.agent

        def write() -> None:
            with sessions.begin() as session:
                SurveyAnswers(session, call.tenant_id).record(
                    call.id, answers, at=datetime.now(UTC), queue=call.queue or None, agent=agent
                )

        try:
            await asyncio.to_thread(write)
        except Exception:  # the answers are lost, said in full; the call has ended anyway
            log.exception("call %s: survey answers not stored: %s", call.id, answers)

    # -- the end -------------------------------------------------------------------------------

    def caller_left(self, call: "Call") -> None:
        """The caller hung up: a message being recorded is left, a confirmed callback stands, answers kept."""
        journey = call.journey
        if journey is None:
            return
        self._leave_message(call)
        if journey.wait is not None and not journey.wait.done and call.enqueued:
            for action in journey.wait.left(self.clock()):
                if isinstance(action, RequestCallback):  # told it was registered: it is
                    self._call_back(call, action.number)
        if not journey.ivr.done:
            self._ivr(call, lambda ivr, now: ivr.caller_hung_up(now))
        self._store_answers(call)

    def ended(self, call: "Call") -> None:
        """The call is over: no timer of its journey may fire."""
        journey = call.journey
        if journey is None:
            return
        for timer in (journey.timer, journey.message_timer):
            if timer is not None:
                timer.cancel()
        if journey.message is not None:
            self._leave_message(call)
