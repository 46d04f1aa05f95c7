"""The tables of sales: products, quotes (devis) and orders (commandes), with their lines.

Lines copy the reference, label, price and VAT rate of their product when they are written, so
a later change to the catalogue never changes a quote already sent; ``product_id`` only says
where a line came from and goes null when the product is deleted. Totals are stored as the
CRM's pricing rules computed them from the lines, so lists need no arithmetic in SQL.

Money is ``Numeric`` and reaches Python as :class:`decimal.Decimal` on both backends. SQLite
keeps it as a double, which holds the 12 significant digits of these columns exactly; the
result is quantized back to the column's scale when read.

Quote and order numbers (``D-2026-000123``, ``C-2026-000045``) are unique per tenant and
allocated from :class:`SalesCounter`, one row per tenant, kind and year, incremented in the
transaction that inserts the quote or the order: a rollback gives the number back, and a
second transaction waits on the row's lock, so numbers have neither gaps nor duplicates (French
invoices must be numbered in one unbroken sequence, CGI annexe II art. 242 nonies A, I-1°).
"""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, QueryableAttribute, Session, mapped_column, relationship, selectinload

from callfloor.storage.models import Base, TenantOwned
from callfloor.storage.repositories import TenantRepository
from callfloor.storage.types import utcnow

MONEY = Numeric(12, 2)
RATE = Numeric(5, 2)  # a percentage: a VAT rate or a discount
QUANTITY = Numeric(12, 3)
QUOTE_STATUSES = ("draft", "sent", "accepted", "refused", "expired", "cancelled", "ordered")
ORDER_STATUSES = ("taken", "confirmed", "shipped", "delivered", "cancelled")


def _one_of(values: tuple[str, ...]) -> str:
    return "status IN ({})".format(", ".join(f"'{v}'" for v in values))


class Product(TenantOwned, Base):
    """A product or service of the tenant's catalogue, priced excluding VAT (prix HT)."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("tenant_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    vat_rate: Mapped[Decimal] = mapped_column(RATE)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SalesCounter(TenantOwned, Base):
    """The last number given to a quote or an order of one tenant in one year."""

    __tablename__ = "sales_counters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "year"),
        CheckConstraint("kind IN ('quote', 'order')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)


class _Line(TenantOwned):
    """The columns a quote line and an order line share, copied from the product when written."""

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    reference: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    discount: Mapped[Decimal] = mapped_column(RATE, default=Decimal(0))
    vat_rate: Mapped[Decimal] = mapped_column(RATE)


class _Document(TenantOwned):
    """What a quote and an order share: a number, a customer and the totals of their lines."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    total_excl_vat: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    total_vat: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    total_incl_vat: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuoteLine(_Line, Base):
    """One line of a quote."""

    __tablename__ = "quote_lines"
    __table_args__ = (UniqueConstraint("quote_id", "position"),)

    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))


class Quote(_Document, Base):
    """A quote (devis) sent to a contact and/or an account, owned by an agent or a sales rep."""

    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        CheckConstraint(_one_of(QUOTE_STATUSES), name="status"),
        Index("ix_quotes_tenant_status", "tenant_id", "status"),
        Index("ix_quotes_contact_id", "contact_id"),
        Index("ix_quotes_account_id", "account_id"),
    )

    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    valid_until: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date)

    lines: Mapped[list[QuoteLine]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="QuoteLine.position"
    )


class OrderLine(_Line, Base):
    """One line of an order."""

    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "position"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))


class Order(_Document, Base):
    """An order (commande), taken from a quote or directly, by a user at a time."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        CheckConstraint(_one_of(ORDER_STATUSES), name="status"),
        Index("ix_orders_tenant_status", "tenant_id", "status"),
        Index("ix_orders_contact_id", "contact_id"),
        Index("ix_orders_account_id", "account_id"),
    )

    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id", ondelete="SET NULL"), index=True)
    taken_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime] = mapped_column()

    lines: Mapped[list[OrderLine]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="OrderLine.position"
    )


D = TypeVar("D", bound=_Document)


def next_number(session: Session, tenant_id: int, kind: str, year: int) -> int:
    """The next number of ``kind`` (``quote`` or ``order``) in ``year``, in the caller's transaction.

    The counter row is created if missing (a concurrent creator wins, the other does nothing),
    then incremented: the UPDATE's row lock makes a concurrent transaction wait until this one
    ends, and it then reads the committed value, so two quotes never get one number.
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    create = insert(SalesCounter).values(tenant_id=tenant_id, kind=kind, year=year, last=0)
    session.execute(create.on_conflict_do_nothing(index_elements=["tenant_id", "kind", "year"]))
    bump = (
        update(SalesCounter)
        .where(SalesCounter.tenant_id == tenant_id, SalesCounter.kind == kind, SalesCounter.year == year)
        .values(last=SalesCounter.last + 1)
        .returning(SalesCounter.last)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(bump).scalar_one())


class ProductRepository(TenantRepository[Product]):
    """The catalogue, found by reference."""

    model = Product

    def by_reference(self, reference: str) -> Product | None:
        """The product with this reference, or None."""
        return self.session.scalars(self.select().where(Product.reference == reference)).one_or_none()

    def by_references(self, references: Sequence[str]) -> dict[str, Product]:
        """Products by reference; references that do not exist are missing from the result."""
        found = self.session.scalars(self.select().where(Product.reference.in_(references))).all()
        return {p.reference: p for p in found}


class _DocumentRepository(TenantRepository[D]):
    """Quotes or orders with their lines, filtered by status and customer."""

    #: The model's ``lines`` relationship (read on the class: on an instance it is a descriptor).
    lines: ClassVar[QueryableAttribute[Any]]

    def find(
        self,
        *,
        statuses: Sequence[str] = (),
        contact_id: int | None = None,
        account_id: int | None = None,
        limit: int | None = None,
    ) -> Sequence[D]:
        """The tenant's documents matching every filter given, newest first."""
        model = self.model
        query = self.select().options(selectinload(type(self).lines))
        if statuses:
            query = query.where(model.status.in_(statuses))
        if contact_id is not None:
            query = query.where(model.contact_id == contact_id)
        if account_id is not None:
            query = query.where(model.account_id == account_id)
        query = query.order_by(model.id.desc())
        return self.session.scalars(query if limit is None else query.limit(limit)).all()


class QuoteRepository(_DocumentRepository[Quote]):
    """Quotes, found by number."""

    model = Quote
    lines = Quote.lines

    def by_number(self, number: str) -> Quote | None:
        """The quote with this number, or None."""
        return self.session.scalars(self.select().where(Quote.number == number)).one_or_none()


class OrderRepository(_DocumentRepository[Order]):
    """Orders, found by number or by the quote they were taken from."""

    model = Order
    lines = Order.lines

    def by_number(self, number: str) -> Order | None:
        """The order with this number, or None."""
        return self.session.scalars(self.select().where(Order.number == number)).one_or_none()

    def for_quote(self, quote_id: int) -> Order | None:
        """The order taken from this quote, or None."""
        return self.session.scalars(self.select().where(Order.quote_id == quote_id)).first()
