"""Supervisors' monitoring of a call: listening (écoute), whispering to the agent (chuchotement),
barging in (intervention).

Theory of operation. A supervisor (or an admin) with an agent extension of the tenant asks to
monitor a call in conversation: we INVITE their own registered phone, as we ring an agent
(:mod:`.placed_legs`), with the auto-answer hints phones know (``Answer-Mode: Auto``, RFC 5373,
and those of :func:`~callfloor.server.sip.remote_answer.auto_answer`). When the first
supervisor's phone answers, the call's bridge gives way to a
:class:`~callfloor.server.media.conference.Conference` of the caller and the agent, which every
supervisor's phone joins as it answers. Each supervisor hears the caller and the agent, and is
heard according to their own mode:

- ``listen``: by nobody;
- ``whisper``: by the agent (coaching that the caller does not hear), and by the other
  supervisors on the call, who hear what the agent hears;
- ``barge``: by everyone, a three-way call (or more: two supervisors may barge in).

The mode changes live (:meth:`Monitors.set_mode`). A monitor ends when its supervisor hangs up or
asks to stop, when their phone does not answer within :attr:`Monitors.ring_timeout_s`; when the
last supervisor on the line leaves, the caller and the agent are bridged again. Every monitor of
the call ends whenever the call leaves the conversation it was started on: the call ends (BYE
to the supervisors), the agent puts it on hold, consults, transfers it or hangs up
(:meth:`Monitors.ended`, which the call's owner calls). A supervisor starts again on the
conversation that follows, if they wish: a held or transferred call is no longer the one they
chose to hear.

Several monitors per call (up to six: a conference has eight legs), each with its own mode and
stopped on its own; one call per supervisor at a time. While monitoring, a supervisor who is also
on the floor (logged in by that same phone) is paused with the reason ``monitoring``, so that no
call is offered to the phone in their ear; they are made ready again afterwards unless their
state was changed meanwhile.

*Digits.* The conference relays the caller's and the agent's key presses (RFC 4733) to each
other, as their bridge did (:meth:`Conference.relay_digits`); a supervisor's are relayed to
nobody. SIP INFO is the call driver's, monitored or not.

*Recording.* The recording holds the conversation: what the caller and the agent said to each
other (:mod:`callfloor.server.media.recorder`). A supervisor who barges in takes part in it, so
their voice is recorded, on the agent's side (our side of the call). A whisper is not part of the
conversation, which the caller never heard: in a mono recording, where it could not be told
apart from what the caller was told, it is left out; in a stereo recording, which keeps each
leg apart, it is kept on the agent's channel, the side that heard it (the audit log's
``call.monitor_mode`` entries tell a reviewer when it was a whisper). Listening adds nothing.
A paused recording (a card number being read) leaves the supervisors out too.
"""

import asyncio
import functools
import logging
from dataclasses import dataclass
from enum import StrEnum

from callfloor.core.acd import AcdError
from callfloor.core.acd.model import AgentState
from callfloor.core.events import AgentPaused, AgentReady
from callfloor.server.media.conference import Conference
from callfloor.server.media.recorder import Recorder
from callfloor.server.media.session import RtpSession
from callfloor.server.sip.calls import (
    BindingLike,
    Call,
    CallControlError,
    CallManager,
    Leg,
    agent_invite,
    spawn,
    target,
)
from callfloor.server.sip.placed_legs import LegEvents, LegsOwner, PlacedLegs
from callfloor.server.sip.remote_answer import auto_answer

log = logging.getLogger(__name__)
MONITORING = "monitoring"  # the floor's pause reason for a supervisor on a monitor
RING_TIMEOUT_S = 30.0  # how long the supervisor's phone may ring


class MonitorMode(StrEnum):
    """How the supervisor takes part: who hears them."""

    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE = "barge"


@dataclass(eq=False)
class Monitor:
    """A supervisor on a call: their leg (ringing, then answered) and, once answered, the conference."""

    call: Call
    supervisor: str  # their extension
    mode: MonitorMode
    leg: Leg | None = None
    conference: Conference | None = None  # the call's, shared with its other monitors
    recorder: Recorder | None = None  # the call's recording that holds their voice, while it does
    timer: asyncio.TimerHandle | None = None
    paused: bool = False  # the supervisor was paused ``monitoring`` on the floor for it
    over: bool = False

    @property
    def connected(self) -> bool:
        """Whether the supervisor's phone answered and hears the call."""
        return self.conference is not None and not self.over


