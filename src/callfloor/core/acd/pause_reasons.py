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

#: The reasons the floor pauses agents with on its own, labelled for the desk and the wallboard:
#: logged in paused (``login``), an offer missed (``no_answer``) or too many in a row
#: (``missed_offers``), working a campaign (``campaign``, :mod:`callfloor.server.campaigns`),
#: consulted before a transfer (``consult``), a supervisor listening to a call (``monitoring``,
#: :mod:`callfloor.server.sip.monitoring`), calling a scheduled callback back from the desk
#: (``callback``, :mod:`callfloor.server.sip.callback_dials`), on a call of one's own out
#: (``outbound``, :mod:`callfloor.server.sip.outbound`), rung straight from the IVR (``direct``,
#: :mod:`callfloor.server.sip.ivr_transfers`).
FLOOR_PAUSE_REASONS: Final[tuple[PauseReason, ...]] = (
    PauseReason("login", "Connecté, pas encore prêt", "Logged in, not ready yet"),
    PauseReason("no_answer", "Appel non répondu", "Call not answered"),
    PauseReason("missed_offers", "Appels manqués", "Missed calls"),
    PauseReason("campaign", "En campagne", "On a campaign"),
    PauseReason("consult", "Consulté pour un transfert", "Consulted for a transfer"),
    PauseReason("monitoring", "Écoute d'un appel", "Monitoring a call"),
    PauseReason("callback", "Rappel programmé", "Scheduled callback"),
    PauseReason("outbound", "Appel sortant", "Outbound call"),
    PauseReason("direct", "Appel direct", "Direct call"),
)
FLOOR_REASONS: Final[frozenset[str]] = frozenset(reason.code for reason in FLOOR_PAUSE_REASONS)
