"""tickets: teams, categories with SLAs, tickets, their history, comments, attachments; business hours

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "kind IN ('complaint', 'information', 'after_sales')"
PRIORITIES = "IN ('low', 'normal', 'high', 'urgent')"
STATUSES = "status IN ('new', 'open', 'pending', 'resolved', 'closed')"
CHANNELS = "channel IN ('phone', 'chat', 'email', 'mail', 'web')"
TABLES = (
    "ticket_attachments",
    "ticket_comments",
    "ticket_events",
    "tickets",
    "ticket_counters",
    "ticket_categories",
    "team_members",
    "teams",
    "tenant_schedules",
)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _tenant(table: str, primary_key: tuple[str, ...] = ("id",)) -> list[SchemaItem]:
    return [
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        _fk(table, "tenant_id", "tenants", "CASCADE"),
        sa.PrimaryKeyConstraint(*primary_key, name=op.f(f"pk_{table}")),
    ]


def _indexes(table: str, indexes: dict[str, list[str]]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, columns in indexes.items():
            batch_op.create_index(batch_op.f(name), columns, unique=False)


def _when(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _create_setup() -> None:
    """Business hours, teams and their members, categories, counters."""
    op.create_table(
        "tenant_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        _when("updated_at", nullable=False),
        *_tenant("tenant_schedules"),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_tenant_schedules_tenant_id")),
    )
    _indexes("tenant_schedules", {"ix_tenant_schedules_tenant_id": ["tenant_id"]})
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        *_tenant("teams"),
        sa.CheckConstraint("level IN (1, 2)", name=op.f("ck_teams_level")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_teams_tenant_id_name")),
    )
    _indexes("teams", {"ix_teams_tenant_id": ["tenant_id"]})
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *_tenant("team_members", ("team_id", "user_id")),
        _fk("team_members", "team_id", "teams", "CASCADE"),
        _fk("team_members", "user_id", "users", "CASCADE"),
    )
    _indexes("team_members", {"ix_team_members_tenant_id": ["tenant_id"]})
    op.create_table(
        "ticket_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("first_response_s", sa.Integer(), nullable=False),
        sa.Column("resolution_s", sa.Integer(), nullable=False),
        sa.Column("default_priority", sa.String(length=8), nullable=False),
        sa.Column("default_team_id", sa.Integer(), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tenant("ticket_categories"),
        _fk("ticket_categories", "default_team_id", "teams", "SET NULL"),
        sa.CheckConstraint(KINDS, name=op.f("ck_ticket_categories_kind")),
        sa.CheckConstraint(
            f"default_priority {PRIORITIES}", name=op.f("ck_ticket_categories_default_priority")
        ),
        sa.CheckConstraint(
            "first_response_s > 0 AND resolution_s > 0", name=op.f("ck_ticket_categories_sla_positive")
        ),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_ticket_categories_tenant_id_name")),
    )
    _indexes("ticket_categories", {"ix_ticket_categories_tenant_id": ["tenant_id"]})
    op.create_table(
        "ticket_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        *_tenant("ticket_counters"),
        sa.UniqueConstraint("tenant_id", "year", name=op.f("uq_ticket_counters_tenant_id_year")),
    )
    _indexes("ticket_counters", {"ix_ticket_counters_tenant_id": ["tenant_id"]})


def _create_tickets() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("interaction_id", sa.String(length=255), nullable=True),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        *(_when(name) for name in ("first_response_at", "resolved_at", "closed_at", "paused_at")),
        _when("first_response_due"),
        _when("resolution_due"),
        *_tenant("tickets"),
        _fk("tickets", "category_id", "ticket_categories", "SET NULL"),
        _fk("tickets", "team_id", "teams", "SET NULL"),
        _fk("tickets", "assignee_id", "users", "SET NULL"),
        _fk("tickets", "contact_id", "contacts", "SET NULL"),
        _fk("tickets", "account_id", "accounts", "SET NULL"),
        sa.CheckConstraint(KINDS, name=op.f("ck_tickets_kind")),
        sa.CheckConstraint(f"priority {PRIORITIES}", name=op.f("ck_tickets_priority")),
        sa.CheckConstraint(STATUSES, name=op.f("ck_tickets_status")),
        sa.CheckConstraint(CHANNELS, name=op.f("ck_tickets_channel")),
        sa.CheckConstraint("level IN (1, 2)", name=op.f("ck_tickets_level")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_tickets_tenant_id_number")),
    )
    _indexes(
        "tickets",
        {
            "ix_tickets_tenant_id": ["tenant_id"],
            "ix_tickets_tenant_status": ["tenant_id", "status"],
            "ix_tickets_tenant_interaction": ["tenant_id", "interaction_id"],
            "ix_tickets_contact_id": ["contact_id"],
            "ix_tickets_account_id": ["account_id"],
            "ix_tickets_team_id": ["team_id"],
            "ix_tickets_assignee_id": ["assignee_id"],
        },
    )


def _create_ticket_rows() -> None:
    """The history, comments and attachments hanging on a ticket."""
    op.create_table(
        "ticket_events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        _when("at", nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        *_tenant("ticket_events"),
        _fk("ticket_events", "ticket_id", "tickets", "CASCADE"),
    )
    op.create_table(
        "ticket_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        _when("created_at", nullable=False),
        *_tenant("ticket_comments"),
        _fk("ticket_comments", "ticket_id", "tickets", "CASCADE"),
        _fk("ticket_comments", "author_id", "users", "SET NULL"),
    )
    op.create_table(
        "ticket_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        _when("created_at", nullable=False),
        *_tenant("ticket_attachments"),
        _fk("ticket_attachments", "ticket_id", "tickets", "CASCADE"),
        _fk("ticket_attachments", "uploaded_by", "users", "SET NULL"),
    )
    for table in ("ticket_events", "ticket_comments", "ticket_attachments"):
        _indexes(table, {f"ix_{table}_tenant_id": ["tenant_id"], f"ix_{table}_ticket_id": ["ticket_id"]})


def _forbid_event_updates() -> None:
    """A ticket's history is append-only; 0001 made the PostgreSQL function this trigger calls."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER ticket_events_append_only BEFORE UPDATE ON ticket_events "
            "FOR EACH ROW EXECUTE FUNCTION callfloor_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER ticket_events_append_only BEFORE UPDATE ON ticket_events "
            "BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END"
        )


def upgrade() -> None:
    _create_setup()
    _create_tickets()
    _create_ticket_rows()
    _forbid_event_updates()


def downgrade() -> None:
    # Dropping a table drops its indexes, constraints and triggers with it, on SQLite as on PostgreSQL.
    for table in TABLES:
        op.drop_table(table)
