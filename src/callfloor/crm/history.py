"""The history of a contact or an account: one timeline, newest first, of every kind of item.

Theory of operation. Each kind of item (interactions, consents, and what other modules add:
tickets, quotes, orders, appointments, survey answers) comes from a :class:`TimelineSource`
registered in :data:`TIMELINE_SOURCES`, the way :data:`callfloor.crm.merge.CONTACT_REFERENCES`
gathers contact references: a module registers its source at import, and the timeline needs no
change when it arrives. A page asks every source for at most ``limit + 1`` items older than the
cursor, merges them and keeps ``limit``: an item of the page is in its source's first ``limit``,
so nothing is missed, and one more item anywhere means another page.

Order and cursor. Items are ordered newest first on the key ``(at, kind, id)``, compared as a
tuple, so that items at the same instant still have one order; the cursor ``before`` is the key
of a page's last item, and the next page holds the items strictly after it in that order
(:func:`older_than` writes that condition for a source's SQL). Pages never skip nor repeat an
item, whatever the page size and however many items share a time.

A source's interface (:class:`TimelineSource`): a ``kind`` (a short word, unique, e.g.
``"ticket"``) and ``items(session, owner, before, limit)``, the owner's items of that kind older
than ``before`` (all when None), newest first, at most ``limit``, each a :class:`TimelineItem`
whose ``id`` is unique within the kind. ``owner.of(contact_column, account_column)`` is the
condition for the owner's rows: a contact's own, or an account's own and its contacts'. For
example, for tickets::

    class TicketSource:
        kind = "ticket"

        def items(self, session, owner, before, limit):
            query = select(Ticket).where(Ticket.tenant_id == owner.tenant_id,
                                         owner.of(Ticket.contact_id, Ticket.account_id),
                                         older_than(before, self.kind, Ticket.created_at, Ticket.id))
            rows = session.scalars(query.order_by(*newest_first(Ticket.created_at, Ticket.id)).limit(limit))
            return [TimelineItem(t.created_at, self.kind, t.id, t.contact_id, {"subject": t.subject})
                    for t in rows]

    TIMELINE_SOURCES.register(TicketSource())

Interactions (with links to their recordings) and consents are registered here.
"""

import base64
import binascii
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from callfloor.crm import CustomerFileError
from callfloor.storage.contacts import Consent, Contact
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import Recording


class CursorError(CustomerFileError):
    """A ``before`` cursor that is not one this module wrote."""

    error_id = "invalid_cursor"


