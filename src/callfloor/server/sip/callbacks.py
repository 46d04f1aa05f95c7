"""Callbacks: a waiting caller who asked to be called back keeps their place, and at their turn
callfloor calls them back for the agent the floor reserved (a B2BUA whose two legs are ours).

Theory of operation. The caller asks (the queue's callback offer, then
:meth:`CallManager.request_callback <callfloor.server.sip.calls.CallManager.request_callback>`):
the number is read in the tenant's country, the floor is told ``CallbackRequested``, and the
caller's leg is hung up after the confirmation without the floor seeing an abandon: the
interaction waits at its place, ``callback_waiting``. At its turn the floor reserves an agent and
says ``DialCallback``: we ring the agent's registered phone, as for an offer. Their 200 is
``AgentAnswered``, and only then do we INVITE the number through the tenant's trunk, with its
caller ID, prefix and digest credentials (:mod:`.outbound`'s building blocks). The customer's 200
is ``CallbackResult(answered=True)`` and the floor's ``Bridge`` joins the two RTP sessions; a
refusal, no answer or no trunk is ``CallbackResult(answered=False)``, the agent's leg is hung up
and the interaction ends (``no_answer``, reason ``callback``). An agent who refuses, whose phone
cannot ring, or who hangs up before the customer answers is ``OfferDeclined``; one who lets it
ring past the queue's ring timeout is withdrawn by the floor (``CancelRing``): either way the
callback waits at its place again for the next agent. Once connected, a BYE on either side ends
the other and tells the floor (``CallerHungUp`` for the customer, ``AgentHungUp``), whose
``completed`` ends the record the caller's first call began in the customer file.
"""

import logging
from dataclasses import dataclass
from typing import Protocol

from callfloor.core.acd import AcdError
from callfloor.core.actions import Action, Bridge, CancelRing, DialCallback, Hangup
from callfloor.core.events import (
    AgentAnswered,
    AgentHungUp,
    CallbackRequested,
    CallbackResult,
    CallerHungUp,
    Event,
    OfferDeclined,
)
from callfloor.core.numbers import InvalidNumberError, normalize
from callfloor.core.sip.dialog import DialogError, DialogState, uac_dialog
from callfloor.core.sip.layer import Key
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.offer_answer import accept_answer
from callfloor.core.sip.responses import make_response
from callfloor.core.sip.sdp import SdpError
from callfloor.core.sip.sdp_parser import parse_sdp
from callfloor.server.media.bridge import Bridge as MediaBridge
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession
from callfloor.server.sip.calls import (
    CallControlError,
    FloorLike,
    Leg,
    Signalling,
    agent_invite,
    answer_reinvite,
    cancel_of,
    send_bye,
    spawn,
    target,
)
from callfloor.server.sip.outbound import TrunkAuthError, answer_challenge, trunk_invite, trunk_peer
from callfloor.server.sip.trunks import TrunkConfig

log = logging.getLogger(__name__)
AGENT, CUSTOMER = "agent", "customer"  # the two legs of an attempt


class CallbackFloor(FloorLike, Protocol):
    """A live floor (:class:`callfloor.server.floors.LiveFloor`) and its tenant's country."""

    @property
    def region(self) -> str:
        """Where numbers are read (``FR``)."""


class TrunkSource(Protocol):
    """The tenants' trunks (:class:`callfloor.server.sip.trunks.Trunks`)."""

    def outbound(self, tenant_id: int) -> TrunkConfig | None:
        """The trunk a tenant's calls go out through."""


class CallbackEndpoint(Signalling, Protocol):
    """What callbacks need from the SIP endpoint (it is the implementation)."""

    def floor(self, tenant_id: int) -> CallbackFloor:
        """The tenant's live floor."""

    @property
    def trunks(self) -> TrunkSource:
        """The trunks calls go out through."""


@dataclass
class Attempt:
    """One try at a callback: the reserved agent's leg, then the customer's through the trunk."""

    agent: str
    agent_leg: Leg | None = None  # None while its media opens
    trunk: TrunkConfig | None = None
    customer: Leg | None = None
    authenticated: bool = False  # credentials sent once: another challenge is a refusal
    bridge: MediaBridge | None = None


