"""A small harness around the ACD engine for tests: a clock, deadlines, and what came out."""

import random
from collections.abc import Iterable

from callfloor.core.acd.engine import Acd
from callfloor.core.acd.model import AgentProfile, QueueProfile
from callfloor.core.actions import Action, Append
from callfloor.core.config import Channel
from callfloor.core.events import AgentLoggedIn, Event
from callfloor.core.log import LogEntry


class Harness:
    """Drives an :class:`Acd` like a driver would: events at times, deadlines in between."""

    def __init__(self, queues: Iterable[QueueProfile], agents: Iterable[AgentProfile], seed: int = 1) -> None:
        self.acd = Acd(queues, agents, random.Random(seed))
        self.now = 0.0
        self.actions: list[Action] = []

    def at(self, now: float, *events: Event) -> list[Action]:
        """Advance to ``now`` (firing deadlines on the way) and apply ``events``."""
        self.advance(now)
        out: list[Action] = []
        for event in events:
            out += self.acd.handle(event, now)
        self.actions += out
        return out

    def advance(self, now: float) -> list[Action]:
        """Fire every deadline up to ``now``."""
        out: list[Action] = []
        while (deadline := self.acd.next_deadline()) is not None and deadline <= now:
            self.now = deadline
            out += self.acd.on_deadline(deadline)
        self.now = now
        self.actions += out
        return out

    def login(self, now: float, *agents: str) -> None:
        """Log agents in, ready, one after the other at ``now``."""
        for agent in agents:
            self.at(now, AgentLoggedIn(agent))

    def log(self) -> list[LogEntry]:
        """Every log entry so far."""
        return [a.entry for a in self.actions if isinstance(a, Append)]

    def of(self, kind: type[Action]) -> list[Action]:
        """Every action of one kind so far."""
        return [a for a in self.actions if isinstance(a, kind)]


def agent(name: str, skills: dict[str, int] | None = None, chats: int = 0) -> AgentProfile:
    """An agent with skills (default ``fr: 5``) taking one call, and ``chats`` chats."""
    return AgentProfile(
        name, skills if skills is not None else {"fr": 5}, {Channel.CALL: 1, Channel.CHAT: chats}
    )
