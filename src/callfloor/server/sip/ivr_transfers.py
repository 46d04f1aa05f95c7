"""The IVR's transfers to an agent's extension or to an outside number (``transfer``, ``to: agent | number``).

Theory of operation. The flow's ``transfer`` node plays its prompts, then the IVR session hands
the call over (:class:`~callfloor.core.ivr.actions.TransferCall`) and
:meth:`CallManager.transfer_out <callfloor.server.sip.calls.CallManager.transfer_out>` brings it
here. callfloor stays a B2BUA: the caller, answered long ago, hears music on hold while we place
the other leg ourselves (:mod:`.placed_legs`), and nothing of its ringing is relayed to them.

- ``number``: one INVITE through the tenant's trunk, the number in E.164 behind the trunk's
  prefix, with its caller ID and credentials (:mod:`.outbound`'s building blocks).
- ``agent`` ("tapez le numéro de poste"): an INVITE to each of the agent's registered phones at
  once, bypassing the queues; the first to answer takes the call, the others are CANCELled. The
  agent must be ready on the floor (logged in; not paused, whatever the reason, nor in wrap-up,
  nor rung for another call) and registered. For the whole call they are paused with the reason
  ``direct``, so that the floor offers them nothing; afterwards they are made ready again,
  unless they or a supervisor changed their state meanwhile.

The answer (2xx) is ACKed and the caller's and the far end's RTP are bridged; a BYE on either
side ends the other. A refusal (486, 404…), no final answer within
:attr:`IvrTransfers.ring_timeout_s` (30 s, then we CANCEL), no trunk or an agent unavailable
fail the transfer: the IVR session walks on at the node's ``fallback``, or says goodbye and
ends the call ``transfer_failed``.

The record. No floor takes these calls, so the IVR keeps their record: when the call ends,
whichever side hung up, the session's ``ivr_ended`` entry (reason ``transfer``; the agent's
extension; ``wait_s`` the IVR and the ringing, ``talk_s`` the conversation) ends the interaction
in the customer file, once the conversation is over rather than when it begins. A caller who
hangs up while it rings ends it ``caller_hung_up``. The agent's own time shows on the floor as
their ``direct`` pause; the queues' KPIs do not count these calls.

The machinery. :class:`Handovers` places the other leg, times its ringing, hangs up the legs
that lose and bridges the one that answers; what an outcome means is a subclass's hook
(:meth:`Handovers.joined`, :meth:`~Handovers.failed`, :meth:`~Handovers.left`,
:meth:`~Handovers.finished`). Here the IVR's flow walks on; the agents' transfers to numbers
(:mod:`.number_transfers`) give the same outcomes their own meaning.
"""

import asyncio
import functools
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Protocol

from callfloor.core.acd import AcdError
from callfloor.core.acd.model import AgentState
from callfloor.core.events import AgentPaused, AgentReady
from callfloor.core.ivr.nodes import TransferKind
from callfloor.server.media.bridge import Bridge as MediaBridge
from callfloor.server.media.session import RtpSession
from callfloor.server.sip.callbacks import TrunkSource
from callfloor.server.sip.calls import Call, CallManager, Leg, Signalling, agent_invite, spawn, target
from callfloor.server.sip.outbound import trunk_invite, trunk_peer
from callfloor.server.sip.placed_legs import LegEvents, LegsOwner, PlacedLegs
from callfloor.server.sip.trunks import TrunkConfig

log = logging.getLogger(__name__)
DIRECT = "direct"  # the floor's pause reason for an agent rung straight from the IVR
RING_TIMEOUT_S = 30.0  # how long the agent's phones or the number may ring


class TransferEndpoint(Signalling, Protocol):
    """What transfers need from the SIP endpoint (it is the implementation)."""

    @property
    def trunks(self) -> TrunkSource:
        """The trunks calls go out through."""


@dataclass(eq=False)
class Handover:
    """A call being handed over: the legs ringing, then the one that answered and its bridge."""

    call: Call
    kind: TransferKind
    target: str  # the agent's extension, or the number in E.164
    ringing: list[Leg] = field(default_factory=list)
    placing: bool = True  # legs are still being placed (their media opening)
    talking: Leg | None = None
    bridge: MediaBridge | None = None
    timer: asyncio.TimerHandle | None = None
    paused: bool = False  # the agent was paused ``direct`` for it
    attended: bool = False  # an agent talks to the far end before the caller does (number_transfers)
    over: bool = False


