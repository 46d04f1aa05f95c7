"""A conference: up to eight legs, each hearing the sum of all the others (issue #5, three-way calls).

A bridge relays packets, but with three or more parties each phone must hear several of them
at once, so a conference mixes. On every 20 ms tick of the shared :class:`FrameClock` it takes
one frame from each participant's :class:`Track` (the audio that arrived since, decoded from
G.711 once, on arrival; silence when none did), sums for each participant the frames of all
the others, never its own (a phone that hears itself back, delayed, is an echo), encodes that
once in the participant's own codec (PCMU or PCMA) and sends it from our generator
(:meth:`RtpSession.send_audio`), so the phone sees one stream that carries on from the
prompts it heard, with the marker bit where the conference started (RFC 3551 §4.1).

*The sum of the others* cannot be had as the total minus one's own frame: the sum saturates
(:func:`mix`), and what was clipped away cannot be subtracted back. :func:`mix_others` adds
running sums from the left and from the right instead, about 3N frame mixes a tick rather than
the N(N-2) of summing the others afresh for each participant.

*Timing.* A participant's backlog is bounded (:attr:`Conference.MAX_BACKLOG`), which bounds
the delay a fast phone can build up. When the clock skips slots (a stalled loop), the audio
of those slots is dropped rather than sent late, and each stream is re-anchored with the
marker bit, as a prompt player does.

*Who hears whom.* By default every participant is heard by all the others. A participant may
instead be heard by some of them only (:meth:`Conference.set_audience`), switchable live, for
a supervisor's monitoring: listening (heard by nobody), whispering to the agent (heard by the
agent only), barging in (heard by everyone again). :func:`mix_heard` sums the frames heard by
everyone with :func:`mix_others`, then adds each restricted frame to its listeners' sums: one
more mix per listener, not a sum afresh per participant. Adding in that order is one more order
of saturating sums, with the caveat above.

*Digits* (RFC 4733) are not relayed in a conference by default: whose key press would it be, and
to which of the others? The owner's ``on_digit`` still hears them. The owner may name a pair
whose digits go through as over a bridge (:meth:`Conference.relay_digits`): a supervisor's
monitor keeps the caller's key presses reaching the agent's phone and back. They cannot be passed
on as they came, as a bridge does: each phone's stream is our mix, and a packet relayed from
another source between two frames of it would re-anchor the stream twice a digit, and be held
back anyway while the mix has the floor. So each press is read off its packets
(:class:`~callfloor.core.media.dtmf.DtmfReceiver`) and pressed again, with its duration, by the
target leg's own generator (:meth:`RtpSession.send_dtmf`), in the stream the phone already
follows: it arrives one press-length late (about 100 ms), whole. A leg that negotiated no
telephone-event gets none, as over a bridge (SIP INFO is the call driver's business).

A leg that hangs up (its session closed) leaves the conference at the next tick.
"""

import logging
from collections.abc import Iterable, Sequence, Set

from callfloor.core.media import DtmfParseError
from callfloor.core.media.dtmf import DtmfReceiver
from callfloor.core.media.mixing import mix
from callfloor.core.media.rtp import RtpPacket
from callfloor.server.media import MediaStateError
from callfloor.server.media.player import FrameClock
from callfloor.server.media.session import RtpSession
from callfloor.server.media.tracks import ENCODERS, FRAME_OCTETS, Track

log = logging.getLogger(__name__)
MIN_DIGIT = 320  # timestamp units at 8 kHz: 40 ms, the shortest key press a receiver must take (ITU-T Q.24)


def mix_others(frames: Sequence[bytes]) -> list[bytes]:
    """For each frame, the saturated sum of all the other frames (16-bit PCM of one length).

    Exactly the clamped sum unless a partial sum clips and later frames of the other sign pull
    it back (two shouts and a third voice out of phase): any order of saturating sums does that.
    """
    if not frames:
        return []
    before = [bytes(len(frames[0]))]  # before[i]: the sum of the frames left of i
    for frame in frames[:-1]:
        before.append(_add(before[-1], frame))
    after = [before[0]]  # after[k]: the sum of the last k frames
    for frame in reversed(frames[1:]):
        after.append(_add(after[-1], frame))
    return [_add(left, right) for left, right in zip(before, reversed(after), strict=True)]


