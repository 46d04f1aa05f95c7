"""sales: products, quotes and orders with their lines, and the counters that number them

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUOTE_STATUSES = "status IN ('draft', 'sent', 'accepted', 'refused', 'expired', 'cancelled', 'ordered')"
ORDER_STATUSES = "status IN ('taken', 'confirmed', 'shipped', 'delivered', 'cancelled')"


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


def _money(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Numeric(precision=12, scale=2), nullable=False)


def _create_document(table: str, columns: list[SchemaItem], statuses: str) -> None:
    """``quotes`` or ``orders``: a number, a customer, a status, totals, and their own columns."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        _money("total_excl_vat"),
        _money("total_vat"),
        _money("total_incl_vat"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *columns,
        *_tenant(table),
        sa.CheckConstraint(statuses, name=op.f(f"ck_{table}_status")),
        _fk(table, "contact_id", "contacts", "SET NULL"),
        _fk(table, "account_id", "accounts", "SET NULL"),
        sa.UniqueConstraint("tenant_id", "number", name=op.f(f"uq_{table}_tenant_id_number")),
    )
    _indexes(
        table,
        {
            f"ix_{table}_tenant_id": ["tenant_id"],
            f"ix_{table}_tenant_status": ["tenant_id", "status"],
            f"ix_{table}_contact_id": ["contact_id"],
            f"ix_{table}_account_id": ["account_id"],
        },
    )


def _create_lines(table: str, parent: str) -> None:
    """``quote_lines`` or ``order_lines``: what the product was when the line was written."""
    parent_id = f"{parent[:-1]}_id"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(parent_id, sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=3), nullable=False),
        _money("unit_price"),
        sa.Column("discount", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False),
        *_tenant(table),
        _fk(table, parent_id, parent, "CASCADE"),
        _fk(table, "product_id", "products", "SET NULL"),
        sa.UniqueConstraint(parent_id, "position", name=op.f(f"uq_{table}_{parent_id}_position")),
    )
    _indexes(table, {f"ix_{table}_tenant_id": ["tenant_id"]})


def _create_catalogue() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        _money("unit_price"),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_tenant("products"),
        sa.UniqueConstraint("tenant_id", "reference", name=op.f("uq_products_tenant_id_reference")),
    )
    _indexes("products", {"ix_products_tenant_id": ["tenant_id"]})
    op.create_table(
        "sales_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        *_tenant("sales_counters"),
        sa.CheckConstraint("kind IN ('quote', 'order')", name=op.f("ck_sales_counters_kind")),
        sa.UniqueConstraint("tenant_id", "kind", "year", name=op.f("uq_sales_counters_tenant_id_kind_year")),
    )
    _indexes("sales_counters", {"ix_sales_counters_tenant_id": ["tenant_id"]})


def upgrade() -> None:
    _create_catalogue()
    _create_document(
        "quotes",
        [
            sa.Column("owner_user_id", sa.Integer(), nullable=True),
            sa.Column("valid_until", sa.Date(), nullable=False),
            sa.Column("sent_on", sa.Date(), nullable=True),
            _fk("quotes", "owner_user_id", "users", "SET NULL"),
        ],
        QUOTE_STATUSES,
    )
    _create_lines("quote_lines", "quotes")
    _create_document(
        "orders",
        [
            sa.Column("quote_id", sa.Integer(), nullable=True),
            sa.Column("taken_by_user_id", sa.Integer(), nullable=True),
            sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
            _fk("orders", "quote_id", "quotes", "SET NULL"),
            _fk("orders", "taken_by_user_id", "users", "SET NULL"),
        ],
        ORDER_STATUSES,
    )
    _indexes("orders", {"ix_orders_quote_id": ["quote_id"]})
    _create_lines("order_lines", "orders")


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it, on SQLite as on PostgreSQL.
    for table in ("order_lines", "orders", "quote_lines", "quotes", "sales_counters", "products"):
        op.drop_table(table)
