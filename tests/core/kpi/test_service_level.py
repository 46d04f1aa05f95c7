"""The five service-level definitions, from counters, and the settings that tune them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.config import ServiceLevelDefinition as Sl
from callfloor.core.kpi import KpiError, KpiSettingsError
from callfloor.core.kpi.service_level import QueueKpiSettings, ServiceLevelCounts, service_level

# 10 offered: 7 answered (5 within T), 3 abandoned (2 within T, 1 of them short).
COUNTS = ServiceLevelCounts(offered=10, answered=7, answered_within=5, abandoned_within=2, short_abandoned=1)


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        (Sl.OFFERED, 5 / 10),
        (Sl.ANSWERED, 5 / 7),
        (Sl.EXCLUDE_SHORT, 5 / 9),
        (Sl.EXCLUDE_ABANDONED_T, 5 / 8),
        (Sl.ABANDON_POSITIVE, 7 / 10),
    ],
)
def test_each_definition(definition: Sl, expected: float) -> None:
    assert service_level(definition, COUNTS) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("definition", "counts"),
    [
        (Sl.OFFERED, ServiceLevelCounts(0, 0, 0, 0, 0)),
        (Sl.ANSWERED, ServiceLevelCounts(3, 0, 0, 2, 1)),  # offered, but nobody answered yet
        (Sl.EXCLUDE_SHORT, ServiceLevelCounts(2, 0, 0, 2, 2)),  # only short abandons
        (Sl.EXCLUDE_ABANDONED_T, ServiceLevelCounts(2, 0, 0, 2, 1)),  # all abandoned within T
        (Sl.ABANDON_POSITIVE, ServiceLevelCounts(0, 0, 0, 0, 0)),
    ],
)
def test_zero_denominator_is_none(definition: Sl, counts: ServiceLevelCounts) -> None:
    assert service_level(definition, counts) is None


def test_every_definition_is_covered() -> None:
    empty = ServiceLevelCounts(0, 0, 0, 0, 0)
    assert all(service_level(definition, empty) is None for definition in Sl)


@st.composite
def consistent_counts(draw: st.DrawFn) -> ServiceLevelCounts:
    answered = draw(st.integers(0, 50))
    abandoned = draw(st.integers(0, 50))
    offered = answered + abandoned + draw(st.integers(0, 50))
    abandoned_within = draw(st.integers(0, abandoned))
    return ServiceLevelCounts(
        offered=offered,
        answered=answered,
        answered_within=draw(st.integers(0, answered)),
        abandoned_within=abandoned_within,
        short_abandoned=draw(st.integers(0, abandoned_within)),
    )


@given(consistent_counts(), st.sampled_from(Sl))
def test_service_level_is_a_share(counts: ServiceLevelCounts, definition: Sl) -> None:
    value = service_level(definition, counts)
    assert value is None or 0 <= value <= 1


def test_thresholds_are_inclusive() -> None:
    settings = QueueKpiSettings(service_level_s=20, short_abandon_s=5)
    assert settings.within_threshold(20)
    assert not settings.within_threshold(20.001)
    assert settings.is_short_abandon(5)
    assert not settings.is_short_abandon(5.001)


def test_defaults() -> None:
    assert QueueKpiSettings() == QueueKpiSettings(20, 5, Sl.OFFERED)


@pytest.mark.parametrize(("threshold", "short"), [(-1, 5), (20, -0.5)])
def test_negative_settings_are_refused(threshold: float, short: float) -> None:
    with pytest.raises(KpiSettingsError):
        QueueKpiSettings(service_level_s=threshold, short_abandon_s=short)
    assert issubclass(KpiSettingsError, KpiError)
