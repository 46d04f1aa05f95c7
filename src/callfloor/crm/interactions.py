"""Turning a live interaction's log entries into its customer-file record, when it ends.

Theory of operation. A driver that starts an interaction (the SIP server, for a call that
arrives or an agent's call out) says so with an :class:`InteractionStart`: its id, channel,
direction and the remote number as received. Every log entry of the floor is then folded into
that interaction's :class:`InteractionTally`, in memory (no query per entry); the entry that
ends it (see :data:`ENDINGS`) yields the finished tally, which :class:`InteractionRecorder`
writes as one :class:`~callfloor.storage.interactions.Interaction` row, in the transaction of
that very entry: one number look-up and one insert per interaction.

The look-up reads the same keys as :meth:`callfloor.crm.search.ContactSearch.find_by_number`
(:func:`callfloor.crm.fields.number_keys`), but only ids, in one query: one contact is linked
(with its account); several, or none, leave the record unlinked, its number kept, and an
account is linked when the number is that account's alone (a switchboard).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.core.log import InteractionEventType, LogEntry
from callfloor.crm.fields import number_keys
from callfloor.crm.interaction_notes import appended
from callfloor.crm.merge import CONTACT_REFERENCES
from callfloor.crm.outbox import interaction_completed
from callfloor.storage.contacts import Contact, ContactPhone
from callfloor.storage.interactions import NUMBER_LENGTH, Interaction

E = InteractionEventType
CONTACT_REFERENCES.register(Interaction, Interaction.contact_id)

#: The entries that end an interaction, and the outcome each gives (None: it goes on).
ENDINGS: dict[str, Callable[[LogEntry], str | None]] = {
    E.COMPLETED: lambda e: None if e.reason == "transfer" else "completed",  # an agent's part only
    E.ABANDONED: lambda e: "abandoned",
    E.IVR_ENDED: lambda e: "ivr_ended",
    E.OUTBOUND_ENDED: lambda e: "outbound_ended",
    E.TRANSFERRED: lambda e: "max_wait" if e.reason == "max_wait" else None,  # no overflow: hung up
    E.NO_ANSWER: lambda e: "callback_no_answer" if e.reason == "callback" else None,
}


@dataclass(frozen=True, slots=True)
class InteractionStart:
    """What the driver knows when an interaction starts: ``at`` on the log's clock (epoch seconds)."""

    interaction: str
    at: float
    channel: str = "call"
    direction: str = "inbound"
    number: str | None = None  # the remote party's, as received (From, P-Asserted-Identity, dialed)


@dataclass(slots=True)
class InteractionTally:
    """An interaction's record so far, folded from its log entries."""

    start: InteractionStart
    queue: str | None = None
    agent: str | None = None
    answered_at: float | None = None
    wait_s: float | None = None
    talk_s: float | None = None
    ended_at: float | None = None
    outcome: str | None = None
    reason: str | None = None
    recording_consent: str | None = None  # told by the driver (OpenInteractions.note_consent)
    notes: str = ""  # the agents' notes typed during the call (OpenInteractions.note)
    contact_id: int | None = None  # the contact an agent linked it to during the call (OpenInteractions.link)

    def add(self, entry: LogEntry) -> bool:
        """Fold one of the interaction's entries; True when it ends the interaction."""
        self.queue = entry.queue or self.queue
        if entry.type is E.ANSWERED:
            self.agent = entry.agent
            self.answered_at = self.answered_at or entry.at
        if entry.type is E.ANSWERED and self.wait_s is None:
            self.wait_s = entry.wait_s
        if entry.type is E.IVR_ENDED and entry.agent is not None:  # the flow sent it to an extension
            self.agent = entry.agent
        if entry.type in (E.COMPLETED, E.OUTBOUND_ENDED, E.IVR_ENDED) and entry.talk_s is not None:
            self.talk_s = (self.talk_s or 0.0) + entry.talk_s  # every agent's part of a transferred call
        if entry.type is E.OUTBOUND_ENDED:
            self.agent = entry.agent
            self.answered_at = entry.at - entry.talk_s if entry.talk_s else None
        ending = ENDINGS.get(entry.type)
        outcome = ending(entry) if ending is not None else None
        if outcome is not None:
            self.outcome, self.reason = outcome, entry.reason
            self.wait_s = self.wait_s if self.wait_s is not None else entry.wait_s
            self.ended_at = entry.at - (entry.wrap_s or 0.0)  # the call ended where wrap-up began
        return outcome is not None


