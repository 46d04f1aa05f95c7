"""A simulated day through the full engine, next to a plain SimPy model of the same day.

The day: 8 hours, 100 agents on one queue, 3,100 calls an hour (Poisson), handle times
exponential with a mean of 110 s, callers' patience exponential with a mean of 120 s: 95 Erlangs
on 100 agents, about 24,800 calls. ``callfloor.sim.run.simulate`` runs it through the real
floor: the ACD (routing, agent and interaction life cycles, log entries for every change) and
the KPI fold over that log. The reference is the textbook M/M/n+M model in SimPy: a
``Resource`` of 100 agents, each caller's request racing ``env.timeout(patience)``, and just the
counters needed to print the same headline figures. Both run in this process, alternately,
``--repeat`` times; the best wall time of each is compared.

    .venv/bin/python bench/simulate.py            # needs the bench extra: pip install -e '.[bench]'
    .venv/bin/python bench/simulate.py --quick    # one hour
"""

import argparse
import random
import statistics
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import simpy

from callfloor.core.acd import engine as acd_engine
from callfloor.sim.run import simulate
from callfloor.sim.scenario import Scenario, parse_scenario

AGENTS = 100
PER_HOUR = 3_100
AHT_S = 110.0
PATIENCE_S = 120.0
SERVICE_LEVEL_S = 20.0


@dataclass(frozen=True)
class Figures:
    """The headline figures of a day, to check that both models simulate the same floor."""

    offered: int
    answered: int
    abandoned: int
    asa_s: float
    service_level: float

    def row(self, label: str) -> str:
        """One line of the comparison table."""
        return (
            f"  {label:<16} {self.offered:>8,} {self.answered:>9,} {self.abandoned:>9,} "
            f"{self.abandoned / self.offered:>8.1%} {self.asa_s:>7.1f} {self.service_level:>8.1%}"
        )


def scenario_text(hours: float) -> str:
    """The day as a callfloor scenario."""
    return f"""\
duration_hours: {hours}
queues: [{{name: q, service_level_s: {SERVICE_LEVEL_S}}}]
agents: [{{count: {AGENTS}}}]
arrivals: [{{queue: q, per_hour: {PER_HOUR}}}]
handle_time: {{distribution: exponential, mean_s: {AHT_S}}}
patience: {{distribution: exponential, mean_s: {PATIENCE_S}}}
"""


def run_engine(scenario: Scenario, seed: int) -> Figures:
    """The day through ``callfloor.sim.run.simulate``."""
    totals = simulate(scenario, seed=seed).kpis.totals
    return Figures(
        totals.offered,
        totals.answered,
        totals.abandoned,
        totals.asa_s or 0.0,
        totals.service_level or 0.0,
    )


def run_simpy(hours: float, seed: int) -> Figures:
    """The same day as an M/M/n+M model in SimPy."""
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    arrivals, handle, patience = (random.Random(f"{seed}/{name}") for name in ("a", "h", "p"))
    end = hours * 3600.0
    counts = {"offered": 0, "answered": 0, "abandoned": 0, "within": 0}
    waits: list[float] = []

    def caller() -> Generator[simpy.Event, Any, None]:
        arrived = env.now
        with agents.request() as request:
            outcome = yield request | env.timeout(patience.expovariate(1 / PATIENCE_S))
            wait = env.now - arrived
            if request not in outcome:
                counts["abandoned"] += 1
                return
            counts["answered"] += 1
            counts["within"] += wait <= SERVICE_LEVEL_S
            waits.append(wait)
            yield env.timeout(handle.expovariate(1 / AHT_S))

    def source() -> Generator[simpy.Event, Any, None]:
        while True:
            yield env.timeout(arrivals.expovariate(PER_HOUR / 3600.0))
            if env.now >= end:
                return
            counts["offered"] += 1
            env.process(caller())

    env.process(source())
    env.run()
    return Figures(
        counts["offered"],
        counts["answered"],
        counts["abandoned"],
        statistics.fmean(waits),
        counts["within"] / counts["offered"],
    )


def timed(run: Callable[[], Figures]) -> tuple[Figures, float]:
    """Run one model once; its figures and wall time."""
    started = time.perf_counter()
    figures = run()
    return figures, time.perf_counter() - started


def main() -> None:
    """Run both models alternately, print their figures, their times and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one hour instead of eight")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each model (best one counts)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    hours = 1.0 if args.quick else 8.0
    engine_s: list[float] = []
    simpy_s: list[float] = []
    scenario = parse_scenario(scenario_text(hours))  # parsing the YAML is left out of the time
    for _ in range(args.repeat):
        engine, seconds = timed(lambda: run_engine(scenario, args.seed))
        engine_s.append(seconds)
        reference, seconds = timed(lambda: run_simpy(hours, args.seed))
        simpy_s.append(seconds)
    load = PER_HOUR * AHT_S / 3600
    compiled = not acd_engine.__file__.endswith(".py")
    print(f"callfloor's core: {'compiled with mypyc (CALLFLOOR_COMPILE=1)' if compiled else 'pure Python'}")
    print(
        f"day: {hours:g} h, {AGENTS} agents, {PER_HOUR:,} calls/h, AHT {AHT_S:.0f} s, "
        f"patience {PATIENCE_S:.0f} s ({load:.1f} Erlangs)"
    )
    print(
        f"  {'':<16} {'offered':>8} {'answered':>9} {'abandoned':>9} {'aband.':>8} {'ASA s':>7} {'SL20':>8}"
    )
    print(engine.row("callfloor"))
    print(reference.row("SimPy M/M/n+M"))
    print()
    print(f"wall time, {args.repeat} runs each   {'best':>8} {'median':>8}")
    print(f"  callfloor simulate        {min(engine_s):>7.3f}s {statistics.median(engine_s):>7.3f}s")
    print(f"  SimPy M/M/n+M             {min(simpy_s):>7.3f}s {statistics.median(simpy_s):>7.3f}s")
    ratio = min(engine_s) / min(simpy_s)
    print(f"callfloor / SimPy: {ratio:.2f} (best against best)")
    print(f"goal (issue #4): no slower than SimPy   {'met' if ratio <= 1 else 'NOT MET'}")
    calls = engine.offered / min(engine_s)
    print(f"(callfloor: {calls:,.0f} calls simulated per second of wall time)")


if __name__ == "__main__":
    main()