def mix_heard(frames: Sequence[bytes], audiences: Sequence[Set[int] | None]) -> list[bytes]:
    """For each frame, the saturated sum of the other frames that reach it.

    ``audiences[k]`` says who hears frame ``k``: None for everyone, else the indices of its only
    listeners (an empty set: nobody). A listener index that is the frame's own or out of range
    is ignored. With every audience None this is :func:`mix_others`.
    """
    if len(audiences) != len(frames):
        raise ValueError(f"{len(frames)} frames and {len(audiences)} audiences")
    public = [k for k, audience in enumerate(audiences) if audience is None]
    if len(public) == len(frames):
        return mix_others(frames)
    # One silent frame more: the sum of the others it hears is everyone's total, which is what
    # a participant heard by some only hears of those heard by all.
    sums = mix_others([frames[k] for k in public] + [bytes(len(frames[0]))])
    total = sums.pop()
    heard = [total] * len(frames)
    for k, others in zip(public, sums, strict=True):
        heard[k] = others
    for k, audience in enumerate(audiences):
        for listener in sorted(audience or ()):
            if listener != k and 0 <= listener < len(frames):
                heard[listener] = _add(heard[listener], frames[k])
    return heard


def _add(first: bytes, second: bytes) -> bytes:
    """:func:`mix`, skipped when either frame is digital silence: a quiet leg costs nothing."""
    if first.count(0) == len(first):
        return second
    if second.count(0) == len(second):
        return first
    return mix(first, second)


class DigitRelay:
    """One direction of a conference's digit relay: each key press on ``source`` pressed again on
    ``target``."""

    def __init__(self, source: RtpSession, target: RtpSession) -> None:
        self.source, self.target = source, target
        self._presses = DtmfReceiver()

    def audio(self, payload: bytes, packet: RtpPacket) -> None:
        """Audio is the mix's business."""

    def event(self, packet: RtpPacket) -> None:
        """A telephone-event packet: once its press is over, the same key, as long, on the target."""
        try:
            pressed = self._presses.on_packet(packet.timestamp, packet.payload)
        except DtmfParseError:
            return  # the session counted it malformed already
        for press in pressed:
            try:
                self.target.send_dtmf(press.digit, max(press.duration, MIN_DIGIT))
            except MediaStateError:  # no telephone-event on that leg: nothing, as over a bridge
                log.debug("digit %s not relayed: no telephone-event on the other leg", press.digit)


