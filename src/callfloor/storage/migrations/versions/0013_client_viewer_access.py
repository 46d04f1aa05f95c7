"""tenants: whether the client's viewers may read its customer file

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: on SQLite a batch would rebuild ``tenants``, and dropping
    # the old table with foreign keys on would cascade into every tenant-owned row.
    op.add_column(
        "tenants",
        sa.Column("client_viewer_personal_data", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("tenants", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("client_viewer_personal_data")
