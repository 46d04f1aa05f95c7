"""The arithmetic of the media path, sans I/O: codecs, RTP headers, DTMF events, mixing.

callfloor is a B2BUA (ARCHITECTURE.md, "Telephony"): it answers every caller leg itself, plays
prompts, then relays the agent's audio. That needs G.711 in both laws, RTP packets taken apart
and rebuilt, a sent stream that stays one stream when its source changes, RFC 4733 digits and
a mixer for recordings. The arithmetic lives here; ``callfloor.server`` owns the sockets, the
clock and the WAV files, and passes arrival times in.

- :mod:`.g711`: µ-law (PCMU) and A-law (PCMA) per ITU-T G.711, on whole frames, by table.
- :mod:`.rtp`: RTP packets (RFC 3550 §5.1), continuous numbering across changes of source,
  loss and jitter counters (RFC 3550 A.1, A.3, A.8).
- :mod:`.dtmf`: RFC 4733 telephone events: payload, the packets of one digit, a receiver
  that reports each digit once.
- :mod:`.mixing`: two legs into one mixed frame, or into one stereo frame.
- :mod:`.amd`: answering-machine detection (détection de répondeur) on the first seconds of an
  answered outbound call, from energy and cadence (:mod:`.amd_signal`, :mod:`.amd_rules`).

Errors, all rooted in :class:`callfloor.core.CoreError`::

    MediaError
    ├── CodecError       PCM that cannot be coded: an odd number of octets, frames of unequal length
    ├── FieldRangeError  a value its field cannot hold (payload type 128, sequence 65536…)
    ├── RtpParseError    a datagram that is not a valid RTP packet: drop it (RFC 3550 A.1)
    ├── DtmfParseError   a telephone-event payload that is not 4 octets
    └── AmdError         detector settings that cannot work, a frame time that is not a number
"""

from callfloor.core import CoreError


class MediaError(CoreError):
    """Root of the media errors."""


class CodecError(MediaError):
    """PCM that cannot be coded or mixed as given."""


class FieldRangeError(MediaError):
    """A value outside the range of the header or payload field meant to carry it."""


class RtpParseError(MediaError):
    """A datagram that is not a valid RTP packet; RTP has no error reply, so drop it."""


class DtmfParseError(MediaError):
    """A telephone-event payload (RFC 4733 §2.3) that cannot be read."""
