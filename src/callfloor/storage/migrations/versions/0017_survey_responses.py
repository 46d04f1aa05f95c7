"""survey responses: the answers agents take down to campaign and queue surveys and polls

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUESTION_TYPES = ("single", "multiple", "scale", "nps", "text", "yes_no")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INDEXES = {
    "ix_survey_responses_tenant_survey_answered": ["tenant_id", "survey", "answered_at"],
    "ix_survey_responses_contact_id": ["contact_id"],
    "ix_survey_responses_lead_id": ["lead_id"],
    "ix_survey_responses_interaction": ["tenant_id", "interaction_id"],
}


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_survey_responses_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "survey_responses",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("survey", sa.String(length=64), nullable=False),
        sa.Column("question", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("respondent", sa.String(length=48), nullable=False),
        sa.Column("campaign", sa.String(length=64), nullable=True),
        sa.Column("queue", sa.String(length=64), nullable=True),
        sa.Column("interaction_id", sa.String(length=36), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", BIG_ID, nullable=True),
        sa.Column("agent", sa.String(length=16), nullable=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "type IN ({})".format(", ".join(f"'{t}'" for t in QUESTION_TYPES)),
            name=op.f("ck_survey_responses_type"),
        ),
        _fk("contact_id", "contacts", "SET NULL"),
        _fk("lead_id", "leads", "SET NULL"),
        _fk("tenant_id", "tenants", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint(
            "tenant_id",
            "survey",
            "respondent",
            "question",
            name=op.f("uq_survey_responses_tenant_id_survey_respondent_question"),
        ),
    )
    op.create_index(op.f("ix_survey_responses_tenant_id"), "survey_responses", ["tenant_id"], unique=False)
    for name, columns in INDEXES.items():
        op.create_index(name, "survey_responses", columns, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="survey_responses")
    op.drop_index(op.f("ix_survey_responses_tenant_id"), table_name="survey_responses")
    op.drop_table("survey_responses")
