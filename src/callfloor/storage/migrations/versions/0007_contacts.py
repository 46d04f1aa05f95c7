"""contacts: the customer file's accounts, contacts, their phones, e-mails, addresses, consents

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONE_OWNER = "(contact_id IS NULL) <> (account_id IS NULL)"
OWNED = ("contact_phones", "contact_emails", "postal_addresses")


def _tenant(table: str) -> list[SchemaItem]:
    return [
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _owner_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    """``owner_user_id`` / ``recorded_by``: a user who may leave; the row stays."""
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="SET NULL"
    )


def _people_columns() -> list[SchemaItem]:
    """The columns accounts and contacts share, after their own."""
    return [
        sa.Column("customer_number", sa.String(length=40), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("custom", sa.JSON(), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _create_indexes(table: str, indexes: dict[str, list[str]]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, columns in indexes.items():
            batch_op.create_index(batch_op.f(name), columns, unique=False)


def _create_people() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_folded", sa.String(length=200), nullable=False),
        sa.Column("registration_number", sa.String(length=14), nullable=True),
        *_people_columns(),
        *_tenant("accounts"),
        _owner_fk("accounts", "owner_user_id"),
        sa.UniqueConstraint(
            "tenant_id", "customer_number", name=op.f("uq_accounts_tenant_id_customer_number")
        ),
    )
    _create_indexes(
        "accounts",
        {
            "ix_accounts_tenant_id": ["tenant_id"],
            "ix_accounts_tenant_name_folded": ["tenant_id", "name_folded"],
        },
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("civility", sa.String(length=10), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("name_folded", sa.String(length=201), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        *_people_columns(),
        *_tenant("contacts"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_contacts_account_id_accounts"), ondelete="SET NULL"
        ),
        _owner_fk("contacts", "owner_user_id"),
        sa.UniqueConstraint(
            "tenant_id", "customer_number", name=op.f("uq_contacts_tenant_id_customer_number")
        ),
    )
    _create_indexes(
        "contacts",
        {
            "ix_contacts_tenant_id": ["tenant_id"],
            "ix_contacts_account_id": ["account_id"],
            "ix_contacts_tenant_name_folded": ["tenant_id", "name_folded"],
        },
    )


def _create_owned(table: str, columns: list[sa.Column[Any]], lookup: tuple[str, str] | None) -> None:
    """A table of rows that belong to exactly one contact or one account."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        *columns,
        *_tenant(table),
        sa.CheckConstraint(ONE_OWNER, name=op.f(f"ck_{table}_one_owner")),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f(f"fk_{table}_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f(f"fk_{table}_account_id_accounts"), ondelete="CASCADE"
        ),
    )
    indexes = {
        f"ix_{table}_tenant_id": ["tenant_id"],
        f"ix_{table}_contact_id": ["contact_id"],
        f"ix_{table}_account_id": ["account_id"],
    }
    if lookup is not None:
        indexes[lookup[0]] = ["tenant_id", lookup[1]]
    _create_indexes(table, indexes)


def upgrade() -> None:
    _create_people()
    _create_owned(
        "contact_phones",
        [
            sa.Column("number", sa.String(length=20), nullable=False),
            sa.Column("label", sa.String(length=10), nullable=False),
        ],
        ("ix_contact_phones_tenant_number", "number"),
    )
    _create_owned(
        "contact_emails",
        [
            sa.Column("address", sa.String(length=254), nullable=False),
            sa.Column("label", sa.String(length=10), nullable=False),
        ],
        ("ix_contact_emails_tenant_address", "address"),
    )
    _create_owned(
        "postal_addresses",
        [
            sa.Column("lines", sa.JSON(), nullable=False),
            sa.Column("postal_code", sa.String(length=16), nullable=False),
            sa.Column("city", sa.String(length=100), nullable=False),
            sa.Column("country", sa.String(length=2), nullable=False),
            sa.Column("label", sa.String(length=10), nullable=False),
        ],
        None,
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        *_tenant("consents"),
        sa.CheckConstraint("channel IN ('phone', 'sms', 'email', 'mail')", name=op.f("ck_consents_channel")),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_consents_contact_id_contacts"), ondelete="CASCADE"
        ),
        _owner_fk("consents", "recorded_by"),
    )
    _create_indexes(
        "consents", {"ix_consents_tenant_id": ["tenant_id"], "ix_consents_contact_id": ["contact_id"]}
    )
    op.create_table(
        "custom_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label_fr", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        *_tenant("custom_fields"),
        sa.CheckConstraint("entity IN ('contact', 'account')", name=op.f("ck_custom_fields_entity")),
        sa.CheckConstraint(
            "type IN ('text', 'number', 'date', 'bool', 'choice')", name=op.f("ck_custom_fields_type")
        ),
        sa.UniqueConstraint("tenant_id", "entity", "key", name=op.f("uq_custom_fields_tenant_id_entity_key")),
    )
    _create_indexes("custom_fields", {"ix_custom_fields_tenant_id": ["tenant_id"]})


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it, on SQLite as on PostgreSQL.
    for table in ("custom_fields", "consents", *reversed(OWNED), "contacts", "accounts"):
        op.drop_table(table)
