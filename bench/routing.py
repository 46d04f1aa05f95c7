"""Routing decisions on a large skills-based floor: the indexed router next to a naive scan.

The floor: agents with about five skills each (levels 1–10), queues that each require one to
three skills with minimum levels, each queue with its own strategy. Skills come in families (a
product line in several languages) so that an agent qualifies for a realistic number of queues.

The drive: an M/M/n+M floor with skills, run in steady state. Interactions arrive (Poisson, each
queue's share in proportion to its qualified agents times a lognormal factor), agents finish at
random (exponential handle times) and callers abandon when their patience runs out. Each arrival is a
decision (a), ``Router.pop_agent`` on the interaction's group, as ``Acd._route_interaction``
does; each agent coming free is a decision (b), ``Router.pop_interaction``, as
``Acd._route_agent`` does. Agents are re-indexed with ``Router.index_agent`` on every change of
state, as the engine does; that upkeep (and ``enqueue``/``forget``) is timed apart from the
decisions, and printed.

On every ``--naive-every``-th decision the naive reference runs first, on the same state: (a)
every agent of the floor, checking qualifies + available + the strategy key, keeping the
smallest; (b) every waiting interaction of every group the agent belongs to, keeping the best.
Both must give the same answer (checked), and the speed-up is taken over those same decisions.

    .venv/bin/python bench/routing.py            # 10,000 agents, 500 queues, 50 skills
    .venv/bin/python bench/routing.py --quick    # 1,000 agents, a few seconds
"""

import argparse
import heapq
import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from callfloor.core.acd.model import AgentProfile, AgentState, InteractionState, QueueProfile
from callfloor.core.acd.records import AgentRecord, InteractionRecord
from callfloor.core.acd.router import Group, Router
from callfloor.core.acd.strategies import KEYS, RandomSource
from callfloor.core.config import Channel, Strategy

CALL = Channel.CALL
FAMILIES = 10  # skill families: 50 skills are 10 product lines × 5 languages, say
STRATEGIES = {
    Strategy.LONGEST_IDLE: 5,
    Strategy.SKILL_LEVEL: 2,
    Strategy.ROUND_ROBIN: 1,
    Strategy.LEAST_CALLS_TODAY: 1,
    Strategy.LINEAR: 1,
}
LOAD = 1.0  # offered Erlangs per agent: a floor at its peak, where both agents and callers wait
IMBALANCE = 0.5  # sigma of the lognormal factor on each queue's share of the traffic
AHT_S = 300.0
PATIENCE_S = 90.0


@dataclass(frozen=True)
class Size:
    """How big a run is."""

    agents: int
    queues: int
    skills: int
    decisions: int
    naive_every: int


FULL = Size(agents=10_000, queues=500, skills=50, decisions=200_000, naive_every=100)
QUICK = Size(agents=1_000, queues=100, skills=50, decisions=40_000, naive_every=20)


def build_floor(size: Size, rng: random.Random) -> tuple[list[QueueProfile], list[AgentProfile]]:
    """Queues requiring 1–3 skills of one family; agents with 4 skills of a family and 1 other."""
    per_family = size.skills // FAMILIES
    families = [[f"s{f * per_family + i:02d}" for i in range(per_family)] for f in range(FAMILIES)]
    every_skill = [s for family in families for s in family]
    strategies, weights = list(STRATEGIES), list(STRATEGIES.values())
    queues = []
    for q in range(size.queues):
        required = rng.sample(families[q % FAMILIES], rng.randint(1, 3))
        queues.append(
            QueueProfile(
                f"q{q:03d}",
                strategy=rng.choices(strategies, weights)[0],
                skills={skill: rng.randint(1, 6) for skill in sorted(required)},
            )
        )
    agents = []
    for a in range(size.agents):
        own = set(rng.sample(families[rng.randrange(FAMILIES)], 4)) | {rng.choice(every_skill)}
        skills = {skill: rng.randint(1, 10) for skill in sorted(own)}
        agents.append(AgentProfile(f"a{a:05d}", skills, {CALL: 1}))
    return queues, agents


