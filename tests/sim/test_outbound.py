"""Outbound days through the real campaign dialer."""

from callfloor.core.dialer.settings import DialingMode
from callfloor.sim.outbound import OutboundResult, simulate_outbound
from callfloor.sim.outbound_scenario import parse_outbound

DAY = """\
duration_hours: {hours}
outbound:
  mode: {mode}
  agents: {agents}
  leads: 5000
  answer_rate: 0.30
  machine_rate: {machines}
  busy_rate: 0.10
  failed_rate: 0.05
  answer_after: {{distribution: lognormal, mean_s: 7, sd_s: 3}}
  no_answer_after: {{distribution: lognormal, mean_s: 27.5, sd_s: 1.5}}
  busy_after: {{distribution: lognormal, mean_s: 2.5, sd_s: 1}}
  talk_time: {{distribution: lognormal, mean_s: 180, sd_s: 90}}
  wrap_up: {{distribution: lognormal, mean_s: 15, sd_s: 4}}
  ring_timeout_s: 30
  conversion_rate: 0.1
  preview_skip_rate: 0.2
{extra}"""


def day(mode: DialingMode, *, hours: float = 1, agents: int = 5, machines: float = 0.0, extra: str = "", seed: int = 7,
        days: int = 1) -> OutboundResult:  # fmt: skip
    text = DAY.format(hours=hours, mode=mode, agents=agents, machines=machines, extra=extra)
    return simulate_outbound(parse_outbound(text), seed=seed, days=days)


def test_predictive_keeps_drops_within_target_and_beats_progressive_occupancy() -> None:
    progressive = day(DialingMode.PROGRESSIVE, hours=4, agents=20)
    predictive = day(DialingMode.PREDICTIVE, hours=4, agents=20)
    assert progressive.figures.drops == 0
    assert 0 < predictive.figures.drop_rate <= 0.03
    assert (predictive.figures.occupancy or 0) > (progressive.figures.occupancy or 0) + 0.08
    assert predictive.figures.attempts > progressive.figures.attempts
    assert predictive.contacts_per_agent_per_hour > progressive.contacts_per_agent_per_hour


def test_the_same_seed_gives_the_same_day() -> None:
    first = day(DialingMode.PREDICTIVE)
    assert day(DialingMode.PREDICTIVE) == first
    assert day(DialingMode.PREDICTIVE, seed=8).figures != first.figures


def test_every_attempt_gets_one_outcome_and_the_list_its_progress() -> None:
    result = day(DialingMode.POWER, machines=0.1)
    f = result.figures
    assert sum(f.outcomes.values()) == f.attempts
    assert f.outcomes["answered"] == f.contacts and f.outcomes.get("dropped", 0) == f.drops
    assert f.outcomes["machine"] > 0 and f.conversions > 0
    assert sum(result.lead_progress.values()) == 5000
    assert result.lead_progress["in_progress"] == 0


def test_without_detection_machines_reach_agents_who_report_them() -> None:
    result = day(DialingMode.PROGRESSIVE, machines=0.2, extra="  amd: false\n")
    f = result.figures
    assert f.outcomes["machine"] > 0
    assert f.contacts == f.outcomes["machine"] + f.outcomes["answered"]  # each took an agent


def test_machine_messages_and_previews_run_through() -> None:
    messages = day(DialingMode.PROGRESSIVE, machines=0.2, extra="  machine: message\n")
    assert messages.figures.outcomes["machine"] > 0
    preview = day(DialingMode.PREVIEW)
    assert preview.figures.drops == 0 and preview.figures.attempts > 0
    assert preview.attempts_per_agent_per_day < day(DialingMode.PROGRESSIVE).attempts_per_agent_per_day


def test_days_add_up_on_one_list() -> None:
    one, two = day(DialingMode.PROGRESSIVE), day(DialingMode.PROGRESSIVE, days=2)
    assert two.days == 2
    assert 1.5 * one.figures.attempts < two.figures.attempts < 2.5 * one.figures.attempts
    assert (
        abs(two.attempts_per_agent_per_day - one.attempts_per_agent_per_day)
        < 0.25 * one.attempts_per_agent_per_day
    )
