"""An agent's transfer of a connected call to an outside number (the desk's "Numéro"), blind
or attended.

Theory of operation. The agent names a number, E.164 or as dialed in the tenant's country; it
must be one a trunk places (a fixed, mobile, toll-free or VoIP number: premium-rate, shared-cost
and short numbers are refused, as is anything ``phonenumbers`` does not know to be valid). We
INVITE it through the tenant's trunk (:mod:`.placed_legs`: its digest challenge answered); the
ringing, its timer and the bridge are the machinery of :class:`~.ivr_transfers.Handovers`, whose
outcomes mean here what follows.

Blind. :meth:`CallManager.transfer_to_number <callfloor.server.sip.calls.CallManager.transfer_to_number>`
ends the agent's part at once, as a transfer does: the floor logs ``transferred`` (reason
``number``) and the agent's hang-up (wrap-up, ``completed``), the agent's phone is hung up and
the caller hears music on hold. The floor is done with the call; the caller is bridged to the
far end once it answers, until either hangs up (the other is hung up too). A refusal (486,
404…) or no answer within :attr:`~.ivr_transfers.Handovers.ring_timeout_s` cannot go back to
an agent who has moved on: the caller hears goodbye and is hung up, which the server's log says.

Attended (the agent consults the far end first).
:meth:`CallManager.consult_number <callfloor.server.sip.calls.CallManager.consult_number>` holds
the caller (music on hold, logged ``held``) as for a consulted agent, and the number is rung;
when it answers, the agent and the far end are bridged (:meth:`CallManager.consult_answered`).
Then, as with an agent consulted, the agent completes the transfer (the caller is bridged to the
far end and the agent's part ends exactly as a blind transfer's; an agent who hangs up their
phone while the far end is on the line completes it too, as phones do), cancels it (the far end
is hung up, the agent has the caller back), or makes it a three-way conference. A refusal, no
answer within the ring timeout or the far end hanging up during the consultation brings the
agent back to the caller (:meth:`CallManager.consult_failed`), and the call's
``consult_failure`` says why, for the desk.
"""

import asyncio
import logging
import re

import phonenumbers
from phonenumbers import PhoneNumberType

from callfloor.core.ivr.nodes import TransferKind
from callfloor.server.sip.calls import Call, CallControlError
from callfloor.server.sip.ivr_transfers import Handover, Handovers
from callfloor.server.sip.trunks import TrunkConfig

log = logging.getLogger(__name__)
#: The kinds of numbers a transfer may go to; premium-rate and shared-cost ones cost the center.
PLACEABLE = frozenset({
    PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.TOLL_FREE, PhoneNumberType.VOIP, PhoneNumberType.UAN,
})  # fmt: skip
_SEPARATORS = re.compile(r"[\s().\-/\u00a0]")
BUSY = frozenset({486, 600})  # Busy Here, Busy Everywhere
UNANSWERED = frozenset({408, 480, 487})  # timed out, temporarily unavailable, request terminated


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


def failure(status: int | None) -> str:
    """Why a consulted number did not take the call, as the API shows it: ``busy``, ``no_answer``
    (no final answer: ``status`` None, or a timeout) or ``refused``."""
    if status in BUSY:
        return "busy"
    return "no_answer" if status is None or status in UNANSWERED else "refused"


class NumberTransfers(Handovers):
    """The agents' transfers to numbers of one :class:`CallManager`, by call."""

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
        """Blind: INVITE ``number`` through ``trunk`` for the caller of ``call`` (the floor let it go)."""
        handover = Handover(call, TransferKind.NUMBER, number)
        self._start(handover, self._dial(handover, trunk))
        log.info("call %s: transferred by its agent to %s", call.id, number)

    def consult(self, call: Call, number: str, trunk: TrunkConfig) -> None:
        """Attended, first step: INVITE ``number`` for the agent of ``call`` (its caller held)."""
        handover = Handover(call, TransferKind.NUMBER, number, attended=True)
        self._start(handover, self._dial(handover, trunk))
        log.info("call %s: its agent consults %s", call.id, number)

    def hand_over(self, call: Call) -> None:
        """Attended, last step: the caller talks to the far end, who answered the agent; from now
        on it is as a blind transfer's."""
        handover = self.handovers.get(call.id)
        if handover is None or handover.over:
            return
        handover.attended = False
        self.bridge_caller(handover)
        log.info("call %s: handed by its agent to %s", call.id, handover.target)

    def drop(self, call: Call) -> None:
        """The consultation given up (cancelled, the agent gone): the far end is hung up."""
        handover = self.handovers.get(call.id)
        if handover is not None and handover.attended:
            self._close(handover)

    # -- the outcomes --------------------------------------------------------------------------

    def joined(self, handover: Handover) -> None:
        """Attended: the agent talks to the far end; blind: the caller does."""
        call = handover.call
        if handover.attended and handover.talking is not None:
            self.manager.consult_answered(call, handover.talking)
        else:
            super().joined(handover)
        log.info("call %s: %s answered", call.id, handover.target)

    def failed(self, handover: Handover, why: str, status: int | None) -> None:
        """Attended: back to the agent; blind: the caller hears goodbye and is hung up."""
        call = handover.call
        if handover.attended:
            self.manager.consult_failed(call, failure(status))
            return
        log.info("call %s: the transfer to %s failed; the caller is hung up", call.id, handover.target)
        goodbye = self.manager.prompt(call, "goodbye")
        call.player.play([goodbye], on_done=lambda: self._leave_soon(call))

    def left(self, handover: Handover) -> None:
        """Attended: the agent has the caller back; blind: the caller is hung up too."""
        if handover.attended:
            self._close(handover)
            self.manager.consult_failed(handover.call, "hung_up")
        else:
            super().left(handover)

    def _leave_soon(self, call: Call) -> None:
        """Hang up on the loop's next turn (a player may report a prompt's end from ``play()``)."""
        asyncio.get_running_loop().call_soon(self._leave, call)

    def _leave(self, call: Call) -> None:
        if not call.over:
            self.manager.hang_up_caller(call)
