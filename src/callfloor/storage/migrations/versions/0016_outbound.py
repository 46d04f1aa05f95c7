"""outbound: campaigns, contact lists, leads, call attempts, do-not-call entries, phone consents

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql.schema import SchemaItem

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CAMPAIGN_TYPES = ("prospecting", "quote_followup", "survey", "poll", "collection", "reminder")
DIALING_MODES = ("preview", "progressive", "power", "predictive")
LEAD_STATUSES = ("untouched", "in_progress", "scheduled", "callback", "done", "exhausted")
PHONE_TYPES = ("mobile", "fixed", "other")
OUTCOMES = ("answered", "no_answer", "busy", "machine", "dropped", "failed", "invalid", "blocked")

#: Indexes by table; the ``ix_<table>_tenant_id`` of every table comes on top.
INDEXES: dict[str, dict[str, list[str]]] = {
    "campaigns": {},
    "dnc_entries": {},
    "phone_consents": {"ix_phone_consents_tenant_number": ["tenant_id", "number", "purpose"]},
    "contact_lists": {"ix_contact_lists_campaign_id": ["campaign_id"]},
    "leads": {
        "ix_leads_contact_id": ["contact_id"],
        "ix_leads_list_id": ["list_id"],
        "ix_leads_next_callable": ["campaign_id", "status", "next_attempt_at"],
    },
    "call_attempts": {
        "ix_call_attempts_campaign_started": ["campaign_id", "started_at"],
        "ix_call_attempts_lead_id": ["lead_id"],
        "ix_call_attempts_number": ["tenant_id", "number"],
        "ix_call_attempts_tenant_started": ["tenant_id", "started_at"],
    },
}


def _one_of(table: str, column: str, values: tuple[str, ...], name: str | None = None) -> sa.CheckConstraint:
    listed = ", ".join(repr(v) for v in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_{table}_{name or column}"))


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target}")
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=name, ondelete=ondelete)


def _owned(table: str) -> list[SchemaItem]:
    """The tenant column, its foreign key and the primary key every table has."""
    return [
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        _fk(table, "tenant_id", "tenants"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _at(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False)


def _count(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=False)


def _campaigns() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("name", 64),
        _text("type", 16),
        _text("mode", 12),
        sa.Column("queue_id", sa.Integer(), nullable=True),
        _text("caller_id", 20, True),
        _text("script", 64, True),
        _text("survey", 64, True),
        _text("country", 2),
        _flag("b2b"),
        _flag("existing_customers_only"),
        sa.Column("target_drop_rate", sa.Float(), nullable=False),
        sa.Column("power_ratio", sa.Float(), nullable=False),
        _flag("amd"),
        _flag("machine_message"),
        sa.Column("retry_rules", sa.JSON(), nullable=False),
        sa.Column("schedule", sa.JSON(), nullable=False),
        _flag("active"),
        _at("created_at"),
        *_owned("campaigns"),
        _one_of("campaigns", "country", ("FR", "US")),
        _one_of("campaigns", "mode", DIALING_MODES),
        _one_of("campaigns", "type", CAMPAIGN_TYPES),
        sa.CheckConstraint("power_ratio >= 1", name=op.f("ck_campaigns_power_ratio")),
        sa.CheckConstraint(
            "target_drop_rate >= 0 AND target_drop_rate <= 1", name=op.f("ck_campaigns_drop_rate")
        ),
        _fk("campaigns", "queue_id", "queues", "SET NULL"),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_campaigns_tenant_id_name")),
    )


def _registers() -> None:
    op.create_table(
        "dnc_entries",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        _text("number", 20),
        _text("source", 16),
        _text("reason", 200),
        _at("added_at"),
        sa.Column("added_by", sa.Integer(), nullable=True),
        _at("expires_at", True),
        *_owned("dnc_entries"),
        _fk("dnc_entries", "added_by", "users", "SET NULL"),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_dnc_entries_tenant_id_number")),
    )
    op.create_table(
        "phone_consents",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        _text("number", 20),
        _text("purpose", 40),
        _text("source", 200),
        _at("given_at"),
        sa.Column("proof", sa.Text(), nullable=False),
        _at("revoked_at", True),
        _text("revocation_source", 200, True),
        _at("recorded_at"),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        *_owned("phone_consents"),
        _fk("phone_consents", "recorded_by", "users", "SET NULL"),
    )


def _lists_and_leads() -> None:
    op.create_table(
        "contact_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        _text("name", 200),
        _text("source_file", 255),
        _at("imported_at"),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        *(_count(f"rows_{n}") for n in ("read", "created", "updated", "unchanged", "merged", "refused")),
        *_owned("contact_lists"),
        _fk("contact_lists", "campaign_id", "campaigns"),
        _fk("contact_lists", "imported_by", "users", "SET NULL"),
        sa.UniqueConstraint("campaign_id", "name", name=op.f("uq_contact_lists_campaign_id_name")),
    )
    op.create_table(
        "leads",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        _text("phone", 20),
        _text("phone_type", 8),
        _text("zone", 64),
        _text("country", 2),
        _text("subdivision", 8, True),
        _text("first_name", 100),
        _text("last_name", 100),
        _text("company", 200),
        _text("email", 254, True),
        _text("postal_code", 16),
        _count("priority"),
        _text("status", 12),
        _count("attempts"),
        _at("next_attempt_at", True),
        _text("last_outcome", 16, True),
        _text("last_disposition", 40, True),
        _text("callback_agent", 16, True),
        sa.Column("data", sa.JSON(), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        *_owned("leads"),
        _one_of("leads", "phone_type", PHONE_TYPES),
        _one_of("leads", "status", LEAD_STATUSES),
        _fk("leads", "campaign_id", "campaigns"),
        _fk("leads", "contact_id", "contacts", "SET NULL"),
        _fk("leads", "list_id", "contact_lists", "SET NULL"),
        sa.UniqueConstraint("campaign_id", "phone", name=op.f("uq_leads_campaign_id_phone")),
    )


def _attempts() -> None:
    op.create_table(
        "call_attempts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("lead_id", BIG_ID, nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        _at("started_at"),
        _at("ended_at", True),
        _text("outcome", 16),
        _text("disposition", 40, True),
        _text("agent", 16, True),
        _text("interaction_id", 255, True),
        _text("number", 20),
        _text("caller_id", 20, True),
        sa.Column("rules", sa.JSON(), nullable=False),
        *_owned("call_attempts"),
        _one_of("call_attempts", "outcome", OUTCOMES),
        # No ON DELETE: a campaign with attempts is deactivated, never deleted (the audit needs them).
        _fk("call_attempts", "campaign_id", "campaigns", None),
        _fk("call_attempts", "lead_id", "leads", "SET NULL"),
    )


def upgrade() -> None:
    _campaigns()
    _registers()
    _lists_and_leads()
    _attempts()
    for table, indexes in INDEXES.items():
        op.create_index(op.f(f"ix_{table}_tenant_id"), table, ["tenant_id"], unique=False)
        for name, columns in indexes.items():
            op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, indexes in reversed(INDEXES.items()):
        for name in indexes:
            op.drop_index(name, table_name=table)
        op.drop_index(op.f(f"ix_{table}_tenant_id"), table_name=table)
        op.drop_table(table)
