"""agents.auto_answer: the agent's phone is asked to answer our calls at once (Call-Info answer-after=0)

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: on SQLite a batch would rebuild ``agents`` (see 0013).
    op.add_column("agents", sa.Column("auto_answer", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("agents", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("auto_answer")
