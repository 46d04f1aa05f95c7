"""Quotes and orders as holders of a person's data: exported whole, kept but anonymised on erasure.

*What we chose, and why.* Orders (bons de commande) are pièces justificatives of the seller's
accounts, which the French commercial code keeps for ten years: « Les documents comptables et
les pièces justificatives sont conservés pendant dix ans » (code de commerce art. L123-22 al. 2,
counted from the close of the financial year), and kept « sans blanc ni altération » in the
books (al. 3). The right to erasure yields to a legal obligation to keep (RGPD art. 17.3.b), but
only as far as that obligation needs. So an order is never deleted: its number (part of a
gap-free series), dates, status, lines and totals — what the accounts reconcile against — stay
as they are; its link to the contact is removed and its notes are replaced by
:data:`~callfloor.crm.gdpr.MARKER`. Its account stays linked: a company is not a data subject.
The person's identity on the invoice itself is the accounting system's to keep (callfloor
issues no invoices); a center whose callfloor order is the only trace of a sale should export
the person's data (right of access) before erasing, and the dry run lists the orders concerned.

Quotes (devis) are not accounting documents, but they are handled the same way rather than
deleted: a quote an order was taken from is that order's supporting piece, quote numbers form a
gap-free series too, and the conversion statistics (relance de devis) count every quote.
Once unlinked and marked, neither holds anything about the person: lines are the catalogue's.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.crm.gdpr import MARKER, PERSONAL_DATA, DataSubject, Erasure
from callfloor.storage.sales import Order, Quote

#: What every document and every line of it shows in the export.
DOCUMENT_FIELDS = ("id", "number", "status", "notes", "total_excl_vat", "total_vat", "total_incl_vat")
LINE_FIELDS = ("reference", "label", "quantity", "unit_price", "discount", "vat_rate")


class _Documents:
    """Quotes or orders of the person: exported with their lines, unlinked and marked on erasure."""

    model: type[Quote] | type[Order]
    dates: tuple[str, ...]
    erased: str

    def _rows(self, session: Session, subject: DataSubject) -> list[Any]:
        model = self.model
        query = select(model).where(
            model.tenant_id == subject.tenant_id, model.contact_id == subject.contact_id
        )
        return list(session.scalars(query.order_by(model.id)))

    def export(self, session: Session, subject: DataSubject) -> list[dict[str, Any]]:
        """Each document with its lines, oldest first."""
        return [
            {name: getattr(doc, name) for name in (*DOCUMENT_FIELDS, *self.dates)}
            | {"lines": [{name: getattr(line, name) for name in LINE_FIELDS} for line in doc.lines]}
            for doc in self._rows(session, subject)
        ]

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        """Keep each document; remove its contact and mark its notes."""
        rows = self._rows(session, subject)

        def apply() -> None:
            for doc in rows:
                doc.contact_id = None
                doc.notes = MARKER if doc.notes else ""
            session.flush()

        return Erasure({self.erased: len(rows)}, apply)


class QuoteHolder(_Documents):
    """The person's quotes (devis)."""

    kind = "quotes"
    title: ClassVar[Mapping[str, str]] = {"fr": "Devis", "en": "Quotes"}
    model = Quote
    dates = ("valid_until", "sent_on", "created_at", "updated_at")
    erased = "quotes_anonymised"


class OrderHolder(_Documents):
    """The person's orders (commandes), kept ten years (code de commerce art. L123-22)."""

    kind = "orders"
    title: ClassVar[Mapping[str, str]] = {"fr": "Commandes", "en": "Orders"}
    model = Order
    dates = ("taken_at", "created_at", "updated_at")
    erased = "orders_kept_anonymised"


PERSONAL_DATA.register(QuoteHolder())
PERSONAL_DATA.register(OrderHolder())
