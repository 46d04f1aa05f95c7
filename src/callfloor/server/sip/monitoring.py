"""A supervisor's monitoring of a call: listening (écoute), whispering to the agent (chuchotement),
barging in (intervention).

Theory of operation. A supervisor (or an admin) with an agent extension of the tenant asks to
monitor a call in conversation: we INVITE their own registered phone, as we ring an agent
(:mod:`.placed_legs`), with the auto-answer hints phones know (``Answer-Mode: Auto``, RFC 5373,
and those of :func:`~callfloor.server.sip.remote_answer.auto_answer`). When it answers, the
call's bridge gives way to a :class:`~callfloor.server.media.conference.Conference` of the
caller, the agent and the supervisor, in which the supervisor hears both and is heard according
to the mode:

- ``listen``: by nobody;
- ``whisper``: by the agent only (coaching that the caller does not hear);
- ``barge``: by both, a three-way call.

The mode changes live (:meth:`Monitors.set_mode`). Monitoring ends when the supervisor hangs
up or asks to stop (the caller and the agent are bridged again), when their phone does not
answer within :attr:`Monitors.ring_timeout_s`, and whenever the call leaves the conversation it
was started on: the call ends (BYE to the supervisor), the agent puts it on hold, consults,
transfers it or hangs up (:meth:`Monitors.ended`, which the call's owner calls). A supervisor
starts again on the conversation that follows, if they wish: a held or transferred call is no
longer the one they chose to hear.

One monitor per call, and one call per supervisor at a time. While monitoring, a supervisor who
is also on the floor (logged in by that same phone) is paused with the reason ``monitoring``,
so that no call is offered to the phone in their ear; they are made ready again afterwards
unless their state was changed meanwhile. Digits are not relayed between the caller and the
agent while the conference stands (:mod:`callfloor.server.media.conference`); the recording
keeps the caller and the agent, not the supervisor.
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
    conference: Conference | None = None
    timer: asyncio.TimerHandle | None = None
    paused: bool = False  # the supervisor was paused ``monitoring`` on the floor for it
    over: bool = False

    @property
    def connected(self) -> bool:
        """Whether the supervisor's phone answered and hears the call."""
        return self.conference is not None


