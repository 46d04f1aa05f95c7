"""Scheduled callbacks (rappels programmés): "call me back on Thursday at 10:00", agreed during a call.

Why a record of its own. callfloor had two callbacks, neither of them this one: the queue's
callback (:mod:`callfloor.server.sip.callbacks`) keeps a *waiting* caller's place and calls them
back at their turn, within minutes; the campaigns' callbacks (``callback_at`` of a disposition)
are leads of an outbound list, dialed by that campaign's dialer. A time agreed with an inbound
caller is neither: it belongs to a contact, not to a queue's wait or a campaign's list. The
smallest sound thing is a task with a due time, one row of
:class:`~callfloor.storage.callbacks.ScheduledCallback`: the contact, the number to dial, when,
for whom (an agent, or anyone of the tenant), the agent's note and the call it was agreed on.
Agents list the ones due (theirs and anyone's, soonest first), call from their phone, and mark
them ``done``; a callback no longer wanted is ``cancelled``. It shows in the contact's history
(kind ``callback``), follows the contact through a merge, and is exported and erased with the
person's data.

Calling back from the desk (:mod:`callfloor.server.sip.callback_dials`): the agent who dials an
anyone-callback takes it (:meth:`CallbackBook.take`, its assignee set in one conditional UPDATE,
so that a second agent gets 409 ``callback_taken``); the call is an outbound interaction of the
log, whose record in the customer file is linked to the callback's contact. Answered, the
callback is ``done``; not answered (busy, no answer, refused, given up), it stays pending with
the attempt counted and its outcome kept (:meth:`CallbackBook.attempted`), since a center calls
again rather than forgetting the customer. An agent may postpone a pending callback to a new
time (:meth:`CallbackBook.postpone`).

Times: a due time given without an offset is the tenant's wall clock (the agent reads the
customer's "10:00" in the center's zone); it is stored in UTC. It must be in the future, and
within a year. Nothing here reads a clock: ``now`` is an argument.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.crm import RefusalError
from callfloor.crm.fields import phone, text_as
from callfloor.crm.gdpr import PERSONAL_DATA, DataSubject, Erasure
from callfloor.crm.history import (
    TIMELINE_SOURCES,
    TimelineItem,
    TimelineKey,
    TimelineOwner,
    newest_first,
    older_than,
)
from callfloor.crm.merge import CONTACT_REFERENCES
from callfloor.storage.callbacks import ScheduledCallback, ScheduledCallbackRepository
from callfloor.storage.contacts import Contact
from callfloor.storage.models import Tenant, User
from callfloor.storage.scope import TenantScope

#: How far ahead a callback may be agreed.
LONGEST = timedelta(days=366)
NOTE_LENGTH = 2_000
PENDING, DONE, CANCELLED = "pending", "done", "cancelled"
ANSWERED = "answered"  # the outcome of an attempt that reached the customer (the callback is done)

CONTACT_REFERENCES.register(ScheduledCallback, ScheduledCallback.contact_id)


class CallbackError(RefusalError):
    """A scheduled callback refused: unknown contact, a time in the past, no number to call."""

    error_id = "invalid_callback"


class CallbackClosedError(CallbackError):
    """A callback already done or cancelled, asked to change again."""

    error_id = "callback_closed"
    status = 409


class CallbackTakenError(CallbackError):
    """Another user's callback, or an anyone-callback another agent took first."""

    error_id = "callback_taken"
    status = 409


refuse = CallbackError.of_field


def _taken(row: ScheduledCallback) -> CallbackTakenError:
    return CallbackTakenError(
        f"callback {row.id} is someone else's to call back", f"le rappel {row.id} est à quelqu'un d'autre"
    )


@dataclass(frozen=True, slots=True)
class CallbackInput:
    """A callback to schedule; ``due_at`` without an offset is the tenant's wall clock."""

    contact_id: int
    due_at: datetime
    note: str = ""
    number: str | None = None  # None: the contact's first phone
    assignee_id: int | None = None  # None: anyone of the tenant
    interaction_id: str | None = None