class Handovers(LegsOwner):
    """Calls handed over to a leg we place, by call: the ringing, its timer, the bridge; what the
    outcomes mean is the hooks' (:meth:`joined`, :meth:`failed`, :meth:`left`, :meth:`finished`)."""

    def __init__(self, endpoint: TransferEndpoint, manager: CallManager) -> None:
        self.endpoint = endpoint
        self.manager = manager
        self.legs = PlacedLegs(endpoint, lambda: manager.media_host)
        self.handovers: dict[str, Handover] = {}  # by call (interaction) id
        self.ring_timeout_s = RING_TIMEOUT_S

    def ended(self, call: Call) -> None:
        """The call ends (either side hung up): the other leg is hung up too, then :meth:`finished`."""
        handover = self.handovers.get(call.id)
        if handover is None:
            return
        self._close(handover)
        self.finished(handover)

    # -- the outcomes, for subclasses ----------------------------------------------------------

    def joined(self, handover: Handover) -> None:
        """The far end answered (the other legs hung up, the ring timer stopped): here the caller
        is bridged to it (:meth:`bridge_caller`)."""
        self.bridge_caller(handover)

    def failed(self, handover: Handover, why: str, status: int | None) -> None:
        """Nobody answered (the handover is closed): ``status`` the refusal's, None for no answer."""

    def left(self, handover: Handover) -> None:
        """The far end hung up after answering: here the caller is hung up (the handover ends with it)."""
        self.manager.hang_up_caller(handover.call)

    def finished(self, handover: Handover) -> None:
        """The call ended with the handover under way (see :meth:`ended`)."""

    def bridge_caller(self, handover: Handover) -> None:
        """The caller stops hearing music and talks to the far end."""
        call, leg = handover.call, handover.talking
        if leg is None:
            return
        call.player.stop()
        handover.bridge = MediaBridge(call.caller.rtp, leg.rtp)
        handover.bridge.start()

    # -- placing the other leg -----------------------------------------------------------------

    def _start(self, handover: Handover, placing: Coroutine[object, object, None]) -> None:
        """Keep the handover, start its ring timer and place its legs (``placing``)."""
        self.handovers[handover.call.id] = handover
        loop = asyncio.get_running_loop()
        handover.timer = loop.call_later(self.ring_timeout_s, self._rang_out, handover)
        spawn(placing)

    async def _dial(self, handover: Handover, trunk: TrunkConfig) -> None:
        """INVITE the number through the tenant's trunk."""
        host = self.manager.media_host
        rtp = await RtpSession.open(host, self.manager.ports)
        if handover.over:
            rtp.close()
            return
        invite = trunk_invite(self.endpoint, trunk, f"{trunk.prefix}{handover.target}", rtp, host)
        leg = Leg(trunk_peer(trunk), rtp, invite=invite)
        handover.ringing.append(leg)
        self.legs.place(leg, self._events(handover), trunk)
        self._placed(handover)

    def _placed(self, handover: Handover) -> None:
        """Every leg is out: with none ringing (all refused already, or no phone), the transfer failed."""
        handover.placing = False
        if not handover.over and handover.talking is None and not handover.ringing:
            self._fail(handover, "nothing could be rung", None)

    def _events(self, handover: Handover) -> LegEvents:
        return LegEvents(
            functools.partial(self._answered, handover),
            functools.partial(self._refused, handover),
            functools.partial(self._hung_up, handover),
        )

    # -- what the other leg does ---------------------------------------------------------------

    def _answered(self, handover: Handover, leg: Leg) -> None:
        """The first answer takes the call: the others are CANCELled, then :meth:`joined`."""
        if handover.over or handover.talking is not None:
            self.legs.hang_up(leg)
            return
        others, handover.ringing, handover.talking = handover.ringing, [], leg
        for other in others:
            if other is not leg:
                self.legs.hang_up(other)
        if handover.timer is not None:
            handover.timer.cancel()
        self.joined(handover)

    def _refused(self, handover: Handover, leg: Leg, status: int) -> None:
        """A leg refused or timed out: the transfer fails once no other leg may still answer."""
        handover.ringing = [other for other in handover.ringing if other is not leg]
        if handover.over or handover.talking is not None or handover.ringing or handover.placing:
            return
        self._fail(handover, f"refused ({status})", status)

    def _hung_up(self, handover: Handover, leg: Leg) -> None:
        """The far end hung up: :meth:`left`."""
        if handover.talking is leg and not handover.over:
            self.left(handover)

    def _rang_out(self, handover: Handover) -> None:
        if not handover.over and handover.talking is None:
            self._fail(handover, f"no answer within {self.ring_timeout_s:g} s", None)

    # -- endings -------------------------------------------------------------------------------

    def _fail(self, handover: Handover, why: str, status: int | None) -> None:
        """The transfer did not happen: its legs are hung up, then :meth:`failed`."""
        call = handover.call
        log.info("call %s: the transfer to %s %s failed: %s", call.id, handover.kind, handover.target, why)
        self._close(handover)
        self.failed(handover, why, status)

    def _close(self, handover: Handover) -> bool:
        """Hang up the other legs, stop the bridge and the ring timer; False when it was closed already."""
        if handover.over:
            return False
        handover.over = True
        if self.handovers.get(handover.call.id) is handover:
            del self.handovers[handover.call.id]
        if handover.timer is not None:
            handover.timer.cancel()
        if handover.bridge is not None:
            handover.bridge.stop()
        for leg in (*handover.ringing, *([handover.talking] if handover.talking else [])):
            self.legs.hang_up(leg)
        handover.ringing = []
        return True


