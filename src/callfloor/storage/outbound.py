"""The tables of outbound calling: campaigns, their contact lists and leads, attempts, DNC, consents.

A *lead* is one number to call in one campaign (unique per campaign: a list imported twice, or
two lists naming the same person, merge into one lead). Its ``status``, ``attempts`` and
``next_attempt_at`` are what the dialer reads to pick the next callable lead, hence the index on
(campaign, status, next_attempt_at). Fields a campaign type needs beyond the person (a quote's
number and amount, an amount due) live in the ``data`` JSON, so that a new campaign type needs
no migration.

Every attempt is a ``call_attempts`` row that keeps the number dialed, the caller ID presented
and the compliance decisions applied (rule id and outcome): the audit export reads it, and it
outlives the lead (``lead_id`` goes null when a lead is erased). A campaign with attempts cannot
be deleted (no ON DELETE on ``call_attempts.campaign_id``); campaigns are deactivated instead.

Do-not-call entries are one per tenant and number. Consents to B2C phone canvassing (loi
2025-594 art. 13) are kept per *number*, not per CRM contact: a list bought or collected by a
partner brings consents for numbers that are nobody's contact yet, and the check is made on the
number dialed. They are append-only, like :class:`callfloor.storage.contacts.Consent`: a
revocation is a new row, and the latest change (given or revoked) wins.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from callfloor.core.dialer.model import Outcome
from callfloor.storage.models import Base, BigId, TenantOwned
from callfloor.storage.types import utcnow

CAMPAIGN_TYPES = ("prospecting", "quote_followup", "survey", "poll", "collection", "reminder")
DIALING_MODES = ("preview", "progressive", "power", "predictive")
#: The country whose rules a campaign follows (hours, consent, caller ID, abandon rate).
COUNTRY_PROFILES = ("FR", "US")
LEAD_STATUSES = ("untouched", "in_progress", "scheduled", "callback", "done", "exhausted")
PHONE_TYPES = ("mobile", "fixed", "other")
OUTCOMES = tuple(outcome.value for outcome in Outcome)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK expression: ``column`` is one of ``values``."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Campaign(TenantOwned, Base):
    """An outbound campaign: what it calls for, how it dials, and under which country's rules."""

    __tablename__ = "campaigns"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint(one_of("type", CAMPAIGN_TYPES), name="type"),
        CheckConstraint(one_of("mode", DIALING_MODES), name="mode"),
        CheckConstraint(one_of("country", COUNTRY_PROFILES), name="country"),
        CheckConstraint("target_drop_rate >= 0 AND target_drop_rate <= 1", name="drop_rate"),
        CheckConstraint("power_ratio >= 1", name="power_ratio"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(12), default="preview")
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="SET NULL"))
    caller_id: Mapped[str | None] = mapped_column(String(20))
    # Names, as the center YAML writes them.
    script: Mapped[str | None] = mapped_column(String(64))
    survey: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(2), default="FR")
    # Explicit exemptions from the consumer canvassing rules (décret 2022-1313 applies to consumers).
    b2b: Mapped[bool] = mapped_column(Boolean, default=False)
    existing_customers_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # 3 %: 16 CFR 310.4(b)(4)(i); the same ceiling is the French profession's practice.
    target_drop_rate: Mapped[float] = mapped_column(Float, default=0.03)
    power_ratio: Mapped[float] = mapped_column(Float, default=1.0)
    amd: Mapped[bool] = mapped_column(Boolean, default=False)
    machine_message: Mapped[bool] = mapped_column(Boolean, default=False)
    # {"no_answer": {"after_s": 7200, "max": 5}, "wrong_number": {"never": true}, ...}
    retry_rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The disposition codes agents choose from in this campaign (the tenant's dispositions).
    dispositions: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # Hours the campaign calls within the legal hours: {"weekly": {...}} or {"name": "..."}.
    schedule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Started and not stopped: the server resumes its dialer when it restarts.
    running: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContactList(TenantOwned, Base):
    """One imported file of a campaign, by name, with what its last import did."""

    __tablename__ = "contact_lists"
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    source_file: Mapped[str] = mapped_column(String(255), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_created: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_merged: Mapped[int] = mapped_column(Integer, default=0)
    rows_refused: Mapped[int] = mapped_column(Integer, default=0)


class Lead(TenantOwned, Base):
    """One number to call in one campaign, the person behind it, and where its calling stands."""

    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("campaign_id", "phone"),
        CheckConstraint(one_of("status", LEAD_STATUSES), name="status"),
        CheckConstraint(one_of("phone_type", PHONE_TYPES), name="phone_type"),
        Index("ix_leads_next_callable", "campaign_id", "status", "next_attempt_at"),
        Index("ix_leads_list_id", "list_id"),
        Index("ix_leads_contact_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("contact_lists.id", ondelete="SET NULL"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    phone: Mapped[str] = mapped_column(String(20))
    phone_type: Mapped[str] = mapped_column(String(8))
    # The callee's IANA zone: legal calling hours are the callee's (décret 2022-1313 art. 1).
    zone: Mapped[str] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(2))
    # A ``holidays`` subdivision code (57 for Alsace-Moselle, 971…), for the callee's public holidays.
    subdivision: Mapped[str | None] = mapped_column(String(8))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    postal_code: Mapped[str] = mapped_column(String(16), default="")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="untouched")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    last_outcome: Mapped[str | None] = mapped_column(String(16))
    last_disposition: Mapped[str | None] = mapped_column(String(40))
    # The extension of the agent a callback is reserved for.
    callback_agent: Mapped[str | None] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CallAttempt(TenantOwned, Base):
    """One dial (or one refusal to dial) of a lead, with the compliance decisions applied."""

    __tablename__ = "call_attempts"
    __table_args__ = (
        CheckConstraint(one_of("outcome", OUTCOMES), name="outcome"),
        Index("ix_call_attempts_tenant_started", "tenant_id", "started_at"),
        Index("ix_call_attempts_campaign_started", "campaign_id", "started_at"),
        Index("ix_call_attempts_lead_id", "lead_id"),
        Index("ix_call_attempts_number", "tenant_id", "number"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    lead_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("leads.id", ondelete="SET NULL"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    started_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(16))
    disposition: Mapped[str | None] = mapped_column(String(40))
    agent: Mapped[str | None] = mapped_column(String(16))
    interaction_id: Mapped[str | None] = mapped_column(String(255))
    number: Mapped[str] = mapped_column(String(20))
    caller_id: Mapped[str | None] = mapped_column(String(20))
    # [{"rule": "FR-2022-1313-hours", "outcome": "allowed"}, ...]
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class DncEntry(TenantOwned, Base):
    """A number the tenant must not call (liste d'opposition; code de la consommation art. L223-1)."""

    __tablename__ = "dnc_entries"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(20))
    # import, api, disposition, bloctel, ftc (the US National Do Not Call Registry)…
    source: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200), default="")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime | None] = mapped_column()


class PhoneConsent(TenantOwned, Base):
    """One change of a number's consent to canvassing for a purpose (loi 2025-594 art. 13).

    Never updated: a grant has no ``revoked_at``; a revocation is a new row with it (and the
    grant's ``given_at`` and proof copied when known). The latest change wins.
    """

    __tablename__ = "phone_consents"
    __table_args__ = (Index("ix_phone_consents_tenant_number", "tenant_id", "number", "purpose"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(40))
    # Where the consent was collected: "web form acme.fr/offre", "partner X co-registration".
    source: Mapped[str] = mapped_column(String(200))
    given_at: Mapped[datetime] = mapped_column()
    # The proof, as text: the wording accepted, the form's version, the recording's id.
    proof: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revocation_source: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
