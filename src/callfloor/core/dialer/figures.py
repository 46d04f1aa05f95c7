"""A campaign's running figures: attempts and their outcomes, drops, agent time.

The drop rate is the one regulators define: calls dropped (no agent within 2 s of a person's
answer, a recorded message instead) over calls answered by a person (16 CFR 310.4(b)(4)(i)).
The dialer can only count as "a person" what the answering-machine detector did not call a
machine, so with detection off every answering machine counts as a person. The predictive
pacing reads it over the day and over a rolling window (30 minutes by default): the day keeps
the campaign within the rule, the window reacts to what happens now.

Agent time is counted by :class:`callfloor.core.kpi.agent_time.AgentStateTime`, and occupancy
is the inbound floor's: (talking + wrap-up) / (ready + reserved + talking + wrap-up).
"""

from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from callfloor.core.kpi.agent_time import AgentStateTime, occupancy
from callfloor.core.log import AgentEventType

V = TypeVar("V", int, float)


def _no_counts() -> Mapping[str, int]:
    return MappingProxyType({})


def _no_seconds() -> Mapping[str, float]:
    return MappingProxyType({})


def _added(a: Mapping[str, V], b: Mapping[str, V]) -> Mapping[str, V]:
    keys = sorted(a.keys() | b.keys())
    return MappingProxyType({k: a.get(k, 0) + b.get(k, 0) for k in keys})


@dataclass(frozen=True, slots=True)
class DialerFigures:
    """The figures of a campaign at one moment: raw counts and seconds, so days add up.

    ``outcomes`` counts what the lead source was told of each attempt (a conversation counts
    once its wrap-up ends); ``person_answered`` = ``contacts`` (connected to an agent) +
    ``drops``; ``state_s`` holds the agents' seconds per state (``AgentEventType`` values).
    """

    attempts: int = 0
    person_answered: int = 0
    contacts: int = 0
    drops: int = 0
    conversions: int = 0
    talk_s: float = 0.0
    wrap_s: float = 0.0
    outcomes: Mapping[str, int] = field(default_factory=_no_counts)
    state_s: Mapping[str, float] = field(default_factory=_no_seconds)

    @property
    def drop_rate(self) -> float:
        """Drops over calls answered by a person (0 before any)."""
        return self.drops / self.person_answered if self.person_answered else 0.0

    @property
    def occupancy(self) -> float | None:
        """(talking + wrap-up) / time ready for the campaign's calls; None without any."""
        return occupancy({AgentEventType(k): v for k, v in self.state_s.items()})

    @property
    def logged_in_s(self) -> float:
        """Agent seconds on the campaign, paused time included."""
        return sum(self.state_s.values())

    def plus(self, other: "DialerFigures") -> "DialerFigures":
        """The figures of both (two days, two campaigns)."""
        return DialerFigures(
            attempts=self.attempts + other.attempts,
            person_answered=self.person_answered + other.person_answered,
            contacts=self.contacts + other.contacts,
            drops=self.drops + other.drops,
            conversions=self.conversions + other.conversions,
            talk_s=self.talk_s + other.talk_s,
            wrap_s=self.wrap_s + other.wrap_s,
            outcomes=_added(self.outcomes, other.outcomes),
            state_s=_added(self.state_s, other.state_s),
        )


class FigureKeeper:
    """Keeps a campaign's figures as its calls go; read them with :meth:`figures`."""

    def __init__(self, start: float, window_s: float) -> None:
        self.attempts = self.contacts = self.drops = self.conversions = 0
        self.talk_s = self.wrap_s = 0.0
        self.outcomes: Counter[str] = Counter()
        self.agent_time = AgentStateTime(since=start, interval_s=3600.0)
        self._window_s = window_s
        self._window: deque[tuple[float, bool]] = deque()  # (when, dropped) per person answered
        self._window_drops = 0

    def person_answered(self, now: float, *, dropped: bool) -> None:
        """A person answered; they were connected to an agent, or ``dropped``."""
        if dropped:
            self.drops += 1
        else:
            self.contacts += 1
        self._window.append((now, dropped))
        self._window_drops += dropped

    def drop_rate(self) -> float:
        """Drops over persons answered since the start."""
        answered = self.contacts + self.drops
        return self.drops / answered if answered else 0.0

    def window_drop_rate(self, now: float) -> float:
        """Drops over persons answered in the last ``window_s`` seconds."""
        window, start = self._window, now - self._window_s
        while window and window[0][0] <= start:
            self._window_drops -= window.popleft()[1]
        return self._window_drops / len(window) if window else 0.0

    def window_answered(self, now: float) -> int:
        """Persons answered in the last ``window_s`` seconds."""
        self.window_drop_rate(now)
        return len(self._window)

    def figures(self, now: float) -> DialerFigures:
        """The figures as of ``now``."""
        state_s = {str(k): v for k, v in sorted(self.agent_time.total(now).items())}
        return DialerFigures(
            attempts=self.attempts,
            person_answered=self.contacts + self.drops,
            contacts=self.contacts,
            drops=self.drops,
            conversions=self.conversions,
            talk_s=self.talk_s,
            wrap_s=self.wrap_s,
            outcomes=MappingProxyType({str(k): v for k, v in sorted(self.outcomes.items())}),
            state_s=MappingProxyType(state_s),
        )
