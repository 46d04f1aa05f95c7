"""Calls through callfloor as a B2BUA: the caller's leg answered by us, the agent's leg placed by us.

Theory of operation. An INVITE to one of a tenant's numbers is answered at once (100 Trying,
then 200 OK with our SDP): the caller walks the number's IVR flow (a number that leads to a
queue has the welcome, then the queue), driven by the core's
:class:`~callfloor.core.ivr.session.IvrSession` on the log's clock; at the flow's queue node
the caller hears music on hold while the tenant's floor
(:class:`callfloor.server.floors.LiveFloor`) queues the call. When the floor rings
an agent, we INVITE the agent's registered phone with an SDP offer of our own; the agent's 200
becomes ``AgentAnswered`` and the floor's ``Bridge`` joins both RTP sessions. A BYE on either
side ends the other and tells the floor (``CallerHungUp`` / ``AgentHungUp``). A failed or
refused offer (486, 480, a timeout) is an ``OfferDeclined``: the floor picks the next agent.
Signalling state lives in the core's dialogs and transactions; this module only wires them to
media and to the floor.

Agents' commands (from the API, or a REFER from their phone) act on a connected call: hold
(the caller hears music, the agent silence), blind transfer to a queue or an agent (we hang up
the agent's phone and the floor routes the caller again), and the attended transfer: the
caller is held while we call the consulted agent and bridge the two agents; then the transfer
completes (the first agent leaves, the caller is bridged to the second), or is cancelled, or
becomes a three-way conference. The consulted agent is paused on the floor (reason
``consult``) while they are on that consultation, so that no call is offered to them; an
attended transfer to a queue consults the agent the floor would give that queue's next call. An
outside number may be consulted the same way (:mod:`.number_transfers`, through the trunk).
A supervisor may listen to a connected call, whisper to its agent or barge in
(:mod:`.monitoring`); that ends with the conversation (hold, consultation, transfer, hang-up).
The desk drives the phone: its "answer" has the ringing phone pick up (:mod:`.remote_answer`,
which also asks the phones of agents set so to answer at once), its "hang up" ends the call as
the agent's BYE would, and a transfer, blind or attended, may go to an outside number
(:mod:`.number_transfers`).

Recording. When the number's queue records its calls, the caller hears the recording notice
after the welcome and may object by pressing 9 (RGPD art. 21, as the CNIL asks): then nothing
is recorded. Otherwise each agent's part of the call (from the bridge to the hang-up or the
transfer) is one WAV file and one row, saved as soon as that part ends; an agent pauses and
resumes it while a card number is read out.

The customer file. When a call is answered, the floor is told its caller's number (the network's
asserted identity, else From), so that the entry ending the call comes with its interaction
record (:mod:`callfloor.crm.interactions`). When the floor first rings an agent for it, its
screen pop (:mod:`callfloor.crm.screen_pop`) is built off the loop and kept with the call for the
agent desktop.
"""

import asyncio
import contextlib
import logging
import secrets
import time
import uuid
from collections.abc import Callable, Coroutine, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from callfloor.core.acd import AcdError
from callfloor.core.acd.model import AgentState
from callfloor.core.actions import Action, Bridge, CancelRing, Hangup, Notify, Ring
from callfloor.core.config import Channel
from callfloor.core.events import (
    AgentAnswered,
    AgentHungUp,
    AgentPaused,
    AgentReady,
    CallerHungUp,
    CallHeld,
    CallResumed,
    Event,
    InteractionArrived,
    OfferDeclined,
    TransferredToAgent,
    TransferredToQueue,
)
from callfloor.core.floor import Floor
from callfloor.core.ivr.flow import Flow
from callfloor.core.ivr.nodes import TransferKind
from callfloor.core.ivr.session import IvrSession
from callfloor.core.log import InteractionEventType, LogEntry
from callfloor.core.schedule.calendar import Schedule
from callfloor.core.sip import ParseError
from callfloor.core.sip.dialog import Dialog, DialogError, DialogState, uac_dialog, uas_dialog
from callfloor.core.sip.grammar import split_outside
from callfloor.core.sip.layer import Key
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.offer_answer import accept_answer, answer, offer
from callfloor.core.sip.responses import make_response
from callfloor.core.sip.sdp import SdpError, SessionDescription
from callfloor.core.sip.sdp_parser import parse_sdp
from callfloor.core.sip.uri import parse_name_addr, parse_uri
from callfloor.crm.interactions import InteractionStart
from callfloor.crm.screen_pop import ScreenPop
from callfloor.prompts import prompt_path
from callfloor.prompts.tenants import TenantPrompts
from callfloor.server.media.bridge import Bridge as MediaBridge
from callfloor.server.media.conference import Conference
from callfloor.server.media.player import Player, PromptPlayer
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.recorder import Recorder
from callfloor.server.media.session import RtpSession
from callfloor.server.recordings import RecordingPolicy, RecordingStore
from callfloor.server.sip.directory import QueueExtras, Route
from callfloor.server.sip.journey import Journeys
from callfloor.server.sip.remote_answer import RemoteAnswers, after_early, auto_answer, early_dialog

if TYPE_CHECKING:
    from callfloor.server.sip.callbacks import Callbacks
    from callfloor.server.sip.ivr_transfers import IvrTransfers
    from callfloor.server.sip.journey import Journey
    from callfloor.server.sip.number_transfers import NumberTransfers

log = logging.getLogger(__name__)
SDP = "application/sdp"
CONSULT = "consult"  # the floor's pause reason for a consulted agent
OBJECT_KEY = "9"  # the key the recording notice tells callers to press to object
CONFIRMATION_MAX_S = 20.0  # a caller to be called back is hung up by then, should the prompt be cut


