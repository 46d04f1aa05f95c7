"""The pause reasons (codes de pause) an agent or a supervisor may choose, with their labels.

A pause's reason is logged with it (``paused`` entries, see :mod:`callfloor.core.log`), so the
codes are a stable interface for reports: add codes, never rename them. The floor sets other
reasons on its own (``login``, ``no_answer``, ``missed_offers``, ``campaign``, ``consult``):
they are shown, but nobody picks them.
"""

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class PauseReason:
    """One reason offered on the agent desktop, labelled in French and English."""

    code: str
    fr: str
    en: str


PAUSE_REASONS: Final[tuple[PauseReason, ...]] = (
    PauseReason("break", "Pause café", "Break"),
    PauseReason("lunch", "Déjeuner", "Lunch"),
    PauseReason("training", "Formation", "Training"),
    PauseReason("meeting", "Réunion", "Meeting"),
    PauseReason("admin", "Travail administratif", "Administrative work"),
    PauseReason("coaching", "Coaching", "Coaching"),
)
PAUSE_CODES: Final[frozenset[str]] = frozenset(reason.code for reason in PAUSE_REASONS)
