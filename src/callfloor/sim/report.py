"""Turning a simulation's KPIs into the JSON object and the tables ``callfloor simulate`` prints.

The JSON keys are an interface scripts rely on: the totals' figures at the top level, then
``per_queue`` (the same keys by queue name) and ``per_interval`` (one object per interval with
its start as seconds and as ``[day] HH:MM`` from the start of the run).
"""

import math
from typing import Any

from callfloor.core.kpi.figures import Kpis
from callfloor.sim.run import DAY_S, SimResult


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    # Rounded so that output is readable and diffable; NaN never reaches JSON.
    return {
        k: (None if math.isnan(v) else round(v, 6)) if isinstance(v, float) else v for k, v in values.items()
    }


def _clock(start_s: float) -> str:
    day, seconds = divmod(int(start_s), int(DAY_S))
    hh, mm = divmod(seconds // 60, 60)
    return f"{'d' + str(day + 1) + ' ' if day else ''}{hh:02d}:{mm:02d}"


def as_json(result: SimResult, *, seed: int, days: int) -> dict[str, Any]:
    """The report as one JSON-ready object."""
    kpis = result.kpis
    return {
        **_clean(kpis.totals.as_dict()),
        "per_queue": {name: _clean(k.as_dict()) for name, k in kpis.per_queue.items()},
        "per_interval": [
            {"start_s": i.start, "start": _clock(i.start), **_clean(i.totals.as_dict())}
            for i in kpis.per_interval
        ],
        "per_agent_summary": _agent_summary(result),
        "simulated_interactions": result.interactions,
        "seed": seed,
        "days": days,
    }


def _agent_summary(result: SimResult) -> dict[str, Any]:
    agents = result.kpis.per_agent
    answered = [a.answered for a in agents.values()]
    return {
        "agents": len(agents),
        "min_answered": min(answered, default=0),
        "max_answered": max(answered, default=0),
    }


ROWS: list[tuple[str, str]] = [
    ("offered", "Offered / Présentés"),
    ("answered", "Answered / Répondus"),
    ("abandoned", "Abandoned / Abandons"),
    ("short_abandoned", "Short abandons / Abandons courts"),
    ("abandon_rate", "Abandon rate / Taux d'abandon"),
    ("service_level", "Service level / Niveau de service"),
    ("asa_s", "ASA (s) / Délai moyen de réponse"),
    ("avg_wait_s", "Mean wait (s) / Attente moyenne"),
    ("p_wait", "P(wait) / Part en attente"),
    ("aht_s", "AHT (s) / DMT"),
    ("occupancy", "Occupancy / Taux d'occupation"),
    ("max_wait_s", "Max wait (s) / Attente max"),
]


def rows(kpis: Kpis) -> list[tuple[str, str]]:
    """Label and formatted value of each headline figure."""
    values = kpis.as_dict()
    out = []
    for key, label in ROWS:
        value = values[key]
        if value is None:
            text = "—"
        elif key in {"abandon_rate", "service_level", "p_wait", "occupancy"}:
            text = f"{100 * float(value):.1f} %"
        elif isinstance(value, float):
            text = f"{value:.1f}"
        else:
            text = str(value)
        out.append((label, text))
    return out


def definition_note(kpis: Kpis) -> str:
    """How the service level was computed, printed under every table."""
    values = kpis.as_dict()
    threshold = values["service_level_threshold_s"]
    t = f"T = {threshold} s" if threshold is not None else "T of each call's queue"
    return f"service level: {values['service_level_definition']}, {t}"