class OpenInteractions:
    """One floor's interactions that have not ended, by id; ended ones are handed back and forgotten.

    The last ``remembered`` ended ids are kept, so that a stray entry after the end (a race
    with the network) does not start a second record of the same interaction.
    """

    def __init__(self, remembered: int = 4096) -> None:
        self._open: dict[str, InteractionTally] = {}
        self._ended: dict[str, None] = {}  # insertion-ordered: the oldest goes first
        self._remembered = remembered

    def __len__(self) -> int:
        return len(self._open)

    def start(self, start: InteractionStart) -> None:
        """An interaction begins (its entries follow)."""
        self._open[start.interaction] = InteractionTally(start)

    def note_consent(self, interaction: str, consent: str) -> None:
        """The caller's answer to the recording notice ("informed" or "objected"), kept with the record."""
        tally = self._open.get(interaction)
        if tally is not None:
            tally.recording_consent = consent

    def note(self, interaction: str, note: str) -> str | None:
        """Append an agent's note to an interaction not ended yet; its notes so far (None: not open).

        Refused as :func:`callfloor.crm.interaction_notes.appended` refuses it.
        """
        tally = self._open.get(interaction)
        if tally is None:
            return None
        tally.notes = appended(tally.notes, note)
        return tally.notes

    def is_open(self, interaction: str) -> bool:
        """Whether the interaction has not ended yet (its record is still to be written)."""
        return interaction in self._open

    def link(self, interaction: str, contact_id: int) -> bool:
        """Link an interaction not ended yet to a contact (an unknown caller's new file); False: not open."""
        tally = self._open.get(interaction)
        if tally is None:
            return False
        tally.contact_id = contact_id
        return True

    def discard(self, interaction: str) -> None:
        """Forget an interaction that ends with no entry to end it (no record is written)."""
        self._open.pop(interaction, None)

    def add(self, entry: LogEntry) -> InteractionTally | None:
        """Fold an entry; the interaction's tally when this entry ends it."""
        if entry.interaction is None or entry.interaction in self._ended:
            return None  # an agent's entry, or a straggler
        tally = self._open.get(entry.interaction)
        if tally is None:  # started before a restart, or by a driver that did not say: no number
            tally = self._open[entry.interaction] = InteractionTally(_unannounced(entry))
        if not tally.add(entry):
            return None
        del self._open[entry.interaction]
        self._ended[entry.interaction] = None
        if len(self._ended) > self._remembered:
            del self._ended[next(iter(self._ended))]
        return tally


def _unannounced(entry: LogEntry) -> InteractionStart:
    outbound = entry.type is E.OUTBOUND_ENDED or (entry.type is E.DIALED and entry.reason == "outbound")
    channel = entry.channel.value if entry.channel is not None else "call"
    return InteractionStart(entry.interaction or "", entry.at, channel, "outbound" if outbound else "inbound")


def _utc(at: float | None) -> datetime | None:
    return datetime.fromtimestamp(at, UTC) if at is not None else None


@dataclass(frozen=True, slots=True)
class CallerIds:
    """The contact and account a number links an interaction to (None: not one of them)."""

    contact_id: int | None = None
    account_id: int | None = None
    number: str | None = None  # E.164 when the number normalises, else as received
    candidates: tuple[int, ...] = field(default_factory=tuple)  # the contacts it matched


class InteractionRecorder:
    """Writes finished interactions into one tenant's customer file, in the caller's transaction."""

    def __init__(self, session: Session, tenant_id: int, region: str) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.region = region

    def write(self, tally: InteractionTally, *, queue_id: int | None, agent_id: int | None) -> Interaction:
        """The interaction's row, linked to the contact an agent chose, else the one its number names."""
        start = tally.start
        caller = self.caller(start.number)
        if tally.contact_id is not None:
            caller = self.chosen(tally.contact_id, caller.number)
        row = Interaction(
            tenant_id=self.tenant_id, interaction_id=start.interaction, channel=start.channel,
            direction=start.direction, number=caller.number, contact_id=caller.contact_id,
            account_id=caller.account_id, queue=tally.queue, queue_id=queue_id, agent=tally.agent,
            agent_id=agent_id, started_at=_utc(start.at), answered_at=_utc(tally.answered_at),
            ended_at=_utc(tally.ended_at if tally.ended_at is not None else start.at),
            outcome=tally.outcome, outcome_reason=tally.reason, wait_s=tally.wait_s, talk_s=tally.talk_s,
            recording_consent=tally.recording_consent, notes=tally.notes,
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        interaction_completed(self.session, row)  # the webhooks' delivery, in this very transaction
        return row

    def chosen(self, contact_id: int, number: str | None) -> CallerIds:
        """The contact an agent linked the interaction to, with its account (gone since: nobody)."""
        row = self.session.execute(
            select(Contact.id, Contact.account_id).where(
                Contact.tenant_id == self.tenant_id, Contact.id == contact_id
            )
        ).first()
        if row is None:
            return CallerIds(number=number)
        return CallerIds(row[0], row[1], number, (row[0],))

    def caller(self, raw: str | None) -> CallerIds:
        """Who ``raw`` belongs to, in one query of ids."""
        keys = number_keys(raw, self.region) if raw else []
        if not keys:
            return CallerIds(number=raw[:NUMBER_LENGTH] if raw else None)
        rows = self.session.execute(
            select(ContactPhone.contact_id, ContactPhone.account_id, Contact.account_id)
            .outerjoin(Contact, Contact.id == ContactPhone.contact_id)
            .where(ContactPhone.tenant_id == self.tenant_id, ContactPhone.number.in_(keys))
        ).all()
        contacts = {contact: account for contact, _, account in rows if contact is not None}
        accounts = set(contacts.values()) if contacts else {account for _, account, _ in rows}
        candidates = tuple(sorted(contacts))
        contact = candidates[0] if len(candidates) == 1 else None
        account = next(iter(accounts)) if len(accounts) == 1 else None
        return CallerIds(contact, account, keys[0], candidates)
