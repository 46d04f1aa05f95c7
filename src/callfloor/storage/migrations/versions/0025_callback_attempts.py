"""scheduled_callbacks: the attempts at calling back from the desk (count, when, outcome of the last)

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "scheduled_callbacks"


def upgrade() -> None:
    # Plain ADD COLUMNs, not a batch: on SQLite a batch would rebuild the table (see 0013).
    op.add_column(TABLE, sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    op.add_column(TABLE, sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(TABLE, sa.Column("last_outcome", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None, recreate="never") as batch_op:
        for column in ("last_outcome", "last_attempt_at", "attempts"):
            batch_op.drop_column(column)
