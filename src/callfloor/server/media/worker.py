"""The media process: plays prompts and music on hold on RTP sockets the call process lends it.

*Why a process of its own.* Playing is the heaviest thing the server does: a 2 s call at
300 calls/s means 600 streams, 30,000 packets a second, and ``bench/sip_cps.py`` found the
players taking half of the call process's time, the ``sendto`` calls alone a quarter. One
event loop cannot carry that and the SIP of those calls; the machine has other cores. So
the call process (:mod:`.offload`) keeps every socket and everything that arrives on them
(digits, audio to relay or record), and lends a caller's outgoing stream here while a prompt
plays: the socket's descriptor, where to send, and the stream's numbering
(:class:`~callfloor.core.media.rtp.StreamSnapshot`), which comes back when the call process
wants to send again, so the phone sees one stream throughout.

Here, a :class:`LentStream` stands in for the session and the very :class:`~.player.PromptPlayer`
and :class:`~.player.FrameClock` of the call process do the pacing.

Messages (:mod:`.channel`), call process → media process:

- ``("lend", loan, snapshot, remote, sends, payload_type, encoding, clock_rate)`` + the socket;
- ``("play", loan, token, paths, loop)``, ``("stop", loan)``;
- ``("retarget", loan, remote, sends)``: the peer moved, or put us on hold;
- ``("reclaim", loan)``: stop, close our copy of the socket, answer ``returned``;
- ``("drop", loan)``: the call process closed the session.

Media process → call process: ``("done", loan, token, sent)`` after a prompt's last frame,
``("sent", loan, sent)`` after a stop (how many packets went out on the loan so far: the
call process counts them as the session's), ``("failed", loan, token, reason)`` for a prompt
that cannot be read here, and ``("returned", loan, snapshot, sent)``.

Run as ``python -m callfloor.server.media.worker FD``, FD being its end of the pair; it
exits when the call process closes the other end (or dies), so it never outlives it.
"""

import asyncio
import gc
import logging
import random
import socket
import sys
from dataclasses import astuple
from pathlib import Path
from typing import Any

from callfloor.core.media.rtp import RtpStreamState, StreamSnapshot
from callfloor.core.sip.offer_answer import Codec
from callfloor.server.media import MediaDriverError
from callfloor.server.media.channel import Channel, Message
from callfloor.server.media.player import PromptPlayer

log = logging.getLogger(__name__)

Remote = tuple[str, int] | None


class LentStream:
    """A session's outgoing stream while it is on loan: what :class:`PromptPlayer` sends on."""

    def __init__(
        self, sock: socket.socket, snapshot: StreamSnapshot, remote: Remote, sends: bool, codec: Codec
    ) -> None:
        self._sock, self.remote, self.sends, self._codec = sock, remote, sends, codec
        self._out = RtpStreamState.resumed(snapshot)
        draw = random.SystemRandom()  # our generator's own numbering (RFC 3550 §5.1), re-stamped by _out
        self._local = (draw.getrandbits(32), draw.getrandbits(16), draw.getrandbits(32))
        self._loop = asyncio.get_running_loop()
        self._closed = False
        self.sent = 0

    @property
    def codec(self) -> Codec | None:
        """The codec the call process negotiated."""
        return self._codec

    @property
    def closed(self) -> bool:
        """Whether the loan ended."""
        return self._closed

    def new_source(self) -> None:
        """A new talkspurt: marker bit, timestamps re-anchored to the clock."""
        self._out.new_source()

    def send_audio(self, payload: bytes) -> None:
        """One frame, as :meth:`RtpSession.send_audio` would send it; nothing while held."""
        if self._closed or self.remote is None or not self.sends:
            return
        ssrc, sequence, timestamp = self._local
        self._local = (ssrc, (sequence + 1) & 0xFFFF, (timestamp + len(payload)) & 0xFFFFFFFF)
        datagram = self._out.datagram(
            self._codec.payload_type, sequence, timestamp, ssrc, payload, False, self._loop.time()
        )
        try:
            self._sock.sendto(datagram, self.remote)
        except OSError as exc:  # a full buffer or an ICMP error of an earlier send: this frame is lost
            log.debug("lent RTP socket: %s", exc)
            return
        self.sent += 1

    def give_back(self) -> tuple[StreamSnapshot, int]:
        """End the loan: our copy of the socket closed, the numbering and the count for the owner."""
        self._closed = True
        self._sock.close()
        return self._out.snapshot(), self.sent


