"""recordings: each queue's recording mode and retention, and the recorded calls themselves

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("queues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recording", sa.String(length=8), server_default="off", nullable=False))
        batch_op.add_column(
            sa.Column("recording_retention_days", sa.Integer(), server_default="90", nullable=False)
        )

    op.create_table(
        "recordings",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("interaction_id", sa.String(length=255), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("stereo", sa.Boolean(), nullable=False),
        sa.Column("pauses", sa.JSON(), nullable=False),
        sa.Column("consent", sa.String(length=40), nullable=False),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_recordings_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"], ["queues.id"], name=op.f("fk_recordings_queue_id_queues"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_recordings_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
    )
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recordings_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_recordings_tenant_interaction", ["tenant_id", "interaction_id"], unique=False
        )
        batch_op.create_index("ix_recordings_tenant_started", ["tenant_id", "started_at"], unique=False)
        batch_op.create_index("ix_recordings_retain_until", ["retain_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_index("ix_recordings_retain_until")
        batch_op.drop_index("ix_recordings_tenant_started")
        batch_op.drop_index("ix_recordings_tenant_interaction")
        batch_op.drop_index(batch_op.f("ix_recordings_tenant_id"))
    op.drop_table("recordings")
    # Not in batch mode: on SQLite a batch rebuilds ``queues``, and dropping the old table with
    # foreign keys on would cascade to queue_skills. SQLite >= 3.35 drops a column in place.
    op.drop_column("queues", "recording_retention_days")
    op.drop_column("queues", "recording")