@dataclass
class Callback:
    """A caller to call back: from their request until the floor ends the interaction."""

    interaction: str
    tenant_id: int
    number: str  # E.164
    attempt: Attempt | None = None


class Callbacks:
    """Every callback of the process, by interaction and by the SIP Call-IDs of its legs."""

    def __init__(self, endpoint: CallbackEndpoint, ports: PortAllocator, media_host: str) -> None:
        self.endpoint = endpoint
        self.ports = ports
        self.media_host = media_host
        self.callbacks: dict[str, Callback] = {}  # by interaction
        self._legs: dict[str, tuple[Callback, Attempt, str]] = {}  # SIP Call-ID -> whose, which leg
        self._cancelled: dict[str, Leg] = {}  # legs we CANCELled, until their final answer

    # -- the request ---------------------------------------------------------------------------

    def request(self, tenant_id: int, interaction: str, number: str) -> str:
        """Tell the floor the waiting ``interaction`` is to be called back at ``number``; its E.164.

        :class:`CallControlError` when the number is none we may call (422) or the floor refuses (409).
        """
        floor = self.endpoint.floor(tenant_id)
        try:
            e164 = normalize(number, floor.region)
        except InvalidNumberError:
            e164 = ""
        if not e164.startswith("+"):  # short numbers (services, extensions) are not called back
            raise CallControlError(
                422, "callback_number", f"Numéro invalide : {number}", f"Not a number to call back: {number}"
            )
        self.callbacks[interaction] = Callback(interaction, tenant_id, e164)
        try:
            floor.apply(CallbackRequested(interaction, e164))
        except AcdError as exc:
            del self.callbacks[interaction]
            raise CallControlError(
                409, "not_waiting", f"Rappel refusé : {exc}", f"Callback refused: {exc}"
            ) from exc
        log.info("callback %s: %s is to be called back", interaction, e164)
        return e164

    # -- what the floor decides ----------------------------------------------------------------

    def execute(self, tenant_id: int, action: Action) -> bool:
        """Carry out one of the floor's actions about a callback; False when it is about none."""
        callback = self.callbacks.get(getattr(action, "interaction", "") or "")
        if callback is None or callback.tenant_id != tenant_id:
            return False
        if isinstance(action, DialCallback):
            attempt = callback.attempt = Attempt(action.agent)
            spawn(self._ring(callback, attempt))
        elif isinstance(action, CancelRing):  # the agent let it ring out: it waits again
            self._give_up(callback)
        elif isinstance(action, Bridge):
            self._bridge(callback)
        elif isinstance(action, Hangup):
            self._end(callback)
        return True

    async def _ring(self, callback: Callback, attempt: Attempt) -> None:
        """Ring the reserved agent's phone; no phone registered is a declined offer."""
        bindings = self.endpoint.bindings(callback.tenant_id, attempt.agent)
        if callback.attempt is not attempt:  # withdrawn before this task ran
            return
        if not bindings:
            self._declined(callback, attempt)
            return
        rtp = await RtpSession.open(self.media_host, self.ports)
        if callback.attempt is not attempt:  # withdrawn while the media opened
            rtp.close()
            return
        binding = bindings[0]
        invite = agent_invite(
            self.endpoint, binding, attempt.agent, rtp, display=callback.number, host=self.media_host
        )
        leg = attempt.agent_leg = Leg(target(binding), rtp, invite=invite, agent=attempt.agent)
        self._legs[invite.call_id] = (callback, attempt, AGENT)
        leg.key = self.endpoint.send_request(invite, leg.peer)

    async def _dial(self, callback: Callback, attempt: Attempt) -> None:
        """The agent is on the line: INVITE the customer through the tenant's trunk."""
        trunk = attempt.trunk = self.endpoint.trunks.outbound(callback.tenant_id)
        if trunk is None:
            log.warning(
                "callback %s: tenant %s has no trunk to call out", callback.interaction, callback.tenant_id
            )
            self._not_reached(callback, attempt)
            return
        rtp = await RtpSession.open(self.media_host, self.ports)
        if callback.attempt is not attempt:  # the agent hung up meanwhile
            rtp.close()
            return
        invite = trunk_invite(self.endpoint, trunk, f"{trunk.prefix}{callback.number}", rtp, self.media_host)
        leg = attempt.customer = Leg(trunk_peer(trunk), rtp, invite=invite)
        self._legs[invite.call_id] = (callback, attempt, CUSTOMER)
        leg.key = self.endpoint.send_request(invite, leg.peer)
        log.info("callback %s: agent %s calls back %s", callback.interaction, attempt.agent, callback.number)

    def _bridge(self, callback: Callback) -> None:
        attempt = callback.attempt
        if attempt is None or attempt.agent_leg is None or attempt.customer is None:
            return
        attempt.bridge = MediaBridge(attempt.agent_leg.rtp, attempt.customer.rtp)
        attempt.bridge.start()

    # -- what the phones and the trunk answer --------------------------------------------------

    def response(self, response: Response) -> bool:
        """A response to one of our INVITEs of a callback; False when it is not ours."""
        if response.cseq().method != "INVITE":
            return False
        if self._answered_too_late(response):
            return True
        found = self._legs.get(response.call_id)
        if found is None:
            return False
        callback, attempt, side = found
        leg = attempt.agent_leg if side == AGENT else attempt.customer
        if leg is None or leg.invite is None or response.status < 200:
            return True
        if response.status >= 300:
            self._refused(callback, attempt, leg, leg.invite, response)
            return True
        self._ack(leg, leg.invite, response)
        if leg.answered:
            return True  # a retransmitted 2xx: ACKed again, nothing else
        leg.answered = True
        try:
            leg.rtp.set_remote(accept_answer(parse_sdp(leg.invite.body), parse_sdp(response.body)))
        except SdpError:
            log.info("callback %s: %s answered with unusable SDP", callback.interaction, side)
        if side == AGENT:
            self._agent_answered(callback, attempt)
        else:
            self._customer_answered(callback, attempt)
        return True

    def timeout(self, key: Key) -> bool:
        """Our INVITE of a callback got no final answer (timer B); False when it is not ours."""
        for callback, attempt, side in list(self._legs.values()):
            leg = attempt.agent_leg if side == AGENT else attempt.customer
            if leg is not None and leg.key == key and not leg.answered:
                self._failed(callback, attempt, leg)
                return True
        for call_id, leg in list(self._cancelled.items()):
            if leg.key == key:  # CANCELled, and no final answer ever came
                del self._cancelled[call_id]
                return True
        return False

    def _ack(self, leg: Leg, invite: Request, response: Response) -> None:
        """ACK a 2xx to ``invite`` (RFC 3261 §13.2.2.4), in the dialog it makes with the leg's peer."""
        leg.dialog = uac_dialog(invite, response)
        self.endpoint.send_direct(leg.dialog.request("ACK", via=self.endpoint.via(leg.peer)), leg.peer)

    def _agent_answered(self, callback: Callback, attempt: Attempt) -> None:
        try:
            self._floor(callback).apply(AgentAnswered(callback.interaction, attempt.agent))
        except AcdError as exc:  # withdrawn as the phone answered
            log.info("callback %s: agent %s answered too late: %s", callback.interaction, attempt.agent, exc)
            self._close(attempt)
            return
        spawn(self._dial(callback, attempt))

    def _customer_answered(self, callback: Callback, attempt: Attempt) -> None:
        """The floor connects them: its ``Bridge`` comes back through :meth:`execute`."""
        log.info("callback %s: %s answered agent %s", callback.interaction, callback.number, attempt.agent)
        self._floor(callback).handle(CallbackResult(callback.interaction, answered=True))

    def _refused(
        self, callback: Callback, attempt: Attempt, leg: Leg, invite: Request, response: Response
    ) -> None:
        """A final refusal: the trunk's first digest challenge is answered, anything else fails the leg."""
        trunk = attempt.trunk
        if leg is attempt.customer and trunk and response.status in (401, 407) and not attempt.authenticated:
            try:
                leg.invite = answer_challenge(self.endpoint, trunk, invite, response)
            except TrunkAuthError as exc:
                log.warning("callback %s: %s", callback.interaction, exc.reason)
            else:
                attempt.authenticated = True
                leg.key = self.endpoint.send_request(leg.invite, leg.peer)
                return
        log.info("callback %s: %s %s from %s", callback.interaction, response.status, response.reason,
                 leg.agent or callback.number)  # fmt: skip
        self._failed(callback, attempt, leg)

    def _failed(self, callback: Callback, attempt: Attempt, leg: Leg) -> None:
        """A leg that will not be answered: the agent's is a declined offer, the customer's the result."""
        self._drop(leg)
        if leg is attempt.agent_leg:
            self._declined(callback, attempt)
        else:
            self._not_reached(callback, attempt)

    def _declined(self, callback: Callback, attempt: Attempt) -> None:
        """The agent did not take it: the callback waits at its place again."""
        callback.attempt = None
        self._close(attempt)
        self._floor(callback).handle(OfferDeclined(callback.interaction, attempt.agent))

    def _not_reached(self, callback: Callback, attempt: Attempt) -> None:
        """The customer did not answer: the agent's leg ends, and so does the interaction."""
        self.callbacks.pop(callback.interaction, None)
        callback.attempt = None
        self._close(attempt)
        self._floor(callback).handle(CallbackResult(callback.interaction, answered=False))

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

    # -- in the dialogs ------------------------------------------------------------------------

    def in_dialog(self, request: Request, key: Key | None) -> bool:
        """ACK, BYE (and the rest) in a callback's legs; False when the request is not ours."""
        found = self._legs.get(request.call_id)
        if found is None:
            return False
        callback, attempt, side = found
        if request.method == "ACK":
            return True
        leg = attempt.agent_leg if side == AGENT else attempt.customer
        if leg is None or leg.dialog is None or key is None:
            return False
        try:
            leg.dialog.check_incoming(request)
        except DialogError as exc:
            self.endpoint.respond(key, make_response(request, exc.status))
            return True
        if request.method == "BYE":
            self.endpoint.respond(key, make_response(request, 200))
            leg.dialog.move(DialogState.TERMINATED)
            self._hung_up(callback, attempt, side)
        elif request.method == "INVITE":  # a refresh, or hold from one side: answered on that leg
            answer_reinvite(self.endpoint, request, key, leg.rtp, self.media_host)
        else:
            self.endpoint.respond(key, make_response(request, 200 if request.method == "INFO" else 501))
        return True

    def _hung_up(self, callback: Callback, attempt: Attempt, side: str) -> None:
        """A BYE: before the customer answered, the agent gave it up; after, the conversation ends."""
        if attempt.customer is None or not attempt.customer.answered:
            self._declined(callback, attempt)
            return
        self._end(callback)
        ended: Event = (
            CallerHungUp(callback.interaction) if side == CUSTOMER else AgentHungUp(callback.interaction)
        )
        self._floor(callback).handle(ended)

    # -- endings -------------------------------------------------------------------------------

    def _give_up(self, callback: Callback) -> None:
        """Stop the attempt under way, if any: the callback stays, for the floor's next turn."""
        attempt, callback.attempt = callback.attempt, None
        if attempt is not None:
            self._close(attempt)

    def _end(self, callback: Callback) -> None:
        """The callback is over: its legs end and it is forgotten."""
        self.callbacks.pop(callback.interaction, None)
        self._give_up(callback)

    def _close(self, attempt: Attempt) -> None:
        """Hang up the attempt's legs (BYE once answered, CANCEL while ringing) and stop its media."""
        if attempt.bridge is not None:
            attempt.bridge.stop()
            attempt.bridge = None
        for leg in (attempt.agent_leg, attempt.customer):
            if leg is not None and leg.invite is not None and leg.invite.call_id in self._legs:
                if leg.answered:
                    send_bye(self.endpoint, leg.dialog, leg.peer)
                else:
                    self.endpoint.send_request(cancel_of(leg.invite), leg.peer)
                    self._cancelled[leg.invite.call_id] = leg  # its 2xx may cross our CANCEL
                self._drop(leg)

    def _drop(self, leg: Leg) -> None:
        """Forget a leg and close its media (nothing is sent)."""
        if leg.invite is not None:
            self._legs.pop(leg.invite.call_id, None)
        leg.rtp.close()

    def _floor(self, callback: Callback) -> CallbackFloor:
        return self.endpoint.floor(callback.tenant_id)