def naive_agent(agents: Sequence[AgentRecord], group: Group, rng: RandomSource) -> AgentRecord | None:
    """Reference for (a): scan every agent of the floor."""
    key_of, name, skills = KEYS[group.queue.strategy], group.queue.name, group.skills
    best, best_key = None, None
    for agent in agents:
        if agent.profile.qualifies(skills) and agent.available(CALL):
            key = key_of(agent, name, skills, rng)
            if best_key is None or key < best_key:
                best, best_key = agent, key
    return best


def naive_interaction(
    agent: AgentRecord, waiting: dict[Group, dict[str, InteractionRecord]]
) -> InteractionRecord | None:
    """Reference for (b): scan every waiting interaction of every group the agent belongs to."""
    best, best_rank = None, None
    for group in agent.groups.get(CALL, ()):
        for record in waiting[group].values():
            rank = record.rank()
            if best_rank is None or rank < best_rank:
                best, best_rank = record, rank
    return best


@dataclass
class Timings:
    """Nanoseconds per call of one kind, for the indexed router and (sampled) the naive scan."""

    indexed: list[int] = field(default_factory=list)
    sampled: list[int] = field(default_factory=list)  # the indexed times of the sampled decisions
    naive: list[int] = field(default_factory=list)
    hits: int = 0


