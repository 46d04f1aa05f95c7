"""The offer/answer model (RFC 3264) on callfloor's call legs, sans I/O.

callfloor is a B2BUA: it answers every caller's offer itself (:func:`answer`), and makes its own
offers on the legs it originates, to the agent's phone or to a callback number (:func:`offer`),
reading the peer's answer with :func:`accept_answer`. Putting a leg on hold and taking it off
are re-INVITEs whose offers :func:`hold_offer` and :func:`resume_offer` derive from the last
description we sent (RFC 3264 §8).

What a leg carries is deliberately narrow: one audio stream over RTP/AVP in G.711 (PCMU, PCMA)
with RFC 4733 telephone-event for DTMF; no SRTP, no rtcp-mux, no video. Any other stream is
declined with port 0 (RFC 3264 §6), so that a softphone offering video or opus still gets a
call in what we share. :class:`Negotiated` is all the media layer needs to send and receive.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from callfloor.core.sip.sdp import (
    Connection,
    Direction,
    Format,
    MediaDescription,
    Origin,
    RtpMap,
    SdpError,
    SessionDescription,
    Timing,
)

DEFAULT_PTIME = 20  # ms; RFC 3551 §4.2: 20 ms unless a=ptime says otherwise
SENDING = frozenset({Direction.SENDRECV, Direction.SENDONLY})
RECEIVING = frozenset({Direction.SENDRECV, Direction.RECVONLY})

# RFC 3264 §6.1: the answer mirrors the direction of the offered stream.
ANSWER_DIRECTION: Mapping[Direction, Direction] = {
    Direction.SENDRECV: Direction.SENDRECV,
    Direction.SENDONLY: Direction.RECVONLY,
    Direction.RECVONLY: Direction.SENDONLY,
    Direction.INACTIVE: Direction.INACTIVE,
}
# RFC 3264 §8.4: on hold, sendrecv becomes sendonly and recvonly inactive; resuming undoes it.
_HOLD: Mapping[Direction, Direction] = {
    Direction.SENDRECV: Direction.SENDONLY,
    Direction.SENDONLY: Direction.SENDONLY,
    Direction.RECVONLY: Direction.INACTIVE,
    Direction.INACTIVE: Direction.INACTIVE,
}
_RESUME: Mapping[Direction, Direction] = {
    Direction.SENDRECV: Direction.SENDRECV,
    Direction.SENDONLY: Direction.SENDRECV,
    Direction.RECVONLY: Direction.RECVONLY,
    Direction.INACTIVE: Direction.RECVONLY,
}


@dataclass(frozen=True, slots=True)
class Codec:
    """An RTP audio encoding we carry, with the payload type we offer it under (RFC 3551 §6)."""

    encoding: str
    clock_rate: int
    payload_type: int

    def matches(self, rtpmap: RtpMap | None) -> bool:
        """Same encoding (names are case-insensitive, RFC 4855 §3), same clock rate, mono."""
        return (
            rtpmap is not None
            and rtpmap.encoding.lower() == self.encoding.lower()
            and rtpmap.clock_rate == self.clock_rate
            and rtpmap.channels in (None, 1)
        )

    def rtpmap(self) -> RtpMap:
        """The rtpmap we write for it."""
        return RtpMap(self.encoding, self.clock_rate)


PCMU = Codec("PCMU", 8000, 0)
PCMA = Codec("PCMA", 8000, 8)
TELEPHONE_EVENT = Codec("telephone-event", 8000, 101)
TELEPHONE_EVENTS = "0-16"  # DTMF 0-9 * # A-D and flash (RFC 4733 §3.2)


@dataclass(frozen=True, slots=True)
class Negotiated:
    """What the media layer uses on a leg once offer and answer agree (RFC 3264 §6.1, §7).

    ``direction`` is ours: sendonly means we send and expect nothing back. ``stream`` is the
    index of the audio m= line, for a later re-INVITE to find it again.
    """

    remote_address: str
    remote_port: int
    payload_type: int
    codec: Codec
    telephone_event: int | None
    ptime: int
    direction: Direction
    stream: int = 0

    @property
    def sends(self) -> bool:
        """Whether we send RTP to the peer."""
        return self.direction in SENDING

    @property
    def receives(self) -> bool:
        """Whether the peer may send RTP to us."""
        return self.direction in RECEIVING


def answer(
    offer: SessionDescription,
    *,
    local_address: str,
    local_port: int,
    supported: Sequence[Codec] = (PCMU, PCMA),
    telephone_event: bool = True,
    session_id: int,
    session_version: int,
) -> tuple[SessionDescription, Negotiated]:
    """Our answer to a caller's offer, and what it settles (RFC 3264 §6).

    One m= line per offered one, in the same order. The first audio stream with a codec in
    common is accepted, with the first such codec in the offerer's order (their preference,
    §6.1) under their payload number; every other stream is declined with port 0.
    ``SdpError(488)`` when nothing can be accepted (RFC 3261 §13.3.1.1, Not Acceptable Here).
    """
    negotiated: Negotiated | None = None
    streams: list[MediaDescription] = []
    for index, offered in enumerate(offer.media):
        accepted = None if negotiated else _accept(offer, index, supported, telephone_event)
        if accepted is None:
            streams.append(_declined(offered))
            continue
        negotiated, formats = accepted
        stream = MediaDescription(media="audio", port=local_port, proto=offered.proto, formats=formats)
        streams.append(replace(stream, ptime=DEFAULT_PTIME, direction=negotiated.direction))
    if negotiated is None:
        raise SdpError("no audio stream in G.711 over RTP/AVP in the offer (RFC 3264 §6)", 488)
    ours = _description(local_address, session_id, session_version, tuple(streams))
    return replace(ours, timing=offer.timing), negotiated  # §6: the answer's t= is the offer's


def offer(
    *,
    local_address: str,
    local_port: int,
    codecs: Sequence[Codec] = (PCMU, PCMA),
    telephone_event: bool = True,
    session_id: int,
    session_version: int,
    direction: Direction = Direction.SENDRECV,
) -> SessionDescription:
    """The offer of a leg callfloor originates: one audio stream, ``codecs`` by preference (RFC 3264 §5)."""
    formats = [Format(str(c.payload_type), c.rtpmap()) for c in codecs]
    if telephone_event:
        event = TELEPHONE_EVENT
        formats.append(Format(str(event.payload_type), event.rtpmap(), TELEPHONE_EVENTS))
    stream = MediaDescription(media="audio", port=local_port, proto="RTP/AVP", formats=tuple(formats))
    stream = replace(stream, ptime=DEFAULT_PTIME, direction=direction)
    return _description(local_address, session_id, session_version, (stream,))


def accept_answer(
    sent: SessionDescription, received: SessionDescription, *, supported: Sequence[Codec] = (PCMU, PCMA)
) -> Negotiated:
    """What the peer's answer to our offer settles (RFC 3264 §7).

    The answer has one m= line per offered one (§6), else it is malformed (400); the first
    audio stream it accepts with a codec we offered is ours, ``SdpError(488)`` if none.
    """
    if len(received.media) != len(sent.media):
        raise SdpError("the answer must have one m= line per offered one (RFC 3264 §6)")
    for index, (ours, theirs) in enumerate(zip(sent.media, received.media, strict=True)):
        usable = not ours.rejected and not theirs.rejected and theirs.media == "audio"
        chosen = _first_common(theirs, supported, ours) if usable else None
        if chosen is not None:
            event = _telephone_event(theirs, chosen[1].clock_rate, ours)
            direction = _settled(sent.direction_for(ours), received.direction_for(theirs))
            return _negotiated(received, index, chosen, event, direction)
    raise SdpError("the answer accepts no audio stream we offered (RFC 3264 §7)", 488)


def hold_offer(previous: SessionDescription) -> SessionDescription:
    """The re-INVITE offer that puts the peer on hold: sendrecv → sendonly (RFC 3264 §8.4)."""
    return _redirected(previous, _HOLD)


def resume_offer(previous: SessionDescription) -> SessionDescription:
    """The re-INVITE offer that takes the peer off hold: sendonly → sendrecv (RFC 3264 §8.4).

    An inactive stream goes back to recvonly: it was made inactive while the peer held us.
    """
    return _redirected(previous, _RESUME)


def _accept(
    offer: SessionDescription, index: int, supported: Sequence[Codec], telephone_event: bool
) -> tuple[Negotiated, tuple[Format, ...]] | None:
    """What offered stream ``index`` settles and the formats we answer, None to decline it."""
    offered = offer.media[index]
    if offered.rejected or offered.media != "audio" or offered.proto != "RTP/AVP":
        return None
    chosen = _first_common(offered, supported)
    if chosen is None:
        return None
    event = _telephone_event(offered, chosen[1].clock_rate) if telephone_event else None
    direction = ANSWER_DIRECTION[offer.direction_for(offered)]
    ours = Format(chosen[0].name, chosen[0].encoding())
    return _negotiated(offer, index, chosen, event, direction), (ours, event) if event else (ours,)


def _negotiated(
    remote: SessionDescription,
    index: int,
    chosen: tuple[Format, Codec],
    event: Format | None,
    direction: Direction,
) -> Negotiated:
    """Where and how to send, from the peer's description of stream ``index``."""
    stream = remote.media[index]
    connection = remote.connection_for(stream)
    if connection is None:
        raise SdpError(f"no c= for the {stream.media} stream (RFC 8866 §5.7)")
    return Negotiated(
        remote_address=connection.address,
        remote_port=stream.port,
        payload_type=int(chosen[0].name),
        codec=chosen[1],
        telephone_event=int(event.name) if event else None,
        ptime=stream.ptime or DEFAULT_PTIME,  # a=ptime is what the peer wants to receive
        direction=direction,
        stream=index,
    )


