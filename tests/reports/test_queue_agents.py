"""A queue's agents over a stored period: the queue's calls they took, their occupancy over all their work."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.reports.calls import TUESDAY, WEDNESDAY, log_calls, support_report
from tests.tenants import Platform2

#: Agent 2001 on the 8th (tests/reports/calls.py): ready or working, and busy or in wrap-up.
AVAILABLE_S, WORKING_S = 1800 + 11100 + 14400 + 60, 150 + 210 + 50


def test_an_agent_s_calls_are_the_queue_s_and_their_occupancy_is_over_all_their_work(
    sessions: sessionmaker[Session], platform: Platform2
) -> None:
    log_calls(sessions, platform.acme.tenant_id)
    tuesday = support_report(sessions, platform.acme.tenant_id, TUESDAY, TUESDAY)
    (line,) = tuesday.agents
    assert line.agent == "2001"
    assert (line.kpis.answered, line.kpis.completed) == (3, 3)  # a, b and "late"; v was vip's
    assert line.kpis.aht_s == pytest.approx((150 + 210 + 300) / 3) == tuesday.total.aht_s
    # v's 50 s count: a state is no one queue's. Ready since the 7th, 23:30: counted from midnight.
    assert line.kpis.occupancy == pytest.approx(WORKING_S / AVAILABLE_S)


def test_every_agent_who_took_a_call_has_a_line_even_without_states(
    sessions: sessionmaker[Session], platform: Platform2
) -> None:
    log_calls(sessions, platform.acme.tenant_id)
    both = support_report(sessions, platform.acme.tenant_id, TUESDAY, WEDNESDAY)
    assert [line.agent for line in both.agents] == ["2001", "2002"]
    zoe, other = (line.kpis for line in both.agents)
    # "late" ran past midnight: 30 s ready then 300 s busy on the 9th.
    assert zoe.occupancy == pytest.approx((WORKING_S + 300) / (AVAILABLE_S + 30 + 300))
    assert (other.answered, other.aht_s, other.occupancy) == (1, 100, None)  # e; no state logged
    assert sum(line.kpis.answered for line in both.agents) == both.total.answered


def test_no_call_no_agent_line(sessions: sessionmaker[Session], platform: Platform2) -> None:
    log_calls(sessions, platform.demo.tenant_id)  # another tenant's floor
    assert support_report(sessions, platform.acme.tenant_id, TUESDAY, TUESDAY).agents == ()
