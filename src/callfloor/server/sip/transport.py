"""UDP and TCP on the SIP port, feeding the endpoint and carrying its answers back.

Peers are ``("udp", host, port)`` or ``("tcp", host, port)``; a response or request for a TCP
peer goes down the connection it came in on (RFC 3261 §18.2.2), and a request to a TCP peer we
have no connection with (a provider's trunk over TCP) opens one (§18.1.1), what is sent
meanwhile waiting for it; a connection that cannot be made fails the requests sent there at
once (§17.1.4). The endpoint's next deadline is kept as one ``loop.call_at``
timer, re-armed after every event.
"""

import asyncio
import logging
import socket
from collections.abc import Hashable
from typing import cast

from callfloor.core.sip import ParseError
from callfloor.core.sip.message import Message
from callfloor.core.sip.parser import StreamFramer
from callfloor.server.sip.endpoint import SipEndpoint

log = logging.getLogger(__name__)

UDP_BUFFER = 4 * 1024 * 1024  # octets asked for each of SO_RCVBUF and SO_SNDBUF
CONNECT_TIMEOUT_S = 5.0  # an outgoing TCP connection's time to be made, within timer B/F's 32 s


class SipTransports:
    """The sockets of one SIP endpoint."""

    def __init__(self, endpoint: SipEndpoint) -> None:
        self.endpoint = endpoint
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp: dict[Hashable, asyncio.Transport] = {}
        self._connecting: dict[Hashable, list[bytes]] = {}  # TCP peers being connected to, what waits
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._loop = asyncio.get_running_loop()
        endpoint.send = self._send
        endpoint.clock = self._loop.time
        endpoint.on_activity = self._rearm

    async def start(self, host: str, port: int) -> tuple[str, int]:
        """Listen on UDP and TCP; the bound address (port 0 picks a free one, same for both)."""
        attempts = 20 if port == 0 else 1
        for attempt in range(attempts):
            transport, _ = await self._loop.create_datagram_endpoint(
                lambda: _Datagram(self), local_addr=(host, port)
            )
            bound = transport.get_extra_info("sockname")
            try:
                self._server = await self._loop.create_server(lambda: _Stream(self), host, bound[1])
            except OSError:
                # The free UDP port may be taken on TCP (an outgoing connection's ephemeral
                # port, say): try another pair rather than fail the start.
                transport.close()
                if attempt == attempts - 1:
                    raise
                continue
            break
        self._udp = transport
        _enlarge_buffers(transport)
        self.endpoint.bound(bound[0], bound[1])
        return bound[0], bound[1]

    def close(self) -> None:
        """Stop listening and drop connections."""
        if self._timer is not None:
            self._timer.cancel()
        if self._udp is not None:
            self._udp.close()
        if self._server is not None:
            self._server.close()
        for connection in list(self._tcp.values()):
            connection.close()
        for task in list(self._tasks):
            task.cancel()

    async def aclose(self) -> None:
        """Close everything and wait until the sockets are released."""
        self.endpoint.close()
        self.close()
        if self._server is not None:
            await self._server.wait_closed()
        await asyncio.sleep(0)  # let the transports' connection_lost callbacks run

    def feed(self, data: bytes | Message, peer: Hashable, reliable: bool) -> None:
        """Hand a datagram (or a message a stream framer parsed) to the endpoint, then re-arm the timer."""
        try:
            if isinstance(data, bytes):
                self.endpoint.receive(data, peer, reliable, self._loop.time())
            else:
                self.endpoint.receive_message(data, peer, reliable, self._loop.time())
        except Exception:  # a bug must not take the server down with it; it is logged in full
            log.exception("SIP message from %s crashed the endpoint", peer)
        self._rearm()

    def _tick(self) -> None:
        self._timer = None
        try:
            self.endpoint.on_deadline(self._loop.time())
        except Exception:
            log.exception("SIP timer crashed")
        self._rearm()

    def _rearm(self) -> None:
        deadline = self.endpoint.next_deadline()
        if self._timer is not None and (deadline is None or self._timer.when() != deadline):
            self._timer.cancel()
            self._timer = None
        if deadline is not None and self._timer is None:
            self._timer = self._loop.call_at(deadline, self._tick)

    def _send(self, data: bytes, peer: Hashable) -> None:
        kind, host, port = cast(tuple[str, str, int], peer)
        if kind == "udp" and self._udp is not None:
            self._udp.sendto(data, (host, port))
        elif (connection := self._tcp.get(peer)) is not None:
            connection.write(data)
        elif kind == "tcp":
            self._connect(peer, data)

    def _connect(self, peer: Hashable, data: bytes) -> None:
        waiting = self._connecting.get(peer)
        if waiting is not None:
            waiting.append(data)
            return
        self._connecting[peer] = [data]
        task = self._loop.create_task(self._open(peer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _open(self, peer: Hashable) -> None:
        _, host, port = cast(tuple[str, str, int], peer)
        try:
            transport, protocol = await asyncio.wait_for(
                self._loop.create_connection(lambda: _Stream(self), host, port), CONNECT_TIMEOUT_S
            )
        except (OSError, TimeoutError) as exc:
            log.warning("SIP: no TCP connection to %s:%s: %s", host, port, exc)
            self._connecting.pop(peer, None)
            self.endpoint.transport_failed(peer, self._loop.time())
            self._rearm()
            return
        protocol.alias = peer  # known by the name it was asked for, as well as by its address
        self._tcp[peer] = transport
        for data in self._connecting.pop(peer, []):
            transport.write(data)


def _enlarge_buffers(transport: asyncio.BaseTransport) -> None:
    """Room for bursts in the UDP socket's buffers, as far as the system allows (best effort).

    The default receive buffer (208 KiB on Linux, the kernel counting each datagram's overhead
    too) holds a few hundred requests: while the loop is busy for a few tens of ms (a garbage
    collection, a database write), a burst of calls overflows it, and each INVITE dropped costs
    its caller a retransmission, 500 ms later (T1, RFC 3261 §17.1.1.2).
    The kernel caps the value at ``net.core.rmem_max`` / ``wmem_max`` without an error.
    """
    sock = transport.get_extra_info("socket")  # an asyncio TransportSocket
    if sock is None:
        return
    for option in (socket.SO_RCVBUF, socket.SO_SNDBUF):
        try:
            sock.setsockopt(socket.SOL_SOCKET, option, UDP_BUFFER)
        except OSError as exc:
            log.info("cannot enlarge the SIP socket's buffer (%s): %s", option, exc)


class _Datagram(asyncio.DatagramProtocol):
    def __init__(self, owner: SipTransports) -> None:
        self.owner = owner

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        if data.strip(b"\r\n"):  # bare CRLF keep-alives get no answer over UDP
            self.owner.feed(data, ("udp", addr[0], addr[1]), False)


class _Stream(asyncio.Protocol):
    def __init__(self, owner: SipTransports) -> None:
        self.owner = owner
        self.framer = StreamFramer()
        self.peer: Hashable = None
        self.alias: Hashable = None  # the peer as a request named it, for connections we opened
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)  # noqa: S101 - TCP gives stream transports
        self.transport = transport
        host, port = transport.get_extra_info("peername")[:2]
        self.peer = ("tcp", host, port)
        self.owner._tcp[self.peer] = transport

    def data_received(self, data: bytes) -> None:
        try:
            messages = self.framer.feed(data)
        except ParseError as error:  # framing lost: nothing more can be read on this connection
            log.info("closing SIP connection %s: %s", self.peer, error.reason)
            if self.transport is not None:
                self.transport.close()
            return
        for message in messages:
            self.owner.feed(message, self.peer, True)  # parsed once, by the framer

    def connection_lost(self, exc: Exception | None) -> None:
        for peer in (self.peer, self.alias):
            if self.owner._tcp.get(peer) is self.transport:
                self.owner._tcp.pop(peer, None)