class Monitors(LegsOwner):
    """Every monitor of one :class:`CallManager`, by call."""

    def __init__(self, manager: CallManager) -> None:
        self.manager = manager
        self.legs = PlacedLegs(manager.endpoint, lambda: manager.media_host)
        self.by_call: dict[str, Monitor] = {}  # by call (interaction) id
        self.ring_timeout_s = RING_TIMEOUT_S

    def start(self, call: Call, supervisor: str, mode: MonitorMode) -> Monitor:
        """Ring ``supervisor``'s phone to monitor ``call`` in ``mode``; :class:`CallControlError` (409)
        when the call is not in conversation, is monitored already, is theirs, or they have no phone."""
        _in_conversation(call)
        self._free(call, supervisor)
        bindings = self.manager.endpoint.bindings(call.tenant_id, supervisor)
        if not bindings:
            raise CallControlError(
                409, "no_phone",
                f"Aucun téléphone n'est connecté sur votre poste {supervisor} : connectez-le pour écouter.",
                f"No phone is registered on your extension {supervisor}: register one to monitor calls.",
            )  # fmt: skip
        monitor = self.by_call[call.id] = Monitor(call, supervisor, mode)
        self._reserve(monitor)
        loop = asyncio.get_running_loop()
        monitor.timer = loop.call_later(self.ring_timeout_s, self._rang_out, monitor)
        spawn(self._ring(monitor, bindings[0]))
        log.info("call %s: %s monitors it (%s)", call.id, supervisor, mode.value)
        return monitor

    def set_mode(self, call: Call, mode: MonitorMode) -> Monitor:
        """Listen, whisper or barge from now on (ringing: once the phone answers)."""
        monitor = self.monitor(call)
        monitor.mode = mode
        self._hear(monitor)
        log.info("call %s: %s now monitors it in %s mode", call.id, monitor.supervisor, mode.value)
        return monitor

    def stop(self, call: Call) -> Monitor:
        """End the monitor: the supervisor's phone hung up, the caller and the agent bridged again."""
        monitor = self.monitor(call)
        self._close(monitor)
        _rejoin(call)
        return monitor

    def monitor(self, call: Call) -> Monitor:
        """The call's monitor; :class:`CallControlError` (409) when it has none."""
        monitor = self.by_call.get(call.id)
        if monitor is None:
            raise CallControlError(
                409, "not_monitored", "Cet appel n'est pas écouté.", "This call is not being monitored."
            )
        return monitor

    def ended(self, call: Call) -> None:
        """The call leaves the conversation (ends, held, consulted, transferred): its monitor ends.

        The media is left to the caller of this method: the conference is stopped, the bridge not
        started again.
        """
        monitor = self.by_call.get(call.id)
        if monitor is not None:
            log.info("call %s: monitoring by %s ends with the conversation", call.id, monitor.supervisor)
            self._close(monitor)

    # -- the supervisor's leg ------------------------------------------------------------------

    def _free(self, call: Call, supervisor: str) -> None:
        """Refuse a second monitor on the call, a supervisor on two calls, or on their own call."""
        current = self.by_call.get(call.id)
        if current is not None:
            raise CallControlError(
                409, "already_monitored",
                f"Cet appel est déjà écouté (poste {current.supervisor}).",
                f"This call is being monitored already (extension {current.supervisor}).",
            )  # fmt: skip
        if supervisor in (call.agent, call.consulted):
            raise CallControlError(409, "own_call", "C'est votre propre appel.", "This is your own call.")
        mine = (m for m in self.by_call.values() if m.call.tenant_id == call.tenant_id)
        if any(m.supervisor == supervisor for m in mine):
            raise CallControlError(
                409, "monitoring_elsewhere",
                "Vous écoutez déjà un autre appel : arrêtez-le d'abord.",
                "You are monitoring another call already: stop that first.",
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
        """The supervisor's phone answered: the bridge gives way to the conference, in the mode asked."""
        call, agent_leg = monitor.call, monitor.call.agent_leg
        if monitor.over or agent_leg is None or call.bridge is None or call.state != "talking":
            self._close(monitor)
            return
        if monitor.timer is not None:
            monitor.timer.cancel()
        call.bridge.stop()
        monitor.conference = Conference([call.caller.rtp, agent_leg.rtp, leg.rtp])
        self._hear(monitor)
        monitor.conference.start()
        log.info("call %s: %s is on it (%s)", call.id, monitor.supervisor, monitor.mode.value)

    def _hear(self, monitor: Monitor) -> None:
        """Who hears the supervisor, as the mode says."""
        conference, leg, agent_leg = monitor.conference, monitor.leg, monitor.call.agent_leg
        if conference is None or leg is None or agent_leg is None:
            return
        audience = {
            MonitorMode.LISTEN: [],
            MonitorMode.WHISPER: [agent_leg.rtp],
            MonitorMode.BARGE: None,
        }[monitor.mode]
        conference.set_audience(leg.rtp, audience)

    def _refused(self, monitor: Monitor, _leg: Leg, status: int) -> None:
        log.info("call %s: %s's phone refused the monitor (%s)", monitor.call.id, monitor.supervisor, status)
        self._close(monitor)

    def _hung_up(self, monitor: Monitor, _leg: Leg) -> None:
        """The supervisor hung up: the caller and the agent talk as before."""
        log.info("call %s: %s hung up the monitor", monitor.call.id, monitor.supervisor)
        self._close(monitor)
        _rejoin(monitor.call)

    def _rang_out(self, monitor: Monitor) -> None:
        if not monitor.over and not monitor.connected:
            log.info("call %s: %s's phone did not answer", monitor.call.id, monitor.supervisor)
            self._close(monitor)

    def _close(self, monitor: Monitor) -> None:
        """Stop the conference, hang up the supervisor's leg, give them their floor state back."""
        if monitor.over:
            return
        monitor.over = True
        if self.by_call.get(monitor.call.id) is monitor:
            del self.by_call[monitor.call.id]
        if monitor.timer is not None:
            monitor.timer.cancel()
        if monitor.conference is not None:
            monitor.conference.stop()
        if monitor.leg is not None:
            self.legs.hang_up(monitor.leg)
        if monitor.paused:
            self._restore(monitor)

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