class World:
    """A floor in steady state: arrivals, agents finishing, callers abandoning."""

    def __init__(self, size: Size, seed: int) -> None:
        rng = random.Random(seed)
        started = time.perf_counter()
        queues, profiles = build_floor(size, rng)
        self.key_rng = random.Random(seed + 1)  # no random strategy here: never drawn from
        self.router = Router(queues, self.key_rng)
        self.agents = [AgentRecord(profile, index) for index, profile in enumerate(profiles)]
        for agent in self.agents:
            self.router.add_agent(agent)
        self.groups = [self.router.group(q.name, 0, CALL) for q in queues]
        weights = [g.members * rng.lognormvariate(0, IMBALANCE) for g in self.groups]
        self.cum_weights = list(itertools.accumulate(weights))
        for agent in self.agents:  # everyone logs in ready
            agent.state = AgentState.READY
            self.router.index_agent(agent)
        self.setup_s = time.perf_counter() - started
        self.rng = rng
        self.size = size
        self.arrival_rate = LOAD * size.agents / AHT_S
        self.now = 0.0
        self.count = 0
        self.busy: list[AgentRecord] = []
        self.waiting: dict[Group, dict[str, InteractionRecord]] = {g: {} for g in self.groups}
        self.patience: list[tuple[float, int, InteractionRecord]] = []
        self.arrivals = Timings()
        self.frees = Timings()
        self.upkeep: list[int] = []
        self.samples: list[tuple[int, int]] = []  # (available agents, waiting interactions)

    # -- the drive ----------------------------------------------------------------------------

    def run(self, decisions: int, *, measure: bool) -> None:
        """Run ``decisions`` events (each one decision); time them when ``measure``."""
        every = self.size.naive_every if measure else 0
        for n in range(decisions):
            naive = every > 0 and n % every == 0
            busy_rate = len(self.busy) / AHT_S
            total = self.arrival_rate + busy_rate
            self.now += self.rng.expovariate(total)
            self._abandon()
            if self.rng.random() * total < self.arrival_rate:
                self._arrival(naive)
            else:
                self._free(naive)
            if measure and n % 1000 == 0:
                waiting = sum(len(w) for w in self.waiting.values())
                self.samples.append((len(self.agents) - len(self.busy), waiting))

    def _arrival(self, naive: bool) -> None:
        group = self.rng.choices(self.groups, cum_weights=self.cum_weights)[0]
        self.count += 1
        record = InteractionRecord(f"i{self.count}", group.queue, CALL, 0, self.now)
        t0 = time.perf_counter_ns()
        self.router.enqueue(record, group)
        self.upkeep.append(time.perf_counter_ns() - t0)
        expected, naive_ns = None, 0
        if naive:
            t0 = time.perf_counter_ns()
            expected = naive_agent(self.agents, group, self.key_rng)
            naive_ns = time.perf_counter_ns() - t0
        t0 = time.perf_counter_ns()
        agent = self.router.pop_agent(group)
        indexed_ns = time.perf_counter_ns() - t0
        self._record(
            self.arrivals, indexed_ns=indexed_ns, naive_ns=naive_ns, expected=expected, got=agent, naive=naive
        )
        if agent is None:
            self.waiting[group][record.id] = record
            deadline = self.now + self.rng.expovariate(1 / PATIENCE_S)
            heapq.heappush(self.patience, (deadline, self.count, record))
            return
        t0 = time.perf_counter_ns()
        self.router.forget(record)
        self.upkeep.append(time.perf_counter_ns() - t0)
        record.state = InteractionState.CONNECTED
        self._take(agent, group.queue.name)

    def _free(self, naive: bool) -> None:
        index = self.rng.randrange(len(self.busy))  # exponential handle times: anyone may finish
        agent = self.busy[index]
        self.busy[index] = self.busy[-1]
        self.busy.pop()
        agent.state, agent.idle_since = AgentState.READY, self.now
        agent.load[CALL] = 0
        t0 = time.perf_counter_ns()
        self.router.index_agent(agent)
        self.upkeep.append(time.perf_counter_ns() - t0)
        expected, naive_ns = None, 0
        if naive:
            t0 = time.perf_counter_ns()
            expected = naive_interaction(agent, self.waiting)
            naive_ns = time.perf_counter_ns() - t0
        t0 = time.perf_counter_ns()
        record = self.router.pop_interaction(agent, CALL)
        indexed_ns = time.perf_counter_ns() - t0
        self._record(
            self.frees, indexed_ns=indexed_ns, naive_ns=naive_ns, expected=expected, got=record, naive=naive
        )
        if record is not None:
            del self.waiting[record.group][record.id]
            record.state = InteractionState.CONNECTED
            self._take(agent, record.queue.name)

    def _record(
        self,
        timings: Timings,
        *,
        indexed_ns: int,
        naive_ns: int,
        expected: object,
        got: object,
        naive: bool,
    ) -> None:
        timings.indexed.append(indexed_ns)
        timings.hits += got is not None
        if naive:
            if expected is not got:
                raise SystemExit(f"decision {len(timings.indexed)}: naive {expected!r}, indexed {got!r}")
            timings.naive.append(naive_ns)
            timings.sampled.append(indexed_ns)

    def _take(self, agent: AgentRecord, queue: str) -> None:
        agent.state = AgentState.BUSY
        agent.load[CALL] = 1
        agent.calls_today += 1
        agent.last_offer[queue] = self.now
        t0 = time.perf_counter_ns()
        self.router.index_agent(agent)
        self.upkeep.append(time.perf_counter_ns() - t0)
        self.busy.append(agent)

    def _abandon(self) -> None:
        while self.patience and self.patience[0][0] <= self.now:
            record = heapq.heappop(self.patience)[2]
            if record.state is InteractionState.WAITING:
                self.router.forget(record)
                record.state = InteractionState.ENDED
                del self.waiting[record.group][record.id]


# -- the report ------------------------------------------------------------------------------


