"""Historical reports: KPIs of a stored period, read from the interaction log and the recordings.

The live wallboard folds today's log as it is written; a report folds a past period the same way
(:mod:`callfloor.core.kpi`), so a figure of yesterday on the wallboard and in a report agree.

Errors, all rooted in :class:`ReportError`::

    ReportError
    └── PeriodError   a period that ends before it begins, or longer than a report covers
"""


class ReportError(Exception):
    """Root of the exceptions raised by ``callfloor.reports``."""


class PeriodError(ReportError, ValueError):
    """The period asked for cannot be reported on; the message says why."""
