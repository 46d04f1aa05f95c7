"""A queue report as a sheet: its days, half hours and agents, figures as the report has them."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.reports.queue_export import Layout, percent, queue_table, seconds
from callfloor.reports.queue_kpis import QueueKpis
from tests.reports.calls import TUESDAY, WEDNESDAY, log_calls, support_report
from tests.tenants import Platform2


@pytest.fixture
def report(sessions: sessionmaker[Session], platform: Platform2) -> QueueKpis:
    log_calls(sessions, platform.acme.tenant_id)
    return support_report(sessions, platform.acme.tenant_id, TUESDAY, WEDNESDAY)


def test_figures_are_written_as_french_excel_reads_them() -> None:
    assert (percent(1 / 3), percent(0.2), percent(None)) == ("33,3", "20", "")
    assert (seconds(140 / 3), seconds(220.0), seconds(None)) == ("46,7", "220", "")


def test_days_then_the_period_each_with_its_definition(report: QueueKpis) -> None:
    header, rows = queue_table(report, Layout.DAYS)
    assert header == [
        "queue", "day", "offered", "answered", "abandoned", "short_abandoned", "service_level_percent",
        "asa_s", "aht_s", "service_level_definition", "service_level_threshold_s",
    ]  # fmt: skip
    assert rows == [
        ["support", "2026-12-08", "5", "3", "2", "1", "20", "46,7", "220", "offered", "20"],
        ["support", "2026-12-09", "1", "1", "0", "0", "100", "5", "100", "offered", "20"],
        ["support", "2026-12-08/2026-12-09", "6", "4", "2", "1", "33,3", "36,2", "190", "offered", "20"],
    ]
    total = report.total
    assert (total.asa_s, total.aht_s) == (pytest.approx(145 / 4), pytest.approx(760 / 4))


def test_half_hours_start_on_the_tenant_s_clock(report: QueueKpis) -> None:
    header, rows = queue_table(report, Layout.INTERVALS)
    assert header[:3] == ["queue", "start", "offered"]
    assert [row[1:4] for row in rows] == [
        ["2026-12-08T09:00+01:00", "4", "2"],
        ["2026-12-08T23:30+01:00", "1", "1"],
        ["2026-12-09T10:00+01:00", "1", "1"],
    ]


def test_agents_by_extension_and_names_only_when_given(report: QueueKpis) -> None:
    header, rows = queue_table(report, Layout.AGENTS)
    assert header == ["queue", "agent", "answered", "aht_s", "occupancy_percent"]
    zoe = report.agents[0].kpis
    assert rows[0] == ["support", "2001", "3", seconds(zoe.aht_s), percent(zoe.occupancy)]
    assert rows[1] == ["support", "2002", "1", "100", ""]
    named_header, named = queue_table(report, Layout.AGENTS, {"2001": "Zoé"})
    assert named_header[:3] == ["queue", "agent", "name"]
    assert [row[:3] for row in named] == [["support", "2001", "Zoé"], ["support", "2002", ""]]