def percentile(values: Sequence[int], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def line(label: str, times: Sequence[int]) -> str:
    """decisions/s, p50 and p99 of a list of nanosecond timings."""
    rate = len(times) / (sum(times) / 1e9) if times else float("nan")
    return (
        f"  {label:<24} {len(times):>8,} {rate:>14,.0f} "
        f"{percentile(times, 0.5) / 1000:>9.1f} {percentile(times, 0.99) / 1000:>9.1f}"
    )


def report(world: World, warmup_s: float, measure_s: float) -> None:
    """Print the floor, the figures and the goals."""
    size, router = world.size, world.router
    per_agent = [len(a.groups.get(CALL, ())) for a in world.agents]
    per_queue = sorted(g.members for g in world.groups)
    available = [s[0] for s in world.samples]
    waiting = [s[1] for s in world.samples]
    a, b = world.arrivals, world.frees
    print(f"floor: {size.agents:,} agents, {size.queues} queues, {size.skills} skills; CALL channel")
    print(
        f"  queues per agent: mean {sum(per_agent) / len(per_agent):.1f}, max {max(per_agent)}; "
        f"agents per queue: min {per_queue[0]}, median {per_queue[len(per_queue) // 2]}, "
        f"max {per_queue[-1]}"
    )
    print(
        f"  steady state (load {LOAD}, AHT {AHT_S:.0f} s, patience {PATIENCE_S:.0f} s): "
        f"{sum(available) / len(available):,.0f} agents available and "
        f"{sum(waiting) / len(waiting):,.0f} interactions waiting on average"
    )
    print(
        f"  (a) found an agent {a.hits / len(a.indexed):.0%} of {len(a.indexed):,}; "
        f"(b) found an interaction {b.hits / len(b.indexed):.0%} of {len(b.indexed):,}"
    )
    print(f"setup {world.setup_s:.2f} s, warm-up {warmup_s:.2f} s, measured run {measure_s:.2f} s (wall)")
    print()
    print(f"  {'':<24} {'count':>8} {'decisions/s':>14} {'p50 µs':>9} {'p99 µs':>9}")
    print("indexed router (every decision)")
    print(line("(a) pop_agent", a.indexed))
    print(line("(b) pop_interaction", b.indexed))
    print(line("all decisions", a.indexed + b.indexed))
    print(line("upkeep (per call)", world.upkeep))
    print(f"naive scan (every {size.naive_every}th decision, same state, same answers)")
    print(line("(a) scan all agents", a.naive))
    print(line("(b) scan waiting", b.naive))
    print(line("all decisions", a.naive + b.naive))
    print("indexed router on those same decisions")
    print(line("all decisions", a.sampled + b.sampled))
    decisions = a.indexed + b.indexed
    rate = len(decisions) / (sum(decisions) / 1e9)
    p99_ms = percentile(decisions, 0.99) / 1e6
    speedup = sum(a.naive + b.naive) / sum(a.sampled + b.sampled)
    speedup_a = sum(a.naive) / sum(a.sampled)
    speedup_b = sum(b.naive) / sum(b.sampled) if b.sampled else float("nan")
    with_upkeep = len(decisions) / ((sum(decisions) + sum(world.upkeep)) / 1e9)
    print()
    print(f"speed-up over the naive scan: {speedup:,.0f}× (a: {speedup_a:,.0f}×, b: {speedup_b:,.0f}×)")
    print(f"decisions/s counting the upkeep too: {with_upkeep:,.0f}")
    print("goals (issue #4):")
    print(f"  >= 100,000 decisions/s  {rate:>12,.0f}   {'met' if rate >= 100_000 else 'NOT MET'}")
    print(f"  p99 < 1 ms              {p99_ms:>12.3f} ms {'met' if p99_ms < 1 else 'NOT MET'}")
    print(f"  >= 50x the naive scan   {speedup:>12,.0f}x  {'met' if speedup >= 50 else 'NOT MET'}")
    stale = sum(len(g.agents) for g in router.groups.values())
    print(f"(agent heap entries at the end, stale ones included: {stale:,})")


def main() -> None:
    """Build, warm up, measure, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 agents, a few seconds")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--decisions", type=int, help="decisions to measure")
    parser.add_argument("--naive-every", type=int, help="run the naive scan on every n-th decision")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    size = Size(
        size.agents,
        size.queues,
        size.skills,
        args.decisions or size.decisions,
        args.naive_every or size.naive_every,
    )
    world = World(size, args.seed)
    started = time.perf_counter()
    # Events come at about 2 * LOAD * agents / AHT_S a second: warm up for three handle times.
    warmup = int(6 * LOAD * size.agents)
    world.run(warmup, measure=False)
    warmup_s = time.perf_counter() - started
    world.arrivals, world.frees, world.upkeep = Timings(), Timings(), []
    started = time.perf_counter()
    world.run(size.decisions, measure=True)
    report(world, warmup_s, time.perf_counter() - started)


if __name__ == "__main__":
    main()
