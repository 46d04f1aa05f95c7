"""appointments: reps' calendars, their busy times, and appointments

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("appointments", "busy_times", "calendars")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _tenant(table: str) -> list[SchemaItem]:
    return [
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        _fk(table, "tenant_id", "tenants", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _indexes(table: str, indexes: dict[str, list[str]]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, columns in indexes.items():
            batch_op.create_index(batch_op.f(name), columns, unique=False)


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _create_calendars() -> None:
    op.create_table(
        "calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("postal_prefixes", sa.JSON(), nullable=False),
        sa.Column("area_label", sa.String(length=100), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("feed_token", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("bookings", sa.Integer(), nullable=False),
        _when("created_at"),
        *_tenant("calendars"),
        _fk("calendars", "user_id", "users", "CASCADE"),
        sa.CheckConstraint("slot_minutes > 0 AND buffer_minutes >= 0", name=op.f("ck_calendars_durations")),
        sa.UniqueConstraint("tenant_id", "user_id", name=op.f("uq_calendars_tenant_id_user_id")),
        sa.UniqueConstraint("feed_token", name=op.f("uq_calendars_feed_token")),
    )
    _indexes("calendars", {"ix_calendars_tenant_id": ["tenant_id"]})
    op.create_table(
        "busy_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        _when("start_at"),
        _when("end_at"),
        sa.Column("label", sa.String(length=200), nullable=False),
        *_tenant("busy_times"),
        _fk("busy_times", "calendar_id", "calendars", "CASCADE"),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_busy_times_ends_after_start")),
    )
    _indexes(
        "busy_times",
        {
            "ix_busy_times_tenant_id": ["tenant_id"],
            "ix_busy_times_calendar_start": ["calendar_id", "start_at"],
        },
    )


def _create_appointments() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        _when("start_at"),
        _when("end_at"),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=100), nullable=False),
        sa.Column("booked_by", sa.Integer(), nullable=True),
        _when("booked_at"),
        sa.Column("source", sa.String(length=5), nullable=False),
        _when("updated_at"),
        _when("cancelled_at", nullable=True),
        *_tenant("appointments"),
        _fk("appointments", "calendar_id", "calendars", "CASCADE"),
        _fk("appointments", "contact_id", "contacts", "SET NULL"),
        _fk("appointments", "account_id", "accounts", "SET NULL"),
        _fk("appointments", "booked_by", "users", "SET NULL"),
        sa.CheckConstraint("status IN ('booked', 'cancelled')", name=op.f("ck_appointments_status")),
        sa.CheckConstraint("source IN ('agent', 'ivr', 'web')", name=op.f("ck_appointments_source")),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_appointments_ends_after_start")),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_appointments_sequence")),
        sa.UniqueConstraint("uid", name=op.f("uq_appointments_uid")),
    )
    _indexes(
        "appointments",
        {
            "ix_appointments_tenant_id": ["tenant_id"],
            "ix_appointments_calendar_start": ["calendar_id", "start_at"],
            "ix_appointments_tenant_start": ["tenant_id", "start_at"],
            "ix_appointments_contact_id": ["contact_id"],
            "ix_appointments_account_id": ["account_id"],
        },
    )


def upgrade() -> None:
    _create_calendars()
    _create_appointments()


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it, on SQLite as on PostgreSQL.
    for table in TABLES:
        op.drop_table(table)
