"""Progressive against predictive dialing: the same outbound day under both modes, side by side.

The day (issue #8): 20 agents for 8 hours, a person answers 30 % of the attempts, talks last
3 minutes. The rest is set to look like a real trunk: a person answers after 7 s of ringing on
average (lognormal, sd 3 s); 10 % of attempts are busy and 5 % fail (refused, unreachable),
both known after 2.5 s on average (lognormal, sd 1 s); the other 55 % ring out, the network
giving up after 25–30 s (lognormal, mean 27.5 s, sd 1.5 s; the dialer's own ring timeout is
30 s). No answering machines (detection is then moot). Talk time is lognormal, mean 180 s,
sd 90 s; wrap-up is lognormal, mean 15 s, sd 4 s (10–20 s for most calls). Leads come from a
list of 20,000 with the default retry rules.

Both modes run through ``callfloor.sim.outbound.simulate_outbound``, i.e. the real campaign
dialer (``core/dialer/engine.py``) and its pacing; the scenario text is the same but for the
mode. Occupancy is the inbound floor's definition: (talk + wrap-up) / (ready + reserved + talk
+ wrap-up); the drop rate is drops over calls a person answered.

Goals: predictive ≥ 250 attempts per agent per day, drop rate ≤ 3 %, occupancy clearly above
progressive.

    .venv/bin/python bench/dialer.py                 # seed 1, one day each (~5 s)
    .venv/bin/python bench/dialer.py --seeds 5       # seeds 1 to 5
"""

import argparse
import statistics
import time
from dataclasses import dataclass

from callfloor.core.dialer.settings import DialingMode
from callfloor.sim.outbound import OutboundResult, simulate_outbound
from callfloor.sim.outbound_scenario import parse_outbound

AGENTS = 20
HOURS = 8.0
ANSWER_RATE = 0.30
TALK_S = 180.0
WRAP_UP_S = 15.0
TARGET_DROP_RATE = 0.03
MIN_ATTEMPTS = 250
MODES = (DialingMode.PROGRESSIVE, DialingMode.PREDICTIVE)


def scenario_text(mode: DialingMode, hours: float) -> str:
    """The day as a callfloor outbound scenario."""
    return f"""\
duration_hours: {hours}
outbound:
  mode: {mode}
  agents: {AGENTS}
  leads: 20000
  answer_rate: {ANSWER_RATE}
  machine_rate: 0.0
  busy_rate: 0.10
  failed_rate: 0.05
  answer_after: {{distribution: lognormal, mean_s: 7, sd_s: 3}}
  no_answer_after: {{distribution: lognormal, mean_s: 27.5, sd_s: 1.5}}
  busy_after: {{distribution: lognormal, mean_s: 2.5, sd_s: 1}}
  talk_time: {{distribution: lognormal, mean_s: {TALK_S}, sd_s: 90}}
  wrap_up: {{distribution: lognormal, mean_s: {WRAP_UP_S}, sd_s: 4}}
  ring_timeout_s: 30
  target_drop_rate: {TARGET_DROP_RATE}
"""


@dataclass(frozen=True)
class Run:
    """One mode, one seed."""

    mode: DialingMode
    seed: int
    result: OutboundResult
    wall_s: float

    def row(self) -> str:
        """One line of the table."""
        r, f = self.result, self.result.figures
        drops = f"{f.drops}/{f.person_answered}"
        return (
            f"  {self.mode:<12} {self.seed:>4} {r.attempts_per_agent_per_day:>9.0f} "
            f"{f.occupancy or 0:>10.1%} {f.drop_rate:>9.2%} {drops:>14} "
            f"{r.contacts_per_agent_per_hour:>9.1f} {f.attempts:>9,} {self.wall_s:>7.1f}"
        )


def run(mode: DialingMode, seed: int, hours: float) -> Run:
    """One day of the scenario under ``mode``."""
    scenario = parse_outbound(scenario_text(mode, hours))
    started = time.perf_counter()
    result = simulate_outbound(scenario, seed=seed)
    return Run(mode, seed, result, time.perf_counter() - started)


def verdict(ok: bool) -> str:
    """The goal's status."""
    return "met" if ok else "NOT MET"


def main() -> None:
    """Run both modes on each seed, print the table, the means and the goals."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="first seed")
    parser.add_argument("--seeds", type=int, default=1, help="how many consecutive seeds")
    parser.add_argument("--hours", type=float, default=HOURS, help="length of the day")
    args = parser.parse_args()
    seeds = range(args.seed, args.seed + args.seeds)
    runs = [run(mode, seed, args.hours) for seed in seeds for mode in MODES]
    print(
        f"day: {args.hours:g} h, {AGENTS} agents, {ANSWER_RATE:.0%} answered by a person, "
        f"talk {TALK_S:.0f} s, wrap-up {WRAP_UP_S:.0f} s; no answer rings 25–30 s, "
        f"busy/failed in ~2.5 s; target drop rate {TARGET_DROP_RATE:.0%}"
    )
    header = ("mode", "seed", "att/ag/d", "occupancy", "drop rate", "drops/answered", "cont/ag/h")
    print("  {:<12} {:>4} {:>9} {:>10} {:>9} {:>14} {:>9}".format(*header), f"{'attempts':>9} {'wall s':>7}")
    for one in runs:
        print(one.row())
    summary(runs, len(seeds))


def summary(runs: list[Run], seeds: int) -> None:
    """Means by mode and the goals."""
    mean = {}
    for mode in MODES:
        mine = [r.result for r in runs if r.mode is mode]
        mean[mode] = (
            statistics.fmean(r.attempts_per_agent_per_day for r in mine),
            statistics.fmean(r.figures.occupancy or 0.0 for r in mine),
            max(r.figures.drop_rate for r in mine),
        )
    print()
    print(f"  {'':<12} {'att/ag/d':>9} {'occupancy':>10} {'worst drop rate':>16}   (over {seeds} seed(s))")
    for mode, (attempts, occupancy, drops) in mean.items():
        print(f"  {mode:<12} {attempts:>9.0f} {occupancy:>10.1%} {drops:>16.2%}")
    attempts, occupancy, drops = mean[DialingMode.PREDICTIVE]
    gain = occupancy - mean[DialingMode.PROGRESSIVE][1]
    print("goals (issue #8), predictive:")
    enough = verdict(attempts >= MIN_ATTEMPTS)
    print(f"  >= {MIN_ATTEMPTS} attempts per agent per day {attempts:>8.0f}   {enough}")
    within = verdict(drops <= TARGET_DROP_RATE)
    print(f"  drop rate <= {TARGET_DROP_RATE:.0%} on every seed     {drops:>8.2%}   {within}")
    print(f"  occupancy above progressive    {gain:>+8.1%}   {verdict(gain >= 0.05)} (from +5 points)")


if __name__ == "__main__":
    main()
