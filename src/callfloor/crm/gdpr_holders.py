"""The customer file's own holders of personal data: the contact, its interactions, its recordings.

*Contact.* Exported whole: fields, custom values, its account's name, phones, e-mails, postal
addresses and the consent history. Erased by deleting the row, which takes its phones, e-mails,
addresses and consents with it (the database cascades). The consent history is the proof of
consent (RGPD art. 7.1) only while the data it covers exists; an opposition to calls that must
outlive the person's file belongs in a do-not-call list that keeps no name. The audit entries of
merges into the contact name the absorbed contact (``absorbed_name``): that name is replaced by
:data:`~callfloor.crm.gdpr.MARKER` (see :func:`rewrite_row` for how an append-only row changes).

*Interactions.* The person's are those linked to the contact, and the unlinked ones with one of
its numbers (a call whose number matched several contacts, or none at the time). Kept for the
statistics (queue, agent, times, outcome, disposition), but unlinked from the contact, their
remote number removed and the agent's notes replaced by the marker. Their log entries are left
as they are: the interaction log holds the interaction id (the SIP Call-ID, or a random id for
an agent's call out), queue and agent names and ids, times, wait and talk times and reason codes
(see :class:`callfloor.core.log.LogEntry` and ``server/floors.py``), never a number or a name.

*Recordings.* Those of the person's interactions: rows deleted, files deleted after the commit.
"""

from collections.abc import Mapping
from typing import Any, ClassVar, cast

from sqlalchemy import ColumnElement, Table, and_, delete, insert, or_, select
from sqlalchemy.orm import Session

from callfloor.crm.gdpr import MARKER, PERSONAL_DATA, DataSubject, Erasure, inside
from callfloor.storage.contacts import Contact
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import AuditLog, Base, InteractionEvent, Recording

RECORDINGS = "recordings"


def rewrite_row(session: Session, row: Base, **changes: Any) -> None:
    """Change a row of an append-only table (its trigger refuses UPDATE) by deleting and re-inserting it.

    The row keeps its id, so its place in the log does not move. Only an erasure does this, and
    it is itself audited: the trigger is there against silent edits, not against the law.
    """
    table = cast(Table, row.__table__)
    values = {column.name: getattr(row, column.name) for column in table.columns} | changes
    session.execute(delete(table).where(table.c.id == values["id"]))
    session.execute(insert(table).values(values))
    session.expire(row)


class ContactHolder:
    """The contact row and what hangs on it."""

    kind = "contact"
    title: ClassVar[Mapping[str, str]] = {"fr": "Fiche contact", "en": "Contact record"}

    def export(self, session: Session, subject: DataSubject) -> dict[str, Any]:
        """The contact's fields, phones, e-mails, addresses, consents, custom values, account name."""
        c = _contact(session, subject)
        names = ("id", "civility", "first_name", "last_name", "customer_number", "language", "timezone")
        return {name: getattr(c, name) for name in names} | {
            "account": c.account.name if c.account else None,
            "tags": list(c.tags), "custom": dict(c.custom), "notes": c.notes,
            "created_at": c.created_at, "updated_at": c.updated_at,
            "phones": [{"number": p.number, "label": p.label} for p in c.phones],
            "emails": [{"address": e.address, "label": e.label} for e in c.emails],
            "addresses": [
                {"lines": list(a.lines), "postal_code": a.postal_code, "city": a.city,
                 "country": a.country, "label": a.label} for a in c.addresses
            ],
            "consents": [
                {"channel": k.channel, "purpose": k.purpose, "granted": k.granted, "source": k.source,
                 "recorded_at": k.recorded_at} for k in c.consents
            ],
        }  # fmt: skip

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        """Delete the contact (phones, e-mails, addresses and consents go with it); scrub merge entries."""
        contact = _contact(session, subject)
        merges = _merges_into(session, subject)
        counts = {
            "contacts_deleted": 1, "phones_deleted": len(contact.phones),
            "emails_deleted": len(contact.emails), "addresses_deleted": len(contact.addresses),
            "consents_deleted": len(contact.consents), "merge_entries_scrubbed": len(merges),
        }  # fmt: skip

        def apply() -> None:
            for entry in merges:
                rewrite_row(session, entry, details={**entry.details, "absorbed_name": MARKER})
            session.delete(contact)
            session.flush()

        return Erasure(counts, apply)


def _contact(session: Session, subject: DataSubject) -> Contact:
    query = select(Contact).where(Contact.tenant_id == subject.tenant_id, Contact.id == subject.contact_id)
    return session.scalars(query).one()


