"""The RTP side of the asyncio server: the media of each call leg, on real sockets and a real clock.

callfloor is a B2BUA (ARCHITECTURE.md, "Telephony"): it answers every caller itself, plays
prompts and music on hold, then bridges the caller's RTP to the agent's phone and may record
both. The arithmetic of that path (G.711, RTP headers, stream numbering, RFC 4733 digits,
mixing) is sans I/O in :mod:`callfloor.core.media`; this package owns what the core may not
touch: UDP sockets, the event loop's clock and WAV files.

- :mod:`.ports`: even RTP ports from a range (RTCP on the odd one above, RFC 3550 §11).
- :mod:`.session`: one leg's socket: latching (RFC 4961), incoming audio and digits, outgoing
  audio and digits under one continuous numbering.
- :mod:`.player`: prompts and music on hold, one 20 ms frame per tick of a shared clock.
- :mod:`.bridge`: caller ↔ agent relay, with PCMU ↔ PCMA transcoding and digits passed on.
- :mod:`.recorder`: both legs to a WAV file, mono or stereo, with pauses for card payments.
- :mod:`.conference`: three (up to eight) legs, each hearing the mix of the others.
- :mod:`.tracks`: one leg's incoming audio as PCM frames on the shared clock (recorder, conference).

Errors, all rooted in :class:`MediaDriverError`::

    MediaDriverError
    ├── PortError          no even port of the range could be bound, or a port released twice
    ├── PromptError        a prompt that cannot be read as 8 kHz mono 16-bit WAV
    └── MediaStateError    what the leg's negotiated media does not allow (a codec we do not
                           carry, a digit to a peer without telephone-event, no SDP yet)
"""


class MediaDriverError(Exception):
    """Root of the errors of the RTP driver."""


class PortError(MediaDriverError):
    """No RTP port could be had, or one was released that had not been handed out."""


class PromptError(MediaDriverError):
    """A prompt file that is missing or not 8 kHz mono 16-bit PCM WAV."""


class MediaStateError(MediaDriverError):
    """An operation the leg's negotiated media does not allow."""
