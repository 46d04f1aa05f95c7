"""trunks: each tenant's SIP trunks to providers, with sealed digest passwords

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("transport", sa.String(length=8), nullable=False),
        sa.Column("username", sa.String(length=128), nullable=True),
        sa.Column("password_sealed", sa.Text(), nullable=True),
        sa.Column("register", sa.Boolean(), nullable=False),
        sa.Column("expires", sa.Integer(), nullable=False),
        sa.Column("caller_id", sa.String(length=20), nullable=True),
        sa.Column("prefix", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("port BETWEEN 1 AND 65535", name=op.f("ck_trunks_port_range")),
        sa.CheckConstraint("expires BETWEEN 60 AND 86400", name=op.f("ck_trunks_expires_range")),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_trunks_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trunks")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_trunks_tenant_id_name")),
    )
    with op.batch_alter_table("trunks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trunks_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trunks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trunks_tenant_id"))
    op.drop_table("trunks")