def _first_common(
    stream: MediaDescription, supported: Sequence[Codec], offered: MediaDescription | None = None
) -> tuple[Format, Codec] | None:
    """The first format of ``stream`` that we support (and offered, when reading an answer)."""
    for fmt in stream.formats:
        if fmt.payload_type is None or (offered is not None and fmt.name not in _names(offered)):
            continue
        codec = next((c for c in supported if c.matches(fmt.encoding())), None)
        if codec is not None:
            return fmt, codec
    return None


def _telephone_event(
    stream: MediaDescription, clock_rate: int, offered: MediaDescription | None = None
) -> Format | None:
    """telephone-event at the audio's clock rate (RFC 4733 §7.1.1), with its number and fmtp."""
    wanted = replace(TELEPHONE_EVENT, clock_rate=clock_rate)
    for fmt in stream.formats:
        if wanted.matches(fmt.rtpmap) and (offered is None or fmt.name in _names(offered)):
            return fmt
    return None


def _names(stream: MediaDescription) -> frozenset[str]:
    return frozenset(f.name for f in stream.formats)


def _declined(offered: MediaDescription) -> MediaDescription:
    """Port 0 and the offered formats, their attributes left out (RFC 3264 §6)."""
    formats = tuple(Format(f.name) for f in offered.formats)
    return MediaDescription(media=offered.media, port=0, proto=offered.proto, formats=formats)


