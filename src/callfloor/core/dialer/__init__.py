"""The outbound dialer, sans I/O: which contact to call next, how many calls to place now, and
what becomes of each attempt.

``model`` holds the shared vocabulary (a lead, the outcome of an attempt, the lead source the
pacing asks); ``leads`` and ``recycling`` keep a campaign's contacts and when each may be tried
again; ``pacing`` and ``predictive`` decide how many calls to place (preview, progressive,
power, predictive); ``engine`` drives a campaign's calls and agents from events and deadlines.
The live server and the simulator drive the very same code.

Errors: :class:`DialerError` (from :class:`callfloor.core.CoreError`) is the root.
"""

from callfloor.core import CoreError


class DialerError(CoreError):
    """Root of the dialer's errors."""
