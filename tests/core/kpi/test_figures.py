"""The read-out values: names users' scripts rely on, and a tally's arithmetic."""

import json

from callfloor.core.config import ServiceLevelDefinition as Sl
from callfloor.core.kpi.figures import AgentTally, Tally
from callfloor.core.kpi.service_level import QueueKpiSettings
from callfloor.core.log import AgentEventType as A

KPI_NAMES = [
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "abandon_rate",
    "service_level",
    "service_level_definition",
    "service_level_threshold_s",
    "asa_s",
    "avg_wait_s",
    "p_wait",
    "aht_s",
    "occupancy",
    "max_wait_s",
    "calls_per_agent",
    "callbacks_requested",
    "overflowed",
]


def test_kpis_as_dict_has_exactly_the_published_names_and_is_json() -> None:
    tally = Tally()
    tally.offer(QueueKpiSettings())
    tally.answer(12.5, "ann", QueueKpiSettings())
    values = tally.kpis(QueueKpiSettings(definition=Sl.EXCLUDE_SHORT), occupancy=0.8).as_dict()
    assert list(values) == KPI_NAMES
    assert type(values["service_level_definition"]) is str
    assert json.loads(json.dumps(values))["service_level_definition"] == "exclude_short"


def test_a_tally_judges_each_interaction_with_its_queue_settings() -> None:
    tally, strict, lenient = Tally(), QueueKpiSettings(10, 2), QueueKpiSettings(60, 8)
    for settings in (strict, lenient, lenient):
        tally.offer(settings)
    tally.answer(30, "ann", strict)  # late for strict
    tally.answer(30, "bob", lenient)  # in time for lenient
    tally.abandon(6, lenient)  # short for lenient
    kpis = tally.kpis(QueueKpiSettings(), occupancy=None)
    assert (kpis.service_level, kpis.short_abandoned, kpis.service_level_threshold_s) == (1 / 3, 1, None)
    assert (kpis.asa_s, kpis.avg_wait_s, kpis.max_wait_s, kpis.calls_per_agent) == (30, 22, 30, 1)


def test_agent_as_dict_names_state_times() -> None:
    tally = AgentTally(answered=2, completed=2, handle_s=300)
    values = tally.kpis({A.READY: 60.0, A.BUSY: 240.0}).as_dict()
    assert values == {
        "answered": 2,
        "completed": 2,
        "aht_s": 150,
        "occupancy": 0.8,
        "ready_s": 60,
        "busy_s": 240,
    }
