"""Consents and oppositions of contacts, per channel and purpose, with the proof of each.

The outbound dialer (issue 8) asks :meth:`ConsentRegister.opposes` before it calls, texts or
mails anyone. Records are never changed: a change of mind is a new record and the latest wins
(by the time it was given, then by the order it was written), so the history stays the
evidence (RGPD art. 7.1; for calls, code de la consommation art. L223-1 on opposition).
"""

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.crm.fields import refuse, text
from callfloor.storage.contacts import Consent, Contact
from callfloor.storage.models import User
from callfloor.storage.types import utcnow

CHANNELS = ("phone", "sms", "email", "mail")
_PURPOSE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class ConsentRegister:
    """One tenant's register of consents and oppositions."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def record(
        self,
        contact: Contact,
        *,
        channel: str,
        purpose: str,
        granted: bool,
        source: str,
        recorded_at: datetime | None = None,
        recorded_by: User | None = None,
    ) -> Consent:
        """Write one consent (``granted``) or opposition (not ``granted``) with its proof."""
        if contact.tenant_id != self.tenant_id:
            raise refuse("contact", "not in this tenant", "pas dans ce tenant")
        if channel not in CHANNELS:
            raise refuse("channel", f"must be one of {CHANNELS}", f"doit être parmi {CHANNELS}")
        if not _PURPOSE.match(purpose):
            raise refuse("purpose", "lower-case word (marketing, survey…)", "mot en minuscules (marketing…)")
        proof = text(source, "source", 500)
        if not proof:
            raise refuse(
                "source", "the proof of consent is required", "la preuve du consentement est requise"
            )
        if recorded_at is not None and recorded_at.tzinfo is None:
            raise refuse("recorded_at", "needs a time zone", "il faut un fuseau horaire")
        consent = Consent(
            tenant_id=self.tenant_id,
            channel=channel,
            purpose=purpose,
            granted=granted,
            source=proof,
            recorded_at=recorded_at or utcnow(),
            recorded_by=recorded_by.id if recorded_by else None,
        )
        contact.consents.append(consent)
        self.session.flush()
        return consent

    def history(self, contact: Contact) -> Sequence[Consent]:
        """The contact's records, oldest first."""
        query = (
            select(Consent)
            .where(Consent.tenant_id == self.tenant_id, Consent.contact_id == contact.id)
            .order_by(Consent.recorded_at, Consent.id)
        )
        return self.session.scalars(query).all()

    def latest(self, contact: Contact, channel: str, purpose: str) -> Consent | None:
        """The record in force for ``channel`` and ``purpose``, or None when nothing was said."""
        query = (
            select(Consent)
            .where(Consent.tenant_id == self.tenant_id, Consent.contact_id == contact.id)
            .where(Consent.channel == channel, Consent.purpose == purpose)
            .order_by(Consent.recorded_at.desc(), Consent.id.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def opposes(self, contact: Contact, channel: str, purpose: str) -> bool:
        """Whether the contact's latest word on ``channel`` for ``purpose`` is an opposition.

        Nothing recorded is no opposition: where the law asks for prior consent (e-mail and SMS
        marketing to people, code des postes et des communications électroniques art. L34-5),
        the caller checks :meth:`latest` for a grant instead.
        """
        record = self.latest(contact, channel, purpose)
        return record is not None and not record.granted
