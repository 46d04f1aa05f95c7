"""One leg's incoming audio as 16-bit PCM, handed out one 20 ms frame per tick of the clock.

What arrives on a leg keeps the phone's timing; what we make from several legs (a recording, a
conference) goes by our :class:`~callfloor.server.media.player.FrameClock`. A :class:`Track`
sits between the two: a tap on the leg that decodes G.711 as it arrives and queues it, and a
:meth:`Track.take` for the clock that gives the next frame, or silence when a whole one has
not come (silence suppression, a lost packet, a phone on mute). The queue is bounded: a phone
whose crystal runs a little fast loses its oldest audio rather than drifting ever later.
"""

from collections.abc import Callable

from callfloor.core.media.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from callfloor.core.media.rtp import RtpPacket
from callfloor.server.media.player import FRAME_SAMPLES
from callfloor.server.media.session import RtpSession

FRAME_OCTETS = 2 * FRAME_SAMPLES  # 20 ms of 16-bit PCM
SILENCE = bytes(FRAME_OCTETS)
DECODERS: dict[str, Callable[[bytes], bytes]] = {"PCMU": ulaw_decode, "PCMA": alaw_decode}
ENCODERS: dict[str, Callable[[bytes], bytes]] = {"PCMU": ulaw_encode, "PCMA": alaw_encode}


class Track:
    """One leg's audio waiting for the next tick, as 16-bit PCM; a tap on its session."""

    def __init__(self, session: RtpSession, limit: int) -> None:
        """``limit`` is the most PCM kept waiting, in octets."""
        self.session, self.limit = session, limit
        self.pcm = bytearray()
        self.listening = True

    def audio(self, payload: bytes, packet: RtpPacket) -> None:
        """Decode and queue an incoming frame, dropping the oldest audio beyond the limit."""
        codec = self.session.codec
        decode = None if codec is None else DECODERS.get(codec.encoding.upper())
        if not self.listening or decode is None:
            return
        self.pcm += decode(payload)
        if len(self.pcm) > self.limit:
            del self.pcm[: len(self.pcm) - self.limit]

    def event(self, packet: RtpPacket) -> None:
        """Digits are left out of the audio: a recording must not keep a card number; a conference
        relays them between two legs by a tap of its own (``Conference.relay_digits``)."""

    def take(self) -> bytes:
        """The next 20 ms of this leg, or silence when a whole frame has not arrived."""
        if len(self.pcm) < FRAME_OCTETS:
            return SILENCE
        frame = bytes(self.pcm[:FRAME_OCTETS])
        del self.pcm[:FRAME_OCTETS]
        return frame
