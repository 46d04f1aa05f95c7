"""The SIP endpoint: parsed messages in, responses and requests out, per tenant registrars.

It plays the transaction user above :class:`callfloor.core.sip.layer.TransactionLayer`:
OPTIONS is answered, REGISTER goes to the tenant's registrar (and logs the agent in or out of
the floor as their phone comes and goes), calls go to :class:`CallManager`, and anything else
gets 501 with Allow. An INVITE from outside the trusted networks (the trunk's) must carry an
agent's digest credentials. A request that cannot be parsed is answered statelessly when it
can be (400, 505…) and dropped otherwise; nothing a peer sends can raise out of here.
"""

import asyncio
import hashlib
import ipaddress
import logging
import random
import secrets
import time
from collections.abc import Callable, Hashable, Sequence

from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.banlist import FailureWindow
from callfloor.core.events import AgentLoggedIn, AgentLoggedOut
from callfloor.core.ivr.flow import Flow
from callfloor.core.numbers import InvalidNumberError, normalize
from callfloor.core.schedule.calendar import Schedule
from callfloor.core.sip import ParseError
from callfloor.core.sip.auth import COMPATIBLE, Challenger
from callfloor.core.sip.digest import DigestAlgorithm
from callfloor.core.sip.layer import (
    Event,
    IncomingRequest,
    IncomingResponse,
    Key,
    Outgoing,
    TransactionLayer,
    TransactionTimeout,
)
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.parser import error_response, parse_datagram
from callfloor.core.sip.registrar import Binding, Registrar
from callfloor.core.sip.responses import REASONS, make_response
from callfloor.core.sip.uri import parse_uri
from callfloor.server.floors import LiveFloor
from callfloor.server.media.ports import PortAllocator
from callfloor.server.sip.callback_dials import CallbackDials
from callfloor.server.sip.callbacks import Callbacks
from callfloor.server.sip.calls import CallManager, reliable
from callfloor.server.sip.directory import Directory, QueueExtras, SipTenant
from callfloor.server.sip.ivr_transfers import IvrTransfers
from callfloor.server.sip.outbound import Dialing, OutboundCalls
from callfloor.server.sip.trunks import TrunkConfig, Trunks

log = logging.getLogger(__name__)

ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, REFER"
Sender = Callable[[bytes, Hashable], None]
Networks = list[ipaddress.IPv4Network | ipaddress.IPv6Network]


