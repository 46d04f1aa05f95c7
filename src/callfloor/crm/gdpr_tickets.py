"""Tickets as holders of a person's data: exported whole, anonymised on erasure.

A ticket of the person is one linked to the contact. On erasure it is kept for the statistics
(category, kind, priority, status, level, team, channel and every SLA time stay), but its
contact is unlinked, and what was written by or about the person is replaced by
:data:`~callfloor.crm.gdpr.MARKER`: the subject, the description and every comment. Attachments
(a photo, an invoice, a letter the customer sent) are deleted, rows and files, the files after
the commit. The history is kept, entry by entry, with its free text (a reason, a checklist
answer, a file name) replaced by the marker; those entries are rewritten in place, under their
own ids (:func:`~callfloor.crm.gdpr_holders.rewrite_row`), since the history refuses UPDATEs.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.crm.gdpr import MARKER, PERSONAL_DATA, DataSubject, Erasure, inside
from callfloor.crm.gdpr_holders import rewrite_row
from callfloor.crm.ticket_files import ATTACHMENTS
from callfloor.storage.tickets import Ticket

#: Keys of a history entry's data whose values are free text someone typed.
FREE_TEXT = frozenset({"reason", "answer", "file_name", "body"})

#: The fields of a ticket the export shows.
TICKET_FIELDS = (
    *("id", "number", "kind", "subject", "description", "priority", "status", "level", "channel"),
    *("interaction_id", "created_at", "updated_at", "first_response_at", "resolved_at", "closed_at"),
)


def scrubbed(value: Any) -> Any:
    """``value`` with every string under a :data:`FREE_TEXT` key replaced by the marker."""
    if isinstance(value, dict):
        return {
            k: MARKER if k in FREE_TEXT and isinstance(v, str) and v else scrubbed(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [scrubbed(v) for v in value]
    return value


class TicketHolder:
    """The person's tickets with their comments, history and attachment names."""

    kind = "tickets"
    title: ClassVar[Mapping[str, str]] = {
        "fr": "Tickets (réclamations, demandes, SAV)",
        "en": "Tickets (complaints, requests, after-sales)",
    }

    def _tickets(self, session: Session, subject: DataSubject) -> list[Ticket]:
        query = select(Ticket).where(
            Ticket.tenant_id == subject.tenant_id, Ticket.contact_id == subject.contact_id
        )
        return list(session.scalars(query.order_by(Ticket.created_at, Ticket.id)))

    def export(self, session: Session, subject: DataSubject) -> list[dict[str, Any]]:
        """Each ticket, its category, comments, history entries and attachment names."""
        return [self._ticket(t) for t in self._tickets(session, subject)]

    @staticmethod
    def _ticket(t: Ticket) -> dict[str, Any]:
        return {name: getattr(t, name) for name in TICKET_FIELDS} | {
            "category": t.category.name if t.category else None,
            "comments": [
                {"body": c.body, "internal": c.internal, "created_at": c.created_at} for c in t.comments
            ],
            "events": [{"type": e.type, "at": e.at, "data": dict(e.data)} for e in t.events],
            "attachments": [
                {"file_name": a.file_name, "content_type": a.content_type, "size": a.size,
                 "created_at": a.created_at} for a in t.attachments
            ],
        }  # fmt: skip

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        """Unlink and mark each ticket, mark its comments and history, delete its attachments."""
        tickets = self._tickets(session, subject)
        attachments = [a for t in tickets for a in t.attachments]
        events = [e for t in tickets for e in t.events if scrubbed(e.data) != e.data]
        comments = [c for t in tickets for c in t.comments]
        folder = f"{ATTACHMENTS}/{subject.tenant_id}"
        files = [f for f in (inside(subject.data_dir, folder, a.path) for a in attachments) if f is not None]

        def apply() -> None:
            for ticket in tickets:
                ticket.contact_id, ticket.subject = None, MARKER
                ticket.description = MARKER if ticket.description else ""
                ticket.attachments.clear()
            for comment in comments:
                comment.body = MARKER
            for entry in events:
                rewrite_row(session, entry, data=scrubbed(entry.data))
            session.flush()
            for ticket in tickets:
                session.expire(ticket, ["events"])

        counts = {
            "tickets_anonymised": len(tickets), "comments_anonymised": len(comments),
            "history_entries_anonymised": len(events), "attachments_deleted": len(attachments),
        }  # fmt: skip
        return Erasure(counts, apply, files)


PERSONAL_DATA.register(TicketHolder())
