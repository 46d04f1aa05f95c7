"""The call process's side of the media process: prompts played elsewhere, sockets kept here.

:mod:`.worker` says why prompts are played in a process of their own and lists the messages.
Here a :class:`RemotePlayer` has the interface of :class:`~.player.PromptPlayer`, so a call
does not know where its prompts are played, and :class:`MediaProcess` lends sessions' outgoing
streams (:meth:`RtpSession.lend`) and takes them back:

- a session is lent at its first prompt and stays lent across prompts and music on hold;
- when the call process wants to send on it itself (relayed audio once the agent answers, a
  digit, a conference), the session asks for it back: while a prompt is still playing the
  prompt keeps the floor, as it does in one process (relayed audio is held back meanwhile);
  otherwise the stream is reclaimed, and the packets of that millisecond are lost;
- a prompt asked for while the stream is on its way back is sent once it has arrived.

If the media process dies, every stream comes back as it was lent and the players carry on in
this process: calls keep their prompts, slower. Prompts are read here too before a play is
sent, so that a missing or bad file raises :class:`~callfloor.server.media.PromptError` in
the caller's code, as with a local player.
"""

import asyncio
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

from callfloor.core.media.rtp import StreamSnapshot
from callfloor.server.media import MediaStateError
from callfloor.server.media.channel import Channel, Message
from callfloor.server.media.player import Player, PromptPlayer, prompt_frames
from callfloor.server.media.session import RtpSession

log = logging.getLogger(__name__)


@dataclass
class _Loan:
    number: int
    session: RtpSession
    player: "RemotePlayer"
    snapshot: StreamSnapshot  # as lent: what the session gets back if the media process dies
    returning: bool = False  # reclaimed, the stream not back yet


class MediaProcess:
    """The media process, started by :meth:`start`, and the streams lent to it."""

    def __init__(self, process: subprocess.Popen[bytes] | None = None) -> None:
        self.process = process
        self._channel: Channel | None = None
        self._loans: dict[RtpSession, _Loan] = {}
        self._numbers: dict[int, _Loan] = {}
        self._next = 0
        self.returns = 0  # streams given back, for the tests and the curious

    @classmethod
    def start(cls) -> "MediaProcess":
        """Start ``python -m callfloor.server.media.worker`` on one end of a socket pair."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                [sys.executable, "-m", "callfloor.server.media.worker", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        finally:
            theirs.close()
        media = cls(process)
        media._channel = Channel(ours, media._handle, media._lost)
        log.info("media process started (pid %d)", process.pid)
        return media

    @property
    def alive(self) -> bool:
        """Whether prompts go to the media process (else they play here)."""
        return self._channel is not None and not self._channel.closed

    @property
    def loans(self) -> int:
        """Sessions whose outgoing stream is with the media process now."""
        return len(self._loans)

    def player(self, session: RtpSession) -> Player:
        """A player for ``session``'s prompts: in the media process while it runs."""
        return RemotePlayer(self, session) if self.alive else PromptPlayer(session)

    async def aclose(self, timeout: float = 3.0) -> None:
        """Close the channel (the media process exits on its end of file) and wait for it."""
        if self._channel is not None:
            self._channel.close()
        self._lost()
        process = self.process
        if process is None:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while process.poll() is None and loop.time() < deadline:
            await asyncio.sleep(0.01)
        if process.poll() is None:
            log.warning("media process %d did not exit; killed", process.pid)
            process.kill()
            process.wait()

    # -- what the players ask for ------------------------------------------------------------

    def play(self, player: "RemotePlayer", paths: Sequence[Path], loop: bool, token: int) -> None:
        """Play on ``player``'s session in the media process, lending its stream first."""
        assert self._channel is not None  # noqa: S101 - players are handed out only while alive
        loan = self._loans.get(player.session)
        if loan is None:
            loan = self._lend(player)
        if not loan.returning:
            self._channel.send(("play", loan.number, token, [os.fspath(p) for p in paths], loop))
        # else: sent from _returned once the stream is back, lent again

    def stop(self, player: "RemotePlayer") -> None:
        """Stop ``player``'s prompt; its session stays lent until we send on it ourselves."""
        loan = self._loans.get(player.session)
        if loan is not None and not loan.returning and self._channel is not None:
            self._channel.send(("stop", loan.number))

    # -- Lender: what the sessions ask for ----------------------------------------------------

    def reclaim(self, session: RtpSession) -> None:
        """``session`` wants to send: take its stream back unless a prompt has the floor."""
        loan = self._loans.get(session)
        if loan is None or loan.returning or loan.player.playing or self._channel is None:
            return
        loan.returning = True
        self._channel.send(("reclaim", loan.number))

    def retarget(self, session: RtpSession) -> None:
        """Tell the media process where ``session`` sends now, and whether it may."""
        loan = self._loans.get(session)
        if loan is not None and not loan.returning and self._channel is not None:
            self._channel.send(("retarget", loan.number, session.remote, session.sends))

    def release(self, session: RtpSession) -> None:
        """``session`` is closed: the media process closes its copy of the socket."""
        loan = self._loans.pop(session, None)
        if loan is not None:
            del self._numbers[loan.number]
            if self._channel is not None:
                self._channel.send(("drop", loan.number))

    # -- inside -------------------------------------------------------------------------------

    def _lend(self, player: "RemotePlayer") -> _Loan:
        assert self._channel is not None  # noqa: S101 - see play
        session, codec, payload_type = player.session, player.session.codec, player.session.payload_type
        assert codec is not None  # noqa: S101 - RemotePlayer.play checked it
        assert payload_type is not None  # noqa: S101 - as the codec
        fd, snapshot = session.lend(self)
        self._next += 1
        loan = _Loan(self._next, session, player, snapshot)
        self._loans[session], self._numbers[loan.number] = loan, loan
        message = (
            "lend", loan.number, astuple(snapshot), session.remote, session.sends,
            payload_type, codec.encoding, codec.clock_rate,
        )  # fmt: skip
        self._channel.send(message, [fd])
        return loan

    def _handle(self, message: Message, fds: list[int]) -> None:
        for fd in fds:  # the media process sends none
            socket.close(fd)
        kind, number = message[0], int(message[1])
        loan = self._numbers.get(number)
        if loan is None:
            return  # the session closed meanwhile
        if kind == "done":
            loan.session.lent_sent = int(message[3])
            loan.player.done(int(message[2]))
        elif kind == "sent":
            loan.session.lent_sent = int(message[2])
        elif kind == "failed":
            log.error("media process could not play on RTP port %d: %s", loan.session.local_port, message[3])
            loan.player.done(int(message[2]))
        elif kind == "returned":
            self._returned(loan, StreamSnapshot(*message[2]), int(message[3]))
        else:
            log.error("media process sent an unknown message %r", kind)

    def _returned(self, loan: _Loan, snapshot: StreamSnapshot, sent: int) -> None:
        del self._loans[loan.session], self._numbers[loan.number]
        loan.session.restore(snapshot, sent)
        self.returns += 1
        player = loan.player
        if player.playing:  # a prompt asked for while the stream was coming back
            self.play(player, player.paths, player.looping, player.token)

    def _lost(self) -> None:
        """The media process is gone (or we closed it): streams back, prompts played here."""
        if self.process is not None:
            self.process.poll()  # reaped if it exited
        loans, self._loans, self._numbers = list(self._loans.values()), {}, {}
        for loan in loans:
            if loan.session.closed:
                continue
            loan.session.restore(loan.snapshot, 0)
            loan.player.fall_back()
        if loans and self.process is not None:
            log.error(
                "media process %d ended: %d calls' prompts now play in the call process",
                self.process.pid,
                len(loans),
            )


