"""An agent's blind transfer of a connected call to an outside number (the desk's "Numéro").

Theory of operation. The agent names a number, E.164 or as dialed in the tenant's country; it
must be one a trunk places (a fixed, mobile, toll-free or VoIP number: premium-rate, shared-cost
and short numbers are refused, as is anything ``phonenumbers`` does not know to be valid).
:meth:`CallManager.transfer_to_number <callfloor.server.sip.calls.CallManager.transfer_to_number>`
ends the agent's part at once, as a transfer does: the floor logs ``transferred`` (reason
``number``) and the agent's hang-up (wrap-up, ``completed``), the agent's phone is hung up and
the caller hears music on hold. The floor is done with the call; here we INVITE the number
through the tenant's trunk (:mod:`.placed_legs`: its digest challenge answered), and bridge the
caller to the far end once it answers, until either hangs up (the other is hung up too, see
:meth:`NumberTransfers.ended`).

A refusal (486, 404…) or no answer within :attr:`NumberTransfers.ring_timeout_s` cannot go back
to an agent who has moved on: the caller hears goodbye and is hung up, which the server's log
says. Attended transfers to a number (the agent talking to the far end first) are not done: the
consultation machinery of :mod:`.calls` consults agents of the floor, whose phones are ours.
"""

import asyncio
import functools
import logging
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from callfloor.server.media.bridge import Bridge as MediaBridge
from callfloor.server.media.session import RtpSession
from callfloor.server.sip.calls import Call, CallControlError, CallManager, Leg, spawn
from callfloor.server.sip.ivr_transfers import RING_TIMEOUT_S, TransferEndpoint
from callfloor.server.sip.outbound import trunk_invite, trunk_peer
from callfloor.server.sip.placed_legs import LegEvents, LegsOwner, PlacedLegs
from callfloor.server.sip.trunks import TrunkConfig

log = logging.getLogger(__name__)
#: The kinds of numbers a transfer may go to; premium-rate and shared-cost ones cost the center.
PLACEABLE = frozenset({
    PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.TOLL_FREE, PhoneNumberType.VOIP, PhoneNumberType.UAN,
})  # fmt: skip
_SEPARATORS = re.compile(r"[\s().\-/\u00a0]")


