"""SIP message logic, sans I/O, in the manner of h11.

Parser and serializer (``message``, ``uri``, ``parser``), transactions and dialogs as state
machines whose timers come back as deadlines, digest authentication (``digest``), SDP and the
offer/answer model. ``callfloor.server`` owns the sockets and feeds bytes in.

Errors: :class:`SipError` (from :class:`callfloor.core.CoreError`) is the root;
:class:`ParseError` carries the status code to answer with (400, 413, 416, 420, 484, 505…), or
``None`` when the message must be dropped silently (a malformed response, say);
:class:`callfloor.core.sip.digest.DigestParseError`, :class:`callfloor.core.sip.dialog.DialogError`
and :class:`callfloor.core.sip.sdp.SdpError` (400, or 488 with no common codec) derive from them.
"""

from callfloor.core import CoreError


class SipError(CoreError):
    """Root of the SIP errors."""


class ParseError(SipError):
    """A message that cannot be accepted; ``status`` is what to answer, None means drop it."""

    def __init__(self, reason: str, status: int | None = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
