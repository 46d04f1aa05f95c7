"""A person's rights over the customer file: access (RGPD art. 15) and erasure (RGPD art. 17).

*Access.* :meth:`DataSubjectRights.export` gathers what every registered holder
(:data:`~callfloor.crm.gdpr.PERSONAL_DATA`) keeps on a contact into one JSON document, dated,
with the tenant's name (the controller) and the contact's language (French unless the contact
or, failing that, the tenant speaks English); :mod:`callfloor.crm.gdpr_html` renders the same
document as a page. Each export is audited (who read whose data, and when).

*Erasure.* :meth:`DataSubjectRights.erase` asks every holder for its plan, then applies them all,
in the caller's transaction: the database changes in one transaction, and the files (recordings,
attachments) are deleted only once it has committed (:func:`~callfloor.crm.gdpr.delete_after_commit`),
so a failure leaves both the rows and the files. A crash between the commit and the deletion
leaves files no row names; they are never served, and the report counts them. A dry run returns
the same counts and changes nothing. The audit entry of an erasure holds the contact's id, the
counts and the actor, never the erased data. What each holder keeps and why is said in
:mod:`~callfloor.crm.gdpr_holders`, :mod:`~callfloor.crm.gdpr_tickets`,
:mod:`~callfloor.crm.gdpr_sales` and :mod:`~callfloor.crm.gdpr_appointments`.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from callfloor.crm import (
    gdpr_appointments,
    gdpr_holders,
    gdpr_sales,
    gdpr_survey_responses,
    gdpr_surveys,
    gdpr_tickets,
    scheduled_callbacks,
)
from callfloor.crm.gdpr import PERSONAL_DATA, DataSubject, PersonalDataHolders, delete_after_commit, plain
from callfloor.storage import NotFoundError
from callfloor.storage.contacts import Contact
from callfloor.storage.models import Tenant, User
from callfloor.storage.repositories import audit

#: The built-in holders' modules, imported so that they have registered.
BUILT_IN = (
    *(gdpr_appointments, gdpr_holders, gdpr_sales, gdpr_survey_responses, gdpr_surveys, gdpr_tickets),
    scheduled_callbacks,
)
#: Names the document's shape; bumped if a field changes meaning.
EXPORT_FORMAT = "callfloor.gdpr-export/1"


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What an erasure did (or, in a dry run, would do): counts by holder, and files deleted."""

    contact_id: int
    dry_run: bool
    counts: dict[str, dict[str, int]]
    files: int


def language_of(contact: Contact, tenant: Tenant | None) -> str:
    """``en`` when the contact (or, when it says nothing, the tenant) speaks English, else ``fr``."""
    spoken = contact.language or (tenant.locale if tenant else None) or "fr"
    return "en" if spoken.lower().startswith("en") else "fr"


class DataSubjectRights:
    """Export and erasure of one tenant's contacts."""

    def __init__(
        self, session: Session, tenant_id: int, data_dir: Path, holders: PersonalDataHolders = PERSONAL_DATA
    ) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.data_dir = data_dir
        self.holders = holders

    def subject(self, contact: Contact) -> DataSubject:
        """The person as found now; :class:`NotFoundError` for another tenant's contact."""
        if contact.tenant_id != self.tenant_id:
            raise NotFoundError(f"Contact {contact.id}")
        numbers = tuple(p.number for p in contact.phones)
        emails = tuple(e.address for e in contact.emails)
        return DataSubject(self.tenant_id, contact.id, contact.account_id, numbers, emails, self.data_dir)

    def export(self, contact: Contact, *, now: datetime, actor: User | None) -> dict[str, Any]:
        """Everything held on the contact, as a JSON-able document; audited."""
        subject = self.subject(contact)
        tenant = self.session.get(Tenant, self.tenant_id)
        holders = list(self.holders)
        document = {
            "format": EXPORT_FORMAT, "exported_at": now, "tenant": tenant.name if tenant else "",
            "language": language_of(contact, tenant), "contact_id": contact.id,
            "titles": {h.kind: dict(h.title) for h in holders},
            "data": {h.kind: h.export(self.session, subject) for h in holders},
        }  # fmt: skip
        self._audit("contact.gdpr_export", contact.id, actor, {"parts": [h.kind for h in holders]})
        return dict(plain(document))

    def erase(self, contact: Contact, *, actor: User | None, dry_run: bool = False) -> ErasureReport:
        """Erase the person across the customer file (or, ``dry_run``, only count what would go)."""
        subject = self.subject(contact)
        plans = {h.kind: h.plan(self.session, subject) for h in self.holders}
        files = [path for plan in plans.values() for path in plan.files]
        counts = {kind: dict(plan.counts) for kind, plan in plans.items()}
        report = ErasureReport(subject.contact_id, dry_run, counts, len(files))
        if dry_run:
            return report
        for plan in plans.values():
            plan.apply()
        self._audit("contact.gdpr_erase", subject.contact_id, actor, {"counts": counts, "files": len(files)})
        delete_after_commit(self.session, files)
        return report

    def _audit(self, action: str, contact_id: int, actor: User | None, details: dict[str, Any]) -> None:
        audit(
            self.session,
            action,
            tenant_id=self.tenant_id,
            actor=actor,
            target=str(contact_id),
            details=details,
        )
