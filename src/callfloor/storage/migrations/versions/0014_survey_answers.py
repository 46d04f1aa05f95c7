"""surveys: post-call survey answers, and each queue's survey flow and team e-mail address

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_survey_answers_tenant_answered": ["tenant_id", "answered_at"],
    "ix_survey_answers_contact_id": ["contact_id"],
}


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_survey_answers_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    # Plain ADD COLUMNs, not a batch: on SQLite a batch could rebuild ``queues``, and dropping the
    # old table with foreign keys on would cascade into queue_skills.
    op.add_column("queues", sa.Column("survey", sa.String(length=64), nullable=True))
    op.add_column("queues", sa.Column("team_email", sa.String(length=254), nullable=True))
    op.create_table(
        "survey_answers",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("interaction_id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("queue", sa.String(length=64), nullable=True),
        sa.Column("agent", sa.String(length=16), nullable=True),
        sa.Column("survey", sa.String(length=64), nullable=False),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_survey_answers_value")),
        _fk("contact_id", "contacts", "SET NULL"),
        _fk("tenant_id", "tenants", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
        sa.UniqueConstraint(
            "tenant_id",
            "interaction_id",
            "survey",
            "question",
            name=op.f("uq_survey_answers_tenant_id_interaction_id_survey_question"),
        ),
    )
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_answers_tenant_id"), ["tenant_id"], unique=False)
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_index(batch_op.f("ix_survey_answers_tenant_id"))
    op.drop_table("survey_answers")
    with op.batch_alter_table("queues", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("team_email")
        batch_op.drop_column("survey")
