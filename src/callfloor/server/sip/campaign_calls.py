"""A campaign's calls on the wire: the customer's leg through the trunk, the agent's, their bridge.

Theory of operation. The campaign's driver (:mod:`callfloor.server.campaigns`) carries out its
dialer's actions here and hears back, through a :class:`CallListener`, what the dialer's events
say. :meth:`CampaignCalls.dial` INVITEs the number through the tenant's trunk, presenting the
campaign's caller ID, and gives up after the ring timeout (CANCEL, ``no_answer``). A refusal is
read as an outcome (:func:`outcome_of`). The 2xx is ``answered``: at once or, when the campaign
asks for answering-machine detection, once :class:`~callfloor.server.media.amd_tap.AmdTap` has
heard who answered, a machine or a person (an undecided verdict is a person: one is never
lost). A callee who hangs up while it listens was never reported answered, so the dialer hears
``no_answer``: an answer then an end would count a drop nobody caused, a machine would be a
guess. The person waits in silence until :meth:`~CampaignCalls.connect` rings the agent's
registered phone and joins both RTP sessions once it answers, or :meth:`~CampaignCalls.play`
says the recorded message and hangs up (16 CFR 310.4(b)(4)(iii)). A BYE on either side ends
the other: ``ended``. An agent's phone that cannot be reached ends the call too, the customer
hung up on (the dialer counts a conversation).
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from callfloor.core.config import Locale
from callfloor.core.dialer.model import Outcome
from callfloor.core.media.amd import AmdResult, AmdVerdict
from callfloor.server.media.amd_tap import AmdTap
from callfloor.server.media.bridge import Bridge as MediaBridge
from callfloor.server.media.player import Player
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession
from callfloor.server.sip.callbacks import CallbackEndpoint
from callfloor.server.sip.calls import Leg, agent_invite, new_tag, spawn, target
from callfloor.server.sip.outbound import trunk_invite, trunk_peer
from callfloor.server.sip.placed_legs import LegEvents, PlacedLegs

log = logging.getLogger(__name__)
#: SIP refusals read as the dialer's outcomes (RFC 3261 §21); any other is ``failed``.
REFUSALS: dict[int, Outcome] = {
    486: Outcome.BUSY, 600: Outcome.BUSY,
    404: Outcome.INVALID, 484: Outcome.INVALID, 604: Outcome.INVALID,
    408: Outcome.NO_ANSWER, 480: Outcome.NO_ANSWER, 487: Outcome.NO_ANSWER,
}  # fmt: skip


def outcome_of(status: int) -> Outcome:
    """The outcome a final refusal of our INVITE gives."""
    return REFUSALS.get(status, Outcome.FAILED)


class CallListener(Protocol):
    """Who hears what becomes of a campaign's calls (the campaign's driver)."""

    def answered(self, call: str, machine: bool = False) -> None:
        """Answered: by a person, or by a machine when the detector says so."""

    def failed(self, call: str, outcome: Outcome) -> None:
        """The call ended unanswered."""

    def ended(self, call: str) -> None:
        """The line is down after an answer."""


@dataclass(eq=False)
class CampaignCall:
    """One call of a campaign: the customer's leg, then the agent's and their bridge."""

    id: str
    tenant_id: int
    number: str
    listener: CallListener
    amd: bool = False  # answering-machine detection after the answer
    customer: Leg | None = None
    detector: AmdTap | None = None  # while it listens
    agent_leg: Leg | None = None
    bridge: MediaBridge | None = None
    player: Player | None = None
    timer: asyncio.TimerHandle | None = None
    over: bool = False


class CampaignCalls:
    """Every campaign call of one endpoint, by the dialer's call id."""

    def __init__(
        self,
        endpoint: CallbackEndpoint,
        legs: PlacedLegs,
        ports: PortAllocator,
        media_host: Callable[[], str],
        players: Callable[[RtpSession], Player],
    ) -> None:
        self.endpoint, self.legs, self.ports = endpoint, legs, ports
        self.media_host, self.players = media_host, players
        self.calls: dict[str, CampaignCall] = {}

    def dial(
        self,
        call_id: str,
        tenant_id: int,
        number: str,
        *,
        caller_id: str,
        timeout_s: float,
        listener: CallListener,
        amd: bool = False,
    ) -> None:
        """INVITE ``number`` (E.164) through the tenant's trunk; the listener hears what it gives.

        ``amd``: the answer is reported once the detector says whether a machine gave it.
        """
        call = self.calls[call_id] = CampaignCall(call_id, tenant_id, number, listener, amd)
        spawn(self._dial(call, caller_id, timeout_s))

    async def _dial(self, call: CampaignCall, caller_id: str, timeout_s: float) -> None:
        trunk = self.endpoint.trunks.outbound(call.tenant_id)
        if trunk is None:
            log.warning("campaign call %s: tenant %s has no trunk", call.id, call.tenant_id)
            self._unanswered(call, Outcome.FAILED)
            return
        rtp = await RtpSession.open(self.media_host(), self.ports)
        if call.over:  # hung up before it went out
            rtp.close()
            return
        invite = trunk_invite(self.endpoint, trunk, f"{trunk.prefix}{call.number}", rtp, self.media_host())
        if caller_id:  # the campaign's number, not the trunk's (code des postes art. L44-1)
            invite.headers.set("From", f"<sip:{caller_id}@{trunk.host}>;tag={new_tag()}")
        call.customer = Leg(trunk_peer(trunk), rtp, invite=invite)
        events = LegEvents(
            lambda leg: self._answered(call), lambda leg, status: self._refused(call, status),
            lambda leg: self._hung_up(call),
        )  # fmt: skip
        self.legs.place(call.customer, events, trunk)
        loop = asyncio.get_running_loop()
        call.timer = loop.call_later(timeout_s, self._rang_out, call)

    def connect(self, call_id: str, agent: str) -> None:
        """Ring the agent's phone and bridge it to the person once it answers."""
        call = self.calls.get(call_id)
        if call is not None and not call.over:
            spawn(self._ring_agent(call, agent))

    async def _ring_agent(self, call: CampaignCall, agent: str) -> None:
        bindings = self.endpoint.bindings(call.tenant_id, agent)
        if not bindings:
            log.warning("campaign call %s: agent %s has no phone registered", call.id, agent)
            self._end(call)
            return
        rtp = await RtpSession.open(self.media_host(), self.ports)
        if call.over:
            rtp.close()
            return
        invite = agent_invite(
            self.endpoint, bindings[0], agent, rtp, display=call.number, host=self.media_host()
        )
        call.agent_leg = Leg(target(bindings[0]), rtp, invite=invite, agent=agent)
        events = LegEvents(
            lambda leg: self._agent_answered(call), lambda leg, status: self._end(call),
            lambda leg: self._end(call),
        )  # fmt: skip
        self.legs.place(call.agent_leg, events)

    def play(self, call_id: str, prompt: Path) -> None:
        """Play the recorded message to the person, then hang up."""
        call = self.calls.get(call_id)
        if call is None or call.over or call.customer is None:
            return
        call.player = self.players(call.customer.rtp)
        call.player.play([prompt], on_done=lambda: self._end(call))

    def hang_up(self, call_id: str) -> None:
        """End the call from our side; nobody is told (the dialer is done with it)."""
        call = self.calls.get(call_id)
        if call is not None:
            self._close(call)

    # -- what the legs say ---------------------------------------------------------------------

    def _answered(self, call: CampaignCall) -> None:
        self._stop_timer(call)
        if call.over:
            return
        if call.amd and call.customer is not None:
            call.detector = AmdTap(call.customer.rtp, lambda result: self._detected(call, result))
        else:
            call.listener.answered(call.id)

    def _detected(self, call: CampaignCall, result: AmdResult) -> None:
        call.detector = None
        reason, after = result.explain(Locale.EN), result.after_s or 0.0
        log.info("campaign call %s: %s after %.1f s (%s)", call.id, result.verdict, after, reason)
        if not call.over:
            call.listener.answered(call.id, machine=result.verdict is AmdVerdict.MACHINE)

    def _refused(self, call: CampaignCall, status: int) -> None:
        log.info("campaign call %s: %s refused with %s", call.id, call.number, status)
        self._unanswered(call, outcome_of(status))

    def _rang_out(self, call: CampaignCall) -> None:
        call.timer = None
        if call.customer is not None and not call.customer.answered and not call.over:
            self._unanswered(call, Outcome.NO_ANSWER)

    def _agent_answered(self, call: CampaignCall) -> None:
        if call.over or call.customer is None or call.agent_leg is None:
            return
        call.bridge = MediaBridge(call.agent_leg.rtp, call.customer.rtp)
        call.bridge.start()
        log.info("campaign call %s: %s talks to agent %s", call.id, call.number, call.agent_leg.agent)

    def _hung_up(self, call: CampaignCall) -> None:
        if call.detector is not None:  # not reported answered yet: see the module docstring
            log.info("campaign call %s: %s hung up while we listened", call.id, call.number)
            self._unanswered(call, Outcome.NO_ANSWER)
        else:
            self._end(call)

    # -- endings -------------------------------------------------------------------------------

    def _unanswered(self, call: CampaignCall, outcome: Outcome) -> None:
        if call.over:
            return
        self._close(call)
        call.listener.failed(call.id, outcome)

    def _end(self, call: CampaignCall) -> None:
        """The line is down (either side, or the message said): both legs end, the listener hears it."""
        if call.over:
            return
        self._close(call)
        call.listener.ended(call.id)

    def _close(self, call: CampaignCall) -> None:
        call.over = True
        self.calls.pop(call.id, None)
        self._stop_timer(call)
        if call.detector is not None:
            call.detector.stop()
            call.detector = None
        if call.player is not None:
            call.player.stop()
        if call.bridge is not None:
            call.bridge.stop()
        for leg in (call.customer, call.agent_leg):
            if leg is not None:
                self.legs.hang_up(leg)

    def _stop_timer(self, call: CampaignCall) -> None:
        if call.timer is not None:
            call.timer.cancel()
            call.timer = None
