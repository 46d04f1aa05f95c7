"""The outbound dialer, sans I/O: which contact to call next, how many calls to place now, and
what becomes of each attempt.

``model`` holds the shared vocabulary (a lead, the outcome of an attempt, the lead source the
pacing asks); ``leads`` (with ``lead_queues`` and ``lifecycle``) and ``recycling`` (its YAML form
in ``retry_config``) keep a campaign's contacts and when each may be tried again; ``settings``
are a campaign's dialing mode and limits; ``pacing`` and ``predictive`` (fed by ``estimates``)
decide how many calls to place (preview, progressive, power, predictive); ``engine`` drives a
campaign's calls and agents from ``events`` to ``actions`` (its states in ``states``, the
finished calls in ``records``, the counts in ``figures``).
The live server and the simulator drive the very same code.

Errors: :class:`DialerError` (from :class:`callfloor.core.CoreError`) is the root.
"""

from callfloor.core import CoreError


class DialerError(CoreError):
    """Root of the dialer's errors."""
