"""Duplicate detection: the contacts that may be the same person as a given one, and why.

Three signs, each reported as a reason: a shared phone number, a shared e-mail address, the
same name once accents, case and punctuation are folded *within the same account* (two
« Jean Martin » at two different companies are two people; two without any company are
reported, the agent decides). Candidates sharing more signs come first.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.storage.contacts import Contact, ContactEmail, ContactPhone


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """A contact that may duplicate another, with the reasons: ``phone``, ``email``, ``name``."""

    contact: Contact
    reasons: tuple[str, ...]


class DuplicateFinder:
    """Duplicate candidates inside one tenant."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def candidates(self, contact: Contact) -> list[DuplicateCandidate]:
        """The other contacts of the tenant that share a number, an address or the folded name."""
        reasons: dict[int, list[str]] = defaultdict(list)
        for reason, ids in (
            ("phone", self._sharing_phone(contact)),
            ("email", self._sharing_email(contact)),
            ("name", self._same_name(contact)),
        ):
            for contact_id in ids:
                if contact_id != contact.id:
                    reasons[contact_id].append(reason)
        if not reasons:
            return []
        found = self.session.scalars(
            select(Contact).where(Contact.tenant_id == self.tenant_id, Contact.id.in_(reasons))
        ).all()
        ranked = sorted(found, key=lambda c: (-len(reasons[c.id]), c.id))
        return [DuplicateCandidate(c, tuple(reasons[c.id])) for c in ranked]

    def _sharing_phone(self, contact: Contact) -> set[int]:
        numbers = [p.number for p in contact.phones]
        query = select(ContactPhone.contact_id).where(
            ContactPhone.tenant_id == self.tenant_id, ContactPhone.number.in_(numbers)
        )
        return {i for i in self.session.scalars(query) if i is not None} if numbers else set()

    def _sharing_email(self, contact: Contact) -> set[int]:
        addresses = [e.address for e in contact.emails]
        query = select(ContactEmail.contact_id).where(
            ContactEmail.tenant_id == self.tenant_id, ContactEmail.address.in_(addresses)
        )
        return {i for i in self.session.scalars(query) if i is not None} if addresses else set()

    def _same_name(self, contact: Contact) -> set[int]:
        if not contact.name_folded:
            return set()
        same_account = (
            Contact.account_id.is_(None)
            if contact.account_id is None
            else Contact.account_id == contact.account_id
        )
        query = select(Contact.id).where(
            Contact.tenant_id == self.tenant_id, Contact.name_folded == contact.name_folded, same_account
        )
        return set(self.session.scalars(query))
