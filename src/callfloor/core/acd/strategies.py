"""How a queue orders the ready agents that may take its next interaction.

Each strategy is a sort key computed when an agent becomes available (smallest first). Keys
only change when the agent's state changes, which re-indexes the agent anyway, so a heap per
queue stays correct without ever being re-sorted. ``ring_all`` uses the longest-idle order to
ring every available agent at once.
"""

from collections.abc import Callable, Mapping
from typing import Final, Protocol

from callfloor.core.acd.records import AgentRecord
from callfloor.core.config import Strategy


class RandomSource(Protocol):
    """What the ``random`` strategy needs: an injected, seeded ``random.Random`` fits."""

    def random(self) -> float:
        """A float in [0, 1)."""
        ...


Key = tuple[float, ...]
KeyFunction = Callable[[AgentRecord, str, Mapping[str, int], RandomSource], Key]


def _longest_idle(agent: AgentRecord, _queue: str, _skills: Mapping[str, int], _rng: RandomSource) -> Key:
    return (agent.idle_since, agent.index)


def _round_robin(agent: AgentRecord, queue: str, _skills: Mapping[str, int], _rng: RandomSource) -> Key:
    # The agent this queue offered to longest ago goes next: a rotation that survives agents
    # joining and leaving, unlike a pointer into a list.
    return (agent.last_offer.get(queue, -1.0), agent.index)


def _least_calls(agent: AgentRecord, _queue: str, _skills: Mapping[str, int], _rng: RandomSource) -> Key:
    return (agent.calls_today, agent.idle_since, agent.index)


def _skill_level(agent: AgentRecord, _queue: str, skills: Mapping[str, int], _rng: RandomSource) -> Key:
    level = sum(agent.profile.skills.get(skill, 0) for skill in skills)
    return (-level, agent.idle_since, agent.index)


def _linear(agent: AgentRecord, _queue: str, _skills: Mapping[str, int], _rng: RandomSource) -> Key:
    return (agent.index,)


def _random(agent: AgentRecord, _queue: str, _skills: Mapping[str, int], rng: RandomSource) -> Key:
    return (rng.random(), agent.index)


KEYS: Final[Mapping[Strategy, KeyFunction]] = {
    Strategy.LONGEST_IDLE: _longest_idle,
    Strategy.ROUND_ROBIN: _round_robin,
    Strategy.LEAST_CALLS_TODAY: _least_calls,
    Strategy.RING_ALL: _longest_idle,
    Strategy.RANDOM: _random,
    Strategy.SKILL_LEVEL: _skill_level,
    Strategy.LINEAR: _linear,
}