class IvrTransfers(Handovers):
    """Every transfer out of the IVR of one :class:`CallManager`, by call: the flow goes on."""

    def start(self, call: Call, kind: TransferKind, to: str) -> None:
        """Hand ``call`` over to agent ``to`` or number ``to`` (E.164); if that fails, the flow goes on."""
        handover = Handover(call, kind, to)
        trunk = self.endpoint.trunks.outbound(call.tenant_id) if kind is TransferKind.NUMBER else None
        if kind is TransferKind.AGENT:
            refusal = self._reserve(handover)
        else:
            refusal = None if trunk is not None else "the tenant has no trunk to call out"
        if refusal is not None:
            self._fail(handover, refusal, None)
            return
        call.player.play([self.manager.prompt(call, "music_on_hold")], loop=True)
        self._start(handover, self._dial(handover, trunk) if trunk is not None else self._ring(handover))
        log.info("call %s: the flow transfers it to %s %s", call.id, kind.value, to)

    # -- the outcomes: the IVR's record and its flow -------------------------------------------

    def joined(self, handover: Handover) -> None:
        """Caller and far end bridged; the IVR's record counts the conversation from now."""
        super().joined(handover)
        self.manager.journeys.transferred(handover.call, lambda ivr, now: ivr.transfer_answered(now))
        log.info(
            "call %s: %s %s answered the transfer", handover.call.id, handover.kind.value, handover.target
        )

    def failed(self, handover: Handover, why: str, status: int | None) -> None:
        """The IVR walks on at the node's fallback, or says goodbye."""
        handover.call.player.stop()
        self.manager.journeys.transferred(handover.call, lambda ivr, now: ivr.transfer_failed(now))

    def finished(self, handover: Handover) -> None:
        """The IVR's entry ends the call's record."""
        self.manager.journeys.transferred(handover.call, lambda ivr, now: ivr.transfer_ended(now))

    # -- an agent's phones ---------------------------------------------------------------------

    def _reserve(self, handover: Handover) -> str | None:
        """Pause a ready, registered agent ``direct`` for the call; why not, if they are not."""
        call, agent = handover.call, handover.target
        floor = self.endpoint.floor(call.tenant_id)
        record = floor.floor.acd.agents.get(agent)
        if record is None:
            return "no such agent"
        if record.state is not AgentState.READY or record.pending_offer is not None:
            return f"the agent is {record.state.value}" + (f" ({record.reason})" if record.reason else "")
        if not self.endpoint.bindings(call.tenant_id, agent):
            return "the agent has no phone registered"
        try:
            floor.apply(AgentPaused(agent, DIRECT))
        except AcdError as exc:
            return str(exc)
        handover.paused = True
        return None

    async def _ring(self, handover: Handover) -> None:
        """INVITE each of the agent's registered phones."""
        call, agent, host = handover.call, handover.target, self.manager.media_host
        for binding in self.endpoint.bindings(call.tenant_id, agent):
            rtp = await RtpSession.open(host, self.manager.ports)
            if handover.over or handover.talking is not None:  # ended or answered meanwhile
                rtp.close()
                break
            display = call.number or "callfloor"
            invite = agent_invite(self.endpoint, binding, agent, rtp, display=display, host=host)
            leg = Leg(target(binding), rtp, invite=invite, agent=agent)
            handover.ringing.append(leg)
            self.legs.place(leg, self._events(handover))
        self._placed(handover)

    def _close(self, handover: Handover) -> bool:
        """The legs hung up; the agent gets their state back."""
        closed = super()._close(handover)
        if closed and handover.paused:
            self._restore(handover)
        return closed

    def _restore(self, handover: Handover) -> None:
        """Ready again, unless the agent (or a supervisor) changed their state meanwhile: theirs stands."""
        floor = self.endpoint.floor(handover.call.tenant_id)
        record = floor.floor.acd.agents.get(handover.target)
        if record is not None and DIRECT in (record.reason, record.pending_pause):
            floor.handle(AgentReady(handover.target))
