"""The tables of the customer file: accounts (companies), contacts (people) and what hangs on them.

Phones, e-mail addresses and postal addresses belong to a contact *or* an account (two nullable
foreign keys and a CHECK that exactly one is set), so that a switchboard number can sit on a
company while a mobile sits on a person. Numbers are stored E.164 and addresses lower-cased,
indexed per tenant: the caller-ID look-up of every inbound call and the e-mail channel's sender
look-up are single index probes. ``name_folded`` keeps the name with accents and case folded,
written by the CRM service, because neither SQLite's ``lower()`` nor a plain ``LIKE`` folds
« Hélène » into « helene ».

Customer numbers are unique per tenant when set: NULLs never clash in a UNIQUE constraint, on
SQLite as on PostgreSQL. Consents are an append-only history (the proof the law asks for);
the latest record for a channel and purpose wins.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callfloor.storage.models import Base, TenantOwned
from callfloor.storage.repositories import TenantRepository
from callfloor.storage.types import utcnow

#: Exactly one owner, a contact or an account, for phones, e-mails and postal addresses.
ONE_OWNER = "(contact_id IS NULL) <> (account_id IS NULL)"


class Account(TenantOwned, Base):
    """A company the tenant deals with (B2B); its people are contacts pointing at it."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "customer_number"),
        Index("ix_accounts_tenant_name_folded", "tenant_id", "name_folded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    customer_number: Mapped[str | None] = mapped_column(String(40))
    # SIREN (9 digits) or SIRET (14 digits).
    registration_number: Mapped[str | None] = mapped_column(String(14))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    custom: Mapped[dict[str, Any]] = mapped_column(default=dict)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    phones: Mapped[list["ContactPhone"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ContactPhone.id"
    )
    emails: Mapped[list["ContactEmail"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ContactEmail.id"
    )
    addresses: Mapped[list["PostalAddress"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PostalAddress.id"
    )


class Contact(TenantOwned, Base):
    """A person: a B2C customer on their own, or someone at an account."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "customer_number"),
        Index("ix_contacts_tenant_name_folded", "tenant_id", "name_folded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    civility: Mapped[str | None] = mapped_column(String(10))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    # "last first", accents and case folded (see the module docstring): searched and sorted on.
    name_folded: Mapped[str] = mapped_column(String(201), default="")
    customer_number: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    custom: Mapped[dict[str, Any]] = mapped_column(default=dict)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    account: Mapped[Account | None] = relationship()
    phones: Mapped[list["ContactPhone"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ContactPhone.id"
    )
    emails: Mapped[list["ContactEmail"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ContactEmail.id"
    )
    addresses: Mapped[list["PostalAddress"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PostalAddress.id"
    )
    consents: Mapped[list["Consent"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="[Consent.recorded_at, Consent.id]"
    )

    @property
    def display_name(self) -> str:
        """« First Last », or whichever half is known."""
        return f"{self.first_name} {self.last_name}".strip()


class OwnedByContactOrAccount:
    """Mixin for a contact's or an account's phones, e-mails and addresses (exactly one owner:
    each table's ``one_owner`` check); they go with their owner."""

    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)


class ContactPhone(OwnedByContactOrAccount, TenantOwned, Base):
    """A phone number of a contact or an account, E.164 (digits as dialed for a short number)."""

    __tablename__ = "contact_phones"
    __table_args__ = (
        CheckConstraint(ONE_OWNER, name="one_owner"),
        Index("ix_contact_phones_tenant_number", "tenant_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(10), default="mobile")


class ContactEmail(OwnedByContactOrAccount, TenantOwned, Base):
    """An e-mail address of a contact or an account, lower-cased."""

    __tablename__ = "contact_emails"
    __table_args__ = (
        CheckConstraint(ONE_OWNER, name="one_owner"),
        Index("ix_contact_emails_tenant_address", "tenant_id", "address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254))
    label: Mapped[str] = mapped_column(String(10), default="work")


class PostalAddress(OwnedByContactOrAccount, TenantOwned, Base):
    """A postal address of a contact or an account (the paper mail channel writes to it)."""

    __tablename__ = "postal_addresses"
    __table_args__ = (CheckConstraint(ONE_OWNER, name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    postal_code: Mapped[str] = mapped_column(String(16), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="FR")
    label: Mapped[str] = mapped_column(String(10), default="home")


class Consent(TenantOwned, Base):
    """One consent or opposition of a contact, for a channel and a purpose, with its proof.

    Never updated: a change of mind is a new record, so the history is the evidence (RGPD
    art. 7.1: the controller must be able to demonstrate consent).
    """

    __tablename__ = "consents"
    __table_args__ = (CheckConstraint("channel IN ('phone', 'sms', 'email', 'mail')", name="channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(40))
    granted: Mapped[bool] = mapped_column(Boolean)
    # The proof, as free text: "call 2026-03-14 recorded", "web form v3", "letter of 12/02".
    source: Mapped[str] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column()
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CustomField(TenantOwned, Base):
    """A tenant's own field on contacts or accounts; values live in their ``custom`` JSON."""

    __tablename__ = "custom_fields"
    __table_args__ = (
        UniqueConstraint("tenant_id", "entity", "key"),
        CheckConstraint("entity IN ('contact', 'account')", name="entity"),
        CheckConstraint("type IN ('text', 'number', 'date', 'bool', 'choice')", name="type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(64))
    label_fr: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(8))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)


class AccountRepository(TenantRepository[Account]):
    """Accounts, found by customer number."""

    model = Account

    def by_customer_number(self, number: str) -> Account | None:
        """The account with this customer number, or None."""
        query = self.select().where(Account.customer_number == number)
        return self.session.scalars(query).one_or_none()


class ContactRepository(TenantRepository[Contact]):
    """Contacts, found by customer number."""

    model = Contact

    def by_customer_number(self, number: str) -> Contact | None:
        """The contact with this customer number, or None."""
        query = self.select().where(Contact.customer_number == number)
        return self.session.scalars(query).one_or_none()


class CustomFieldRepository(TenantRepository[CustomField]):
    """Custom field definitions, by entity and key."""

    model = CustomField

    def for_entity(self, entity: str) -> dict[str, CustomField]:
        """The definitions of one entity (``contact`` or ``account``), by key."""
        query = self.select().where(CustomField.entity == entity)
        return {f.key: f for f in self.session.scalars(query)}

    def by_key(self, entity: str, key: str) -> CustomField | None:
        """The definition of ``key`` on ``entity``, or None."""
        return self.for_entity(entity).get(key)