class RemotePlayer:
    """A :class:`~.player.PromptPlayer` whose frames are sent by the media process."""

    def __init__(self, media: MediaProcess, session: RtpSession) -> None:
        self.session, self._media = session, media
        self.token = 0  # the current play's number: a late "done" of an earlier one is ignored
        self.paths: tuple[Path, ...] = ()
        self.looping = False
        self._playing = False
        self._on_done: Callable[[], None] | None = None
        self._local: PromptPlayer | None = None  # once the media process is gone

    @property
    def playing(self) -> bool:
        """Whether a prompt is playing (as far as this process knows: "done" may be on its way)."""
        return self._playing if self._local is None else self._local.playing

    def play(
        self, paths: Sequence[Path], *, loop: bool = False, on_done: Callable[[], None] | None = None
    ) -> None:
        """As :meth:`PromptPlayer.play`: bad files raise here, ``on_done`` after the last frame."""
        if self._local is not None or not self._media.alive:
            self._local = self._local or PromptPlayer(self.session)
            self._local.play(paths, loop=loop, on_done=on_done)
            return
        codec = self.session.codec
        if codec is None:
            raise MediaStateError("the session has no negotiated codec yet: call set_remote first")
        frames = sum(len(prompt_frames(path, codec)) for path in paths)  # PromptError for a bad one
        self.stop()
        if not frames:
            if on_done is not None:
                on_done()
            return
        self._media.play(self, tuple(paths), loop, self.token + 1)  # first: lending a closed session raises
        self.token += 1
        self.paths, self.looping, self._on_done, self._playing = tuple(paths), loop, on_done, True

    def stop(self) -> None:
        """Stop the prompt; the media process may still send the frame of this very tick."""
        if self._local is not None:
            self._local.stop()
        elif self._playing:
            self._playing, self._on_done = False, None
            self._media.stop(self)

    def done(self, token: int) -> None:
        """The media process sent the last frame of play ``token``."""
        if token != self.token or not self._playing:
            return  # stopped or replaced since
        on_done, self._playing, self._on_done = self._on_done, False, None
        if on_done is not None:
            on_done()

    def fall_back(self) -> None:
        """The media process is gone: play here from now on, the current prompt from its start."""
        playing, on_done = self._playing, self._on_done
        self._playing, self._on_done = False, None
        self._local = PromptPlayer(self.session)
        if playing:
            self._local.play(self.paths, loop=self.looping, on_done=on_done)
