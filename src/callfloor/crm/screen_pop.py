"""The screen pop: what the agent desktop shows the moment an interaction is offered.

One payload, built once when a call (later a chat or an e-mail) rings an agent and kept with
the live call, or built for a number an agent types: the number as received and normalised;
the contact it belongs to, or the candidates when several share it, or nobody; the account
(the contact's, the candidates' common one, or the account whose switchboard it is); the last
interactions (the contact's or account's, else those with that number); the open tickets; and
the ``script`` slot, null until campaigns bring scripts (issue 8).

Sections of other modules plug in through :data:`POP_SECTIONS`: a section is a name and a
function ``(session, owner, limit) -> [TimelineItem]`` for the contact's or account's owner
(see :mod:`callfloor.crm.history`). The tickets module registers :data:`OPEN_TICKETS`, which the
payload shows as ``open_tickets``; any other section appears under ``sections`` by its name::

    POP_SECTIONS.register(OPEN_TICKETS, lambda session, owner, limit: open_ticket_items(...))

The payload holds plain values only (no database objects), so it outlives the session that
built it and can be kept with the call.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callfloor.crm.fields import number_keys
from callfloor.crm.history import InteractionSource, TimelineItem, TimelineOwner, interaction_items
from callfloor.crm.search import CallerMatch, ContactSearch
from callfloor.storage.contacts import Account, Contact
from callfloor.storage.scope import TenantScope
from callfloor.storage.types import utcnow

#: The section the tickets module fills: the contact's (or account's) tickets still open.
OPEN_TICKETS = "open_tickets"
#: How many of the last interactions a screen pop shows.
LAST_INTERACTIONS = 5

PopSection = Callable[[Session, TimelineOwner, int], Sequence[TimelineItem]]


class PopSections:
    """The sections other modules add to screen pops, by name."""

    def __init__(self) -> None:
        self._sections: dict[str, PopSection] = {}

    def register(self, name: str, section: PopSection) -> None:
        """Add ``section`` to every screen pop under ``name`` (again: replaces it)."""
        self._sections[name] = section

    def unregister(self, name: str) -> None:
        """Stop showing the section ``name``."""
        self._sections.pop(name, None)

    def __iter__(self) -> Iterator[tuple[str, PopSection]]:
        return iter(list(self._sections.items()))


#: The registry: ``POP_SECTIONS.register(OPEN_TICKETS, open_tickets)``.
POP_SECTIONS = PopSections()


@dataclass(frozen=True, slots=True)
class ContactCard:
    """A contact as the screen pop shows it."""

    id: int
    name: str
    civility: str | None
    customer_number: str | None
    language: str | None
    account_id: int | None
    account_name: str | None
    tags: list[str]
    phones: list[str]
    emails: list[str]
    notes: str


@dataclass(frozen=True, slots=True)
class AccountCard:
    """An account as the screen pop shows it."""

    id: int
    name: str
    customer_number: str | None
    phones: list[str]
    notes: str


@dataclass(frozen=True, slots=True)
class ScreenPop:
    """Everything the agent desktop needs when an interaction is offered."""

    number: str | None = field(metadata={"description": "The number as received."})
    normalized: str | None = field(metadata={"description": "E.164 when the number normalises."})
    channel: str
    interaction_id: str | None
    contact: ContactCard | None
    candidates: list[ContactCard] = field(metadata={"description": "The contacts sharing the number."})
    account: AccountCard | None
    last_interactions: list[TimelineItem]
    open_tickets: list[TimelineItem]
    sections: dict[str, list[TimelineItem]]
    script: dict[str, Any] | None
    built_at: datetime
    ivr: dict[str, Any] = field(
        default_factory=dict,
        metadata={"description": "The IVR's variables: what the caller keyed, who they are (VIP…)."},
    )


def contact_card(contact: Contact) -> ContactCard:
    """A contact's card (its phones, e-mails and account loaded)."""
    return ContactCard(
        contact.id, contact.display_name, contact.civility, contact.customer_number, contact.language,
        contact.account_id, contact.account.name if contact.account else None, list(contact.tags),
        [p.number for p in contact.phones], [e.address for e in contact.emails], contact.notes,
    )  # fmt: skip


