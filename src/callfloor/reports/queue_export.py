"""A queue report as a sheet: its days, its intervals or its agents, for CSV (French Excel) or XLSX.

Three layouts of :class:`~.queue_kpis.QueueKpis`, one row each:

- ``days``: each local day of the period, then the whole period (``day`` is then the ISO 8601
  interval ``first/last``);
- ``intervals``: each half hour in which a call first entered the queue (start in the tenant's
  zone, with its offset), the others left out;
- ``agents``: each agent who took the queue's calls: their extension (and name, for those the
  page shows names to), calls handled, average handle time, occupancy over all their work.

Figures are written as the survey exports write theirs (:func:`~callfloor.outbound.survey_exports.figure`,
a decimal comma): rates as percentages to one decimal, times in seconds to one decimal, a
figure with nothing to compute it from empty. Day and interval rows carry the service level's
definition and threshold T, so that a sheet says what its service level means.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from callfloor.core.kpi.figures import Kpis
from callfloor.outbound.survey_exports import Table, figure
from callfloor.reports.queue_kpis import QueueKpis

FIGURES: Final = (
    "offered", "answered", "abandoned", "short_abandoned", "service_level_percent", "asa_s", "aht_s",
)  # fmt: skip
DEFINITION: Final = ("service_level_definition", "service_level_threshold_s")


class Layout(StrEnum):
    """What one row of the sheet is."""

    DAYS = "days"
    INTERVALS = "intervals"
    AGENTS = "agents"


def percent(share: float | None) -> str:
    """A share (0–1) as a percentage with one decimal, decimal comma (``33,3``)."""
    return "" if share is None else figure(round(100 * share, 1))


def seconds(value: float | None) -> str:
    """Seconds to one decimal, decimal comma."""
    return "" if value is None else figure(round(value, 1))


def _figures(kpis: Kpis) -> list[str]:
    counts = (kpis.offered, kpis.answered, kpis.abandoned, kpis.short_abandoned)
    return [
        *(str(count) for count in counts),
        percent(kpis.service_level), seconds(kpis.asa_s), seconds(kpis.aht_s),
        str(kpis.service_level_definition), figure(kpis.service_level_threshold_s),
    ]  # fmt: skip


def queue_table(report: QueueKpis, layout: Layout, names: Mapping[str, str] | None = None) -> Table:
    """The report in ``layout``; ``names`` (agents' names by extension) adds a ``name`` column."""
    if layout is Layout.DAYS:
        rows = [[report.queue, line.day.isoformat(), *_figures(line.kpis)] for line in report.days]
        period = f"{report.first.isoformat()}/{report.last.isoformat()}"
        rows.append([report.queue, period, *_figures(report.total)])
        return ["queue", "day", *FIGURES, *DEFINITION], rows
    if layout is Layout.INTERVALS:
        rows = [
            [report.queue, line.start.isoformat(timespec="minutes"), *_figures(line.kpis)]
            for line in report.intervals
        ]
        return ["queue", "start", *FIGURES, *DEFINITION], rows
    named = ["name"] if names is not None else []
    header = ["queue", "agent", *named, "answered", "aht_s", "occupancy_percent"]
    return header, [
        [
            report.queue, line.agent, *([names.get(line.agent, "")] if names is not None else []),
            str(line.kpis.answered), seconds(line.kpis.aht_s), percent(line.kpis.occupancy),
        ]
        for line in report.agents
    ]  # fmt: skip
