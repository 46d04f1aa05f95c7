"""ivr_flows: tenants' IVR flows with every version kept, and numbers that reach a flow

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ivr_flows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("active_version", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_ivr_flows_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ivr_flows")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_ivr_flows_tenant_id_name")),
    )
    with op.batch_alter_table("ivr_flows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ivr_flows_tenant_id"), ["tenant_id"], unique=False)
    op.create_table(
        "ivr_flow_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["ivr_flows.id"],
            name=op.f("fk_ivr_flow_versions_flow_id_ivr_flows"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_ivr_flow_versions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ivr_flow_versions")),
        sa.UniqueConstraint("flow_id", "version", name=op.f("uq_ivr_flow_versions_flow_id_version")),
    )
    with op.batch_alter_table("ivr_flow_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ivr_flow_versions_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("numbers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flow_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_numbers_flow_id_ivr_flows"), "ivr_flows", ["flow_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("numbers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_numbers_flow_id_ivr_flows"), type_="foreignkey")
        batch_op.drop_column("flow_id")
    with op.batch_alter_table("ivr_flow_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ivr_flow_versions_tenant_id"))
    op.drop_table("ivr_flow_versions")
    with op.batch_alter_table("ivr_flows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ivr_flows_tenant_id"))
    op.drop_table("ivr_flows")
