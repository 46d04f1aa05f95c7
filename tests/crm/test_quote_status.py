"""The quote and order life cycles: every legal move allowed, every other refused by name."""

from datetime import date
from itertools import product

import pytest

from callfloor.crm import CrmError
from callfloor.crm.quote_status import (
    ORDER_TRANSITIONS,
    QUOTE_TRANSITIONS,
    IllegalTransitionError,
    OrderStatus,
    QuoteStatus,
    expire_due,
    move_order,
    move_quote,
    needs_follow_up,
)

Q, O = QuoteStatus, OrderStatus  # noqa: E741 - short aliases for the tables below

QUOTE_MOVES = {
    (Q.DRAFT, Q.SENT),
    (Q.DRAFT, Q.CANCELLED),
    (Q.SENT, Q.ACCEPTED),
    (Q.SENT, Q.REFUSED),
    (Q.SENT, Q.EXPIRED),
    (Q.SENT, Q.CANCELLED),
    (Q.ACCEPTED, Q.ORDERED),
}
ORDER_MOVES = {
    (O.TAKEN, O.CONFIRMED),
    (O.CONFIRMED, O.SHIPPED),
    (O.SHIPPED, O.DELIVERED),
    (O.TAKEN, O.CANCELLED),
    (O.CONFIRMED, O.CANCELLED),
}


def test_the_tables_hold_every_status_and_exactly_the_moves_of_the_issue() -> None:
    assert set(QUOTE_TRANSITIONS) == set(QuoteStatus)
    assert set(ORDER_TRANSITIONS) == set(OrderStatus)
    assert {(old, new) for old, news in QUOTE_TRANSITIONS.items() for new in news} == QUOTE_MOVES
    assert {(old, new) for old, news in ORDER_TRANSITIONS.items() for new in news} == ORDER_MOVES


@pytest.mark.parametrize(("old", "new"), list(product(QuoteStatus, QuoteStatus)))
def test_each_quote_move_is_allowed_or_refused_by_name(old: QuoteStatus, new: QuoteStatus) -> None:
    if (old, new) in QUOTE_MOVES:
        assert move_quote("D-2025-0042", old, new) is new
    else:
        with pytest.raises(IllegalTransitionError, match=f"^quote D-2025-0042: {old} -> {new}$"):
            move_quote("D-2025-0042", old, new)


@pytest.mark.parametrize(("old", "new"), list(product(OrderStatus, OrderStatus)))
def test_each_order_move_is_allowed_or_refused_by_name(old: OrderStatus, new: OrderStatus) -> None:
    if (old, new) in ORDER_MOVES:
        assert move_order("C-17", old, new) is new
    else:
        with pytest.raises(IllegalTransitionError, match=f"^order C-17: {old} -> {new}$"):
            move_order("C-17", old, new)


def test_a_quote_lives_from_draft_to_order() -> None:
    status = Q.DRAFT
    for new in (Q.SENT, Q.ACCEPTED, Q.ORDERED):
        status = move_quote("D-1", status, new)
    assert status is Q.ORDERED
    assert issubclass(IllegalTransitionError, CrmError)


def test_a_sent_quote_expires_the_day_after_its_last_valid_day() -> None:
    valid_until = date(2025, 6, 30)
    assert not expire_due(Q.SENT, valid_until, date(2025, 6, 30))
    assert expire_due(Q.SENT, valid_until, date(2025, 7, 1))
    assert expire_due("sent", valid_until, date(2026, 1, 1))  # type: ignore[arg-type]  # a status as read from a row


@pytest.mark.parametrize("status", [s for s in QuoteStatus if s is not Q.SENT])
def test_only_a_sent_quote_expires(status: QuoteStatus) -> None:
    assert not expire_due(status, date(2025, 6, 30), date(2025, 8, 1))


def test_a_sent_quote_is_followed_up_after_the_delay_while_it_is_valid() -> None:
    sent, valid_until = date(2025, 6, 2), date(2025, 7, 2)

    def due(today: date, status: QuoteStatus = Q.SENT, after_days: int = 7) -> bool:
        return needs_follow_up(status, sent, valid_until, today, after_days)

    assert not due(date(2025, 6, 8))  # six days: too soon
    assert due(date(2025, 6, 9))  # seven days
    assert due(date(2025, 7, 2))  # its last valid day
    assert not due(date(2025, 7, 3))  # expired: a new quote, not a relance
    assert due(date(2025, 6, 2), after_days=0)
    assert not due(date(2025, 6, 1), after_days=0)  # before it was sent
    for status in (Q.DRAFT, Q.ACCEPTED, Q.REFUSED, Q.EXPIRED, Q.CANCELLED, Q.ORDERED):
        assert not due(date(2025, 6, 20), status)


def test_a_negative_follow_up_delay_is_refused() -> None:
    with pytest.raises(CrmError, match="after_days: -1 is negative"):
        needs_follow_up(Q.SENT, date(2025, 6, 2), date(2025, 7, 2), date(2025, 6, 20), -1)