def _settled(mine: Direction, peer: Direction) -> Direction:
    """Our direction once the peer answered: what both sides allow (RFC 3264 §6.1)."""
    sends, receives = mine in SENDING and peer in RECEIVING, mine in RECEIVING and peer in SENDING
    if sends:
        return Direction.SENDRECV if receives else Direction.SENDONLY
    return Direction.RECVONLY if receives else Direction.INACTIVE


def _description(
    address: str, session_id: int, session_version: int, media: tuple[MediaDescription, ...]
) -> SessionDescription:
    addr_type = "IP6" if ":" in address else "IP4"
    return SessionDescription(
        origin=Origin("callfloor", session_id, session_version, "IN", addr_type, address),
        session_name="callfloor",
        connection=Connection("IN", addr_type, address),
        timing=(Timing(0, 0),),  # RFC 3264 §5: t=0 0, a session with no fixed time
        media=media,
    )


def _redirected(previous: SessionDescription, table: Mapping[Direction, Direction]) -> SessionDescription:
    """``previous`` with every live stream's direction mapped through ``table``.

    The session version goes up by one when anything changed, and only then (RFC 3264 §8).
    """
    media = tuple(
        m if m.rejected else replace(m, direction=table[previous.direction_for(m)]) for m in previous.media
    )
    changed = replace(previous, direction=None, media=media)
    if changed == previous:
        return previous
    origin = previous.origin
    return replace(changed, origin=replace(origin, session_version=origin.session_version + 1))
