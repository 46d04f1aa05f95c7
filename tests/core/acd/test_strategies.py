"""Each queue strategy picks the agent it promises."""

from callfloor.core.acd.model import QueueProfile
from callfloor.core.actions import Ring
from callfloor.core.config import Strategy
from callfloor.core.events import AgentAnswered, AgentHungUp, InteractionArrived
from tests.core.acd.helpers import Harness, agent


def _served(strategy: Strategy, calls: int, seed: int = 1, **agents_skills: int) -> list[str]:
    """Who each call goes to, when every call is answered and ended before the next comes."""
    names = list(agents_skills) or ["a1", "a2", "a3"]
    profiles = [agent(n, {"fr": agents_skills.get(n, 5)}) for n in names]
    h = Harness([QueueProfile("q", strategy=strategy, skills={"fr": 1})], profiles, seed)
    for i, name in enumerate(names):
        h.login(i, name)
    served = []
    for i in range(calls):
        t = 100 + 10 * i
        ring = h.at(t, InteractionArrived(f"c{i}", "q"))[-1]
        assert isinstance(ring, Ring)
        served.append(ring.agent)
        h.at(t + 1, AgentAnswered(ring.interaction, ring.agent), AgentHungUp(ring.interaction))
    return served


def test_longest_idle_cycles_through_agents_by_idle_time() -> None:
    assert _served(Strategy.LONGEST_IDLE, 4) == ["a1", "a2", "a3", "a1"]


def test_round_robin_rotates() -> None:
    assert _served(Strategy.ROUND_ROBIN, 5) == ["a1", "a2", "a3", "a1", "a2"]


def test_linear_always_starts_from_the_first() -> None:
    assert _served(Strategy.LINEAR, 3) == ["a1", "a1", "a1"]


def test_skill_level_prefers_the_best() -> None:
    assert _served(Strategy.SKILL_LEVEL, 3, a1=3, a2=9, a3=6) == ["a2", "a2", "a2"]


def test_least_calls_today_evens_out() -> None:
    served = _served(Strategy.LEAST_CALLS_TODAY, 6)
    assert sorted(served.count(a) for a in ("a1", "a2", "a3")) == [2, 2, 2]


def test_random_is_seeded_and_spreads() -> None:
    first = _served(Strategy.RANDOM, 30, seed=7)
    assert first == _served(Strategy.RANDOM, 30, seed=7)
    assert first != _served(Strategy.RANDOM, 30, seed=8)
    assert set(first) == {"a1", "a2", "a3"}
