"""Legs callfloor places itself: our INVITE to an agent's phone or to a number through a trunk,
and all that comes back on it, until it is answered and hung up, or fails.

Theory of operation. The owner builds the leg (its RTP session and INVITE, see
:func:`~callfloor.server.sip.calls.agent_invite` and
:func:`~callfloor.server.sip.outbound.trunk_invite`) and :meth:`PlacedLegs.place` sends it with
three callbacks, :class:`LegEvents`. Provisional responses change nothing. A 2xx is ACKed in the
dialog it makes (RFC 3261 §13.2.2.4), its SDP answer set on the leg's RTP, and the owner told
``answered`` once (a retransmitted 2xx is ACKed again). A leg through a trunk answers the
trunk's first digest challenge (401/407) with the trunk's credentials (RFC 3261 §22.2); any other
final refusal, or no final answer at all (timer B), is ``failed`` with its status (408 for the
timeout). In the dialog, a BYE is answered and is ``hung_up``, a re-INVITE (hold from the phone)
is answered on the leg's RTP, INFO gets 200 and the rest 501. :meth:`PlacedLegs.hang_up` ends a
leg from our side: BYE once answered, CANCEL while it rings; a 2xx that crosses our CANCEL is
ACKed, then ended with a BYE (RFC 3261 §9.1). A leg's RTP is closed when it is over, after its
owner heard so.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from callfloor.core.sip.dialog import DialogError, DialogState, uac_dialog
from callfloor.core.sip.layer import Key
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.offer_answer import accept_answer
from callfloor.core.sip.responses import make_response
from callfloor.core.sip.sdp import SdpError
from callfloor.core.sip.sdp_parser import parse_sdp
from callfloor.server.sip.calls import Leg, Signalling, answer_reinvite, cancel_of, send_bye
from callfloor.server.sip.outbound import TrunkAuthError, answer_challenge
from callfloor.server.sip.trunks import TrunkConfig

log = logging.getLogger(__name__)
TIMED_OUT = 408  # the status a leg with no final answer fails with (RFC 3261 §17.1.1.2, timer B)


@dataclass(frozen=True, slots=True)
class LegEvents:
    """What the owner of a placed leg hears: answered, failed (with the status), hung up by the peer."""

    answered: Callable[[Leg], None]
    failed: Callable[[Leg, int], None]
    hung_up: Callable[[Leg], None]


@dataclass
class _Placed:
    leg: Leg
    invite: Request
    events: LegEvents
    trunk: TrunkConfig | None  # whose credentials answer a challenge
    authenticated: bool = False  # credentials sent once: another challenge is a refusal


class PlacedLegs:
    """The legs one owner placed, by SIP Call-ID; ``media_host`` is where our SDP says RTP goes."""

    def __init__(self, endpoint: Signalling, media_host: Callable[[], str]) -> None:
        self.endpoint = endpoint
        self.media_host = media_host
        self._legs: dict[str, _Placed] = {}
        self._cancelled: dict[str, Leg] = {}  # legs we CANCELled, until their final answer

    def __len__(self) -> int:
        return len(self._legs)

    def place(self, leg: Leg, events: LegEvents, trunk: TrunkConfig | None = None) -> None:
        """Send the leg's INVITE (``leg.invite``); ``trunk``: a leg through it, which may be challenged."""
        invite = leg.invite
        if invite is None:
            raise ValueError("a leg is placed with its INVITE")
        self._legs[invite.call_id] = _Placed(leg, invite, events, trunk)
        leg.key = self.endpoint.send_request(invite, leg.peer)

    def hang_up(self, leg: Leg) -> None:
        """End a leg from our side (BYE once answered, CANCEL while ringing); a leg over already is left."""
        placed = self._forget(leg)
        if placed is None:
            return
        if leg.answered:
            send_bye(self.endpoint, leg.dialog, leg.peer)
        else:
            self.endpoint.send_request(cancel_of(placed.invite), leg.peer)
            self._cancelled[placed.invite.call_id] = leg  # its 2xx may cross our CANCEL
        leg.rtp.close()

    # -- what the peers send -------------------------------------------------------------------

    def response(self, response: Response) -> bool:
        """A response to one of our INVITEs; False when it is not ours."""
        if response.cseq().method != "INVITE":
            return False
        if self._answered_too_late(response):
            return True
        placed = self._legs.get(response.call_id)
        if placed is None:
            return False
        if response.status < 200:
            return True
        if response.status >= 300:
            if not self._authenticate(placed, response):
                self._failed(placed, response.status)
            return True
        leg = placed.leg
        self._ack(leg, placed.invite, response)
        if leg.answered:
            return True  # a retransmitted 2xx: ACKed again, nothing else
        leg.answered = True
        try:
            leg.rtp.set_remote(accept_answer(parse_sdp(placed.invite.body), parse_sdp(response.body)))
        except SdpError:
            log.info("%s answered with unusable SDP", leg.agent or placed.invite.uri)
        placed.events.answered(leg)
        return True

    def timeout(self, key: Key) -> bool:
        """Our INVITE got no final answer (timer B); False when it is not one of ours."""
        for call_id, leg in list(self._cancelled.items()):
            if leg.key == key:  # CANCELled, and no final answer ever came
                del self._cancelled[call_id]
                return True
        for placed in list(self._legs.values()):
            if placed.leg.key == key and not placed.leg.answered:
                self._failed(placed, TIMED_OUT)
                return True
        return False

    def in_dialog(self, request: Request, key: Key | None) -> bool:
        """ACK, BYE (and the rest) in one of our legs; False when the request is not ours."""
        placed = self._legs.get(request.call_id)
        if placed is None:
            return False
        leg = placed.leg
        if request.method == "ACK":
            return True
        if leg.dialog is None or key is None:
            return False
        try:
            leg.dialog.check_incoming(request)
        except DialogError as exc:
            self.endpoint.respond(key, make_response(request, exc.status))
            return True
        if request.method == "BYE":
            self.endpoint.respond(key, make_response(request, 200))
            leg.dialog.move(DialogState.TERMINATED)
            self._forget(leg)
            placed.events.hung_up(leg)
            leg.rtp.close()
        elif request.method == "INVITE":  # a refresh, or hold from the phone
            answer_reinvite(self.endpoint, request, key, leg.rtp, self.media_host())
        else:
            self.endpoint.respond(key, make_response(request, 200 if request.method == "INFO" else 501))
        return True

    # -- inside --------------------------------------------------------------------------------

    def _authenticate(self, placed: _Placed, challenge: Response) -> bool:
        """The trunk's first challenge answered with its credentials (the INVITE sent again); else False."""
        trunk = placed.trunk
        if trunk is None or challenge.status not in (401, 407) or placed.authenticated:
            return False
        try:
            invite = answer_challenge(self.endpoint, trunk, placed.invite, challenge)
        except TrunkAuthError as exc:
            log.warning("trunk %s: %s", trunk.name, exc.reason)
            return False
        placed.invite = placed.leg.invite = invite
        placed.authenticated = True
        placed.leg.key = self.endpoint.send_request(invite, placed.leg.peer)
        return True

    def _failed(self, placed: _Placed, status: int) -> None:
        self._forget(placed.leg)
        placed.events.failed(placed.leg, status)
        placed.leg.rtp.close()

    def _forget(self, leg: Leg) -> _Placed | None:
        invite = leg.invite
        return self._legs.pop(invite.call_id, None) if invite is not None else None

    def _ack(self, leg: Leg, invite: Request, response: Response) -> None:
        """ACK a 2xx (RFC 3261 §13.2.2.4), in the dialog it makes with the leg's peer."""
        leg.dialog = uac_dialog(invite, response)
        self.endpoint.send_direct(leg.dialog.request("ACK", via=self.endpoint.via(leg.peer)), leg.peer)

    def _answered_too_late(self, response: Response) -> bool:
        """A response to an INVITE we CANCELled: a 2xx that crossed the CANCEL is ACKed, then ended."""
        leg = self._cancelled.pop(response.call_id, None)
        if leg is None:
            return False
        if 200 <= response.status < 300 and leg.invite is not None:  # RFC 3261 §9.1
            self._ack(leg, leg.invite, response)
            send_bye(self.endpoint, leg.dialog, leg.peer)
        elif response.status < 200:
            self._cancelled[response.call_id] = leg  # still ringing: wait for the final answer
        return True


class LegsOwner:
    """What a feature that places legs (:class:`PlacedLegs`) hands on to them: the endpoint asks it
    whether a response, a timeout or an in-dialog request is its own."""

    legs: PlacedLegs

    def response(self, response: Response) -> bool:
        """A response to one of our INVITEs; False when it is not ours."""
        return self.legs.response(response)

    def timeout(self, key: Key) -> bool:
        """Our INVITE got no final answer (timer B); False when it is not ours."""
        return self.legs.timeout(key)

    def in_dialog(self, request: Request, key: Key | None) -> bool:
        """A request in one of our legs' dialogs; False when it is not ours."""
        return self.legs.in_dialog(request, key)
