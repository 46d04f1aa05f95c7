"""The life of a quote (devis) and of an order (commande), as transition tables.

A quote is drafted, sent to the customer, then accepted, refused, or left to expire once its
validity date has passed; a draft or a sent quote may be cancelled by the center, and an
accepted quote becomes *ordered* when an order is taken from it. An order is taken, confirmed,
shipped and delivered, and may be cancelled until it ships.

Every change goes through a table, so that an illegal one (a refused quote ordered, a delivered
order cancelled) raises :class:`IllegalTransitionError` naming both states instead of being
silently applied. The date rules take ``today`` as an argument: the caller's clock decides.

A quote that was sent and has had no answer is what a quote follow-up campaign (relance de
devis) calls: :func:`needs_follow_up` picks them.
"""

from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from callfloor.crm import CrmError


class IllegalTransitionError(CrmError):
    """A quote or an order was asked to move to a status its table forbids from where it is."""


class QuoteStatus(StrEnum):
    """Where a quote is in its life."""

    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    ORDERED = "ordered"  # an order was taken from it


Q = QuoteStatus
QUOTE_TRANSITIONS: Final[Mapping[QuoteStatus, frozenset[QuoteStatus]]] = {
    Q.DRAFT: frozenset({Q.SENT, Q.CANCELLED}),
    Q.SENT: frozenset({Q.ACCEPTED, Q.REFUSED, Q.EXPIRED, Q.CANCELLED}),
    Q.ACCEPTED: frozenset({Q.ORDERED}),
    Q.REFUSED: frozenset(),
    Q.EXPIRED: frozenset(),
    Q.CANCELLED: frozenset(),
    Q.ORDERED: frozenset(),
}


class OrderStatus(StrEnum):
    """Where an order is in its life."""

    TAKEN = "taken"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


O = OrderStatus  # noqa: E741 - a short alias for the table below
ORDER_TRANSITIONS: Final[Mapping[OrderStatus, frozenset[OrderStatus]]] = {
    O.TAKEN: frozenset({O.CONFIRMED, O.CANCELLED}),
    O.CONFIRMED: frozenset({O.SHIPPED, O.CANCELLED}),
    O.SHIPPED: frozenset({O.DELIVERED}),  # once shipped, a return is another story
    O.DELIVERED: frozenset(),
    O.CANCELLED: frozenset(),
}


def move_quote(quote: str, old: QuoteStatus, new: QuoteStatus) -> QuoteStatus:
    """``new`` if the quote table allows ``old -> new``, else :class:`IllegalTransitionError`."""
    if new not in QUOTE_TRANSITIONS[old]:
        raise IllegalTransitionError(f"quote {quote}: {old} -> {new}")
    return new


def move_order(order: str, old: OrderStatus, new: OrderStatus) -> OrderStatus:
    """``new`` if the order table allows ``old -> new``, else :class:`IllegalTransitionError`."""
    if new not in ORDER_TRANSITIONS[old]:
        raise IllegalTransitionError(f"order {order}: {old} -> {new}")
    return new


def expire_due(status: QuoteStatus, valid_until: date, today: date) -> bool:
    """Whether the quote must now move to *expired*: still sent, and its last valid day is past.

    ``valid_until`` is the last day the customer may accept (the quote's "valable jusqu'au"),
    so a quote valid until the 30th expires on the 31st, not on the 30th.
    """
    return status == QuoteStatus.SENT and today > valid_until


def needs_follow_up(
    status: QuoteStatus, sent_on: date, valid_until: date, today: date, after_days: int
) -> bool:
    """Whether a relance de devis should call about this quote today.

    It must be sent and unanswered, sent at least ``after_days`` days ago (the customer had time
    to read it), and still valid: an expired quote is a new quote, not a follow-up.
    """
    if after_days < 0:
        raise CrmError(f"after_days: {after_days} is negative")
    waited = today >= sent_on + timedelta(days=after_days)
    return status == QuoteStatus.SENT and waited and not expire_due(status, valid_until, today)
