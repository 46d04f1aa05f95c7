"""The caller's leg and the agent's leg joined: each one's audio and digits relayed to the other.

A B2BUA terminates both legs (ARCHITECTURE.md, "Telephony"), so the bridge is not a packet
forwarder but two relays, one per direction. Each relayed packet is re-stamped by the
outgoing stream of the leg it leaves on (:meth:`RtpSession.forward_audio`), so the caller's
phone sees the stream it had during the prompts carry on, one SSRC and gapless sequence
numbers, with the marker bit where the source changed (RFC 3550 §5.1, RFC 3551 §4.1). The
peer's own timing is kept inside a source: a lost packet stays a gap in the timestamps, so the
far phone conceals it instead of playing the next frame early.

Codecs may differ: a trunk offering PCMA (Europe) and a desk phone preferring PCMU. The relay
then maps each octet through G.711 Tables 3 and 4 (:func:`ulaw_to_alaw`, :func:`alaw_to_ulaw`),
one ``bytes.translate`` per packet, with no round trip through PCM.

Digits are relayed as the RFC 4733 packets they arrived in, under the other leg's
telephone-event payload type: they keep their timestamps and durations, and they stay in
order with the audio of the same source. A leg that negotiated no telephone-event gets none
(SIP INFO is the call driver's business). The owner's ``on_digit`` still hears them: the
floor may act on a digit pressed during the conversation (a survey key, a transfer code).
"""

from collections.abc import Callable

from callfloor.core.media.g711 import alaw_to_ulaw, ulaw_to_alaw
from callfloor.core.media.rtp import RtpPacket
from callfloor.server.media.session import RtpSession

_TRANSCODE: dict[tuple[str, str], Callable[[bytes], bytes]] = {
    ("PCMU", "PCMA"): ulaw_to_alaw,
    ("PCMA", "PCMU"): alaw_to_ulaw,
}


class _Relay:
    """One direction of a bridge: a tap on ``source`` that sends on through ``target``."""

    def __init__(self, source: RtpSession, target: RtpSession) -> None:
        self.source, self.target = source, target

    def audio(self, payload: bytes, packet: RtpPacket) -> None:
        """Relay one audio packet, in the target's codec; nothing before both legs have SDP."""
        source, target = self.source.codec, self.target.codec
        if source is None or target is None:
            return
        # Looked up per packet rather than once: a re-INVITE may change either codec mid-call.
        transcode = _TRANSCODE.get((source.encoding.upper(), target.encoding.upper()))
        self.target.forward_audio(payload if transcode is None else transcode(payload), packet)

    def event(self, packet: RtpPacket) -> None:
        """Relay one telephone-event packet (RFC 4733) as it came."""
        self.target.forward_event(packet)


class Bridge:
    """Relays audio and digits between ``a`` (by convention the caller) and ``b`` (the agent)."""

    def __init__(self, a: RtpSession, b: RtpSession) -> None:
        self.a, self.b = a, b
        self._relays = (_Relay(a, b), _Relay(b, a))
        self._running = False

    @property
    def running(self) -> bool:
        """Whether audio is being relayed."""
        return self._running

    def start(self) -> None:
        """Start relaying both ways; starting twice does nothing.

        Stop the legs' prompt players first (music on hold, say): a prompt playing on a leg
        has priority over relayed audio, so that a whisper can be played over a bridge.
        """
        if self._running:
            return
        self._running = True
        for relay in self._relays:
            relay.target.new_source()  # the far phone is a new source: marker, fresh anchor
            relay.source.add_tap(relay)

    def stop(self) -> None:
        """Stop relaying; both sessions stay open, for a prompt, a transfer or a new bridge."""
        if not self._running:
            return
        self._running = False
        for relay in self._relays:
            relay.source.remove_tap(relay)
            relay.target.new_source()
