"""The wallboard's thresholds: where each figure turns amber and red, and what a tenant may set.

:data:`THRESHOLDS` are the defaults a center starts from (the service level's target is the
queue's own definition; the drop rate's red is the legal 3 %). A tenant keeps only the figures
whose edges differ (:func:`overrides`), set from ``/admin/thresholds`` or its center file's
``wallboard_thresholds``; both refuse what :func:`problem` names:

- amber and red are numbers, 0 or more; a rate's (service level, abandon and drop rates) are
  shares of at most 1;
- amber comes before red: lower for a figure that is bad when high, higher for the service
  level, bad when low (amber may equal red: the figure then goes straight to red);
- the drop rate's red is at most 3 %, the legal cap of the calls a person answered
  (16 CFR 310.4(b)(4)(i), Ofcom's persistent misuse policy): a board may warn earlier, not later.
"""

import math
from collections.abc import Mapping
from typing import Final

from callfloor.core.dialer.settings import DEFAULT_TARGET_DROP_RATE

#: The defaults, by figure; ``below``: the figure is bad when low.
THRESHOLDS: dict[str, dict[str, float | bool]] = {
    "waiting": {"amber": 3, "red": 6},
    "longest_wait_s": {"amber": 60, "red": 120},
    "service_level": {"amber": 0.8, "red": 0.6, "below": True},
    "abandon_rate": {"amber": 0.05, "red": 0.10},
    "drop_rate": {"amber": 0.02, "red": 0.03},
    "late_tickets": {"amber": 1, "red": 5},
}
#: The edges a tenant may set; whether a figure is bad when low is the figure's, not the tenant's.
EDGES: Final = ("amber", "red")
#: Figures that are shares (0–1).
RATES: Final = frozenset({"service_level", "abandon_rate", "drop_rate"})
#: The legal cap of the drop rate, which its red may not pass.
DROP_RATE_CAP: Final = DEFAULT_TARGET_DROP_RATE

Thresholds = dict[str, dict[str, float]]


def problem(figure: str, limits: Mapping[str, float]) -> str | None:
    """What is wrong with ``figure``'s amber and red: ``unknown``, ``number``, ``rate``, ``order``
    or ``legal``; None if nothing."""
    if figure not in THRESHOLDS or set(limits) != set(EDGES):
        return "unknown"
    amber, red = limits["amber"], limits["red"]
    if not all(math.isfinite(edge) and edge >= 0 for edge in (amber, red)):
        return "number"
    if figure in RATES and max(amber, red) > 1:
        return "rate"
    if (red > amber) if THRESHOLDS[figure].get("below") else (amber > red):
        return "order"
    if figure == "drop_rate" and red > DROP_RATE_CAP:
        return "legal"
    return None


def overrides(thresholds: Thresholds) -> Thresholds:
    """The figures whose amber or red differ from the defaults: what the tenant keeps."""
    return {
        figure: {edge: limits[edge] for edge in EDGES}
        for figure, limits in thresholds.items()
        if any(limits[edge] != THRESHOLDS[figure][edge] for edge in EDGES)
    }