def account_card(account: Account) -> AccountCard:
    """An account's card."""
    phones = [p.number for p in account.phones]
    return AccountCard(account.id, account.name, account.customer_number, phones, account.notes)


class ScreenPops:
    """Screen pops of one tenant."""

    def __init__(self, session: Session, tenant_id: int, sections: PopSections = POP_SECTIONS) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.sections = sections
        self.search = ContactSearch(session, tenant_id)

    def build(
        self,
        number: str | None,
        *,
        channel: str = "call",
        interaction: str | None = None,
        agent: str | None = None,
    ) -> ScreenPop:
        """The screen pop for ``number`` (any format; None when withheld)."""
        keys = number_keys(number, self.search.region) if number else []
        match = self.search.find_by_number(number) if keys and number else CallerMatch()
        contact = match.contacts[0] if len(match.contacts) == 1 else None
        return self._pop(number, keys, match, contact, channel=channel, interaction=interaction)

    def of_contact(
        self, contact: Contact, number: str | None, *, channel: str = "call", interaction: str | None = None
    ) -> ScreenPop:
        """The screen pop of an interaction an agent linked to ``contact`` (an unknown caller's new file)."""
        keys = number_keys(number, self.search.region) if number else []
        return self._pop(number, keys, CallerMatch(), contact, channel=channel, interaction=interaction)

    def _pop(
        self,
        number: str | None,
        keys: list[str],
        match: CallerMatch,
        contact: Contact | None,
        *,
        channel: str,
        interaction: str | None,
    ) -> ScreenPop:
        account = self._account(match, contact)
        owner = self._owner(contact, account)
        normalized = keys[0] if keys else None
        sections = self._sections(owner)
        return ScreenPop(
            number=number,
            normalized=normalized,
            channel=channel,
            interaction_id=interaction,
            contact=contact_card(contact) if contact is not None else None,
            candidates=[contact_card(c) for c in match.contacts] if len(match.contacts) > 1 else [],
            account=account_card(account) if account is not None else None,
            last_interactions=self._last(owner, normalized or number),
            open_tickets=sections.pop(OPEN_TICKETS, []),
            sections=sections,
            script=None,
            built_at=utcnow(),
        )

    def _account(self, match: CallerMatch, contact: Contact | None) -> Account | None:
        """The contact's account; else the candidates' common one; else the number's only account."""
        if contact is not None:
            return contact.account
        shared = {c.account_id for c in match.contacts}
        if len(shared) == 1 and None not in shared:
            return match.contacts[0].account
        return match.accounts[0] if not match.contacts and len(match.accounts) == 1 else None

    def _owner(self, contact: Contact | None, account: Account | None) -> TimelineOwner | None:
        """Whose history the pop shows: the contact's, else the account's, else nobody's."""
        if contact is not None:
            return TimelineOwner(self.tenant_id, contact_id=contact.id)
        if account is not None:
            return TimelineOwner(self.tenant_id, account_id=account.id)
        return None

    def _sections(self, owner: TimelineOwner | None) -> dict[str, list[TimelineItem]]:
        if owner is None:
            return {}
        return {name: list(found(self.session, owner, LAST_INTERACTIONS)) for name, found in self.sections}

    def _last(self, owner: TimelineOwner | None, number: str | None) -> list[TimelineItem]:
        """The owner's last interactions; nobody's: the last with this number."""
        if owner is not None:
            return list(InteractionSource().items(self.session, owner, None, LAST_INTERACTIONS))
        if number is None:
            return []
        rows = TenantScope(self.session, self.tenant_id).interactions.by_number(number, LAST_INTERACTIONS)
        return interaction_items(self.session, self.tenant_id, rows)