def _merges_into(session: Session, subject: DataSubject) -> list[AuditLog]:
    query = select(AuditLog).where(
        AuditLog.tenant_id == subject.tenant_id,
        AuditLog.action == "contact.merge",
        AuditLog.target == str(subject.contact_id),
    )
    return [entry for entry in session.scalars(query) if "absorbed_name" in entry.details]


def interactions_of(subject: DataSubject) -> ColumnElement[bool]:
    """The person's interactions: linked to the contact, or unlinked with one of its numbers."""
    linked = Interaction.contact_id == subject.contact_id
    by_number = and_(Interaction.contact_id.is_(None), Interaction.number.in_(subject.numbers))
    return and_(Interaction.tenant_id == subject.tenant_id, or_(linked, by_number))


#: The fields of an interaction record the export shows.
INTERACTION_FIELDS = (
    *("id", "interaction_id", "channel", "direction", "number", "queue", "agent", "started_at"),
    *("answered_at", "ended_at", "outcome", "outcome_reason", "wait_s", "talk_s", "disposition", "notes"),
    "recording_consent",
)


class InteractionHolder:
    """Interaction records, with their log entries and the list of their recordings."""

    kind = "interactions"
    title: ClassVar[Mapping[str, str]] = {
        "fr": "Interactions (appels, chats, e-mails, courriers)",
        "en": "Interactions (calls, chats, e-mails, letters)",
    }

    def export(self, session: Session, subject: DataSubject) -> list[dict[str, Any]]:
        """Each interaction's record, log entries and recording ids, oldest first."""
        rows = session.scalars(
            select(Interaction)
            .where(interactions_of(subject))
            .order_by(Interaction.started_at, Interaction.id)
        ).all()
        ids = [row.interaction_id for row in rows]
        entries: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        recordings: dict[str, list[int]] = {i: [] for i in ids}
        log = select(InteractionEvent).where(
            InteractionEvent.tenant_id == subject.tenant_id, InteractionEvent.interaction_id.in_(ids)
        )
        for e in session.scalars(log.order_by(InteractionEvent.id)):
            entries[e.interaction_id or ""].append({"type": e.type, "at": e.at, "payload": dict(e.payload)})
        found = select(Recording).where(
            Recording.tenant_id == subject.tenant_id, Recording.interaction_id.in_(ids)
        )
        for r in session.scalars(found.order_by(Recording.id)):
            recordings[r.interaction_id].append(r.id)
        return [
            {name: getattr(row, name) for name in INTERACTION_FIELDS}
            | {"log": entries[row.interaction_id], "recordings": recordings[row.interaction_id]}
            for row in rows
        ]

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        """Keep each record for the statistics; unlink it, drop its number, mark its notes."""
        rows = session.scalars(select(Interaction).where(interactions_of(subject))).all()

        def apply() -> None:
            for row in rows:
                row.contact_id, row.number = None, None
                row.notes = MARKER if row.notes else ""
            session.flush()

        return Erasure({"interactions_unlinked": len(rows)}, apply)


class RecordingHolder:
    """Recordings of the person's calls: deleted, rows and files."""

    kind = "recordings"
    title: ClassVar[Mapping[str, str]] = {"fr": "Enregistrements des appels", "en": "Call recordings"}

    def _rows(self, session: Session, subject: DataSubject) -> list[Recording]:
        theirs = select(Interaction.interaction_id).where(interactions_of(subject))
        query = select(Recording).where(
            Recording.tenant_id == subject.tenant_id, Recording.interaction_id.in_(theirs)
        )
        return list(session.scalars(query.order_by(Recording.started_at, Recording.id)))

    def export(self, session: Session, subject: DataSubject) -> list[dict[str, Any]]:
        """Each recording's metadata and where its audio is served (the audio itself is not copied)."""
        return [
            {"id": r.id, "interaction_id": r.interaction_id, "started_at": r.started_at,
             "duration_s": r.duration_s, "consent": r.consent, "retain_until": r.retain_until,
             "audio": f"/api/recordings/{r.id}/audio"}
            for r in self._rows(session, subject)
        ]  # fmt: skip

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        """Delete the rows now and the files after the commit."""
        rows = self._rows(session, subject)
        folder = f"{RECORDINGS}/{subject.tenant_id}"
        files = [f for f in (inside(subject.data_dir, folder, r.path) for r in rows) if f is not None]

        def apply() -> None:
            for row in rows:
                session.delete(row)
            session.flush()

        return Erasure({"recordings_deleted": len(rows), "recording_files_deleted": len(files)}, apply, files)


PERSONAL_DATA.register(ContactHolder())
PERSONAL_DATA.register(InteractionHolder())
PERSONAL_DATA.register(RecordingHolder())
