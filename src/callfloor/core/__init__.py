"""The contact-center brain, sans I/O.

Everything here takes events and ``now`` and returns decisions: routing, IVR, dialer pacing,
compliance, KPIs, SIP message logic. Nothing here opens a socket or a file, touches the
database, reads a clock or uses the global random generator; a test
(``tests/core/test_no_io.py``) enforces it. The asyncio server and the simulator both drive
this same code.

Errors: each subpackage defines its own exception tree, rooted in :class:`CoreError`.
"""


class CoreError(Exception):
    """Root of every exception raised by ``callfloor.core``."""
