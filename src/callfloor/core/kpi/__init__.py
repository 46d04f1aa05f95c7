"""Key performance indicators as an incremental fold over the interaction log.

The floor core appends a :class:`~callfloor.core.log.LogEntry` for every change of an
interaction or an agent (ARCHITECTURE.md, "Interactions and the event log"). KPIs are a fold
over those entries, so the wallboard, the interval reports and the simulator's report all get
their figures from the same code: :class:`~callfloor.core.kpi.fold.KpiFold` takes entries one at
a time in O(1) and can be read at any ``now`` without being changed by the reading.

- :mod:`.service_level`: the five service-level definitions vendors disagree on, as one pure
  function from counters, and the per-queue settings (threshold T, short-abandon limit).
- :mod:`.figures`: the read-out values (:class:`~.figures.Kpis` and friends) and the tallies
  that accumulate one bucket of them (totals, a queue, an interval, an agent).
- :mod:`.agent_time`: time agents spend in each state, in total, per agent and per interval.
- :mod:`.fold`: :class:`~.fold.KpiFold`, which routes each entry to the tallies it counts in.

Outbound figures (attempts, contacts, conversion) will be their own tallies fed by ``dialed``,
``no_answer`` and ``dropped``; the fold ignores those entries today.

Errors, all rooted in :class:`callfloor.core.CoreError`::

    KpiError
    ├── KpiSettingsError     a setting out of range (negative threshold, interval of 0 s)
    ├── MalformedEntryError  an entry lacks a field its type must carry (see LogEntry)
    └── OutOfOrderError      an agent entry, or a read-out, earlier than an agent entry folded
"""

from callfloor.core import CoreError


class KpiError(CoreError):
    """Root of the exceptions raised by ``callfloor.core.kpi``."""


class KpiSettingsError(KpiError, ValueError):
    """A KPI setting is out of range; raised when the settings are built, not when read."""


class MalformedEntryError(KpiError):
    """A log entry lacks a field that its type carries by contract; the message names it."""


class OutOfOrderError(KpiError):
    """Agent state time would run backwards: entries of one agent must come in time order."""
