"""What a campaign has learned of its calls: answer rate, ring times, talk and wrap-up times.

The predictive pacing needs four numbers and one curve: the chance that a person answers an
attempt, how long after the dial they do, how long a conversation and a wrap-up last, and, for
a call still ringing after ``e`` seconds, the chance that a person will yet answer it. Each
starts from the campaign's guess (its settings) and moves to what the campaign observes:

- an attempt is counted once every attempt dialed before it has resolved too, i.e. a ring
  timeout after its dial. Counted as they resolve, the first minutes of a day would hold the
  quick outcomes only (a busy tone after 2 s, a person after 7, a ring-out only after 28):
  the answer rate would look high and every ring time short, and the pacing, believing the
  calls in flight lost, would dial far too many;
- the answer rate is a Beta posterior mean, the guess counting as ``prior_weight`` attempts, so
  the first few attempts of the day do not swing it from 0 to 1;
- ring times are the last :data:`RING_SAMPLES` of each kind (answered by a person; anything
  else: machine, busy, rang out...), kept sorted so that a survival ``S(e)`` (the share that
  took longer than ``e``) is a bisection; until :data:`MIN_SAMPLES` of each are in, a call in
  flight counts with the full answer rate, however long it has rung;
- talk and wrap-up times are the means of the last :data:`HANDLE_SAMPLES`.

A call still ringing at ``e`` is answered by a person with probability (Bayes)
``p·Sh(e) / (p·Sh(e) + (1 − p)·So(e))``: early it is about ``p``, past the usual answer delay
it falls to nearly 0, which stops the pacing from counting on calls that will ring out.
"""

import bisect
import heapq
from collections import deque
from statistics import fmean
from typing import Final

from callfloor.core.dialer.settings import DialerSettings

RING_SAMPLES: Final = 200
MIN_SAMPLES: Final = 10
HANDLE_SAMPLES: Final = 50


class SortedWindow:
    """The last ``size`` values, kept sorted as well as in arrival order."""

    def __init__(self, size: int) -> None:
        self._order: deque[float] = deque()
        self._sorted: list[float] = []
        self._size = size

    def __len__(self) -> int:
        return len(self._sorted)

    def add(self, value: float) -> None:
        """Keep ``value``, forgetting the oldest one when full."""
        if len(self._order) == self._size:
            old = self._order.popleft()
            del self._sorted[bisect.bisect_left(self._sorted, old)]
        self._order.append(value)
        bisect.insort(self._sorted, value)

    def survival(self, value: float) -> float:
        """The share of values greater than ``value``."""
        return 1.0 - bisect.bisect_right(self._sorted, value) / len(self._sorted)

    def mean(self) -> float:
        """The mean of the values kept (at least one)."""
        return fmean(self._sorted)


class Estimates:
    """A campaign's running estimates, fed with every resolved attempt and finished call."""

    def __init__(self, settings: DialerSettings) -> None:
        self.settings = settings
        self.resolved = 0  # settled attempts (dialed over a ring timeout ago)
        self.human = 0  # of which a person answered
        self._pending: list[tuple[float, int, float, bool]] = []  # (dialed at, seq, delay, human)
        self._seq = 0
        self._human_after = SortedWindow(RING_SAMPLES)
        self._other_after = SortedWindow(RING_SAMPLES)
        self._talk: deque[float] = deque(maxlen=HANDLE_SAMPLES)
        self._wrap: deque[float] = deque(maxlen=HANDLE_SAMPLES)

    def resolved_after(self, dialed_at: float, now: float, *, human: bool) -> None:
        """An attempt dialed at ``dialed_at`` got its answer (a person: ``human``) or failed at ``now``."""
        self._seq += 1
        heapq.heappush(self._pending, (dialed_at, self._seq, now - dialed_at, human))

    def settle(self, now: float) -> None:
        """Count the attempts whose every sibling has resolved: those dialed a ring timeout ago."""
        pending, cutoff = self._pending, now - self.settings.ring_timeout_s
        while pending and pending[0][0] <= cutoff:
            _, _, delay, human = heapq.heappop(pending)
            self.resolved += 1
            if human:
                self.human += 1
                self._human_after.add(delay)
            else:
                self._other_after.add(delay)

    def talked(self, seconds: float) -> None:
        """A conversation lasted ``seconds``."""
        self._talk.append(seconds)

    def wrapped(self, seconds: float) -> None:
        """A wrap-up lasted ``seconds``."""
        self._wrap.append(seconds)

    def answer_rate(self) -> float:
        """The chance that a person answers the next attempt (Beta posterior mean)."""
        s = self.settings
        return (self.human + s.prior_weight * s.expected_answer_rate) / (self.resolved + s.prior_weight)

    def answer_rate_var(self) -> float:
        """The variance of :meth:`answer_rate` (Beta posterior): large while attempts are few."""
        p = self.answer_rate()
        return p * (1.0 - p) / (self.resolved + self.settings.prior_weight + 1.0)

    def talk_s(self) -> float:
        """Mean conversation length."""
        return fmean(self._talk) if self._talk else self.settings.expected_talk_s

    def wrap_s(self) -> float:
        """Mean wrap-up length."""
        return fmean(self._wrap) if self._wrap else self.settings.expected_wrap_up_s

    def answers_later(self, elapsed: float, p: float) -> float:
        """The chance that a person answers a call still ringing ``elapsed`` seconds after its dial."""
        human_after, other_after = self._human_after, self._other_after
        if len(human_after) < MIN_SAMPLES or len(other_after) < MIN_SAMPLES:
            return p  # nothing known of ring times yet: the call counts fully, the prudent side
        human = p * human_after.survival(elapsed)
        other = (1.0 - p) * other_after.survival(elapsed)
        return human / (human + other) if human > 0 else 0.0