def transfer_number(text: str, region: str) -> str:
    """The E.164 form of a number a call may be transferred to, read in ``region``.

    :class:`CallControlError` 422 ``transfer_number`` when it is no valid number, or a premium-rate,
    shared-cost or short one.
    """
    cleaned = _SEPARATORS.sub("", text)
    try:
        parsed = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise CallControlError(
            422, "transfer_number", f"Numéro invalide : {text}", f"Not a number to transfer to: {text}"
        )
    if phonenumbers.number_type(parsed) not in PLACEABLE:
        raise CallControlError(
            422,
            "transfer_number",
            f"Les numéros surtaxés, à coût partagé ou courts ne sont pas appelés : {text}",
            f"Premium-rate, shared-cost and short numbers are not called: {text}",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@dataclass(eq=False)
class Handoff:
    """A caller handed to a number: its leg through the trunk, ringing then bridged."""

    call: Call
    number: str  # E.164
    leg: Leg | None = None
    bridge: MediaBridge | None = None
    timer: asyncio.TimerHandle | None = None
    over: bool = False


class NumberTransfers(LegsOwner):
    """The agents' transfers to numbers of one :class:`CallManager`, by call."""

    def __init__(self, endpoint: TransferEndpoint, manager: CallManager) -> None:
        self.endpoint = endpoint
        self.manager = manager
        self.legs = PlacedLegs(endpoint, lambda: manager.media_host)
        self.handoffs: dict[str, Handoff] = {}  # by call (interaction) id
        self.ring_timeout_s = RING_TIMEOUT_S

    def target(self, tenant_id: int, number: str, region: str) -> tuple[str, TrunkConfig]:
        """The number in E.164 (:func:`transfer_number`) and the trunk to call it through."""
        return transfer_number(number, region), self._trunk(tenant_id)

    def _trunk(self, tenant_id: int) -> TrunkConfig:
        """The trunk the tenant's calls go out through; :class:`CallControlError` 503 without one."""
        trunk = self.endpoint.trunks.outbound(tenant_id)
        if trunk is None:
            raise CallControlError(
                503,
                "no_trunk",
                "Aucun opérateur pour appeler ce numéro.",
                "There is no trunk to call that number.",
            )
        return trunk

    def dial(self, call: Call, number: str, trunk: TrunkConfig) -> None:
        """INVITE ``number`` through ``trunk`` for the caller of ``call`` (the floor let it go)."""
        handoff = Handoff(call, number)
        self.handoffs[call.id] = handoff
        handoff.timer = asyncio.get_running_loop().call_later(self.ring_timeout_s, self._rang_out, handoff)
        spawn(self._dial(handoff, trunk))
        log.info("call %s: transferred by its agent to %s", call.id, number)

    def ended(self, call: Call) -> None:
        """The call ends (either side hung up): the far end is hung up too, the bridge stopped."""
        handoff = self.handoffs.pop(call.id, None)
        if handoff is None or handoff.over:
            return
        handoff.over = True
        if handoff.timer is not None:
            handoff.timer.cancel()
        if handoff.bridge is not None:
            handoff.bridge.stop()
        if handoff.leg is not None:
            self.legs.hang_up(handoff.leg)

    # -- the far end ---------------------------------------------------------------------------

    async def _dial(self, handoff: Handoff, trunk: TrunkConfig) -> None:
        host = self.manager.media_host
        rtp = await RtpSession.open(host, self.manager.ports)
        if handoff.over:
            rtp.close()
            return
        invite = trunk_invite(self.endpoint, trunk, f"{trunk.prefix}{handoff.number}", rtp, host)
        handoff.leg = Leg(trunk_peer(trunk), rtp, invite=invite)
        events = LegEvents(
            functools.partial(self._answered, handoff),
            functools.partial(self._refused, handoff),
            functools.partial(self._hung_up, handoff),
        )
        self.legs.place(handoff.leg, events, trunk)

    def _answered(self, handoff: Handoff, leg: Leg) -> None:
        """The far end took the call: the caller is bridged to it."""
        if handoff.over:
            self.legs.hang_up(leg)
            return
        if handoff.timer is not None:
            handoff.timer.cancel()
        call = handoff.call
        call.player.stop()
        handoff.bridge = MediaBridge(call.caller.rtp, leg.rtp)
        handoff.bridge.start()
        log.info("call %s: %s answered the transfer", call.id, handoff.number)

    def _refused(self, handoff: Handoff, leg: Leg, status: int) -> None:
        if not handoff.over:
            self._give_up(handoff, f"refused ({status})")

    def _rang_out(self, handoff: Handoff) -> None:
        if not handoff.over and handoff.bridge is None:
            self._give_up(handoff, f"no answer within {self.ring_timeout_s:g} s")

    def _hung_up(self, handoff: Handoff, leg: Leg) -> None:
        """The far end hung up: so do we, on the caller (which ends the handoff, see :meth:`ended`)."""
        if not handoff.over:
            self.manager.hang_up_caller(handoff.call)

    def _give_up(self, handoff: Handoff, why: str) -> None:
        """Nobody took the call: the far end's leg ends, the caller hears goodbye and is hung up."""
        call = handoff.call
        log.info(
            "call %s: the transfer to %s failed: %s; the caller is hung up", call.id, handoff.number, why
        )
        self.ended(call)
        goodbye = self.manager.prompt(call, "goodbye")
        call.player.play([goodbye], on_done=lambda: self._leave_soon(call))

    def _leave_soon(self, call: Call) -> None:
        """Hang up on the loop's next turn (a player may report a prompt's end from ``play()``)."""
        asyncio.get_running_loop().call_soon(self._leave, call)

    def _leave(self, call: Call) -> None:
        if not call.over:
            self.manager.hang_up_caller(call)