class MediaWorker:
    """The loans this process holds, driven by the call process's messages."""

    def __init__(self) -> None:
        self.channel: Channel | None = None
        self.finished = asyncio.Event()
        self._streams: dict[int, LentStream] = {}
        self._players: dict[int, PromptPlayer] = {}

    def attach(self, sock: socket.socket) -> None:
        """Serve the call process at the other end of ``sock``."""
        self.channel = Channel(sock, self.handle, self.finished.set)

    def handle(self, message: Message, fds: list[int]) -> None:
        """One message of the call process (the module's docstring lists them)."""
        kind, loan = message[0], int(message[1])
        if kind == "lend":
            self._lend(loan, message, fds)
            return
        for fd in fds:  # only a loan carries a socket
            socket.close(fd)
        stream, player = self._streams.get(loan), self._players.get(loan)
        if stream is None or player is None:
            return  # dropped or reclaimed already: the call process's message crossed ours
        if kind == "play":
            _, _, token, paths, loop = message
            self._play(loan, stream, player, int(token), [Path(str(p)) for p in paths], bool(loop))
        elif kind == "stop":
            player.stop()
            self._send(("sent", loan, stream.sent))
        elif kind == "retarget":
            stream.remote, stream.sends = _remote(message[2]), bool(message[3])
        elif kind in {"reclaim", "drop"}:
            player.stop()
            del self._streams[loan], self._players[loan]
            snapshot, sent = stream.give_back()
            if kind == "reclaim":
                self._send(("returned", loan, astuple(snapshot), sent))
        else:
            log.error("media process: unknown message %r", kind)

    def _lend(self, loan: int, message: Message, fds: list[int]) -> None:
        _, _, snapshot, remote, sends, payload_type, encoding, clock_rate = message
        if len(fds) != 1:
            for fd in fds:
                socket.close(fd)
            log.error("media process: loan %d came with %d descriptors", loan, len(fds))
            return
        sock = socket.socket(fileno=fds[0])
        sock.setblocking(False)
        codec = Codec(str(encoding), int(clock_rate), int(payload_type))
        stream = LentStream(sock, StreamSnapshot(*snapshot), _remote(remote), bool(sends), codec)
        self._streams[loan], self._players[loan] = stream, PromptPlayer(stream)

    def _play(  # noqa: PLR0917 - the fields of a play message
        self, loan: int, stream: LentStream, player: PromptPlayer, token: int, paths: list[Path], loop: bool
    ) -> None:
        try:
            player.play(paths, loop=loop, on_done=lambda: self._send(("done", loan, token, stream.sent)))
        except MediaDriverError as exc:  # read by the call process already; changed on disk since
            self._send(("failed", loan, token, str(exc)))

    def _send(self, message: Message) -> None:
        if self.channel is not None:
            self.channel.send(message)

    def close(self) -> None:
        """Stop every player and close every lent socket."""
        for loan in list(self._streams):
            self._players.pop(loan).stop()
            self._streams.pop(loan).give_back()
        if self.channel is not None:
            self.channel.close()


def _remote(value: Any) -> Remote:
    if value is None:
        return None
    host, port = value
    return str(host), int(port)


async def serve(fd: int) -> None:
    """Serve the call process on descriptor ``fd`` until it goes away."""
    worker = MediaWorker()
    worker.attach(socket.socket(fileno=fd))
    try:
        await worker.finished.wait()
    finally:
        worker.close()


def main(argv: list[str]) -> None:
    """Entry point: ``python -m callfloor.server.media.worker FD``."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: media process: %(name)s: %(message)s")
    gc.collect()
    gc.freeze()  # as the call process does (runner._tune_gc): short collections, no RTP pauses
    gc.set_threshold(10_000, 50, 100)
    asyncio.run(serve(int(argv[1])))


if __name__ == "__main__":
    main(sys.argv)