class CallControlError(Exception):
    """An agent's command that cannot be carried out now; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, error_id: str, fr: str, en: str) -> None:
        super().__init__(en)
        self.status, self.error_id, self.fr, self.en = status, error_id, fr, en


@dataclass
class Leg:
    """One side of a call: its dialog, its peer, its RTP."""

    peer: Hashable
    rtp: RtpSession
    dialog: Dialog | None = None
    invite: Request | None = None
    key: Key | None = None  # our INVITE's client transaction (agent legs)
    answered: bool = False
    acked: bool = False
    agent: str | None = None  # whose phone it is (agent legs)
    early: Dialog | None = None  # the early dialog of the phone's 180, while it rings (remote answer)


@dataclass
class Call:
    """A caller, the agent leg being rung or talking, the media between them."""

    id: str
    tenant_id: int
    queue: str
    caller: Leg
    player: Player
    agent: str | None = None
    agent_leg: Leg | None = None
    bridge: MediaBridge | None = None
    over: bool = False
    enqueued: bool = False  # the floor knows it (after the welcome prompt)
    language: str = "fr"
    digits: list[str] = field(default_factory=list)
    call_ids: list[str] = field(default_factory=list)  # the SIP Call-IDs of its legs
    held: bool = False
    consult: Leg | None = None  # the consulted agent's (or number's, once it answered) leg
    consult_number: str | None = None  # the outside number consulted (E.164), during the consultation
    consult_failure: str | None = None  # why the last consultation ended by itself (see LiveCall)
    consult_bridge: MediaBridge | None = None  # the two agents, the caller held
    conference: Conference | None = None  # caller and both agents
    started: float = field(default_factory=time.time)
    recording: RecordingPolicy | None = None  # how this call is recorded, unless the caller objects
    consent: str | None = None  # "informed" once the notice played, "objected" after a 9
    recorder: Recorder | None = None  # the current agent's part, while it is recorded
    recorder_started: datetime | None = None
    recorder_agent: str | None = None
    caller_holding: bool = False  # the caller's phone put us on hold: no RTP expected
    journey: "Journey | None" = None  # the IVR flow, the wait, a message, a survey (server.sip.journey)
    priority: int = 0  # in the queue it enters (the flow's set or lookup nodes)
    logged: bool = False  # the floor or the IVR logged something of it: its record will be written
    number: str | None = None  # the caller's, as the network gave it (caller_number)
    screen_pop: ScreenPop | None = None  # for the agent desktop, once built (at the first ring)
    popping: bool = False  # the screen pop is being built
    callback: str | None = None  # the number to call back (E.164): the leg's end is no abandon
    transferred_to: str | None = None  # the outside number its agent transferred it to (E.164)

    @property
    def ivr(self) -> IvrSession | None:
        """The caller's walk through the number's flow (or the queue's survey), if it has one."""
        return self.journey.ivr if self.journey is not None else None

    @property
    def state(self) -> str:
        """What the call is doing, as the API shows it."""
        if self.over:
            return "ended"
        if self.transferred_to is not None:
            return "transferred"
        if self.conference is not None:
            return "conference"
        if self.consult is not None:
            return "consulting"
        if self.held:
            return "held"
        if self.agent_leg is not None and self.agent_leg.answered:
            return "talking"
        if self.agent_leg is not None:
            return "ringing"
        if self.ivr is not None and not self.ivr.done:
            return "ivr"
        if self.callback is not None:
            return "callback"
        return "queued" if self.enqueued else "prompt"

    @property
    def consulted(self) -> str | None:
        """The agent consulted for an attended transfer."""
        return self.consult.agent if self.consult is not None else None


class Signalling(Protocol):
    """What calls need from the SIP endpoint (it is the implementation)."""

    def respond(self, key: Key, response: Response) -> None:
        """Answer through server transaction ``key``."""

    def send_request(self, request: Request, peer: Hashable) -> Key:
        """Send a request through a new client transaction."""

    def send_direct(self, message: Request | Response, peer: Hashable) -> None:
        """Send without a transaction (the ACK of a 2xx, RFC 3261 §13.2.2.4; a 2xx again, §13.3.1.4)."""

    def via(self, peer: Hashable = None) -> str:
        """A Via value with a fresh branch, for the transport that reaches ``peer``."""

    def contact(self) -> str:
        """Our Contact value."""

    def host(self) -> str:
        """Our host, for URIs we make up."""

    def floor(self, tenant_id: int) -> "FloorLike":
        """The tenant's live floor."""

    def bindings(self, tenant_id: int, extension: str) -> Sequence["BindingLike"]:
        """Where an agent's phones are registered."""

    def queue_for(self, tenant_id: int, dialed: str) -> str | None:
        """The tenant's queue a number dialed by an agent's phone reaches (a REFER's target)."""

    def schedule(self, tenant_id: int) -> Schedule:
        """The tenant's business hours (the flows' ``hours`` nodes)."""

    def queue_extras(self, tenant_id: int, queue: str) -> QueueExtras:
        """A queue's post-call survey flow and team e-mail."""

    def survey(self, tenant_id: int, flow: str) -> Flow | None:
        """The tenant's flow ``flow`` (a queue's post-call survey), or None."""


class FloorLike(Protocol):
    """A live floor (:class:`callfloor.server.floors.LiveFloor`)."""

    floor: Floor

    @property
    def region(self) -> str:
        """The tenant's country, where the numbers its agents type are read (``FR``)."""

    def handle(self, event: Event) -> list[Action]:
        """Apply an event now; an illegal one is ignored."""

    def apply(self, event: Event) -> list[Action]:
        """Apply an event now; an illegal one raises :class:`AcdError`."""

    def record(self, entry: LogEntry) -> None:
        """Commit a log entry from outside the floor (the IVR's)."""

    def started(self, start: InteractionStart) -> None:
        """An interaction begins, with its remote number."""

    def discard(self, interaction: str) -> None:
        """An interaction that ended with nothing logged about it."""

    def recording_consent(self, interaction: str, consent: str) -> None:
        """The caller's answer to the recording notice, for the interaction's record."""

    def estimated_wait(self, interaction: str) -> float | None:
        """Seconds until an agent should take the waiting interaction (None: unknown)."""

    def screen_pop(self, number: str | None, interaction: str) -> ScreenPop:
        """The screen pop of an interaction (reads the database: called off the loop)."""


class BindingLike(Protocol):
    """A registration (:class:`callfloor.core.sip.registrar.Binding`)."""

    @property
    def contact(self) -> str:
        """The registered contact URI."""

    @property
    def peer(self) -> Hashable:
        """Where the registration came from."""


_TASKS: set["asyncio.Task[None]"] = set()


def spawn(work: Coroutine[object, object, None]) -> None:
    """Run ``work`` on the loop, keeping a reference and logging what it raises."""
    task = asyncio.get_running_loop().create_task(work)
    _TASKS.add(task)
    task.add_done_callback(_finished)


def _finished(task: "asyncio.Task[None]") -> None:
    _TASKS.discard(task)
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("call handling failed", exc_info=exc)


def target(binding: BindingLike) -> Hashable:
    """Where to send requests for a registration.

    Over UDP, a Contact on the address the REGISTER came from is trusted for its port (a phone
    may register from one port and listen on another); any other address means the phone is
    behind NAT and only the flow it registered from reaches it. Over TCP, its connection.
    """
    peer = binding.peer
    if not (isinstance(peer, tuple) and len(peer) == 3 and peer[0] == "udp"):
        return peer
    try:
        contact = parse_uri(binding.contact)
    except ParseError:
        return peer
    if contact.is_sip and contact.host == peer[1]:
        return ("udp", contact.host, contact.port or 5060)
    return peer


def _no_answered_consult(call: Call) -> CallControlError:
    """409 ``not_consulting``: no consulted agent (or number) has answered."""
    if call.consult_number is not None:
        fr, en = "Le numéro consulté n'a pas répondu.", "The number consulted has not answered."
    else:
        fr, en = "Aucun agent consulté n'a répondu.", "No consulted agent has answered."
    return CallControlError(409, "not_consulting", fr, en)


def dialed_number(request: Request) -> str:
    """The number the caller dialed: the Request-URI's user part."""
    with contextlib.suppress(ParseError):
        return parse_uri(request.uri).user or ""
    return ""


def caller_number(request: Request) -> str | None:
    """The caller's number: the network's asserted identity (RFC 3325 §9.1), else From's user part.

    Only trusted peers (trunks) and authenticated phones reach a call, so the header is not a
    stranger's claim. A ``tel:`` identity gives its number, parameters dropped.
    """
    for value in request.headers.get_all("P-Asserted-Identity"):
        for part in split_outside(value, ","):
            with contextlib.suppress(ParseError):
                uri = parse_name_addr(part.strip()).uri
                number = uri.user if uri.is_sip else (uri.opaque or "").split(";")[0]
                if number:
                    return number
    with contextlib.suppress(ParseError):
        return request.from_().uri.user
    return None


def reliable(peer: Hashable) -> bool:
    """Whether ``peer`` is reached over a reliable transport (TCP), where nothing is retransmitted."""
    return isinstance(peer, tuple) and len(peer) > 0 and peer[0] == "tcp"


def dtmf_relay(request: Request) -> str | None:
    """The key of a SIP INFO ``application/dtmf-relay`` body (``Signal=5``), the way phones send it."""
    if (request.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/dtmf-relay":
        return None
    for line in request.body.decode("ascii", "replace").splitlines():
        name, _, value = line.partition("=")
        if name.strip().lower() == "signal" and (key := value.strip().upper()) in DTMF_KEYS:
            return key
    return None


DTMF_KEYS = frozenset("0123456789*#ABCD")


async def answered_media(
    request: Request, host: str, ports: PortAllocator
) -> tuple[RtpSession, SessionDescription]:
    """An RTP session for the peer's SDP offer, set to what we answer (RFC 3264 §6), and our answer.

    :class:`SdpError` when the offer is malformed or shares no codec with us; nothing is left open.
    """
    remote = parse_sdp(request.body)
    rtp = await RtpSession.open(host, ports)
    try:
        ours, negotiated = answer(
            remote,
            local_address=host,
            local_port=rtp.local_port,
            session_id=int(time.time()),
            session_version=1,
        )
    except SdpError:
        rtp.close()
        raise
    rtp.set_remote(negotiated)
    return rtp, ours


def answer_reinvite(endpoint: "Signalling", request: Request, key: Key, rtp: RtpSession, host: str) -> None:
    """Answer a re-INVITE (a refresh, or hold from the phone: RFC 3264 §8.4) on the leg's RTP session."""
    try:
        ours, negotiated = answer(
            parse_sdp(request.body), local_address=host, local_port=rtp.local_port,
            session_id=int(time.time()), session_version=2,
        )  # fmt: skip
    except SdpError as exc:
        endpoint.respond(key, make_response(request, exc.status))
        return
    rtp.set_remote(negotiated)
    ok = make_response(request, 200)
    ok.headers.add("Contact", endpoint.contact())
    ok.headers.add("Content-Type", SDP)
    ok.body = ours.to_bytes()
    endpoint.respond(key, ok)


def refused_offer(request: Request, exc: SdpError) -> Response:
    """The answer to an INVITE whose offer we cannot take: 400 or 488, with the reason."""
    return make_response(request, exc.status, f"Not Acceptable: {exc.reason}"[:80])


def cancel_of(invite: Request) -> Request:
    """The CANCEL of one of our INVITEs (RFC 3261 §9.1): its Via, From, To, Call-ID and CSeq number."""
    cancel = Request(method="CANCEL", uri=invite.uri)
    for name in ("Via", "From", "To", "Call-ID", "Max-Forwards"):
        cancel.headers.add(name, invite.headers.get(name) or "")
    cancel.headers.add("CSeq", f"{invite.cseq().number} CANCEL")
    return cancel


def send_bye(endpoint: "Signalling", dialog: Dialog | None, peer: Hashable) -> None:
    """End ``dialog`` with a BYE to ``peer``, unless it has no dialog or is over already."""
    if dialog is None or dialog.state is DialogState.TERMINATED:
        return
    bye = dialog.request("BYE", via=endpoint.via(peer))
    dialog.move(DialogState.TERMINATED)
    endpoint.send_request(bye, peer)


def new_tag() -> str:
    """A dialog tag (RFC 3261 §19.3: at least 32 bits of randomness)."""
    return secrets.token_hex(6)


def agent_invite(
    endpoint: Signalling, binding: BindingLike, agent: str, rtp: RtpSession, *, display: str, host: str
) -> Request:
    """Our INVITE to an agent's registered phone, offering ``rtp`` on ``host``, ``display`` shown as
    the caller; not sent yet (it goes to ``target(binding)``)."""
    sdp = offer(local_address=host, local_port=rtp.local_port, session_id=int(time.time()), session_version=1)
    invite = Request(method="INVITE", uri=binding.contact, body=sdp.to_bytes())
    invite.headers.add("Via", endpoint.via(target(binding)))
    invite.headers.add("Max-Forwards", "70")
    invite.headers.add("From", f'"{display}" <sip:{display}@{endpoint.host()}>;tag={new_tag()}')
    invite.headers.add("To", f"<sip:{agent}@{endpoint.host()}>")
    invite.headers.add("Call-ID", f"{secrets.token_hex(10)}@callfloor")
    invite.headers.add("CSeq", "1 INVITE")
    invite.headers.add("Contact", endpoint.contact())
    invite.headers.add("Content-Type", SDP)
    return invite


class CallManager:
    """Every call of the process."""

    def __init__(self, endpoint: Signalling, ports: PortAllocator, media_host: str) -> None:
        self.endpoint = endpoint
        self.ports = ports
        self.media_host = media_host
        self.calls: dict[str, Call] = {}
        self.t1_s = 0.5  # RFC 3261 T1, the first interval of our 2xx retransmissions
        self.t2_s = 4.0  # RFC 3261 T2, their cap
        self.ack_timeout_s = 64 * 0.5  # 64 × T1
        self._pending: dict[Key, Request] = {}  # INVITEs being answered, by server transaction
        self._by_call_id: dict[str, tuple[Call, str]] = {}  # SIP Call-ID -> call, "caller"/"agent"
        self._cancelled: dict[str, Leg] = {}  # agent legs we CANCELled, until their final answer
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop the calls live on, once serving
        self.recordings: RecordingStore | None = None  # where recordings go (None: nothing recorded)
        # Where prompts play: here, or in the media process (runner.serve, server.media.offload).
        self.players: Callable[[RtpSession], Player] = PromptPlayer
        self.prompts: TenantPrompts | None = None  # tenants' own prompts (None: the defaults only)
        # A caller whose RTP stops for this long is gone (a BYE lost, a trunk that forgot the
        # call): hung up, so that no call streams music to nobody for ever. 0: never.
        self.rtp_timeout_s = 60.0
        self._sweep: asyncio.TimerHandle | None = None
        self._heard: dict[str, tuple[int, int, float]] = {}  # call -> (stats id, packets, since)
        self.callbacks: Callbacks | None = None  # who calls back callers who asked (set by the endpoint)
        self.transfers: IvrTransfers | None = None  # the flows' transfers to agents, numbers (idem)
        self.journeys = Journeys(self)  # the IVR, the wait, messages and surveys of every call
        self.remote_answers = RemoteAnswers(endpoint)  # the desk's "answer": NOTIFY talk to the phone
        # Whether an agent's phone is asked to answer our INVITEs at once (tenant, extension).
        self.auto_answer: Callable[[int, str], bool] = lambda _tenant, _agent: False
        self._number_transfers: NumberTransfers | None = None  # agents' transfers to numbers, once made
        from callfloor.server.sip.monitoring import Monitors  # it builds on this module's legs

        self.monitors = Monitors(self)  # supervisors listening, whispering, barging in

    # -- the caller's leg ----------------------------------------------------------------------

    def incoming_invite(self, request: Request, key: Key, peer: Hashable, route: Route) -> None:
        """A new call to one of the tenant's numbers: answer it, then its IVR flow or its queue."""
        self.endpoint.respond(key, make_response(request, 100))
        self._pending[key] = request
        spawn(self._answer(request, key, peer, route))

    def cancel_invite(self, key: Key) -> None:
        """A CANCEL for an INVITE of ours not answered yet: 487 (RFC 3261 §9.2); later ones change nothing."""
        request = self._pending.pop(key, None)
        if request is not None:
            self.endpoint.respond(key, make_response(request, 487, to_tag=new_tag()))

    async def _answer(self, request: Request, key: Key, peer: Hashable, route: Route) -> None:
        try:
            rtp, ours = await answered_media(request, self.media_host, self.ports)
        except SdpError as exc:
            self._pending.pop(key, None)
            self.endpoint.respond(key, refused_offer(request, exc))
            return
        if self._pending.pop(key, None) is None:  # CANCELled while we opened the media
            rtp.close()
            return
        tag = new_tag()
        ok = make_response(request, 200, to_tag=tag)
        ok.headers.add("Contact", self.endpoint.contact())
        ok.headers.add("Content-Type", SDP)
        ok.body = ours.to_bytes()
        call = Call(
            uuid.uuid4().hex,  # the interaction's id: a SIP Call-ID may be long, and is the caller's
            route.tenant_id,
            route.queue or "",  # a flow's call learns its queue at the flow's queue node
            Leg(peer, rtp, uas_dialog(request, tag), request),
            self.players(rtp),
        )
        self.calls[call.id] = call
        self._by_call_id[request.call_id] = (call, "caller")
        call.call_ids.append(request.call_id)
        call.number = caller_number(request)
        self.endpoint.floor(call.tenant_id).started(
            InteractionStart(call.id, call.started, number=call.number)
        )
        self.endpoint.respond(key, ok)
        call.caller.answered = True
        loop = asyncio.get_running_loop()
        loop.call_later(self.ack_timeout_s, self._check_acked, call)
        if not reliable(peer):
            loop.call_later(self.t1_s, self._retransmit_ok, call, ok, self.t1_s)
        self._heard[call.id] = (id(rtp.stats), rtp.stats.received, loop.time())
        if self._sweep is None and self.rtp_timeout_s > 0:
            self._sweep = loop.call_later(min(5.0, self.rtp_timeout_s / 4), self._check_media)
        rtp.on_digit = lambda digit: self._digit(call, digit)
        self.journeys.start(call, route, dialed_number(request))

    # -- out of the IVR ---------------------------------------------------------------------------

    def hang_up_caller(self, call: Call) -> None:
        """The flow ends the call (its goodbye said), or cannot go on."""
        self._hung_up(call, "caller", bye=True)

    def prompt(self, call: Call, prompt_id: str) -> Path:
        """The tenant's own recording of a prompt, else the default, in the caller's language."""
        return self._prompt(call, prompt_id)

    def transfer_out(self, call: Call, kind: str, target: str) -> None:
        """The flow sends the call to an agent's extension or an outside number (:mod:`.ivr_transfers`)."""
        if self.transfers is None:  # not served by an endpoint: the flow's fallback, or goodbye
            log.warning("call %s: no transfers here; the transfer to %s %s fails", call.id, kind, target)
            self.journeys.transferred(call, lambda ivr, now: ivr.transfer_failed(now))
            return
        self.transfers.start(call, TransferKind(kind), target)

    def entering_queue(self, call: Call) -> None:
        """The flow's queue node: the recording notice when the queue records, then the queue."""
        self._entering_queue(call)

    def _entering_queue(self, call: Call) -> None:
        """Out of the IVR: the recording notice when the queue records, then the queue."""
        if call.over:
            return
        if call.queue not in self.endpoint.floor(call.tenant_id).floor.acd.queues:
            self._no_such_queue(call)
            return
        call.recording = self.recordings.policy(call.tenant_id, call.queue) if self.recordings else None
        if call.recording is None or call.consent == "objected":
            self._enqueue(call)
            return
        call.player.play([self._prompt(call, "recording_notice")], on_done=lambda: self._noticed(call))

    def _no_such_queue(self, call: Call) -> None:
        """A flow's queue the live floor does not know (made since it was loaded): goodbye, on the record."""
        log.warning("call %s: queue %r is not on the tenant's live floor; the call ends", call.id, call.queue)
        entry = LogEntry(
            time.time(), InteractionEventType.IVR_ENDED, call.id, call.queue, channel=Channel.CALL,
            wait_s=time.time() - call.started, reason="unknown_queue",
        )  # fmt: skip
        self.endpoint.floor(call.tenant_id).record(entry)
        call.player.play(
            [self._prompt(call, "goodbye")], on_done=lambda: self._hung_up(call, "caller", bye=True)
        )

    def _noticed(self, call: Call) -> None:
        if call.consent is None:
            call.consent = "informed"
            self.endpoint.floor(call.tenant_id).recording_consent(call.id, "informed")
        self._enqueue(call)

    def _digit(self, call: Call, digit: str) -> None:
        """A key the caller pressed (RFC 4733 or SIP INFO): the IVR's, the recording notice's, the wait's."""
        call.digits.append(digit)
        objecting = (
            digit == OBJECT_KEY
            and call.recording is not None
            and call.consent != "objected"
            and call.bridge is None
        )
        if not objecting or self.journeys.in_dialogue(call):
            self.journeys.digit(call, digit)
            return
        call.consent = "objected"  # the droit d'opposition: this call is not recorded
        self.endpoint.floor(call.tenant_id).recording_consent(call.id, "objected")
        if call.enqueued:  # said over the wait's music or announcement, which then go on
            call.player.play(
                [self._prompt(call, "recording_declined")], on_done=lambda: self.journeys.resumed(call)
            )
        else:
            call.player.play([self._prompt(call, "recording_declined")], on_done=lambda: self._enqueue(call))

    def _retransmit_ok(self, call: Call, ok: Response, interval: float) -> None:
        """Our 2xx again until the ACK comes, T1 doubling up to T2 (RFC 3261 §13.3.1.4)."""
        if call.over or call.caller.acked:
            return
        self.endpoint.send_direct(ok, call.caller.peer)
        interval = min(2 * interval, self.t2_s)
        asyncio.get_running_loop().call_later(interval, self._retransmit_ok, call, ok, interval)

    def _prompt(self, call: Call, prompt_id: str) -> Path:
        """The tenant's own recording of a prompt, else the default, in the caller's language."""
        if self.prompts is not None:
            return self.prompts.path(call.tenant_id, prompt_id, call.language)
        return prompt_path(prompt_id, call.language)

    def _check_media(self) -> None:
        """Hang up the callers whose RTP has stopped for ``rtp_timeout_s`` (a caller on hold aside)."""
        self._sweep = None
        now = asyncio.get_running_loop().time()
        for call in list(self.calls.values()):
            stats = call.caller.rtp.stats
            heard = (id(stats), stats.received)
            before = self._heard.get(call.id)
            if before is None or before[:2] != heard or call.caller_holding:
                self._heard[call.id] = (*heard, now)
            elif now - before[2] >= self.rtp_timeout_s:
                log.info("call %s: no RTP from the caller for %.0f s, ending it", call.id, now - before[2])
                self._hung_up(call, "caller", bye=True)
        if self.calls and self.rtp_timeout_s > 0:
            self._sweep = asyncio.get_running_loop().call_later(
                min(5.0, self.rtp_timeout_s / 4), self._check_media
            )

    def _check_acked(self, call: Call) -> None:
        """No ACK for our 200 within 64×T1: the caller is gone; end the call (RFC 3261 §13.3.1.4)."""
        if call.over or call.caller.acked:
            return
        log.info("call %s: no ACK for our 200, ending it", call.id)
        self._hung_up(call, "caller", bye=True)

    def _enqueue(self, call: Call) -> None:
        if call.over or call.enqueued:
            return
        call.enqueued = call.logged = True
        self.endpoint.floor(call.tenant_id).handle(
            InteractionArrived(call.id, call.queue, priority=call.priority)
        )
        if not call.over and call.enqueued:  # not answered at once by a free agent
            self.journeys.queued(call)

    def request_callback(self, call: Call, number: str, *, confirm: bool = True) -> str:
        """The waiting caller asked to be called back at ``number`` (as keyed in, or E.164); its
        E.164 form. They keep their place: the floor is told, then we hang up, which is no abandon;
        at their turn :class:`~callfloor.server.sip.callbacks.Callbacks` calls them back.

        With ``confirm`` the caller hears ``callback_confirmed`` first; without, the caller of this
        method has played it, and we hang up on the next turn of the loop (so that it may also be
        called as the caller's own BYE is handled: the floor then sees no abandon either).
        :class:`CallControlError`, nothing changed, when the caller is not waiting in a queue (409
        ``not_waiting``: in the welcome or the IVR, rung to an agent, called back already…), when
        ``number`` is no public number (422 ``callback_number``), or without callbacks here (503).
        """
        if call.over or not call.enqueued or call.callback is not None:
            raise CallControlError(
                409,
                "not_waiting",
                "L'appelant n'attend pas dans une file.",
                "The caller is not waiting in a queue.",
            )
        if self.callbacks is None:
            raise CallControlError(
                503, "no_callbacks", "Les rappels ne sont pas assurés ici.", "Callbacks are not done here."
            )
        call.callback = self.callbacks.request(call.tenant_id, call.id, number)
        if confirm:
            call.player.play(
                [self._prompt(call, "callback_confirmed")], on_done=lambda: self._leave_soon(call)
            )
            asyncio.get_running_loop().call_later(CONFIRMATION_MAX_S, self._leave, call)  # were it cut
        else:
            call.player.stop()
            self._leave_soon(call)
        return call.callback

    def _leave_soon(self, call: Call) -> None:
        """Hang up on the loop's next turn (a player may report a prompt's end from ``play()``)."""
        asyncio.get_running_loop().call_soon(self._leave, call)

    def _leave(self, call: Call) -> None:
        """Hang up a caller who is to be called back (no abandon: see :meth:`_hung_up`)."""
        if not call.over:
            self._hung_up(call, "caller", bye=True)

    def in_dialog(self, request: Request, key: Key | None) -> bool:
        """BYE, ACK, re-INVITE, INFO, REFER in one of our calls; False when the request is not ours."""
        found = self._by_call_id.get(request.call_id)
        if found is None:
            numbers = self._number_transfers
            return self.monitors.in_dialog(request, key) or (
                numbers is not None and numbers.in_dialog(request, key)
            )
        call, side = found
        leg = {"caller": call.caller, "agent": call.agent_leg, "consult": call.consult}[side]
        if request.method == "ACK":
            if leg is not None:
                leg.acked = True
            return True
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
            self._hung_up(call, side)
        elif request.method == "INVITE":  # a refresh or hold from the phone: keep our media as it is
            if side == "caller":
                call.caller_holding = any(d in request.body for d in (b"a=sendonly", b"a=inactive"))
            answer_reinvite(self.endpoint, request, key, leg.rtp, self.media_host)
        elif request.method == "REFER" and side == "agent":
            self._refer(call, leg, request, key)
        else:
            if request.method == "INFO" and side == "caller" and (digit := dtmf_relay(request)) is not None:
                self._digit(call, digit)
            self.endpoint.respond(key, make_response(request, 200 if request.method == "INFO" else 501))
        return True

    def _hung_up(self, call: Call, side: str, *, bye: bool = False) -> None:
        floor = self.endpoint.floor(call.tenant_id)
        if side == "consult":  # the consulted agent left: back to the first agent and the caller
            self.consult_failed(call, "hung_up")
            return
        if side == "agent" and call.consult is not None and call.consult.answered:
            # The first agent hung up while consulting: the way phones complete a transfer.
            try:
                self.complete_transfer(call)
            except CallControlError:
                log.info("call %s: the transfer on hang-up failed; ending the call", call.id)
            else:
                return
        if bye:
            self._bye(call.caller)
        self._drop_consult(call)
        if side == "caller":
            self.journeys.caller_left(call)  # a message left, a callback confirmed, the IVR's record
            if call.agent_leg is not None and call.agent_leg.answered:
                self._bye(call.agent_leg)
            # Hanging up during the welcome prompt concerns nobody on the floor, nor does the
            # leg of a caller who waits to be called back.
            if call.enqueued and call.callback is None:
                floor.handle(CallerHungUp(call.id))
        else:
            survey = self.journeys.survey_flow(call)
            floor.handle(AgentHungUp(call.id))
            if survey is not None and not call.over and call.agent_leg is not None:
                self._agent_gone(call, call.agent_leg)
                self.journeys.survey(call, survey)  # the caller stays for the queue's survey
                return
            self._bye(call.caller)
        self._end(call)

    def _bye(self, leg: Leg) -> None:
        send_bye(self.endpoint, leg.dialog, leg.peer)

    def _end(self, call: Call) -> None:
        self.monitors.ended(call)
        if self._number_transfers is not None:  # the number it was transferred to is hung up
            self._number_transfers.ended(call)
        if self.transfers is not None:  # the flow's transfer, if any, ends too, and logs it
            self.transfers.ended(call)
        call.over = True
        if not call.logged:  # neither the floor nor the IVR logged it: no entry will end its record
            self.endpoint.floor(call.tenant_id).discard(call.id)
        self.journeys.ended(call)
        self._stop_recording(call)
        call.player.stop()
        for bridge in (call.bridge, call.consult_bridge):
            if bridge is not None:
                bridge.stop()
        if call.conference is not None:
            call.conference.stop()
        call.caller.rtp.close()
        for leg in (call.agent_leg, call.consult):
            if leg is not None:
                leg.rtp.close()
        self.calls.pop(call.id, None)
        self._heard.pop(call.id, None)
        for call_id in call.call_ids:  # not a scan of every call of the process
            self._by_call_id.pop(call_id, None)

    # -- what the floor decides ----------------------------------------------------------------

    def execute(self, tenant_id: int, action: Action) -> None:
        """Carry out one of the floor's actions."""
        call = self.calls.get(getattr(action, "interaction", "") or "")
        if isinstance(action, Notify):
            log.info("tenant %s: %s", tenant_id, action)
        elif self.callbacks is not None and self.callbacks.execute(tenant_id, action):
            return  # a callback's: its legs are not the caller's first call
        elif call is None:
            log.info("tenant %s: %s for a call that has ended", tenant_id, action)
        elif isinstance(action, Ring):
            if call.consult is not None and call.consult.agent == action.agent and call.consult.answered:
                # The attended transfer's target: already on the line, they answer at once.
                asyncio.get_running_loop().call_soon(self._take_over, call)
            else:
                spawn(self._ring(call, action.agent))
            if call.screen_pop is None and not call.popping:
                call.popping = True
                spawn(self._pop(call))
        elif isinstance(action, CancelRing):
            self._cancel_agent(call)
        elif isinstance(action, Bridge):
            self.journeys.connected(call)
            call.player.stop()
            if call.agent_leg is not None:
                call.bridge = MediaBridge(call.caller.rtp, call.agent_leg.rtp)
                call.bridge.start()
                self._start_recording(call)
        elif isinstance(action, Hangup):
            self._bye(call.caller)
            self._end(call)

    async def _pop(self, call: Call) -> None:
        """Build the call's screen pop in a worker thread (it reads the database) and keep it."""
        floor = self.endpoint.floor(call.tenant_id)
        try:
            call.screen_pop = await asyncio.to_thread(floor.screen_pop, call.number, call.id)
        finally:
            call.popping = False

    async def _ring(self, call: Call, agent: str) -> None:
        leg = await self._invite(call, agent, "agent")
        if leg is None:
            self.endpoint.floor(call.tenant_id).handle(OfferDeclined(call.id, agent))
            return
        call.agent, call.agent_leg = agent, leg

    async def _invite(self, call: Call, agent: str, side: str) -> Leg | None:
        """INVITE the agent's registered phone for ``call``; None when it has none (or the call ended)."""
        bindings = self.endpoint.bindings(call.tenant_id, agent)
        if not bindings or call.over:
            return None
        binding = bindings[0]
        rtp = await RtpSession.open(self.media_host, self.ports)
        if call.over:
            rtp.close()
            return None
        caller = call.caller.invite.from_() if call.caller.invite else None
        display = caller.uri.user if caller and caller.uri.user else "callfloor"
        invite = agent_invite(self.endpoint, binding, agent, rtp, display=display, host=self.media_host)
        if self.auto_answer(call.tenant_id, agent):
            auto_answer(invite, self.endpoint.host())
        leg = Leg(target(binding), rtp, invite=invite, agent=agent)
        self._by_call_id[invite.call_id] = (call, side)
        call.call_ids.append(invite.call_id)
        leg.key = self.endpoint.send_request(invite, leg.peer)
        return leg

    def _cancel_agent(self, call: Call) -> None:
        leg = call.agent_leg
        if leg is None:
            return
        self._hang_up_leg(leg)
        call.agent_leg, call.agent = None, None

    def _hang_up_leg(self, leg: Leg) -> None:
        """End one of our agent legs: BYE once answered, CANCEL while ringing."""
        invite = leg.invite
        if invite is None:
            return
        if leg.answered:
            self._bye(leg)
        else:
            self.endpoint.send_request(cancel_of(invite), leg.peer)
            # The phone may have answered as the CANCEL crossed: its 2xx then gets ACK and BYE.
            self._cancelled[invite.call_id] = leg
        leg.rtp.close()
        self._by_call_id.pop(invite.call_id, None)

    def _answered_too_late(self, response: Response) -> bool:
        leg = self._cancelled.pop(response.call_id, None)
        if leg is None or leg.invite is None:
            return False
        if 200 <= response.status < 300:  # RFC 3261 §9.1: a 2xx crossing our CANCEL is ACKed, then ended
            leg.dialog = uac_dialog(leg.invite, response)
            self.endpoint.send_direct(leg.dialog.request("ACK", via=self.endpoint.via(leg.peer)), leg.peer)
            self._bye(leg)
        elif response.status < 200:
            self._cancelled[response.call_id] = leg  # still ringing: wait for the final answer
        return True

    def agent_response(self, response: Response, key: Key | None) -> bool:
        """A response to one of our INVITEs to an agent (or NOTIFYs to their phone); False when not ours."""
        if self.remote_answers.response(response, key):
            return True
        if response.cseq().method != "INVITE":
            return False
        if self._answered_too_late(response):
            return True
        found = self._by_call_id.get(response.call_id)
        if found is None or found[1] == "caller":
            numbers = self._number_transfers
            return self.monitors.response(response) or (numbers is not None and numbers.response(response))
        call, side = found
        leg = call.agent_leg if side == "agent" else call.consult
        if leg is None or leg.agent is None or leg.invite is None:
            return True
        if response.status < 200:  # ringing: its early dialog is where a remote answer goes
            leg.early = early_dialog(leg.invite, response) or leg.early
            return True
        if response.status >= 300:
            self._failed(call, side, leg)
            return True
        leg.dialog = uac_dialog(leg.invite, response)
        self.endpoint.send_direct(leg.dialog.request("ACK", via=self.endpoint.via(leg.peer)), leg.peer)
        after_early(leg.dialog, leg.early)  # a NOTIFY sent while it rang took a CSeq
        if leg.answered:
            return True  # a retransmitted 2xx: ACKed again, nothing else
        leg.answered = True
        try:
            leg.rtp.set_remote(accept_answer(parse_sdp(leg.invite.body), parse_sdp(response.body)))
        except SdpError:
            log.info("agent %s answered with unusable SDP", leg.agent)
        if side == "agent":
            self.endpoint.floor(call.tenant_id).handle(AgentAnswered(call.id, leg.agent))
        elif call.agent_leg is not None:  # the consulted agent: the two agents talk
            call.consult_bridge = MediaBridge(call.agent_leg.rtp, leg.rtp)
            call.consult_bridge.start()
        return True

    def _failed(self, call: Call, side: str, leg: Leg) -> None:
        """Our INVITE to an agent was refused or timed out."""
        leg.rtp.close()
        if side == "agent":
            agent = leg.agent or ""
            call.agent_leg, call.agent = None, None
            self.endpoint.floor(call.tenant_id).handle(OfferDeclined(call.id, agent))
        else:  # the consulted agent did not take it: back to the caller
            self.consult_failed(call, "refused")

    def agent_timeout(self, key: Key) -> None:
        """Our INVITE to an agent (or a supervisor, :mod:`.monitoring`) got no final answer."""
        if self.monitors.timeout(key) or self.remote_answers.timeout(key):
            return
        if self._number_transfers is not None and self._number_transfers.timeout(key):
            return
        for call_id, cancelled in list(self._cancelled.items()):
            if cancelled.key == key:
                del self._cancelled[call_id]
        for call in list(self.calls.values()):
            for side, leg in (("agent", call.agent_leg), ("consult", call.consult)):
                if leg is not None and leg.key == key and not leg.answered:
                    self._failed(call, side, leg)

    # -- agents' commands ----------------------------------------------------------------------

    def hold(self, call: Call) -> None:
        """The caller hears music on hold, the agent silence."""
        self._talking(call)
        if call.held:
            raise CallControlError(
                409, "already_held", "L'appel est déjà en attente.", "The call is on hold already."
            )
        self._apply(call, CallHeld(call.id))
        self._to_music(call)

    def resume(self, call: Call) -> None:
        """Back to the conversation."""
        if not call.held or call.consult is not None:
            raise CallControlError(
                409, "not_held", "L'appel n'est pas en attente.", "The call is not on hold."
            )
        self._apply(call, CallResumed(call.id))
        self._off_hold(call)

    def transfer(self, call: Call, *, queue: str | None = None, agent: str | None = None) -> None:
        """Blind transfer to a queue or an agent: the agent's phone hangs up, the floor routes the caller."""
        leg = self._handed_over(call, queue=queue, agent=agent)
        self._detach(call, leg)

    def _handed_over(self, call: Call, *, queue: str | None, agent: str | None) -> Leg:
        """The floor takes the caller from the agent (and rings whom it routes to, on a later turn
        of the loop: the agent's leg is detached before the new one exists)."""
        leg = self._talking(call)
        self._not_consulting(call)
        if (queue is None) == (agent is None):
            raise CallControlError(
                422, "transfer_target", "Indiquez une file ou un agent.", "Name a queue or an agent."
            )
        event = (
            TransferredToQueue(call.id, queue)
            if queue is not None
            else TransferredToAgent(call.id, agent or "")
        )
        self._apply(call, event)
        call.queue = queue or call.queue
        return leg

    # -- the desk drives the phone: answer, hang up, transfer to a number --------------------------

    async def answer(self, call: Call, agent: str | None) -> None:
        """The desk's "answer": the phone ringing for ``agent`` (None: whichever rings) is told to
        answer (:mod:`.remote_answer`); its 200 to our INVITE follows, as if picked up.

        :class:`CallControlError` 409 ``not_ringing`` when no phone of that agent rings for the
        call, 502 ``phone_refused`` when the phone refuses the request or does not answer it.
        """
        leg = self._ringing_leg(call, agent)
        status = await self.remote_answers.talk(leg, self.endpoint.host())
        if 200 <= status < 300 or leg.answered:
            return
        raise CallControlError(
            502,
            "phone_refused",
            f"Le téléphone n'a pas décroché ({status}) : décrochez le combiné.",
            f"The phone did not answer ({status}): pick up the handset.",
        )

    @staticmethod
    def _ringing_leg(call: Call, agent: str | None) -> Leg:
        """The leg of ``call`` ringing on ``agent``'s phone (any agent's: None)."""
        for leg in (call.agent_leg, call.consult):
            if leg is None or leg.invite is None or leg.answered or call.over:
                continue
            if agent is None or leg.agent == agent:
                return leg
        raise CallControlError(
            409, "not_ringing", "L'appel ne sonne pas sur ce poste.", "The call is not ringing on that phone."
        )

    def hang_up(self, call: Call, agent: str | None = None) -> None:
        """The desk's "hang up": BYE to the agent's phone and to the caller, and the floor hears the
        agent hang up (wrap-up as usual; the queue's survey, if any, keeps the caller). A consultation
        under way ends with the call; the consulted ``agent`` hanging up leaves the consultation only."""
        if agent is not None and agent == call.consulted and agent != call.agent:
            self.cancel_consult(call)
            return
        leg = self._talking(call)
        self._drop_consult(call)
        self._bye(leg)
        self._hung_up(call, "agent")

    def transfer_to_number(self, call: Call, number: str) -> None:
        """Blind transfer to an outside number, E.164 or as dialed in the tenant's country
        (:mod:`.number_transfers`): the agent's part ends now, the caller waits for the number.

        :class:`CallControlError` 422 ``transfer_number`` for a number not to call, 503 ``no_trunk``,
        409 as the other transfers (not connected, consulting).
        """
        leg = self._talking(call)
        self._not_consulting(call)
        numbers = self._numbers()
        e164, trunk = numbers.target(call.tenant_id, number, self.endpoint.floor(call.tenant_id).region)
        self._handed_to_number(call, leg, e164)
        numbers.dial(call, e164, trunk)

    def _handed_to_number(self, call: Call, leg: Leg, e164: str) -> None:
        """The agent's part ends as a transfer to ``e164``: logged ``transferred`` (reason ``number``)
        and hung up (wrap-up, ``completed``), their phone hung up; the floor lets the call go."""
        self.endpoint.floor(call.tenant_id).record(
            LogEntry(time.time(), InteractionEventType.TRANSFERRED, call.id, call.queue, call.agent,
                     channel=Channel.CALL, reason="number")
        )  # fmt: skip
        self._apply(call, AgentHungUp(call.id))  # the agent's part ends: wrap-up, completed
        self._stop_consult_media(call)
        self._detach(call, leg)
        call.consult = call.consult_number = None
        call.enqueued, call.transferred_to = False, e164  # the floor let it go: nothing more to tell it

    def consult_number(self, call: Call, number: str) -> None:
        """Attended transfer to an outside number, first step: hold the caller and call the number
        for the agent (:mod:`.number_transfers`).

        :class:`CallControlError` as :meth:`transfer_to_number`.
        """
        self._talking(call)
        self._not_consulting(call)
        numbers = self._numbers()
        e164, trunk = numbers.target(call.tenant_id, number, self.endpoint.floor(call.tenant_id).region)
        self._hold_for_consult(call)
        call.consult = Leg(None, call.caller.rtp)  # until the number answers
        call.consult_number, call.consult_failure = e164, None
        numbers.consult(call, e164, trunk)

    def consult_answered(self, call: Call, leg: Leg) -> None:
        """The number consulted answered: the agent talks to it, the caller still held."""
        if call.over or call.consult_number is None or call.agent_leg is None:
            self._numbers().drop(call)  # nobody left to talk to it
            return
        call.consult = leg
        call.consult_bridge = MediaBridge(call.agent_leg.rtp, leg.rtp)
        call.consult_bridge.start()

    def consult_failed(self, call: Call, why: str) -> None:
        """The consulted party refused, did not answer or hung up: the agent has the caller back."""
        if call.over or call.consult is None:
            return
        log.info(
            "call %s: the consultation of %s ended: %s", call.id, call.consult_number or call.consulted, why
        )
        self._drop_consult(call)
        call.consult_failure = why
        self._rejoin(call)

    def _numbers(self) -> "NumberTransfers":
        """The agents' transfers to numbers, made on first use (they go through the endpoint's trunks)."""
        if self._number_transfers is None:
            if self.transfers is None:  # not served by an endpoint: no trunk reachable
                raise CallControlError(
                    503, "no_trunk", "Aucun opérateur pour appeler ce numéro.", "No trunk to call numbers."
                )
            from callfloor.server.sip.number_transfers import NumberTransfers  # it builds on this module

            self._number_transfers = NumberTransfers(self.transfers.endpoint, self)
        return self._number_transfers

    def consult(self, call: Call, agent: str) -> None:
        """Attended transfer, first step: hold the caller and call ``agent`` for the first agent."""
        self._talking(call)
        self._not_consulting(call)
        floor = self.endpoint.floor(call.tenant_id)
        record = floor.floor.acd.agents.get(agent)
        if record is None or agent == call.agent:
            raise CallControlError(404, "not_found", "Agent introuvable.", "No such agent.")
        if record.state is not AgentState.READY or not self.endpoint.bindings(call.tenant_id, agent):
            raise CallControlError(
                409,
                "agent_unavailable",
                f"L'agent {agent} n'est pas disponible.",
                f"Agent {agent} is not available.",
            )
        self._apply(call, AgentPaused(agent, CONSULT))
        self._hold_for_consult(call)
        placeholder = Leg(None, call.caller.rtp, agent=agent)  # until the INVITE is out
        call.consult, call.consult_failure = placeholder, None
        spawn(self._consult(call, agent, placeholder))

    def consult_queue(self, call: Call, queue: str) -> None:
        """Attended transfer to a queue ("consult to queue"), first step: the agent the queue would
        give a new call to now (the floor's choice, by its strategy, among its ready agents whose
        phone is registered) is consulted as by :meth:`consult`; completed, it is an agent transfer.

        :class:`CallControlError` 404 ``not_found`` for an unknown queue, 409 ``no_agent_ready``
        when none of its agents is ready (a blind transfer lets the caller wait in the queue).
        """
        self._talking(call)
        self._not_consulting(call)
        acd = self.endpoint.floor(call.tenant_id).floor.acd
        if queue not in acd.queues:
            raise CallControlError(404, "not_found", "File introuvable.", "No such queue.")
        for agent in acd.agents_for(queue, Channel.CALL):
            if agent != call.agent and self.endpoint.bindings(call.tenant_id, agent):
                self.consult(call, agent)
                return
        raise CallControlError(
            409,
            "no_agent_ready",
            f"Aucun agent de la file {queue} n'est disponible : transférez en aveugle, l'appelant "
            "attendra dans la file.",
            f"No agent of queue {queue} is ready: transfer blind, the caller will wait in the queue.",
        )

    def _hold_for_consult(self, call: Call) -> None:
        """The caller hears music on hold while the agent consults (it may be held already)."""
        if not call.held:
            self._apply(call, CallHeld(call.id))
            self._to_music(call)

    async def _consult(self, call: Call, agent: str, placeholder: Leg) -> None:
        leg = await self._invite(call, agent, "consult")
        if call.consult is not placeholder:  # cancelled meanwhile
            if leg is not None:
                self._hang_up_leg(leg)
            return
        if leg is None:
            call.consult, call.consult_failure = None, "refused"
            self.endpoint.floor(call.tenant_id).handle(AgentReady(agent))
            self._rejoin(call)
            return
        call.consult = leg

    def complete_transfer(self, call: Call) -> None:
        """Attended transfer, last step: the consulted agent (or number) takes the caller, the first
        agent leaves (for a number, as in a blind transfer to it)."""
        consult = self._answered_consult(call)
        leg = self._talking(call)
        if call.consult_number is not None:
            numbers, e164 = self._numbers(), call.consult_number
            self._handed_to_number(call, leg, e164)
            numbers.hand_over(call)
            return
        agent = consult.agent or ""
        self._apply(call, TransferredToAgent(call.id, agent))  # rings the consulted agent: _take_over
        self._stop_consult_media(call)
        self._detach(call, leg)

    def _take_over(self, call: Call) -> None:
        """The consulted agent's leg becomes the call's agent leg, answered."""
        consult = call.consult
        if call.over or consult is None or consult.agent is None or consult.invite is None:
            return
        call.consult = None
        call.agent, call.agent_leg = consult.agent, consult
        self._by_call_id[consult.invite.call_id] = (call, "agent")
        self.endpoint.floor(call.tenant_id).handle(AgentAnswered(call.id, consult.agent))

    def cancel_consult(self, call: Call) -> None:
        """Attended transfer given up: the consulted agent (or number) is hung up, the caller back
        with the first agent."""
        if call.consult is None:
            raise CallControlError(
                409,
                "not_consulting",
                "Aucun transfert accompagné en cours.",
                "No attended transfer is under way.",
            )
        self._drop_consult(call)
        self._rejoin(call)

    def conference(self, call: Call) -> None:
        """Caller, first agent and consulted agent (or number) all together."""
        if call.conference is not None:
            raise _no_answered_consult(call)
        consult = self._answered_consult(call)
        leg = self._talking(call)
        self._stop_consult_media(call)
        if call.held:
            self._apply(call, CallResumed(call.id))
            call.held = False
        call.player.stop()
        if call.bridge is not None:
            call.bridge.stop()
        call.conference = Conference([call.caller.rtp, leg.rtp, consult.rtp])
        call.conference.start()

    def pause_recording(self, call: Call) -> None:
        """Leave the audio out of the recording (a card number is about to be read)."""
        self._recorder(call).pause()

    def resume_recording(self, call: Call) -> None:
        """Record again."""
        self._recorder(call).resume()

    @staticmethod
    def _recorder(call: Call) -> Recorder:
        if call.recorder is None:
            raise CallControlError(
                409, "not_recording", "L'appel n'est pas enregistré.", "The call is not being recorded."
            )
        return call.recorder

    @staticmethod
    def _not_consulting(call: Call) -> None:
        if call.consult is not None:
            raise CallControlError(
                409,
                "consulting",
                "Un transfert accompagné est en cours.",
                "An attended transfer is under way.",
            )

    @staticmethod
    def _answered_consult(call: Call) -> Leg:
        """The consulted agent's (or number's) leg, once they have answered."""
        consult = call.consult
        if consult is None or not consult.answered or (consult.agent is None and call.consult_number is None):
            raise _no_answered_consult(call)
        return consult

    def _start_recording(self, call: Call) -> None:
        """The agent's part begins: record it if the queue records and the caller did not object."""
        store, policy, leg = self.recordings, call.recording, call.agent_leg
        if store is None or policy is None or leg is None or call.consent == "objected" or call.recorder:
            return
        started = datetime.now(UTC)
        try:
            path = store.path_for(call.tenant_id, call.id, started)
            call.recorder = Recorder(call.caller.rtp, leg.rtp, path, stereo=policy.stereo)
        except OSError as exc:  # a full or read-only disk: the call goes on unrecorded
            log.error("call %s: cannot record: %s", call.id, exc)
            return
        call.recorder_started, call.recorder_agent = started, call.agent

    def _stop_recording(self, call: Call) -> None:
        """The agent's part ends: close the file and save its row at once."""
        recorder, store, policy, started = (
            call.recorder,
            self.recordings,
            call.recording,
            call.recorder_started,
        )
        if recorder is None or store is None or policy is None or started is None:
            return
        call.recorder = None
        recorder.close()
        pauses = [(p.start, p.end if p.end is not None else recorder.duration) for p in recorder.pauses]
        try:
            store.saved(
                call.tenant_id, interaction=call.id, queue=call.queue, agent=call.recorder_agent,
                path=recorder.path, started=started, duration_s=recorder.duration, stereo=policy.stereo,
                pauses=pauses, consent=call.consent or "informed", retention_days=policy.retention_days,
            )  # fmt: skip
        except Exception:  # the file is on disk: the row's loss is logged in full, the call goes on
            log.exception("call %s: recording %s could not be saved", call.id, recorder.path)

    def _talking(self, call: Call) -> Leg:
        """The agent leg of a call in conversation, or an error for the API."""
        leg = call.agent_leg
        if call.over or leg is None or not leg.answered:
            raise CallControlError(
                409,
                "not_connected",
                "L'appel n'est pas en conversation.",
                "The call is not connected to an agent.",
            )
        return leg

    def _apply(self, call: Call, event: Event) -> None:
        try:
            self.endpoint.floor(call.tenant_id).apply(event)
        except AcdError as exc:
            raise CallControlError(409, "refused", f"Refusé : {exc}", f"Refused: {exc}") from exc

    def _to_music(self, call: Call) -> None:
        self.monitors.ended(call)  # the conversation monitored is interrupted
        call.held = True
        if call.bridge is not None:
            call.bridge.stop()
        call.player.play([self._prompt(call, "music_on_hold")], loop=True)

    def _detach(self, call: Call, leg: Leg) -> None:
        """Hang up the agent's phone; the caller stays, hearing music on hold."""
        self.monitors.ended(call)
        self._stop_recording(call)  # that agent's part ends here
        self._bye(leg)
        leg.rtp.close()
        if leg.invite is not None:
            self._by_call_id.pop(leg.invite.call_id, None)
        if call.bridge is not None:
            call.bridge.stop()
            call.bridge = None
        call.agent_leg, call.agent, call.held = None, None, False
        call.player.play([self._prompt(call, "music_on_hold")], loop=True)

    def _agent_gone(self, call: Call, leg: Leg) -> None:
        """The agent hung up and the caller stays (a survey): that leg's media and recording end."""
        self.monitors.ended(call)
        self._stop_recording(call)
        leg.rtp.close()
        if leg.invite is not None:
            self._by_call_id.pop(leg.invite.call_id, None)
        if call.bridge is not None:
            call.bridge.stop()
            call.bridge = None
        call.agent_leg, call.held = None, False

    def _drop_consult(self, call: Call) -> None:
        """End the consultation leg, if any, and free the consulted agent on the floor."""
        consult = call.consult
        if consult is None:
            return
        call.consult = None
        self._stop_consult_media(call)
        if call.consult_number is not None:  # the number's leg is its transfer's (number_transfers)
            call.consult_number = None
            self._numbers().drop(call)
        elif consult.invite is not None:
            self._hang_up_leg(consult)
        if consult.agent is not None:
            self.endpoint.floor(call.tenant_id).handle(AgentReady(consult.agent))

    def _rejoin(self, call: Call) -> None:
        """The caller and the first agent talk again (after a consultation or a conference)."""
        if call.over or call.agent_leg is None:
            return
        if call.held:
            self.endpoint.floor(call.tenant_id).handle(CallResumed(call.id))
        self._off_hold(call)

    @staticmethod
    def _off_hold(call: Call) -> None:
        """The caller hears the agent again rather than music."""
        call.held = False
        call.player.stop()
        if call.bridge is not None:
            call.bridge.start()

    @staticmethod
    def _stop_consult_media(call: Call) -> None:
        """The agents' bridge or the conference of an attended transfer, stopped and dropped."""
        for media in (call.consult_bridge, call.conference):
            if media is not None:
                media.stop()
        call.consult_bridge = call.conference = None

    def _refer(self, call: Call, leg: Leg, request: Request, key: Key) -> None:
        """A blind transfer from the agent's phone (RFC 3515): REFER, 202, NOTIFY, then we hang up."""
        try:
            refer_to = parse_name_addr(request.headers.get("Refer-To") or "")
        except ParseError:
            self.endpoint.respond(key, make_response(request, 400, "Bad Request: Refer-To"))
            return
        if "replaces=" in (refer_to.uri.headers or "").lower():  # an attended transfer made by the phone
            self.endpoint.respond(key, make_response(request, 501, "Not Implemented: Replaces"))
            return
        wanted = refer_to.uri.user or ""
        agents = self.endpoint.floor(call.tenant_id).floor.acd.agents
        queue = None if wanted in agents else self.endpoint.queue_for(call.tenant_id, wanted)
        if wanted not in agents and queue is None:
            self.endpoint.respond(key, make_response(request, 404, "Not Found: no such agent or number"))
            return
        self.endpoint.respond(key, make_response(request, 202))
        try:
            self._handed_over(call, queue=queue, agent=None if queue else wanted)
        except CallControlError as exc:
            log.info("call %s: REFER to %s refused: %s", call.id, wanted, exc.en)
            self._notify_refer(leg, "SIP/2.0 603 Declined")  # the agent keeps the caller
            return
        self._notify_refer(leg, "SIP/2.0 200 OK")
        self._detach(call, leg)

    def _notify_refer(self, leg: Leg, status: str) -> None:
        """How the REFER ended, in the dialog it came in (RFC 3515 §2.4.5), no more to come."""
        if leg.dialog is None:
            return
        sipfrag = "message/sipfrag;version=2.0"
        notify = leg.dialog.request("NOTIFY", via=self.endpoint.via(leg.peer), content_type=sipfrag)
        notify.headers.add("Event", "refer")
        notify.headers.add("Subscription-State", "terminated;reason=noresource")
        notify.body = f"{status}\r\n".encode()
        self.endpoint.send_request(notify, leg.peer)
