"""Agents' calls to outside numbers, through their tenant's SIP trunk (callfloor as a B2BUA).

Theory of operation. An agent's phone INVITEs a number that is none of the tenant's (a customer's
mobile, say) with the agent's digest credentials. We do not answer it yet: we INVITE the number
through the tenant's trunk, with our own SDP offer, the trunk's caller ID and dial prefix, and
answer the provider's digest challenge (401/407) with the trunk's credentials, once. The
provider's ringing is relayed to the phone (180); its answer becomes our 200 to the phone, and
the two RTP sessions are bridged. A refusal (486, 404…) or no answer goes back to the phone as
it came; the phone's CANCEL becomes ours; a BYE on either side ends the other.

While on such a call the agent is paused on the floor with the reason ``outbound``, so that no
call is offered to them; afterwards they go back to what they were doing (ready, or their own
pause). A call the floor offered them meanwhile stops them dialing: 486.

Each call is an interaction of the log: ``dialed`` (reason ``outbound``) when it goes out, and
``outbound_ended`` with its outcome and talk time, committed when it ends with the call's record
in the customer file (the number dialed, E.164, without the trunk's prefix). The queues' KPIs do
not count them (they have no queue); campaigns (issue #8) attach outbound calls to a campaign.
"""

import logging
import secrets
import time
import uuid
from collections.abc import Hashable
from dataclasses import dataclass, field

from callfloor.core.acd.model import AgentState
from callfloor.core.config import Channel
from callfloor.core.events import AgentPaused, AgentReady
from callfloor.core.log import InteractionEventType, LogEntry
from callfloor.core.sip.auth import authorization
from callfloor.core.sip.dialog import Dialog, DialogError, DialogState, uac_dialog, uas_dialog
from callfloor.core.sip.digest import DigestParseError
from callfloor.core.sip.layer import Key
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.offer_answer import accept_answer, offer
from callfloor.core.sip.responses import make_response
from callfloor.core.sip.sdp import SdpError
from callfloor.core.sip.sdp_parser import parse_sdp
from callfloor.crm.interactions import InteractionStart
from callfloor.server.media.bridge import Bridge
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession
from callfloor.server.sip.calls import (
    SDP,
    Signalling,
    answer_reinvite,
    answered_media,
    cancel_of,
    new_tag,
    refused_offer,
    send_bye,
    spawn,
)
from callfloor.server.sip.trunks import TrunkConfig

log = logging.getLogger(__name__)
OUTBOUND = "outbound"  # the floor's pause reason for an agent on an outbound call


@dataclass(frozen=True, slots=True)
class Dialing:
    """Who dials what, through which trunk: ``number`` as the trunk takes it (prefix, E.164)."""

    tenant_id: int
    agent: str
    number: str
    trunk: TrunkConfig


# A phone may dial out unless a call of the floor is its agent's (ringing, talking), logged in or not.
# What the phone is told, as the outcome the log keeps (RFC 3261 §21.4, §21.6).
_OUTCOMES = {486: "busy", 600: "busy", 408: "no_answer", 480: "no_answer", 487: "cancelled"}

_MAY_DIAL = frozenset({AgentState.LOGGED_OUT, AgentState.READY, AgentState.PAUSED, AgentState.WRAP_UP})


@dataclass
class OutboundCall:
    """The agent's leg (their INVITE, answered last) and the leg through the trunk."""

    tenant_id: int
    agent: str
    number: str  # as sent to the trunk: prefix and E.164
    trunk: TrunkConfig
    agent_request: Request
    agent_key: Key
    agent_peer: Hashable
    agent_rtp: RtpSession
    agent_answer: bytes  # our SDP answer to the phone's offer, sent with our 200
    trunk_rtp: RtpSession
    trunk_invite: Request
    trunk_key: Key | None = None
    agent_tag: str = field(default_factory=new_tag)
    agent_dialog: Dialog | None = None
    trunk_dialog: Dialog | None = None
    authenticated: bool = False  # credentials sent once: another challenge is a refusal
    over: bool = False
    restore: tuple[AgentState, str | None] | None = None  # the floor state to go back to
    bridge: Bridge | None = None
    answered_at: float | None = None  # when the trunk's 200 came
    interaction: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def answered(self) -> bool:
        """Whether the number answered."""
        return self.answered_at is not None

    @property
    def trunk_peer(self) -> Hashable:
        """Where the trunk's requests go."""
        return trunk_peer(self.trunk)


def trunk_peer(trunk: TrunkConfig) -> Hashable:
    """Where a trunk's requests go."""
    return (trunk.transport, trunk.host, trunk.port)