@dataclass(frozen=True, slots=True, order=True)
class TimelineKey:
    """Where an item sits in a timeline; newest first is this key descending."""

    at: datetime
    kind: str
    id: int

    def encode(self) -> str:
        """The key as an opaque cursor for ``before``."""
        text = f"{self.at.isoformat()}|{self.kind}|{self.id}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> "TimelineKey":
        """The key a cursor holds; :class:`CursorError` when it holds none."""
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            at, kind, item = text.split("|")
            key = cls(datetime.fromisoformat(at), kind, int(item))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise CursorError("before: not a cursor of this timeline", "before : curseur inconnu") from None
        if key.at.tzinfo is None:
            raise CursorError("before: not a cursor of this timeline", "before : curseur inconnu")
        return key


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One item of a timeline: when, what kind, its id in that kind, whose, and its own fields."""

    at: datetime
    kind: str
    id: int
    contact_id: int | None
    data: Mapping[str, Any]

    @property
    def key(self) -> TimelineKey:
        """Its place in the timeline."""
        return TimelineKey(self.at, self.kind, self.id)


@dataclass(frozen=True, slots=True)
class TimelineOwner:
    """Whose timeline: a contact's, or an account's (its own items and its contacts')."""

    tenant_id: int
    contact_id: int | None = None
    account_id: int | None = None

    def of(
        self,
        contact_column: InstrumentedAttribute[Any],
        account_column: InstrumentedAttribute[Any] | None = None,
    ) -> ColumnElement[bool]:
        """The condition for the owner's rows, given a table's contact and account columns."""
        if self.contact_id is not None:
            return contact_column == self.contact_id
        contacts = select(Contact.id).where(Contact.tenant_id == self.tenant_id)
        mine = contact_column.in_(contacts.where(Contact.account_id == self.account_id))
        return or_(mine, account_column == self.account_id) if account_column is not None else mine


class TimelineSource(Protocol):
    """Where one kind of timeline item comes from (see the module docstring)."""

    @property
    def kind(self) -> str:
        """The items' kind, unique among sources."""

    def items(
        self, session: Session, owner: TimelineOwner, before: TimelineKey | None, limit: int
    ) -> Sequence[TimelineItem]:
        """Up to ``limit`` of the owner's items strictly older than ``before``, newest first."""


def older_than(
    before: TimelineKey | None,
    kind: str,
    at: InstrumentedAttribute[datetime],
    id_: InstrumentedAttribute[int],
) -> ColumnElement[bool]:
    """The condition for rows of ``kind`` that come after ``before`` in newest-first order."""
    if before is None:
        return true()
    if kind < before.kind:  # at the same instant, this kind sorts below the cursor's: still to come
        return at <= before.at
    if kind > before.kind:
        return at < before.at
    return or_(at < before.at, and_(at == before.at, id_ < before.id))


def newest_first(at: InstrumentedAttribute[datetime], id_: InstrumentedAttribute[int]) -> tuple[Any, ...]:
    """The ORDER BY of a source's query."""
    return (at.desc(), id_.desc())


class TimelineSources:
    """The registered sources, by kind."""

    def __init__(self) -> None:
        self._sources: dict[str, TimelineSource] = {}

    def register(self, source: TimelineSource) -> None:
        """Add ``source`` to every timeline (registering its kind again replaces it)."""
        self._sources[source.kind] = source

    def unregister(self, kind: str) -> None:
        """Stop showing items of ``kind``."""
        self._sources.pop(kind, None)

    def __iter__(self) -> Iterator[TimelineSource]:
        return iter(list(self._sources.values()))


#: The registry other modules add their sources to: ``TIMELINE_SOURCES.register(TicketSource())``.
TIMELINE_SOURCES = TimelineSources()


@dataclass(frozen=True, slots=True)
class TimelinePage:
    """One page, newest first, and the cursor of the next (None: this is the last)."""

    items: Sequence[TimelineItem]
    next: str | None


class History:
    """The timelines of one tenant's contacts and accounts."""

    def __init__(self, session: Session, tenant_id: int, sources: TimelineSources = TIMELINE_SOURCES) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.sources = sources

    def contact(self, contact_id: int, *, limit: int = 50, before: str | None = None) -> TimelinePage:
        """A contact's timeline (the caller has checked the contact is the tenant's)."""
        return self.page(TimelineOwner(self.tenant_id, contact_id=contact_id), limit, before)

    def account(self, account_id: int, *, limit: int = 50, before: str | None = None) -> TimelinePage:
        """An account's timeline: its own items and its contacts'."""
        return self.page(TimelineOwner(self.tenant_id, account_id=account_id), limit, before)

    def page(self, owner: TimelineOwner, limit: int, before: str | None) -> TimelinePage:
        """The ``limit`` newest items older than the cursor ``before``."""
        key = TimelineKey.decode(before) if before else None
        found = [
            item for source in self.sources for item in source.items(self.session, owner, key, limit + 1)
        ]
        found.sort(key=lambda item: item.key, reverse=True)
        items = found[:limit]
        return TimelinePage(items, items[-1].key.encode() if len(found) > limit and items else None)


class InteractionSource:
    """Calls and the other channels' interactions, with links to their recordings."""

    kind = "interaction"

    def items(
        self, session: Session, owner: TimelineOwner, before: TimelineKey | None, limit: int
    ) -> Sequence[TimelineItem]:
        """The owner's interactions, newest first."""
        query = select(Interaction).where(
            Interaction.tenant_id == owner.tenant_id,
            owner.of(Interaction.contact_id, Interaction.account_id),
            older_than(before, self.kind, Interaction.started_at, Interaction.id),
        )
        rows = session.scalars(
            query.order_by(*newest_first(Interaction.started_at, Interaction.id)).limit(limit)
        )
        return interaction_items(session, owner.tenant_id, rows.all())


def interaction_items(session: Session, tenant_id: int, rows: Sequence[Interaction]) -> list[TimelineItem]:
    """Interactions as timeline items, their recordings found in one query."""
    recordings: dict[str, list[dict[str, Any]]] = {row.interaction_id: [] for row in rows}
    found = session.scalars(
        select(Recording)
        .where(Recording.tenant_id == tenant_id, Recording.interaction_id.in_(recordings))
        .order_by(Recording.started_at, Recording.id)
    )
    for r in found:
        link = {
            "id": r.id,
            "started_at": r.started_at,
            "duration_s": r.duration_s,
            "url": f"/api/recordings/{r.id}",
        }
        recordings[r.interaction_id].append(link)
    return [
        TimelineItem(
            row.started_at,
            InteractionSource.kind,
            row.id,
            row.contact_id,
            interaction_data(row) | {"recordings": recordings[row.interaction_id]},
        )
        for row in rows
    ]


#: The fields of an interaction record a timeline item carries.
INTERACTION_FIELDS = (
    *("interaction_id", "channel", "direction", "number", "account_id", "queue", "agent", "answered_at"),
    *("ended_at", "outcome", "outcome_reason", "wait_s", "talk_s", "disposition", "notes"),
    "recording_consent",
)


def interaction_data(row: Interaction) -> dict[str, Any]:
    """The fields of an interaction record that a timeline item shows."""
    return {name: getattr(row, name) for name in INTERACTION_FIELDS}


class ConsentSource:
    """Consents and oppositions, each a dated record with its proof."""

    kind = "consent"

    def items(
        self, session: Session, owner: TimelineOwner, before: TimelineKey | None, limit: int
    ) -> Sequence[TimelineItem]:
        """The owner's consents, newest first."""
        query = select(Consent).where(
            Consent.tenant_id == owner.tenant_id,
            owner.of(Consent.contact_id),
            older_than(before, self.kind, Consent.recorded_at, Consent.id),
        )
        rows = session.scalars(query.order_by(*newest_first(Consent.recorded_at, Consent.id)).limit(limit))
        return [TimelineItem(c.recorded_at, self.kind, c.id, c.contact_id, _consent_data(c)) for c in rows]


def _consent_data(consent: Consent) -> dict[str, Any]:
    names = ("channel", "purpose", "granted", "source", "recorded_by")
    return {name: getattr(consent, name) for name in names}


TIMELINE_SOURCES.register(InteractionSource())
TIMELINE_SOURCES.register(ConsentSource())