class CallbackBook:
    """The scheduled callbacks of one tenant."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.scope = TenantScope(session, tenant_id)
        self.callbacks = ScheduledCallbackRepository(session, tenant_id)
        tenant = session.get(Tenant, tenant_id)
        self.zone = ZoneInfo(tenant.timezone if tenant else "Europe/Paris")
        self.region = tenant.country if tenant else "FR"

    def schedule(self, given: CallbackInput, *, actor: User | None, now: datetime) -> ScheduledCallback:
        """A new pending callback, checked: the tenant's contact and user, a time ahead, a number."""
        contact = self.scope.contacts.get(given.contact_id)
        if contact is None:
            raise refuse("contact_id", "unknown contact", "contact inconnu")
        due = self.due(given.due_at, now)
        raw = given.number or (contact.phones[0].number if contact.phones else None)
        if raw is None:
            raise refuse("number", "the contact has no phone number", "le contact n'a pas de numéro")
        row = ScheduledCallback(
            contact_id=contact.id,
            number=self._number(raw),
            due_at=due,
            assignee_id=self._assignee(given.assignee_id),
            note=text_as(CallbackError, given.note, "note", NOTE_LENGTH, multiline=True),
            status=PENDING,
            interaction_id=text_as(CallbackError, given.interaction_id or "", "interaction_id", 36) or None,
            created_by=actor.id if actor else None,
            created_at=now,
        )
        return self.callbacks.add(row)

    def due(self, at: datetime, now: datetime) -> datetime:
        """``at`` as an aware time (the tenant's wall clock when naive), in the next year."""
        aware = at if at.tzinfo is not None else at.replace(tzinfo=self.zone)
        if not now < aware <= now + LONGEST:
            raise refuse("due_at", "the callback must be in the future, within a year",
                         "le rappel doit être dans l'avenir, à moins d'un an")  # fmt: skip
        return aware

    def close(self, row: ScheduledCallback, status: str, *, now: datetime) -> ScheduledCallback:
        """Mark a pending callback ``done`` or ``cancelled`` (409 when it is not pending any more)."""
        self._pending(row)
        row.status, row.closed_at = status, now
        self.session.flush()
        return row

    def postpone(self, row: ScheduledCallback, at: datetime, *, now: datetime) -> ScheduledCallback:
        """Move a pending callback to a new time (checked as :meth:`due`; 409 when not pending)."""
        self._pending(row)
        row.due_at = self.due(at, now)
        self.session.flush()
        return row

    def may_take(self, row: ScheduledCallback, user_id: int) -> None:
        """Refuse (409) a callback closed or someone else's, as :meth:`take` would; nothing is written."""
        self._pending(row)
        if row.assignee_id not in (None, user_id):
            raise _taken(row)

    def take(self, row: ScheduledCallback, user_id: int) -> ScheduledCallback:
        """The callback becomes the user's as they dial it: 409 when it is closed or someone else's."""
        self._pending(row)
        if not self.callbacks.claim(row.id, user_id):
            self.session.refresh(row)
            self._pending(row)
            raise _taken(row)
        self.session.refresh(row)
        return row

    def release(self, callback_id: int, user_id: int, previous: int | None) -> None:
        """Undo :meth:`take` when the dial could not start: back to ``previous`` (None: anyone)."""
        row = self.callbacks.get(callback_id)
        if row is not None and row.assignee_id == user_id:
            row.assignee_id = previous
            self.session.flush()

    def attempted(self, callback_id: int, outcome: str, *, now: datetime) -> ScheduledCallback | None:
        """A try at calling back ended (or reached the customer): counted; ``answered`` makes it done.

        None when the callback is gone (erased meanwhile); one closed meanwhile stays closed.
        """
        row = self.callbacks.get(callback_id)
        if row is None:
            return None
        row.attempts, row.last_attempt_at, row.last_outcome = row.attempts + 1, now, outcome
        if outcome == ANSWERED and row.status == PENDING:
            row.status, row.closed_at = DONE, now
        self.session.flush()
        return row

    def names(self, rows: Sequence[ScheduledCallback]) -> dict[int, str]:
        """The display names of the callbacks' contacts, by contact id, in one query."""
        ids = {r.contact_id for r in rows if r.contact_id is not None}
        if not ids:
            return {}
        query = select(Contact).where(Contact.tenant_id == self.tenant_id, Contact.id.in_(ids))
        return {c.id: c.display_name for c in self.session.scalars(query)}

    @staticmethod
    def _pending(row: ScheduledCallback) -> None:
        if row.status != PENDING:
            raise CallbackClosedError(
                f"callback {row.id} is already {row.status}", f"le rappel {row.id} est déjà {row.status}"
            )

    def _number(self, raw: str) -> str:
        try:
            return phone(raw, self.region)
        except RefusalError:
            raise refuse("number", f"not a phone number: {raw!r}", f"numéro invalide : {raw!r}") from None

    def _assignee(self, user_id: int | None) -> int | None:
        if user_id is None:
            return None
        if self.scope.users.get(user_id) is None:
            raise refuse("assignee_id", "unknown user", "utilisateur inconnu")
        return user_id


#: The fields of a callback that its timeline item and the person's export show.
FIELDS = (
    "number", "status", "note", "assignee_id", "interaction_id", "created_at", "closed_at", "attempts",
    "last_attempt_at", "last_outcome",
)  # fmt: skip


class CallbackSource:
    """Scheduled callbacks in the contact's timeline, placed at their due time (a coming one on top)."""

    kind = "callback"

    def items(
        self, session: Session, owner: TimelineOwner, before: TimelineKey | None, limit: int
    ) -> Sequence[TimelineItem]:
        """The owner's callbacks, latest due first."""
        model = ScheduledCallback
        query = select(model).where(
            model.tenant_id == owner.tenant_id,
            owner.of(model.contact_id),
            older_than(before, self.kind, model.due_at, model.id),
        )
        rows = session.scalars(query.order_by(*newest_first(model.due_at, model.id)).limit(limit))
        return [
            TimelineItem(r.due_at, self.kind, r.id, r.contact_id, {n: getattr(r, n) for n in FIELDS})
            for r in rows
        ]


class CallbackHolder:
    """The person's scheduled callbacks: exported, and deleted on erasure (nobody to call back)."""

    kind = "scheduled_callbacks"
    title: ClassVar[Mapping[str, str]] = {"fr": "Rappels programmés", "en": "Scheduled callbacks"}

    def _rows(self, session: Session, subject: DataSubject) -> list[ScheduledCallback]:
        return list(ScheduledCallbackRepository(session, subject.tenant_id).find(
            contact_id=subject.contact_id, limit=100_000))  # fmt: skip

    def export(self, session: Session, subject: DataSubject) -> list[dict[str, Any]]:
        """Each callback, soonest first."""
        return [
            {"due_at": r.due_at} | {n: getattr(r, n) for n in FIELDS} for r in self._rows(session, subject)
        ]

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        """Delete the person's callbacks."""
        rows = self._rows(session, subject)

        def apply() -> None:
            for row in rows:
                session.delete(row)
            session.flush()

        return Erasure({"scheduled_callbacks_deleted": len(rows)}, apply)


TIMELINE_SOURCES.register(CallbackSource())
PERSONAL_DATA.register(CallbackHolder())
