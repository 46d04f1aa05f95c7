"""The pause reasons (codes de pause) an agent or a supervisor may choose, with their labels.

A pause's reason is logged with it (``paused`` entries, see :mod:`callfloor.core.log`), so the
codes are a stable interface for reports: add codes, never rename them. A tenant may offer its
own list (its center configuration's ``pause_reasons``); :data:`PAUSE_REASONS` is the list of a
tenant that has none. The floor sets other reasons on its own (:data:`FLOOR_REASONS`): they are
shown, but nobody picks them, and no tenant may offer them.
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

#: The reasons the floor pauses agents with on its own: logged in paused (``login``), an offer
#: missed (``no_answer``) or too many in a row (``missed_offers``), working a campaign
#: (``campaign``, :mod:`callfloor.server.campaigns`), consulted before a transfer (``consult``),
#: a supervisor listening to a call (``monitoring``, :mod:`callfloor.server.sip.monitoring`).
FLOOR_REASONS: Final[frozenset[str]] = frozenset(
    {"login", "no_answer", "missed_offers", "campaign", "consult", "monitoring"}
)
