"""What a caller lives through while waiting in a queue: announcements, the callback offer, voicemail, overflow.

The options are set on a flow's ``queue`` node (:class:`WaitOptions`); a call that reaches a
queue straight from a number has the defaults.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WaitOptions:
    """How a queue node treats its waiting callers.

    ``announce_every_s``: the position and estimated wait are said on entry, then every so
    many seconds (None: on entry only). The callback offer ("1: be called back, 2: leave a
    message") comes after ``callback_after_s`` of waiting, or as soon as the estimated wait
    exceeds ``callback_when_wait_over_s``, whichever is first (both None: never). After
    ``max_wait_s`` the call leaves the queue for the flow's ``overflow`` node (None: it waits on).
    """

    announce_position: bool = True
    announce_wait: bool = True
    announce_every_s: float | None = 60.0
    callback_after_s: float | None = None
    callback_when_wait_over_s: float | None = None
    voicemail: bool = False  # the offer's "press 2 to leave a message"
    max_wait_s: float | None = None
    overflow: str | None = None
