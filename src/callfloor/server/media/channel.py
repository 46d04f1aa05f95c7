"""Messages between the call process and the media process, over one Unix socket.

A ``SOCK_SEQPACKET`` socket pair keeps message boundaries (one message, one datagram) and
carries file descriptors (``SCM_RIGHTS``), which is how an RTP socket is lent to the media
process without a second bind: both processes then hold the same socket, so packets leave
from the port the phone latched onto. Each message is a tuple of plain values encoded with
``marshal``: both ends are our own code in processes we started (the pair is made before the
fork and never listens), so nothing foreign is decoded; pickle would only add cost.

The standard library has the pieces (``socket.send_fds``, ``recv_fds``) but no asyncio
transport that carries descriptors, so this module is the small one that does: a non-blocking
socket read by ``loop.add_reader``, written directly and through an outbox when the socket
buffer is full, in order.
"""

import asyncio
import logging
import marshal
import socket
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

Message = tuple[Any, ...]  # plain values (marshal): what each kind carries is in worker.py
MessageHandler = Callable[[Message, list[int]], None]

MAX_MESSAGE = 65536  # a play names a few prompt paths; nothing we send comes near it
MAX_FDS = 4


class Channel:
    """One end of the pair: ``send`` messages, get them in ``on_message``, ``on_closed`` at EOF."""

    def __init__(
        self, sock: socket.socket, on_message: MessageHandler, on_closed: Callable[[], None]
    ) -> None:
        sock.setblocking(False)
        self._sock, self._on_message, self._on_closed = sock, on_message, on_closed
        self._loop = asyncio.get_running_loop()
        self._outbox: deque[tuple[bytes, Sequence[int]]] = deque()
        self._closed = False
        self._loop.add_reader(sock.fileno(), self._readable)

    @property
    def closed(self) -> bool:
        """Whether the channel is closed, by us or because the other end went away."""
        return self._closed

    def send(self, message: Message, fds: Sequence[int] = ()) -> None:
        """Queue ``message`` (with ``fds`` duplicated into the other process); order is kept."""
        if self._closed:
            return
        data = marshal.dumps(message)
        if self._outbox:
            self._outbox.append((data, fds))
            return
        try:
            socket.send_fds(self._sock, [data], list(fds)) if fds else self._sock.send(data)
        except BlockingIOError:
            self._outbox.append((data, fds))
            self._loop.add_writer(self._sock.fileno(), self._writable)
        except OSError as exc:
            self._lost(exc)

    def close(self) -> None:
        """Close our end; the other process sees end of file."""
        if self._closed:
            return
        self._closed = True
        self._loop.remove_reader(self._sock.fileno())
        if self._outbox:
            self._loop.remove_writer(self._sock.fileno())
            self._outbox.clear()
        self._sock.close()

    def _writable(self) -> None:
        while self._outbox:
            data, fds = self._outbox[0]
            try:
                socket.send_fds(self._sock, [data], list(fds)) if fds else self._sock.send(data)
            except BlockingIOError:
                return
            except OSError as exc:
                self._lost(exc)
                return
            self._outbox.popleft()
        self._loop.remove_writer(self._sock.fileno())

    def _readable(self) -> None:
        while not self._closed:
            try:
                data, fds, _, _ = socket.recv_fds(self._sock, MAX_MESSAGE, MAX_FDS)
            except BlockingIOError:
                return
            except OSError as exc:
                self._lost(exc)
                return
            if not data:
                self._lost(None)
                return
            try:
                message = marshal.loads(data)  # noqa: S302 - from our own process, see the docstring
            except (EOFError, ValueError, TypeError):
                log.error("media channel: a message that does not decode (%d octets), dropped", len(data))
                continue
            try:
                self._on_message(message, fds)
            except Exception:  # one bad message must not stop the channel; logged in full
                log.exception("media channel: handling %r failed", message[:2])

    def _lost(self, exc: OSError | None) -> None:
        if exc is not None:
            log.error("media channel: %s", exc)
        self.close()
        self._on_closed()
