"""tenants.wallboard_thresholds: the amber and red thresholds of a tenant's wallboard (null: the defaults)

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: on SQLite a batch would rebuild ``tenants`` (see 0013).
    op.add_column("tenants", sa.Column("wallboard_thresholds", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("wallboard_thresholds")
