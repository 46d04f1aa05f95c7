"""Merging two contacts: one survives and absorbs the other, which is then deleted.

Phones, e-mails, addresses and consents move to the survivor (a number, address or postal
address it already has is not copied twice); its empty fields are filled from the absorbed
contact, tags are united and custom keys it lacks are taken over. Rows of other modules that
point at contacts (tickets, interactions, quotes…) are re-pointed through
:data:`CONTACT_REFERENCES`, where each module registers its ``(model, column)`` pairs at import,
so merging needs no change when a module arrives. Everything happens in the caller's
transaction and is written to the audit log.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute, Session

from callfloor.crm import MergeError
from callfloor.crm.fields import fold
from callfloor.storage.contacts import Contact
from callfloor.storage.models import User
from callfloor.storage.repositories import audit

#: Scalar fields taken from the absorbed contact when the survivor's is empty.
FILLED = (
    "civility",
    "first_name",
    "last_name",
    "language",
    "timezone",
    "account_id",
    "owner_user_id",
    "notes",
)


class ContactReferences:
    """The ``(model, column)`` pairs whose column holds a contact id, re-pointed by a merge."""

    def __init__(self) -> None:
        self._pairs: list[tuple[type[Any], InstrumentedAttribute[Any]]] = []

    def register(self, model: type[Any], column: InstrumentedAttribute[Any]) -> None:
        """Have merges re-point ``model.column`` (registering twice is harmless)."""
        if (model, column) not in self._pairs:
            self._pairs.append((model, column))

    def unregister(self, model: type[Any], column: InstrumentedAttribute[Any]) -> None:
        """Stop re-pointing ``model.column``."""
        self._pairs.remove((model, column))

    def __iter__(self) -> Iterator[tuple[type[Any], InstrumentedAttribute[Any]]]:
        return iter(list(self._pairs))


#: The registry later modules add themselves to: ``CONTACT_REFERENCES.register(Ticket, Ticket.contact_id)``.
CONTACT_REFERENCES = ContactReferences()


@dataclass(slots=True)
class MergeReport:
    """What a merge moved and filled, as written to the audit log."""

    survivor_id: int
    absorbed_id: int
    moved: dict[str, int] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)
    repointed: dict[str, int] = field(default_factory=dict)


class ContactMerger:
    """Merges inside one tenant."""

    def __init__(
        self, session: Session, tenant_id: int, references: ContactReferences = CONTACT_REFERENCES
    ) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.references = references

    def merge(self, survivor: Contact, absorbed: Contact, *, actor: User | None = None) -> MergeReport:
        """Fold ``absorbed`` into ``survivor``, delete it, and audit the merge."""
        if survivor.id == absorbed.id:
            raise MergeError("a contact cannot absorb itself", "un contact ne peut s'absorber lui-même")
        if {survivor.tenant_id, absorbed.tenant_id} != {self.tenant_id}:
            raise MergeError("contacts of another tenant", "contacts d'un autre tenant")
        report = MergeReport(survivor.id, absorbed.id)
        self._move_owned(survivor, absorbed, report)
        self._fill(survivor, absorbed, report)
        self._repoint(survivor, absorbed, report)
        details = {"absorbed": absorbed.id, "absorbed_name": absorbed.display_name, "moved": report.moved}
        details |= {"filled": report.filled, "repointed": report.repointed}
        self.session.delete(absorbed)
        self.session.flush()
        audit(
            self.session,
            "contact.merge",
            tenant_id=self.tenant_id,
            actor=actor,
            target=str(survivor.id),
            details=details,
        )
        return report

    def _move_owned(self, survivor: Contact, absorbed: Contact, report: MergeReport) -> None:
        numbers = {p.number for p in survivor.phones}
        addresses = {e.address for e in survivor.emails}
        postal = {_postal_key(a) for a in survivor.addresses}
        phones = [p for p in absorbed.phones if p.number not in numbers]
        emails = [e for e in absorbed.emails if e.address not in addresses]
        letters = [a for a in absorbed.addresses if _postal_key(a) not in postal]
        consents = list(absorbed.consents)
        for rows, collection in (
            (phones, "phones"),
            (emails, "emails"),
            (letters, "addresses"),
            (consents, "consents"),
        ):
            # No flush between leaving one list and joining the other: the row would be an orphan.
            with self.session.no_autoflush:
                target = getattr(survivor, collection)
                for row in rows:
                    getattr(absorbed, collection).remove(row)
                    target.append(row)
            report.moved[collection] = len(rows)
        self.session.flush()

    def _fill(self, survivor: Contact, absorbed: Contact, report: MergeReport) -> None:
        if survivor.customer_number is None and absorbed.customer_number is not None:
            number, absorbed.customer_number = absorbed.customer_number, None
            self.session.flush()  # unique per tenant: freed before it moves
            survivor.customer_number = number
            report.filled.append("customer_number")
        for name in FILLED:
            if getattr(survivor, name) in (None, "") and getattr(absorbed, name) not in (None, ""):
                setattr(survivor, name, getattr(absorbed, name))
                report.filled.append(name)
        survivor.tags = list(dict.fromkeys([*survivor.tags, *absorbed.tags]))
        survivor.custom = {**absorbed.custom, **survivor.custom}
        survivor.name_folded = fold(f"{survivor.last_name} {survivor.first_name}")
        self.session.flush()

    def _repoint(self, survivor: Contact, absorbed: Contact, report: MergeReport) -> None:
        for model, column in self.references:
            statement = update(model).where(column == absorbed.id).values({column: survivor.id})
            if hasattr(model, "tenant_id"):
                statement = statement.where(model.tenant_id == self.tenant_id)
            result = self.session.execute(statement.execution_options(synchronize_session="fetch"))
            report.repointed[f"{model.__tablename__}.{column.key}"] = result.rowcount  # type: ignore[attr-defined]


def _postal_key(address: Any) -> tuple[Any, ...]:
    return (tuple(address.lines), address.postal_code, address.city, address.country)
