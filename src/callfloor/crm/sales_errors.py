"""The errors of sales (products, quotes, orders), told in English and French.

Each carries a stable ``error_id`` for clients and the HTTP ``status`` the API answers with, so
routes map the whole family in one place. A status move the quote or order tables forbid is a
:class:`StatusMoveError` naming both states; a line that cannot be priced is a
:class:`LineError` naming its position.
"""

from callfloor.crm import RefusalError


class SalesError(RefusalError):
    """A sales change that is refused."""

    error_id = "invalid_sale"


class ProductError(SalesError):
    """A product whose reference, label, price or VAT rate is refused."""

    error_id = "invalid_product"


class DuplicateReferenceError(SalesError):
    """A product reference already used in the tenant."""

    error_id = "duplicate"
    status = 409


class LineError(SalesError):
    """A quote or order line that cannot be priced: unknown product, missing price, bad amount."""

    error_id = "invalid_line"

    def __init__(self, position: int, en: str, fr: str) -> None:
        super().__init__(f"line {position}: {en}", f"ligne {position} : {fr}", field=f"lines.{position}")
        self.position = position


class CustomerError(SalesError):
    """A quote naming no customer, or a contact, account or owner not in the tenant."""

    error_id = "invalid_customer"


class StatusMoveError(SalesError):
    """A status change the quote or order table forbids from where the document is."""

    error_id = "illegal_status_change"
    status = 409


class NotDraftError(SalesError):
    """A quote changed after it left the draft status (a sent quote is what the customer read)."""

    error_id = "quote_not_draft"
    status = 409


class QuoteExpiredError(SalesError):
    """A quote sent, accepted or ordered after its last valid day."""

    error_id = "quote_expired"
    status = 409
