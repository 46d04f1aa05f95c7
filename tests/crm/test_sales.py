"""Products, quotes and orders: priced lines, gap-free numbers, status moves, orders on a call."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.catalogue import Catalogue
from callfloor.crm.contacts import CustomerFile
from callfloor.crm.lines import LineInput
from callfloor.crm.merge import ContactMerger
from callfloor.crm.quote_status import OrderStatus, QuoteStatus
from callfloor.crm.sales import Sales
from callfloor.crm.sales_errors import (
    CustomerError,
    DuplicateReferenceError,
    LineError,
    NotDraftError,
    ProductError,
    QuoteExpiredError,
    StatusMoveError,
)
from callfloor.storage.contacts import Contact
from callfloor.storage.platform import Platform
from callfloor.storage.sales import Quote
from tests.crm.customer_files import Two, two_tenants

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 2)
VALID = {"valid_until": date(2026, 3, 31)}


@dataclass
class Shop:
    """Tenant acme's catalogue and sales, a customer, and the other tenant's sales."""

    two: Two
    catalogue: Catalogue
    sales: Sales
    other: Sales
    contact: Contact


@pytest.fixture
def shop(sessions: sessionmaker[Session]) -> Iterator[Shop]:
    """Acme sells a headset (20 %) and a book (5.5 %) to Jean, of the account Dupont SA."""
    for two in two_tenants(sessions):
        catalogue = Catalogue(two.session, two.acme.tenant_id)
        catalogue.create(
            {"reference": "HS-1", "label": "Casque", "unit_price": Decimal("49.90"), "vat_rate": Decimal(20)},
            now=NOW,
        )
        catalogue.create(
            {
                "reference": "BK-1",
                "label": "Livre",
                "unit_price": Decimal("12.50"),
                "vat_rate": Decimal("5.5"),
            },
            now=NOW,
        )
        account = two.acme.create_account({"name": "Dupont SA"})
        contact = two.acme.create_contact(
            {"first_name": "Jean", "last_name": "Dupont", "account_id": account.id}
        )
        sales = Sales(two.session, two.acme.tenant_id)
        yield Shop(two, catalogue, sales, Sales(two.session, two.globex.tenant_id), contact)


def _quote(shop: Shop, *lines: LineInput) -> Quote:
    lines = lines or (
        LineInput(product="HS-1", quantity=Decimal(10)),
        LineInput(product="BK-1", quantity=Decimal(2)),
    )
    return shop.sales.create_quote({"contact_id": shop.contact.id, **VALID}, lines, now=NOW)


def test_a_quote_copies_its_products_and_totals_vat_per_rate(shop: Shop) -> None:
    quote = _quote(shop)
    assert quote.number == "D-2026-000001"
    assert [(line.position, line.reference, line.unit_price) for line in quote.lines] == [
        (1, "HS-1", Decimal("49.90")),
        (2, "BK-1", Decimal("12.50")),
    ]
    # 499.00 at 20 % (99.80) + 25.00 at 5.5 % (1.375 -> 1.38)
    assert (quote.total_excl_vat, quote.total_vat, quote.total_incl_vat) == (
        Decimal("524.00"),
        Decimal("101.18"),
        Decimal("625.18"),
    )
    assert quote.account_id == shop.contact.account_id  # the contact's account, none being given
    assert quote.status == QuoteStatus.DRAFT


def test_a_later_price_change_leaves_the_quote_alone(shop: Shop) -> None:
    quote = _quote(shop)
    headset = shop.catalogue.products.by_reference("HS-1")
    assert headset is not None
    shop.catalogue.update(headset, {"unit_price": Decimal("59.90")})
    shop.two.session.expire_all()
    assert quote.lines[0].unit_price == Decimal("49.90")
    assert quote.total_incl_vat == Decimal("625.18")
    shop.catalogue.delete(headset)
    shop.two.session.expire_all()
    assert quote.lines[0].product_id is None
    assert quote.lines[0].reference == "HS-1"


def test_free_lines_and_overrides(shop: Shop) -> None:
    quote = _quote(
        shop,
        LineInput(reference="INST", label="Installation", unit_price=Decimal("80.00"), vat_rate=Decimal(10)),
        LineInput(product="HS-1", unit_price=Decimal("45.00"), discount=Decimal(10)),
    )
    assert [line.product_id is None for line in quote.lines] == [True, False]
    # 80.00 at 10 % (8.00) + 45.00 less 10 % = 40.50 at 20 % (8.10)
    assert quote.total_incl_vat == Decimal("136.60")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (LineInput(product="NOPE"), "line 2: unknown product 'NOPE'"),
        (LineInput(reference="X", label="Free"), "line 2: unit_price is required"),
        (
            LineInput(product="HS-1", quantity=Decimal(0)),
            "line 2: line 'HS-1', quantity: 0 must be more than 0",
        ),
        (LineInput(product="HS-1", quantity=Decimal("1.0005")), "line 2: quantity: 3 decimals at most"),
        (LineInput(product="HS-1", quantity=1.5), "line 2: line 'HS-1', quantity: floats are refused"),  # type: ignore[arg-type]
        (LineInput(product="HS-1", unit_price=Decimal("1.001")), "more than 2 decimal places"),
    ],
)
def test_a_bad_line_is_refused_with_its_position(shop: Shop, line: LineInput, message: str) -> None:
    with pytest.raises(LineError, match=message.replace("(", r"\(")) as refused:
        _quote(shop, LineInput(product="BK-1"), line)
    assert refused.value.position == 2
    assert refused.value.fr.startswith("ligne 2 : ")


def test_a_withdrawn_product_cannot_be_quoted(shop: Shop) -> None:
    book = shop.catalogue.products.by_reference("BK-1")
    assert book is not None
    shop.catalogue.update(book, {"active": False})
    with pytest.raises(LineError, match="no longer sold"):
        _quote(shop, LineInput(product="BK-1"))


def test_products_are_checked(shop: Shop) -> None:
    fields = {"reference": "HS-1", "label": "Other", "unit_price": Decimal(1), "vat_rate": Decimal(20)}
    with pytest.raises(DuplicateReferenceError):
        shop.catalogue.create(fields, now=NOW)
    for bad in (
        {"unit_price": 1.5},
        {"unit_price": Decimal("-1")},
        {"vat_rate": Decimal(101)},
        {"label": ""},
    ):
        with pytest.raises(ProductError):
            shop.catalogue.create({**fields, "reference": "NEW", **bad}, now=NOW)
    # The other tenant may use the same reference.
    Catalogue(shop.two.session, shop.two.globex.tenant_id).create(fields, now=NOW)


def test_numbers_follow_each_other_per_tenant_and_a_failed_quote_takes_none(shop: Shop) -> None:
    assert _quote(shop).number == "D-2026-000001"
    with pytest.raises(LineError), shop.two.session.begin_nested():
        _quote(shop, LineInput(product="NOPE"))
    with pytest.raises(CustomerError), shop.two.session.begin_nested():
        shop.sales.create_quote({"contact_id": 999_999, **VALID}, [], now=NOW)
    assert _quote(shop).number == "D-2026-000002"
    outside = shop.two.globex.create_contact({"last_name": "Peeters"})
    other = shop.other.create_quote({"contact_id": outside.id, **VALID}, [], now=NOW)
    assert other.number == "D-2026-000001"
    next_year = shop.sales.create_quote(
        {"contact_id": shop.contact.id, **VALID}, [], now=datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    )
    assert next_year.number == "D-2027-000001"  # already 2027 in Paris


def test_a_quote_names_a_customer_of_its_tenant(shop: Shop) -> None:
    with pytest.raises(CustomerError, match="a contact or an account is required"):
        shop.sales.create_quote(VALID, [], now=NOW)
    with pytest.raises(CustomerError, match="unknown contact"):
        shop.other.create_quote({"contact_id": shop.contact.id, **VALID}, [], now=NOW)
    with pytest.raises(CustomerError, match="unknown user"):
        shop.sales.create_quote(
            {"contact_id": shop.contact.id, "owner_user_id": shop.two.globex_user.id, **VALID}, [], now=NOW
        )


def test_only_a_draft_is_edited(shop: Shop) -> None:
    quote = _quote(shop)
    later = NOW + timedelta(hours=1)
    shop.sales.update_quote(
        quote, {"notes": "Remise fidélité"}, [LineInput(product="BK-1", quantity=Decimal(4))], now=later
    )
    assert [(line.position, line.reference) for line in quote.lines] == [(1, "BK-1")]
    assert quote.total_incl_vat == Decimal("52.75")  # 50.00 + 2.75
    assert (quote.notes, quote.updated_at) == ("Remise fidélité", later)
    shop.sales.send(quote, today=TODAY, now=later)
    assert (quote.status, quote.sent_on) == (QuoteStatus.SENT, TODAY)
    with pytest.raises(NotDraftError):
        shop.sales.update_quote(quote, {"notes": "x"}, None, now=later)


def test_status_moves_follow_the_table(shop: Shop) -> None:
    empty = shop.sales.create_quote({"contact_id": shop.contact.id, **VALID}, [], now=NOW)
    with pytest.raises(CustomerError, match="has no line"):
        shop.sales.send(empty, today=TODAY, now=NOW)
    quote = _quote(shop)
    with pytest.raises(
        StatusMoveError, match="quote D-2026-000002: cannot go from draft to accepted"
    ) as refused:
        shop.sales.accept(quote, today=TODAY, now=NOW)
    assert refused.value.fr == "quote D-2026-000002 : impossible de passer de draft à accepted"
    shop.sales.send(quote, today=TODAY, now=NOW)
    shop.sales.refuse(quote, now=NOW)
    with pytest.raises(StatusMoveError):
        shop.sales.cancel(quote, now=NOW)
    shop.sales.cancel(empty, now=NOW)
    assert (quote.status, empty.status) == (QuoteStatus.REFUSED, QuoteStatus.CANCELLED)


def test_expiry_and_follow_up(shop: Shop) -> None:
    old, recent, draft = _quote(shop), _quote(shop), _quote(shop)
    shop.sales.send(old, today=date(2026, 3, 2), now=NOW)
    shop.sales.send(recent, today=date(2026, 3, 20), now=NOW)
    assert shop.sales.needs_follow_up(today=date(2026, 3, 25), after_days=7) == [old]
    assert shop.sales.needs_follow_up(today=date(2026, 3, 27), after_days=7) == [old, recent]
    assert shop.sales.expire_due(today=date(2026, 3, 31), now=NOW) == []  # the last valid day
    assert shop.sales.expire_due(today=date(2026, 4, 1), now=NOW) == [recent, old]
    assert (old.status, draft.status) == (QuoteStatus.EXPIRED, QuoteStatus.DRAFT)
    assert shop.sales.needs_follow_up(today=date(2026, 4, 1), after_days=7) == []
    late = _quote(shop)
    with pytest.raises(QuoteExpiredError):
        shop.sales.send(late, today=date(2026, 4, 1), now=NOW)


def test_an_order_is_taken_from_a_sent_quote_in_one_action(shop: Shop) -> None:
    quote = _quote(shop)
    with pytest.raises(StatusMoveError, match="from draft to ordered"):
        shop.sales.take_order(quote, taken_by=shop.two.acme_user.id, today=TODAY, now=NOW)
    shop.sales.send(quote, today=TODAY, now=NOW)
    order = shop.sales.take_order(quote, taken_by=shop.two.acme_user.id, today=TODAY, now=NOW)
    assert quote.status == QuoteStatus.ORDERED
    assert (order.number, order.status, order.quote_id) == ("C-2026-000001", OrderStatus.TAKEN, quote.id)
    assert (order.contact_id, order.account_id, order.taken_at) == (quote.contact_id, quote.account_id, NOW)
    assert [(line.reference, line.quantity, line.unit_price) for line in order.lines] == [
        (line.reference, line.quantity, line.unit_price) for line in quote.lines
    ]
    assert order.total_incl_vat == quote.total_incl_vat == Decimal("625.18")
    with pytest.raises(StatusMoveError):
        shop.sales.take_order(quote, taken_by=None, today=TODAY, now=NOW)


def test_an_expired_quote_is_not_ordered(shop: Shop) -> None:
    quote = _quote(shop)
    shop.sales.send(quote, today=TODAY, now=NOW)
    with pytest.raises(QuoteExpiredError):
        shop.sales.take_order(quote, taken_by=None, today=date(2026, 4, 1), now=NOW)
    assert quote.status == QuoteStatus.SENT


def test_orders_move_along_their_table(shop: Shop) -> None:
    quote = _quote(shop)
    shop.sales.send(quote, today=TODAY, now=NOW)
    shop.sales.accept(quote, today=TODAY, now=NOW)
    order = shop.sales.take_order(quote, taken_by=None, today=TODAY, now=NOW)
    for status in (OrderStatus.CONFIRMED, OrderStatus.SHIPPED):
        shop.sales.move_order(order, status, now=NOW)
    with pytest.raises(StatusMoveError, match="order C-2026-000001: cannot go from shipped to cancelled"):
        shop.sales.move_order(order, OrderStatus.CANCELLED, now=NOW)
    assert shop.sales.scope.orders.find(statuses=["shipped"]) == [order]


def test_a_contact_merge_moves_quotes_and_orders(shop: Shop) -> None:
    quote = _quote(shop)
    shop.sales.send(quote, today=TODAY, now=NOW)
    order = shop.sales.take_order(quote, taken_by=None, today=TODAY, now=NOW)
    survivor = shop.two.acme.create_contact({"first_name": "Jean", "last_name": "Dupont"})
    report = ContactMerger(shop.two.session, shop.two.acme.tenant_id).merge(survivor, shop.contact)
    assert report.repointed["quotes.contact_id"] == report.repointed["orders.contact_id"] == 1
    shop.two.session.expire_all()
    assert quote.contact_id == order.contact_id == survivor.id
    assert shop.sales.scope.quotes.find(contact_id=survivor.id) == [quote]


def _committed_customer(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("rush", "Rush")
        contact = CustomerFile(session, tenant.id).create_contact({"last_name": "Martin"})
        return tenant.id, contact.id


def test_concurrent_agents_get_consecutive_numbers(engine: Engine, sessions: sessionmaker[Session]) -> None:
    tenant_id, contact_id = _committed_customer(sessions)
    start, numbers, errors = threading.Barrier(4), [], []

    def agent() -> None:
        try:
            start.wait(timeout=10)
            for _ in range(5):
                with sessions.begin() as session:
                    quote = Sales(session, tenant_id).create_quote(
                        {"contact_id": contact_id, **VALID}, [], now=NOW
                    )
                    numbers.append(quote.number)
        except Exception as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=agent) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(numbers) == [f"D-2026-{n:06d}" for n in range(1, 21)]


def test_a_waiting_agent_gets_the_next_number_once_the_first_commits(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    tenant_id, contact_id = _committed_customer(sessions)
    first_holds, results = threading.Event(), {}

    def second() -> None:
        first_holds.wait(timeout=10)
        with sessions.begin() as session:
            quote = Sales(session, tenant_id).create_quote({"contact_id": contact_id, **VALID}, [], now=NOW)
            results["second"] = quote.number

    thread = threading.Thread(target=second)
    thread.start()
    with sessions.begin() as session:
        results["first"] = (
            Sales(session, tenant_id).create_quote({"contact_id": contact_id, **VALID}, [], now=NOW).number
        )
        first_holds.set()
        thread.join(timeout=0.5)
        assert thread.is_alive()  # waiting on the counter's row lock
        assert "second" not in results
    thread.join(timeout=10)
    assert results == {"first": "D-2026-000001", "second": "D-2026-000002"}
    with sessions() as session:
        assert session.scalars(select(Quote.number).order_by(Quote.number)).all() == [
            "D-2026-000001",
            "D-2026-000002",
        ]