class SipEndpoint:
    """One process's SIP user agent: registrar, B2BUA, OPTIONS responder."""

    def __init__(
        self,
        directory: Directory,
        secret: str,
        *,
        sessions: sessionmaker[Session] | None = None,
        digest_order: tuple[DigestAlgorithm, ...] = COMPATIBLE,
        trusted: str = "127.0.0.1/32,::1/128",
        ports: PortAllocator | None = None,
        max_requests_per_s: int = 100,
        user_agent: str = "callfloor",
    ) -> None:
        self.directory = directory
        self.layer = TransactionLayer()
        key = hashlib.sha256(b"callfloor-sip-nonce\0" + secret.encode()).digest()
        self._challenger = Challenger(key, random.SystemRandom(), order=digest_order)
        self._registrars: dict[int, Registrar] = {}
        self._floors: dict[int, LiveFloor] = {}
        self._sessions = sessions
        self._trusted: Networks = [ipaddress.ip_network(n.strip()) for n in trusted.split(",") if n.strip()]
        # Like Kamailio's pike and fail2ban: failed authentications and floods ban the address.
        self.auth_failures = FailureWindow(limit=10, window_s=60, ban_s=300)
        self.floods = FailureWindow(limit=max_requests_per_s, window_s=1, ban_s=300)
        self._user_agent = user_agent
        self.local: tuple[str, int] = ("127.0.0.1", 5060)
        self.calls = CallManager(self, ports or PortAllocator(), self.local[0])
        self.outbound = OutboundCalls(self, self.calls.ports, self.local[0])
        self.calls.callbacks = self.callbacks = Callbacks(self, self.calls.ports, self.local[0])
        self.calls.transfers = self.ivr_transfers = IvrTransfers(self, self.calls)
        self.calls.journeys.sessions = sessions
        self.calls.auto_answer = directory.auto_answer  # the agents' setting (a headset's auto-answer)
        self.callback_dials = CallbackDials(self, self.calls, sessions)  # the desk's scheduled callbacks
        self.trunks = Trunks(self._send_new, lambda: self.local)
        self.load_trunks: Callable[[], Sequence[TrunkConfig]] | None = None  # from the database
        self.send: Sender = lambda _data, _peer: None
        self.clock: Callable[[], float] = time.monotonic
        self.on_activity: Callable[[], None] = lambda: None

    # -- what transports call -----------------------------------------------------------------

    def bound(self, host: str, port: int) -> None:
        """Where the transports listen: used in our Via and Contact headers and SDP."""
        self.local = (host, port)
        self.calls.media_host = self.outbound.media_host = self.callbacks.media_host = host
        self.calls.loop = asyncio.get_running_loop()

    def receive(self, data: bytes, peer: Hashable, reliable: bool, now: float) -> None:
        """One datagram from ``peer``; banned addresses are ignored."""
        if self._refused(peer, now):
            return
        try:
            message = parse_datagram(data)
        except ParseError as error:
            log.info("unparsable SIP message from %s: %s", peer, error.reason)
            answer = error_response(data, error, REASONS.get(error.status or 400, "Bad Request"))
            if answer is not None:
                self._write(answer, peer)
            return
        self._events(self.layer.receive(message, peer, reliable, now), now)

    def receive_message(
        self, message: Request | Response, peer: Hashable, reliable: bool, now: float
    ) -> None:
        """A message a stream framer has already parsed; banned addresses are ignored."""
        if not self._refused(peer, now):
            self._events(self.layer.receive(message, peer, reliable, now), now)

    def _refused(self, peer: Hashable, now: float) -> bool:
        """True for a banned address, or one this message bans for flooding (never a trusted one)."""
        if self._is_trusted(peer):
            return False
        host = _host(peer)
        if self.auth_failures.banned_until(host, now) or self.floods.banned_until(host, now):
            return True
        if self.floods.record_failure(host, now):
            log.warning(
                "SIP: %s banned for flooding (more than %s messages a second)", host, self.floods.limit
            )
            return True
        return False

    def transport_failed(self, peer: Hashable, now: float) -> None:
        """The transports could not reach ``peer``: what was sent there has failed."""
        self._events(self.layer.transport_failed(peer), now)

    def on_deadline(self, now: float) -> None:
        """Fire the transaction timers due at ``now``, and the trunks' refreshes."""
        self._events(self.layer.on_deadline(now), now)
        self.trunks.on_deadline(now)

    def next_deadline(self) -> float | None:
        """When :meth:`on_deadline` next has work."""
        deadlines = [d for d in (self.layer.next_deadline(), self.trunks.next_deadline()) if d is not None]
        return min(deadlines, default=None)

    # -- what calls use (the Signalling protocol of calls.py) ---------------------------------

    def respond(self, key: Key, response: Response) -> None:
        """Answer through a server transaction."""
        self._write_events(self.layer.respond(key, response, self.clock()))

    def send_request(self, request: Request, peer: Hashable) -> Key:
        """Send through a new client transaction."""
        key, events = self.layer.request(request, peer, reliable(peer), self.clock())
        self._write_events(events)
        return key

    def _send_new(self, request: Request, peer: Hashable) -> Key:
        """A request of ours out of any dialog (a trunk's REGISTER): our Via, then a transaction."""
        request.headers.add("Via", self.via(peer))
        return self.send_request(request, peer)

    def send_direct(self, message: Request | Response, peer: Hashable) -> None:
        """Send without a transaction."""
        self._write(message, peer)

    def via(self, peer: Hashable = None) -> str:
        """Our Via with a fresh branch (RFC 3261 §8.1.1.7) and rport (RFC 3581), TCP for a TCP peer."""
        transport = "TCP" if reliable(peer) else "UDP"
        return (
            f"SIP/2.0/{transport} {self.local[0]}:{self.local[1]};branch=z9hG4bK{secrets.token_hex(8)};rport"
        )

    def contact(self) -> str:
        """Our Contact."""
        return f"<sip:callfloor@{self.local[0]}:{self.local[1]}>"

    def host(self) -> str:
        """Our host."""
        return self.local[0]

    def floor(self, tenant_id: int) -> LiveFloor:
        """The tenant's live floor (built from the database on first use)."""
        if tenant_id not in self._floors:
            if self._sessions is None:
                raise RuntimeError("no database: this endpoint has no floors")
            self._floors[tenant_id] = LiveFloor(tenant_id, self._sessions, self.calls.execute)
        return self._floors[tenant_id]

    def schedule(self, tenant_id: int) -> Schedule:
        """The tenant's business hours, for the flows' ``hours`` nodes."""
        return self.directory.schedule(tenant_id)

    def queue_extras(self, tenant_id: int, queue: str) -> QueueExtras:
        """A queue's post-call survey flow and team e-mail."""
        return self.directory.queue_extras(tenant_id, queue)

    def survey(self, tenant_id: int, flow: str) -> Flow | None:
        """The active version of the tenant's flow ``flow`` (a queue's post-call survey)."""
        return self.directory.flow(tenant_id, flow)

    def bindings(self, tenant_id: int, extension: str) -> list[Binding]:
        """Where an agent's phones are registered."""
        registrar = self._registrars.get(tenant_id)
        return registrar.contacts(extension, self.clock()) if registrar else []

    def reload_trunks(self) -> None:
        """Read the trunks again (at start, and after the API changed them); on the SIP loop."""
        if self.load_trunks is not None:
            self.trunks.load(self.load_trunks(), self.clock())
            self.on_activity()

    def queue_for(self, tenant_id: int, dialed: str) -> str | None:
        """The tenant's queue named ``dialed``, or reached by that number (a REFER's target)."""
        if dialed in self.floor(tenant_id).floor.acd.queues:
            return dialed
        route = self.directory.route(dialed)
        return route.queue if route is not None and route.tenant_id == tenant_id else None

    def registrar(self, tenant_id: int, realm: str) -> Registrar:
        """The registrar of a tenant (created on first use)."""
        if tenant_id not in self._registrars:
            lookup = lambda user, t=tenant_id: self.directory.ha1(t, user)  # noqa: E731
            self._registrars[tenant_id] = Registrar(realm, self._challenger, lookup)
        return self._registrars[tenant_id]

    def pending_log_entries(self) -> int:
        """Log entries and records the floors' group commits have not written yet."""
        return sum(floor.pending for floor in self._floors.values())

    def close(self) -> None:
        """Write the floors' pending entries and stop their timers."""
        for floor in self._floors.values():
            floor.close()

    # -- the transaction user -----------------------------------------------------------------

    def _events(self, events: list[Event], now: float) -> None:
        for event in events:
            if isinstance(event, Outgoing):
                self._write(event.message, event.peer)
            elif isinstance(event, IncomingRequest):
                self._request(event, now)
            elif isinstance(event, IncomingResponse):
                response, key = event.response, event.key
                if not (
                    self.outbound.response(response, key)
                    or self.callbacks.response(response)
                    or self.callback_dials.response(response)
                    or self.ivr_transfers.response(response)
                    or self.calls.agent_response(response, key)
                ):
                    self.trunks.on_response(response, key, now)
            elif isinstance(event, TransactionTimeout) and not (
                self.trunks.on_timeout(event.key, now)
                or self.outbound.timeout(event.key)
                or self.callbacks.timeout(event.key)
                or self.callback_dials.timeout(event.key)
                or self.ivr_transfers.timeout(event.key)
            ):
                self.calls.agent_timeout(event.key)

    def _write_events(self, events: list[Event]) -> None:
        self._events(events, self.clock())
        self.on_activity()

    def _request(self, event: IncomingRequest, now: float) -> None:
        request, key = event.request, event.key
        if key is None:  # an ACK to one of our 2xx
            self._in_dialog(request, None)
            return
        if request.to().tag is not None:
            if not self._in_dialog(request, key):
                self.respond(key, make_response(request, 481))
            return
        if request.method == "INVITE":
            self._invite(request, key, event.peer, now)
        elif request.method == "REGISTER":
            response = self._register(request, event.peer, now)
            self._count_auth(request, response, event.peer, now)
            self.respond(key, response)
        elif request.method == "OPTIONS":
            response = make_response(request, 200, to_tag="cf-options")
            response.headers.add("Allow", ALLOW)
            response.headers.add("Accept", "application/sdp")
            self.respond(key, response)
        elif request.method == "CANCEL":
            self.respond(key, make_response(request, 200 if event.cancels else 481))
            if event.cancels is not None and not self.outbound.cancel(event.cancels):
                self.calls.cancel_invite(event.cancels)
        elif request.method in ("BYE", "INFO"):
            self.respond(key, make_response(request, 481))
        else:
            response = make_response(request, 501)
            response.headers.add("Allow", ALLOW)
            self.respond(key, response)

    def _in_dialog(self, request: Request, key: Key | None) -> bool:
        """A request in one of our dialogs: a call's, an outbound call's, a callback's, an IVR transfer's."""
        return (
            self.calls.in_dialog(request, key)
            or self.outbound.in_dialog(request, key)
            or self.callbacks.in_dialog(request, key)
            or self.callback_dials.in_dialog(request, key)
            or self.ivr_transfers.in_dialog(request, key)
        )

    def _invite(self, request: Request, key: Key, peer: Hashable, now: float) -> None:
        """A call to one of the tenants' numbers, or an agent's call out through their tenant's trunk.

        Calls out need an agent's credentials from any address, trusted networks included (toll
        fraud goes through open relays); a provider dialing a number we do not have gets 404.
        """
        uri = parse_uri(request.uri)
        if not uri.is_sip:
            self.respond(key, make_response(request, 416))
            return
        route = self.directory.route(uri.user or "")
        if route is None and self.trunks.is_trunk(peer):
            self.respond(key, make_response(request, 404, "Not Found: no such number"))
            return
        if route is not None and self._is_trusted(peer):
            self.calls.incoming_invite(request, key, peer, route)
            return
        tenant = self.directory.tenant_for(uri.host)
        user = self.registrar(tenant.id, tenant.realm).authenticate(request, now) if tenant else None
        if not isinstance(user, str) or tenant is None:
            answer = user if isinstance(user, Response) else make_response(request, 403)
            self._count_auth(request, answer, peer, now)
            self.respond(key, answer)
            return
        if route is not None:
            self.calls.incoming_invite(request, key, peer, route)
        else:
            self._dial_out(request, key, peer, tenant, user)

    def _dial_out(self, request: Request, key: Key, peer: Hashable, tenant: SipTenant, agent: str) -> None:
        """An agent's call to an outside number, through the tenant's trunk."""
        dialed = parse_uri(request.uri).user or ""
        if dialed in self.floor(tenant.id).floor.acd.agents:  # calls between agents are not done yet
            self.respond(key, make_response(request, 404, "Not Found: calls to agents are not supported"))
            return
        try:
            number = normalize(dialed, tenant.country)
        except InvalidNumberError:
            self.respond(key, make_response(request, 484, "Address Incomplete"))
            return
        trunk = self.trunks.outbound(tenant.id)
        if trunk is None:
            self.respond(key, make_response(request, 503, "Service Unavailable: no trunk for outbound calls"))
            return
        self.outbound.dial(request, key, peer, Dialing(tenant.id, agent, f"{trunk.prefix}{number}", trunk))

    def _register(self, request: Request, peer: Hashable, now: float) -> Response:
        uri = parse_uri(request.uri)
        tenant = self.directory.tenant_for(uri.host if uri.is_sip else "")
        if tenant is None:
            return make_response(request, 404, "Not Found: no such domain")
        registrar = self.registrar(tenant.id, tenant.realm)
        extension = request.to().uri.user or ""
        before = bool(registrar.contacts(extension, now))
        response = registrar.register(request, peer, now)
        after = bool(registrar.contacts(extension, now))
        if response.status == 200 and before != after and self._sessions is not None:
            self._login(tenant.id, extension, after)
        return response

    def _login(self, tenant_id: int, extension: str, present: bool) -> None:
        """A phone that registers logs its agent in, ready; its last unregistration logs out."""
        floor = self.floor(tenant_id)
        if extension in floor.floor.acd.agents:
            floor.handle(AgentLoggedIn(extension) if present else AgentLoggedOut(extension))

    def bans(self, now: float) -> dict[str, float]:
        """Banned addresses and when (on the endpoint's clock) their ban ends."""
        return self.auth_failures.bans(now) | self.floods.bans(now)

    def _count_auth(self, request: Request, response: Response, peer: Hashable, now: float) -> None:
        """A refused attempt that carried credentials counts towards a ban (a bare first try does not)."""
        carried = request.headers.get("Authorization") is not None
        if response.status in (401, 403) and carried and self.auth_failures.record_failure(_host(peer), now):
            log.warning("SIP: %s banned after repeated failed authentications", _host(peer))

    def _is_trusted(self, peer: Hashable) -> bool:
        host = _host(peer)
        if self.trunks.trusted(host):  # a provider's calls to the numbers it routes to us
            return True
        try:
            address = ipaddress.ip_address(str(host))
        except ValueError:
            return False
        return any(address in network for network in self._trusted)

    def _write(self, message: Request | Response, peer: Hashable) -> None:
        if isinstance(message, Response) and message.headers.get("Server") is None:
            message.headers.add("Server", self._user_agent)
        elif isinstance(message, Request) and message.headers.get("User-Agent") is None:
            message.headers.add("User-Agent", self._user_agent)
        self.send(message.to_bytes(), peer)


def _host(peer: Hashable) -> str:
    return str(peer[1]) if isinstance(peer, tuple) and len(peer) > 1 else ""
