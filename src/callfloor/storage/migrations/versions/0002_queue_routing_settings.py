"""queue routing settings: ring timeout, pause on no answer, skills escalation steps

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("queues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ring_timeout_s", sa.Integer(), server_default="15", nullable=False))
        batch_op.add_column(
            sa.Column("pause_on_no_answer", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("steps", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("queues", schema=None) as batch_op:
        batch_op.drop_column("steps")
        batch_op.drop_column("pause_on_no_answer")
        batch_op.drop_column("ring_timeout_s")