class Monitors(LegsOwner):
    """Every monitor of one :class:`CallManager`, by call."""

    MAX_PER_CALL = Conference.MAX_PARTICIPANTS - 2  # the caller and the agent take two legs

    def __init__(self, manager: CallManager) -> None:
        self.manager = manager
        self.legs = PlacedLegs(manager.endpoint, lambda: manager.media_host)
        self.by_call: dict[str, list[Monitor]] = {}  # by call (interaction) id, in the order asked
        self._conferences: dict[str, Conference] = {}  # by call id, while a supervisor is on it
        self.ring_timeout_s = RING_TIMEOUT_S

    def start(self, call: Call, supervisor: str, mode: MonitorMode) -> Monitor:
        """Ring ``supervisor``'s phone to monitor ``call`` in ``mode``; :class:`CallControlError` (409)
        when the call is not in conversation, is theirs, is monitored by them or by six already,
        or they have no phone."""
        _in_conversation(call)
        self._free(call, supervisor)
        bindings = self.manager.endpoint.bindings(call.tenant_id, supervisor)
        if not bindings:
            raise CallControlError(
                409, "no_phone",
                f"Aucun téléphone n'est connecté sur votre poste {supervisor} : connectez-le pour écouter.",
                f"No phone is registered on your extension {supervisor}: register one to monitor calls.",
            )  # fmt: skip
        monitor = Monitor(call, supervisor, mode)
        self.by_call.setdefault(call.id, []).append(monitor)
        self._reserve(monitor)
        loop = asyncio.get_running_loop()
        monitor.timer = loop.call_later(self.ring_timeout_s, self._rang_out, monitor)
        spawn(self._ring(monitor, bindings[0]))
        log.info("call %s: %s monitors it (%s)", call.id, supervisor, mode.value)
        return monitor

    def set_mode(self, call: Call, mode: MonitorMode, supervisor: str | None = None) -> Monitor:
        """Listen, whisper or barge from now on (ringing: once the phone answers); ``supervisor``
        as for :meth:`monitor`."""
        monitor = self.monitor(call, supervisor)
        monitor.mode = mode
        self._hear(call)
        log.info("call %s: %s now monitors it in %s mode", call.id, monitor.supervisor, mode.value)
        return monitor

    def stop(self, call: Call, supervisor: str | None = None) -> Monitor:
        """End a monitor (``supervisor`` as for :meth:`monitor`): their phone hung up; the caller and
        the agent bridged again once no supervisor is left on the line."""
        monitor = self.monitor(call, supervisor)
        self._close(monitor, rejoin=True)
        return monitor

    def of(self, call: Call) -> tuple[Monitor, ...]:
        """The call's monitors, in the order they were asked for."""
        return tuple(self.by_call.get(call.id, ()))

    def monitor(self, call: Call, supervisor: str | None = None) -> Monitor:
        """The monitor of ``supervisor`` (an extension) on the call, or with None its only one.

        :class:`CallControlError` (409): ``not_monitored`` when the call has none,
        ``no_such_monitor`` when ``supervisor`` is not on it, ``several_monitors`` when None
        does not say which.
        """
        current = self.by_call.get(call.id)
        if not current:
            raise CallControlError(
                409, "not_monitored", "Cet appel n'est pas écouté.", "This call is not being monitored."
            )
        if supervisor is None and len(current) == 1:
            return current[0]
        found = next((m for m in current if supervisor is not None and m.supervisor == supervisor), None)
        if found is not None:
            return found
        extensions = ", ".join(m.supervisor for m in current)
        if supervisor is None:
            raise CallControlError(
                409, "several_monitors",
                f"Plusieurs postes écoutent cet appel ({extensions}) : précisez lequel.",
                f"Several extensions monitor this call ({extensions}): say which.",
            )  # fmt: skip
        raise CallControlError(
            409, "no_such_monitor",
            f"Le poste {supervisor} n'écoute pas cet appel (il est écouté par {extensions}).",
            f"Extension {supervisor} is not monitoring this call (monitored by {extensions}).",
        )  # fmt: skip

    def ended(self, call: Call) -> None:
        """The call leaves the conversation (ends, held, consulted, transferred): its monitors end.

        The media is left to the caller of this method: the conference is stopped, the bridge not
        started again.
        """
        for monitor in self.of(call):
            log.info("call %s: monitoring by %s ends with the conversation", call.id, monitor.supervisor)
            self._close(monitor, rejoin=False)

    # -- the supervisor's leg ------------------------------------------------------------------

    def _free(self, call: Call, supervisor: str) -> None:
        """Refuse a supervisor on their own call, on it twice, on two calls, or a seventh monitor."""
        if supervisor in (call.agent, call.consulted):
            raise CallControlError(409, "own_call", "C'est votre propre appel.", "This is your own call.")
        if any(m.supervisor == supervisor for m in self.by_call.get(call.id, ())):
            raise CallControlError(
                409, "already_monitored",
                "Vous écoutez déjà cet appel : changez de mode ou arrêtez l'écoute.",
                "You are monitoring this call already: change the mode or stop.",
            )  # fmt: skip
        everyone = (m for monitors in self.by_call.values() for m in monitors)
        if any(m.supervisor == supervisor and m.call.tenant_id == call.tenant_id for m in everyone):
            raise CallControlError(
                409, "monitoring_elsewhere",
                "Vous écoutez déjà un autre appel : arrêtez-le d'abord.",
                "You are monitoring another call already: stop that first.",
            )  # fmt: skip
        if len(self.by_call.get(call.id, ())) >= self.MAX_PER_CALL:
            raise CallControlError(
                409, "too_many_monitors",
                f"Cet appel est déjà écouté par {self.MAX_PER_CALL} postes.",
                f"This call is monitored by {self.MAX_PER_CALL} extensions already.",
            )  # fmt: skip

    async def _ring(self, monitor: Monitor, binding: BindingLike) -> None:
        """INVITE the supervisor's phone, asking it to answer at once."""
        manager, call = self.manager, monitor.call
        rtp = await RtpSession.open(manager.media_host, manager.ports)
        if monitor.over:
            rtp.close()
            return
        invite = agent_invite(
            manager.endpoint, binding, monitor.supervisor, rtp, display=call.agent or "callfloor",
            host=manager.media_host,
        )  # fmt: skip
        auto_answer(invite, manager.endpoint.host())  # the intercom hints desk phones know
        invite.headers.add("Answer-Mode", "Auto")  # RFC 5373 §7.1, without ;require: a wish
        monitor.leg = Leg(target(binding), rtp, invite=invite, agent=monitor.supervisor)
        events = LegEvents(
            functools.partial(self._answered, monitor),
            functools.partial(self._refused, monitor),
            functools.partial(self._hung_up, monitor),
        )
        self.legs.place(monitor.leg, events)

    def _answered(self, monitor: Monitor, leg: Leg) -> None:
        """The supervisor's phone answered: it joins the call's conference, in the mode asked."""
        call, agent_leg = monitor.call, monitor.call.agent_leg
        if monitor.over or agent_leg is None or call.bridge is None or call.state != "talking":
            self._close(monitor, rejoin=True)
            return
        if monitor.timer is not None:
            monitor.timer.cancel()
        conference = self._conferences.get(call.id)
        if conference is None:  # the first supervisor on the line: the bridge gives way
            call.bridge.stop()
            conference = self._conferences[call.id] = Conference([call.caller.rtp, agent_leg.rtp])
            conference.relay_digits(call.caller.rtp, agent_leg.rtp)
        conference.add(leg.rtp)
        monitor.conference = conference
        self._hear(call)
        conference.start()
        log.info("call %s: %s is on it (%s)", call.id, monitor.supervisor, monitor.mode.value)

    def _hear(self, call: Call) -> None:
        """Who hears each supervisor on the call, and whom the recording keeps, as their modes say."""
        agent_leg = call.agent_leg
        on_line = [
            (monitor, monitor.leg, monitor.conference)
            for monitor in self.of(call)
            if monitor.leg is not None and monitor.conference is not None
        ]
        if agent_leg is None:
            return
        for monitor, leg, conference in on_line:
            others = [other.rtp for m, other, _ in on_line if m is not monitor]
            audience = {
                MonitorMode.LISTEN: [],
                MonitorMode.WHISPER: [agent_leg.rtp, *others],
                MonitorMode.BARGE: None,
            }[monitor.mode]
            conference.set_audience(leg.rtp, audience)
            self._record(monitor, leg)

    def _record(self, monitor: Monitor, leg: Leg) -> None:
        """The supervisor's voice in the call's recording, or out of it, as the module docstring says."""
        recorder = monitor.call.recorder
        wanted = recorder is not None and (
            monitor.mode is MonitorMode.BARGE or (monitor.mode is MonitorMode.WHISPER and recorder.stereo)
        )
        if monitor.recorder is not None and (not wanted or monitor.recorder is not recorder):
            monitor.recorder.remove_voice(leg.rtp)
            monitor.recorder = None
        if wanted and recorder is not None:
            recorder.add_voice(leg.rtp)
            monitor.recorder = recorder

    def _refused(self, monitor: Monitor, _leg: Leg, status: int) -> None:
        log.info("call %s: %s's phone refused the monitor (%s)", monitor.call.id, monitor.supervisor, status)
        self._close(monitor, rejoin=True)

    def _hung_up(self, monitor: Monitor, _leg: Leg) -> None:
        """The supervisor hung up: the others go on; the last one gone, the caller and the agent talk
        as before."""
        log.info("call %s: %s hung up the monitor", monitor.call.id, monitor.supervisor)
        self._close(monitor, rejoin=True)

    def _rang_out(self, monitor: Monitor) -> None:
        if not monitor.over and not monitor.connected:
            log.info("call %s: %s's phone did not answer", monitor.call.id, monitor.supervisor)
            self._close(monitor, rejoin=True)

    def _close(self, monitor: Monitor, *, rejoin: bool) -> None:
        """Hang up the supervisor's leg, take it out of the conference and the recording, give them
        their floor state back; the last supervisor gone, the conference stops (and with ``rejoin``
        the caller and the agent are bridged again)."""
        if monitor.over:
            return
        call = monitor.call
        monitor.over = True
        remaining = [m for m in self.by_call.get(call.id, ()) if m is not monitor]
        if remaining:
            self.by_call[call.id] = remaining
        else:
            self.by_call.pop(call.id, None)
        if monitor.timer is not None:
            monitor.timer.cancel()
        if monitor.leg is not None:
            if monitor.recorder is not None:
                monitor.recorder.remove_voice(monitor.leg.rtp)
            if monitor.conference is not None:
                monitor.conference.remove(monitor.leg.rtp)
            self.legs.hang_up(monitor.leg)
        monitor.recorder = None
        if monitor.paused:
            self._restore(monitor)
        if any(m.connected for m in remaining):
            self._hear(call)  # a whisper's listeners are fewer
            return
        conference = self._conferences.pop(call.id, None)
        if conference is not None:
            conference.stop()
            if rejoin:
                _rejoin(call)

    # -- the supervisor on the floor -------------------------------------------------------------

    def _reserve(self, monitor: Monitor) -> None:
        """A supervisor ready on the floor is paused ``monitoring``: no call for the phone in their ear."""
        floor = self.manager.endpoint.floor(monitor.call.tenant_id)
        record = floor.floor.acd.agents.get(monitor.supervisor)
        if record is None or record.state is not AgentState.READY or record.pending_offer is not None:
            return
        try:
            floor.apply(AgentPaused(monitor.supervisor, MONITORING))
        except AcdError as exc:
            log.info("%s could not be paused for monitoring: %s", monitor.supervisor, exc)
            return
        monitor.paused = True

    def _restore(self, monitor: Monitor) -> None:
        """Ready again, unless the supervisor's state was changed meanwhile: that stands."""
        floor = self.manager.endpoint.floor(monitor.call.tenant_id)
        record = floor.floor.acd.agents.get(monitor.supervisor)
        if record is not None and MONITORING in (record.reason, record.pending_pause):
            floor.handle(AgentReady(monitor.supervisor))


def _in_conversation(call: Call) -> None:
    """Only a call in conversation, its caller bridged to its agent, can be monitored (409)."""
    if call.over or call.state != "talking" or call.bridge is None:
        raise CallControlError(
            409, "not_talking",
            "Seul un appel en conversation peut être écouté.",
            "Only a call in conversation can be monitored.",
        )  # fmt: skip


def _rejoin(call: Call) -> None:
    """The caller and the agent bridged again, if they are still in conversation."""
    if not call.over and call.state == "talking" and call.bridge is not None:
        call.bridge.start()
