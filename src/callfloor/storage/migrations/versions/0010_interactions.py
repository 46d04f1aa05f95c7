"""interactions: the customer file's record of each finished interaction

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_interactions_tenant_started": ["tenant_id", "started_at"],
    "ix_interactions_tenant_contact_started": ["tenant_id", "contact_id", "started_at"],
    "ix_interactions_tenant_account_started": ["tenant_id", "account_id", "started_at"],
    "ix_interactions_tenant_number": ["tenant_id", "number"],
}
OUTCOMES = "'completed', 'abandoned', 'ivr_ended', 'outbound_ended', 'max_wait', 'callback_no_answer'"


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_interactions_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "interactions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("interaction_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("queue", sa.String(length=64), nullable=True),
        sa.Column("queue_id", sa.Integer(), nullable=True),
        sa.Column("agent", sa.String(length=16), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("outcome_reason", sa.String(length=40), nullable=True),
        sa.Column("wait_s", sa.Float(), nullable=True),
        sa.Column("talk_s", sa.Float(), nullable=True),
        sa.Column("disposition", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('call', 'chat', 'email', 'letter')", name=op.f("ck_interactions_channel")
        ),
        sa.CheckConstraint("direction IN ('inbound', 'outbound')", name=op.f("ck_interactions_direction")),
        sa.CheckConstraint(f"outcome IN ({OUTCOMES})", name=op.f("ck_interactions_outcome")),
        _fk("contact_id", "contacts", "SET NULL"),
        _fk("account_id", "accounts", "SET NULL"),
        _fk("tenant_id", "tenants", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
        sa.UniqueConstraint(
            "tenant_id", "interaction_id", name=op.f("uq_interactions_tenant_id_interaction_id")
        ),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interactions_tenant_id"), ["tenant_id"], unique=False)
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_index(batch_op.f("ix_interactions_tenant_id"))
    op.drop_table("interactions")