class Conference:
    """Mixes ``sessions`` (2 to 8 legs) from :meth:`start`: each hears the others it may (all, by default).

    Stop the legs' bridges and prompt players first: a leg's own generator is what sends the
    mix, and two generators on one leg would interleave.
    """

    MAX_PARTICIPANTS = 8
    MAX_BACKLOG = 5  # frames per participant, 100 ms

    def __init__(self, sessions: Iterable[RtpSession], *, clock: FrameClock | None = None) -> None:
        """``MediaStateError`` for fewer than 2 or more than 8 legs, or one leg twice."""
        self._tracks: dict[RtpSession, Track] = {}
        self._audiences: dict[RtpSession, frozenset[RtpSession]] = {}  # those heard by some only
        for session in sessions:
            self._join(session)
        if len(self._tracks) < 2:
            raise MediaStateError(f"a conference needs two legs at least, not {len(self._tracks)}")
        self._clock = clock or FrameClock.shared()
        self._running = False
        self._digits: list[DigitRelay] = []  # the pairs whose key presses go through

    @property
    def participants(self) -> tuple[RtpSession, ...]:
        """The legs in the conference, in the order they joined."""
        return tuple(self._tracks)

    @property
    def running(self) -> bool:
        """Whether audio is being mixed and sent."""
        return self._running

    def start(self) -> None:
        """Start mixing; starting twice does nothing."""
        if self._running:
            return
        self._running = True
        for track in self._tracks.values():
            self._listen(track)
        for relay in self._digits:
            relay.source.add_tap(relay)
        self._clock.add(self)

    def stop(self) -> None:
        """Stop mixing; the legs stay open, as the call goes on; stopping twice does nothing."""
        if not self._running:
            return
        self._running = False
        self._clock.discard(self)
        for track in self._tracks.values():
            self._leave(track)
        for relay in self._digits:
            relay.source.remove_tap(relay)

    def add(self, session: RtpSession) -> None:
        """Bring ``session`` in, hearing the others at once if running; ``MediaStateError`` past 8."""
        track = self._join(session)
        if self._running:
            self._listen(track)

    def remove(self, session: RtpSession) -> None:
        """Take ``session`` out (it stays open); a leg not in the conference is ignored.

        The last legs may be removed too: a conference of one sends its leg silence.
        """
        track = self._tracks.pop(session, None)
        self._audiences.pop(session, None)
        if track is not None and self._running:
            self._leave(track)
        for relay in [relay for relay in self._digits if session in (relay.source, relay.target)]:
            self._digits.remove(relay)
            relay.source.remove_tap(relay)

    def relay_digits(self, a: RtpSession, b: RtpSession) -> None:
        """From now on, key presses (RFC 4733) on ``a`` reach ``b`` and back, as over a bridge.

        ``MediaStateError`` for a leg not in the conference, or ``a`` and ``b`` the same leg;
        asking twice for a pair does nothing. The pair's relay ends when either leaves.
        """
        for session in (a, b):
            if session not in self._tracks:
                raise MediaStateError(f"the leg on port {session.local_port} is not in the conference")
        if a is b:
            raise MediaStateError("digits are relayed between two legs, not a leg and itself")
        if any({relay.source, relay.target} == {a, b} for relay in self._digits):
            return
        for relay in (DigitRelay(a, b), DigitRelay(b, a)):
            self._digits.append(relay)
            if self._running:
                relay.source.add_tap(relay)

    def set_audience(self, session: RtpSession, listeners: Iterable[RtpSession] | None) -> None:
        """From the next tick, ``session`` is heard by ``listeners`` only (None: by everyone again).

        ``MediaStateError`` for a leg not in the conference; listeners that are not in it (or
        leave it) are ignored.
        """
        if session not in self._tracks:
            raise MediaStateError(f"the leg on port {session.local_port} is not in the conference")
        if listeners is None:
            self._audiences.pop(session, None)
        else:
            self._audiences[session] = frozenset(listeners)

    def audience(self, session: RtpSession) -> frozenset[RtpSession] | None:
        """Who hears ``session``: None for everyone."""
        return self._audiences.get(session)

    def tick(self, skipped: int) -> None:
        """Send each participant the others' audio of this slot (the clock calls it every 20 ms)."""
        for session in [session for session in self._tracks if session.closed]:
            self.remove(session)  # hung up
        tracks = list(self._tracks.values())
        for track in tracks:
            for _ in range(skipped):
                track.take()  # those slots are past: sending them now would only add delay
        frames = [track.take() for track in tracks]
        for track, heard in zip(tracks, mix_heard(frames, self._audience_indices()), strict=True):
            codec = track.session.codec
            encode = None if codec is None else ENCODERS.get(codec.encoding.upper())
            if encode is not None:
                if skipped:
                    track.session.new_source()  # a pause: re-anchored to the present
                track.session.send_audio(encode(heard))

    def _audience_indices(self) -> list[frozenset[int] | None]:
        """Each participant's audience as indices into this tick's participants."""
        if not self._audiences:
            return [None] * len(self._tracks)
        index = {session: k for k, session in enumerate(self._tracks)}
        return [
            None if (audience := self._audiences.get(session)) is None
            else frozenset(index[listener] for listener in audience if listener in index)
            for session in self._tracks
        ]  # fmt: skip

    def _join(self, session: RtpSession) -> Track:
        if session in self._tracks:
            raise MediaStateError(f"the leg on port {session.local_port} is in the conference already")
        if len(self._tracks) >= self.MAX_PARTICIPANTS:
            raise MediaStateError(f"a conference has {self.MAX_PARTICIPANTS} legs at most")
        track = self._tracks[session] = Track(session, self.MAX_BACKLOG * FRAME_OCTETS)
        return track

    @staticmethod
    def _listen(track: Track) -> None:
        track.pcm.clear()  # nothing heard before it joined, or while the conference was stopped
        track.session.new_source()  # the mix is a new source for its phone: marker, fresh anchor
        track.session.add_tap(track)

    @staticmethod
    def _leave(track: Track) -> None:
        track.session.remove_tap(track)
        track.session.new_source()  # whatever it hears next (a prompt, a bridge) starts afresh
