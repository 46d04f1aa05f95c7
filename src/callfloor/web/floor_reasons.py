"""The floor's own pause reasons, labelled in both languages for the pages' scripts.

Agents never pick these (:data:`~callfloor.core.acd.pause_reasons.FLOOR_PAUSE_REASONS`), so the
agent's list of reasons leaves them out; the desk and the wallboard still show an agent paused by
the floor with the words of that table rather than its code.
"""

from callfloor.core.acd.pause_reasons import FLOOR_PAUSE_REASONS

#: ``{code: {"fr": …, "en": …}}``, given to a page as JSON.
FLOOR_REASON_LABELS: dict[str, dict[str, str]] = {
    reason.code: {"fr": reason.fr, "en": reason.en} for reason in FLOOR_PAUSE_REASONS
}