def trunk_invite(
    endpoint: Signalling, trunk: TrunkConfig, number: str, rtp: RtpSession, host: str
) -> Request:
    """Our INVITE to ``number`` (prefix, E.164) through ``trunk``, offering ``rtp`` on ``host``; not sent."""
    sdp = offer(local_address=host, local_port=rtp.local_port, session_id=int(time.time()), session_version=1)
    shown = trunk.caller_id or trunk.username or "anonymous"
    invite = Request(method="INVITE", uri=f"sip:{number}@{trunk.host}:{trunk.port}", body=sdp.to_bytes())
    headers = invite.headers
    headers.add("Via", endpoint.via(trunk_peer(trunk)))
    headers.add("Max-Forwards", "70")
    headers.add("From", f"<sip:{shown}@{trunk.host}>;tag={new_tag()}")
    headers.add("To", f"<sip:{number}@{trunk.host}>")
    headers.add("Call-ID", f"{secrets.token_hex(10)}@callfloor")
    headers.add("CSeq", "1 INVITE")
    headers.add("Contact", endpoint.contact())
    headers.add("Content-Type", SDP)
    return invite


class TrunkAuthError(Exception):
    """A trunk's digest challenge we cannot answer; ``reason`` goes with the 503 it becomes."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def answer_challenge(
    endpoint: Signalling, trunk: TrunkConfig, previous: Request, challenge: Response
) -> Request:
    """``previous`` again with the trunk's credentials (RFC 3261 §22.2), new CSeq and branch; not sent.

    :class:`TrunkAuthError` when the trunk has no credentials or the challenge cannot be answered.
    """
    header = "WWW-Authenticate" if challenge.status == 401 else "Proxy-Authenticate"
    if trunk.username is None or trunk.password is None:
        raise TrunkAuthError("Service Unavailable: the trunk asks for credentials")
    try:
        value = authorization(
            challenge.headers.values(header), "INVITE", previous.uri, trunk.username, trunk.password,
            cnonce=secrets.token_hex(8),
        )  # fmt: skip
    except DigestParseError:
        raise TrunkAuthError("Service Unavailable: the trunk's challenge cannot be answered") from None
    invite = Request(method="INVITE", uri=previous.uri, body=previous.body)
    for name in ("Max-Forwards", "From", "To", "Call-ID", "Contact", "Content-Type"):
        invite.headers.add(name, previous.headers.get(name) or "")
    invite.headers.add("Via", endpoint.via(trunk_peer(trunk)))
    invite.headers.add("CSeq", f"{previous.cseq().number + 1} INVITE")
    invite.headers.add("Authorization" if challenge.status == 401 else "Proxy-Authorization", value)
    return invite


class OutboundCalls:
    """Every outbound call of the process, by the SIP Call-IDs of its legs."""

    def __init__(self, endpoint: Signalling, ports: PortAllocator, media_host: str) -> None:
        self.endpoint = endpoint
        self.ports = ports
        self.media_host = media_host
        self._by_call_id: dict[str, tuple[OutboundCall, str]] = {}  # -> call, "agent" or "trunk"
        self._by_agent_key: dict[Key, OutboundCall] = {}
        self._opening: dict[Key, Request] = {}  # agents' INVITEs whose media is being opened

    @property
    def calls(self) -> list[OutboundCall]:
        """The calls in progress."""
        return list({id(c): c for c, _ in self._by_call_id.values()}.values())

    # -- the agent's INVITE --------------------------------------------------------------------

    def dial(self, request: Request, key: Key, peer: Hashable, dialing: Dialing) -> None:
        """An authenticated agent dials a number: INVITE it through the tenant's trunk."""
        record = self.endpoint.floor(dialing.tenant_id).floor.acd.agents.get(dialing.agent)
        if record is not None and (record.state not in _MAY_DIAL or record.pending_offer is not None):
            self.endpoint.respond(key, make_response(request, 486, "Busy Here: a call is offered to you"))
            return
        self.endpoint.respond(key, make_response(request, 100))
        self._opening[key] = request
        spawn(self._dial(request, key, peer, dialing))

    async def _dial(self, request: Request, key: Key, peer: Hashable, dialing: Dialing) -> None:
        tenant_id, agent, number, trunk = dialing.tenant_id, dialing.agent, dialing.number, dialing.trunk
        try:
            agent_rtp, ours = await answered_media(request, self.media_host, self.ports)
        except SdpError as exc:
            self._opening.pop(key, None)
            self.endpoint.respond(key, refused_offer(request, exc))
            return
        trunk_rtp = await RtpSession.open(self.media_host, self.ports)
        if self._opening.pop(key, None) is None:  # the agent hung up while we opened the media
            agent_rtp.close()
            trunk_rtp.close()
            return
        call = OutboundCall(
            tenant_id, agent, number, trunk, request, key, peer, agent_rtp, ours.to_bytes(), trunk_rtp,
            trunk_invite(self.endpoint, trunk, number, trunk_rtp, self.media_host),
        )  # fmt: skip
        dialed = number.removeprefix(trunk.prefix)  # E.164, as the endpoint normalised it
        start = InteractionStart(call.interaction, time.time(), direction="outbound", number=dialed)
        self.endpoint.floor(tenant_id).started(start)
        self._pause(call)
        self._log(call, InteractionEventType.DIALED, reason="outbound")
        self._by_call_id[request.call_id] = (call, "agent")
        self._by_call_id[call.trunk_invite.call_id] = (call, "trunk")
        self._by_agent_key[key] = call
        call.trunk_key = self.endpoint.send_request(call.trunk_invite, call.trunk_peer)
        log.info("outbound call: agent %s dials %s through trunk %s", agent, number, trunk.name)

    def cancel(self, key: Key) -> bool:
        """The agent CANCELled their INVITE (RFC 3261 §9.2): 487 to them, CANCEL to the trunk."""
        opening = self._opening.pop(key, None)
        if opening is not None:  # before our INVITE went out: nothing to cancel but the media
            self.endpoint.respond(key, make_response(opening, 487, to_tag=new_tag()))
            return True
        call = self._by_agent_key.get(key)
        if call is None:
            return False
        if call.answered or call.over:
            return True  # crossed our 200: the BYE that follows ends the call
        self.endpoint.respond(key, make_response(call.agent_request, 487, to_tag=call.agent_tag))
        self._cancel_trunk(call)
        self._end(call, "cancelled")
        return True

    # -- what the trunk answers ----------------------------------------------------------------

    def response(self, response: Response, key: Key | None) -> bool:
        """A response to our INVITE through the trunk; False when it is not ours."""
        found = self._by_call_id.get(response.call_id)
        if found is None or found[1] != "trunk" or response.cseq().method != "INVITE":
            return False
        call = found[0]
        if call.over:
            if 200 <= response.status < 300:  # answered as we gave up: ACK, then BYE (§15)
                dialog = uac_dialog(call.trunk_invite, response)
                self.endpoint.send_direct(
                    dialog.request("ACK", via=self.endpoint.via(call.trunk_peer)), call.trunk_peer
                )
                send_bye(self.endpoint, dialog, call.trunk_peer)
            return True
        if response.status < 200:
            if response.status in (180, 183):
                self._ringing(call)
        elif response.status < 300:
            self._trunk_answered(call, response)
        elif response.status in (401, 407) and not call.authenticated:
            self._authenticate(call, response)
        else:
            self._refused(call, response.status, response.reason)
        return True

    def timeout(self, key: Key) -> bool:
        """Our INVITE through the trunk got no final answer (timer B); False when not ours."""
        for call in self.calls:
            if call.trunk_key == key and not call.answered:
                self._refused(call, 408, "Request Timeout")
                return True
        return False

    def _ringing(self, call: OutboundCall) -> None:
        ringing = make_response(call.agent_request, 180, to_tag=call.agent_tag)
        ringing.headers.add("Contact", self.endpoint.contact())
        self.endpoint.respond(call.agent_key, ringing)

    def _authenticate(self, call: OutboundCall, challenge: Response) -> None:
        """Send the INVITE again with the trunk's credentials, once."""
        try:
            invite = answer_challenge(self.endpoint, call.trunk, call.trunk_invite, challenge)
        except TrunkAuthError as exc:
            self._refused(call, 503, exc.reason)
            return
        call.trunk_invite, call.authenticated = invite, True
        call.trunk_key = self.endpoint.send_request(invite, call.trunk_peer)

    def _trunk_answered(self, call: OutboundCall, response: Response) -> None:
        dialog = call.trunk_dialog = uac_dialog(call.trunk_invite, response)
        self.endpoint.send_direct(
            dialog.request("ACK", via=self.endpoint.via(call.trunk_peer)), call.trunk_peer
        )
        if call.answered:
            return  # a retransmitted 2xx: ACKed again
        call.answered_at = time.time()
        try:
            call.trunk_rtp.set_remote(
                accept_answer(parse_sdp(call.trunk_invite.body), parse_sdp(response.body))
            )
        except SdpError:
            log.info("outbound call to %s: the trunk answered with unusable SDP", call.number)
        ok = make_response(call.agent_request, 200, to_tag=call.agent_tag)
        ok.headers.add("Contact", self.endpoint.contact())
        ok.headers.add("Content-Type", SDP)
        ok.body = call.agent_answer
        call.agent_dialog = uas_dialog(call.agent_request, call.agent_tag)
        self.endpoint.respond(call.agent_key, ok)
        self._by_agent_key.pop(call.agent_key, None)
        call.bridge = Bridge(call.agent_rtp, call.trunk_rtp)
        call.bridge.start()
        log.info("outbound call: %s answered agent %s", call.number, call.agent)

    def _refused(self, call: OutboundCall, status: int, reason: str) -> None:
        """The number did not take the call: the phone hears why (486 busy, 404, 480…)."""
        relayed = status if 400 <= status < 700 and status not in (401, 407) else 480
        self.endpoint.respond(
            call.agent_key, make_response(call.agent_request, relayed, reason, to_tag=call.agent_tag)
        )
        log.info("outbound call: %s refused (%s %s) for agent %s", call.number, status, reason, call.agent)
        self._end(call, _OUTCOMES.get(status, "failed"))

    # -- in the dialogs ------------------------------------------------------------------------

    def in_dialog(self, request: Request, key: Key | None) -> bool:
        """ACK and BYE (and the rest) in one of our outbound calls; False when the request is not ours."""
        found = self._by_call_id.get(request.call_id)
        if found is None:
            return False
        call, side = found
        if request.method == "ACK":
            return True
        dialog = call.agent_dialog if side == "agent" else call.trunk_dialog
        if dialog is None or key is None:
            return False
        try:
            dialog.check_incoming(request)
        except DialogError as exc:
            self.endpoint.respond(key, make_response(request, exc.status))
            return True
        if request.method == "BYE":
            self.endpoint.respond(key, make_response(request, 200))
            dialog.move(DialogState.TERMINATED)
            other = call.trunk_dialog if side == "agent" else call.agent_dialog
            peer = call.trunk_peer if side == "agent" else call.agent_peer
            send_bye(self.endpoint, other, peer)
            self._end(call, "answered")
        elif request.method == "INVITE":  # a refresh, or hold from one side: answered on that leg
            rtp = call.agent_rtp if side == "agent" else call.trunk_rtp
            answer_reinvite(self.endpoint, request, key, rtp, self.media_host)
        else:  # INFO is taken; the rest (REFER…) is not done on outbound calls yet
            self.endpoint.respond(key, make_response(request, 200 if request.method == "INFO" else 501))
        return True

    def _cancel_trunk(self, call: OutboundCall) -> None:
        self.endpoint.send_request(cancel_of(call.trunk_invite), call.trunk_peer)

    # -- the floor -----------------------------------------------------------------------------

    def _pause(self, call: OutboundCall) -> None:
        """No call is offered to an agent on the phone: paused ``outbound`` until the call ends."""
        floor = self.endpoint.floor(call.tenant_id)
        record = floor.floor.acd.agents.get(call.agent)
        if record is None or record.state is AgentState.LOGGED_OUT:
            return
        call.restore = (record.state, record.reason)
        floor.handle(AgentPaused(call.agent, OUTBOUND))

    def _resume(self, call: OutboundCall) -> None:
        if call.restore is None:
            return
        state, reason = call.restore
        floor = self.endpoint.floor(call.tenant_id)
        record = floor.floor.acd.agents.get(call.agent)
        if record is None or OUTBOUND not in (record.reason, record.pending_pause):
            return  # the agent (or a supervisor) changed their state meanwhile: theirs stands
        if state is AgentState.PAUSED and reason is not None:
            floor.handle(AgentPaused(call.agent, reason))
        else:
            floor.handle(AgentReady(call.agent))

    def _log(
        self, call: OutboundCall, type_: InteractionEventType, reason: str, talk_s: float | None = None
    ) -> None:
        entry = LogEntry(
            time.time(), type_, call.interaction, agent=call.agent, channel=Channel.CALL, talk_s=talk_s,
            reason=reason,
        )  # fmt: skip
        self.endpoint.floor(call.tenant_id).record(entry)

    def _end(self, call: OutboundCall, outcome: str) -> None:
        if call.over:
            return
        call.over = True
        talk_s = time.time() - call.answered_at if call.answered_at is not None else 0.0
        self._log(call, InteractionEventType.OUTBOUND_ENDED, reason=outcome, talk_s=talk_s)
        if call.bridge is not None:
            call.bridge.stop()
        call.agent_rtp.close()
        call.trunk_rtp.close()
        self._by_agent_key.pop(call.agent_key, None)
        for call_id in (call.agent_request.call_id, call.trunk_invite.call_id):
            self._by_call_id.pop(call_id, None)
        self._resume(call)
