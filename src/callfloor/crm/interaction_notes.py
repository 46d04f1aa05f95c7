"""An agent's notes on an interaction: typed on the desk during the call or after it, kept on its record.

Theory of operation. An interaction's record (:class:`~callfloor.storage.interactions.Interaction`)
is written when the interaction ends (:mod:`callfloor.crm.interactions`), in the transaction of
the log entry that ends it. A note typed during the call has no row to go to yet: the live floor
keeps it with the interaction's tally (:meth:`~callfloor.crm.interactions.OpenInteractions.note`)
and the record is written with it, as the caller's answer to the recording notice is. A note
typed once the call has ended (wrap-up, or later) is added to the row. Either way a note is
*appended*, one paragraph each, never replacing what is there: both agents of a transferred call
keep their notes, and a note saved twice is not lost. The contact's history shows the notes with
the interaction (its ``notes`` field).

Who writes: supervisors and admins on any interaction of their tenant; an agent on the calls
they took part in: a live call they are on (talking or consulted), or a finished one whose
record or log names them (:func:`took_part`).
"""

from sqlalchemy.orm import Session

from callfloor.crm.fields import refuse, text
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import Agent
from callfloor.storage.scope import TenantScope

#: The longest note taken at once, and the longest notes an interaction keeps in all.
NOTE_LENGTH = 5_000
NOTES_LENGTH = 50_000


def appended(notes: str, note: str) -> str:
    """``notes`` with ``note`` added as a new paragraph; a blank, too long or binary note is refused."""
    cleaned = text(note, "note", NOTE_LENGTH, multiline=True)
    if not cleaned:
        raise refuse("note", "the note is empty", "la note est vide")
    joined = f"{notes}\n\n{cleaned}" if notes else cleaned
    if len(joined) > NOTES_LENGTH:
        raise refuse(
            "note",
            f"the interaction's notes would pass {NOTES_LENGTH} characters",
            f"les notes de l'interaction dépasseraient {NOTES_LENGTH} caractères",
        )
    return joined


def took_part(session: Session, row: Interaction, agent: Agent) -> bool:
    """Whether ``agent`` handled the finished interaction: its record or one of its log entries names them."""
    if row.agent == agent.extension or row.agent_id == agent.id:
        return True
    entries = TenantScope(session, row.tenant_id).log.for_interaction(row.interaction_id)
    return any(e.agent_id == agent.id or e.payload.get("agent") == agent.extension for e in entries)


def add_note(row: Interaction, note: str) -> Interaction:
    """Append ``note`` to a finished interaction's record (the caller has checked who writes)."""
    row.notes = appended(row.notes or "", note)
    return row
