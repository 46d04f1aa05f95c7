"""A queue's KPIs of a stored period: the log read back, folded per local day of the first enqueue."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.config import ServiceLevelDefinition
from callfloor.reports import PeriodError
from callfloor.reports.queue_kpis import MAX_DAYS, period_bounds, queue_kpis
from callfloor.storage.scope import TenantScope
from tests.reports.calls import PARIS, TUESDAY, WEDNESDAY, local, log_calls, support_report
from tests.tenants import Platform2


def test_each_day_counts_the_calls_that_first_entered_the_queue_that_day(
    sessions: sessionmaker[Session], platform: Platform2
) -> None:
    log_calls(sessions, platform.acme.tenant_id)
    with sessions() as session:
        support = TenantScope(session, platform.acme.tenant_id).queues.by_name("support")
        assert support is not None
        report = queue_kpis(session, support, TUESDAY, WEDNESDAY, PARIS)
    tuesday, wednesday = (d.kpis for d in report.days)
    assert [d.day for d in report.days] == [TUESDAY, WEDNESDAY]
    # a, b, c, d and "late" (answered after midnight); "early" was the 7th's, "v" is vip's.
    assert (tuesday.offered, tuesday.answered, tuesday.abandoned, tuesday.short_abandoned) == (5, 3, 2, 1)
    assert tuesday.service_level == pytest.approx(1 / 5)  # a only, over the offered calls
    assert tuesday.service_level_definition is ServiceLevelDefinition.OFFERED
    assert tuesday.service_level_threshold_s == 20
    assert tuesday.asa_s == pytest.approx((10 + 40 + 90) / 3)
    assert tuesday.aht_s == pytest.approx((150 + 210 + 300) / 3)
    assert (wednesday.offered, wednesday.answered, wednesday.service_level) == (1, 1, 1.0)
    total = report.total
    assert (total.offered, total.answered, total.abandoned, total.short_abandoned) == (6, 4, 2, 1)
    assert total.service_level == pytest.approx(2 / 6)
    assert total.asa_s == pytest.approx((10 + 40 + 90 + 5) / 4)
    assert total.aht_s == pytest.approx((150 + 210 + 300 + 100) / 4)


def test_a_day_without_calls_is_zero_and_another_tenant_s_log_is_not_read(
    sessions: sessionmaker[Session], platform: Platform2
) -> None:
    log_calls(sessions, platform.demo.tenant_id)  # the same calls, on the demo tenant's floor
    with sessions() as session:
        support = TenantScope(session, platform.acme.tenant_id).queues.by_name("support")
        assert support is not None
        report = queue_kpis(session, support, TUESDAY, TUESDAY, PARIS)
    (day,) = report.days
    assert (day.kpis.offered, day.kpis.service_level, day.kpis.asa_s, day.kpis.aht_s) == (0, None, None, None)
    assert report.total.offered == 0


def test_the_queue_s_own_definition_and_threshold_judge_it(
    sessions: sessionmaker[Session], platform: Platform2
) -> None:
    log_calls(sessions, platform.acme.tenant_id)
    with sessions.begin() as session:
        support = TenantScope(session, platform.acme.tenant_id).queues.by_name("support")
        assert support is not None
        support.service_level_s, support.service_level_definition = 45, "answered"
    with sessions() as session:
        support = TenantScope(session, platform.acme.tenant_id).queues.by_name("support")
        assert support is not None
        tuesday = queue_kpis(session, support, TUESDAY, TUESDAY, PARIS).total
    assert tuesday.service_level == pytest.approx(2 / 3)  # a and b within 45 s, over the answered
    assert tuesday.service_level_threshold_s == 45


def test_a_period_is_local_midnights_even_across_a_clock_change() -> None:
    start, end = period_bounds(date(2026, 3, 29), date(2026, 3, 29), PARIS)
    assert start.astimezone(PARIS) == datetime(2026, 3, 29, tzinfo=PARIS)
    assert (end - start).total_seconds() == 23 * 3600
    start, _ = period_bounds(date(2026, 12, 8), date(2026, 12, 8), ZoneInfo("America/New_York"))
    assert start.utcoffset() is not None and start.hour == 5  # 00:00 in New York is 05:00 UTC


def test_a_period_that_runs_backwards_or_too_long_is_refused() -> None:
    with pytest.raises(PeriodError):
        period_bounds(WEDNESDAY, TUESDAY, PARIS)
    with pytest.raises(PeriodError):
        period_bounds(date(2026, 1, 1), date.fromordinal(date(2026, 1, 1).toordinal() + MAX_DAYS), PARIS)
    assert period_bounds(
        date(2026, 1, 1), date.fromordinal(date(2026, 1, 1).toordinal() + MAX_DAYS - 1), PARIS
    )


def test_each_half_hour_with_a_call_has_its_figures(
    sessions: sessionmaker[Session], platform: Platform2
) -> None:
    log_calls(sessions, platform.acme.tenant_id)
    report = support_report(sessions, platform.acme.tenant_id, TUESDAY, WEDNESDAY)
    starts = [line.start for line in report.intervals]
    assert starts == [local(TUESDAY, "09:00"), local(TUESDAY, "23:30"), local(WEDNESDAY, "10:00")]
    assert all(line.start.tzinfo == PARIS for line in report.intervals)  # the tenant's clock
    morning = report.intervals[0].kpis  # a, b, c and d
    assert (morning.offered, morning.answered, morning.abandoned, morning.short_abandoned) == (4, 2, 2, 1)
    assert morning.asa_s == pytest.approx((10 + 40) / 2)
    assert sum(line.kpis.offered for line in report.intervals) == report.total.offered
