"""Consents to phone canvassing, per number and purpose, with their proof (loi 2025-594 art. 13).

From 11 August 2026, a consumer may be canvassed by phone only with their prior consent, which
the professional must be able to prove, and which may be withdrawn at any time (code de la
consommation art. L223-1 as amended). Records are appended, never changed: a grant, then
perhaps a revocation (from a file, the API, or a disposition during a call); the latest change
wins (:meth:`PhoneConsents.latest`), and :meth:`PhoneConsents.facts` hands it to the compliance
checker. Kept per number rather than per CRM contact (see :mod:`callfloor.storage.outbound`).

Importing the same file twice adds nothing: a record with the same number, purpose, date given
and date revoked is already there.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from callfloor.core.compliance.model import ConsentFacts
from callfloor.crm import RefusalError
from callfloor.crm import fields as crm_fields
from callfloor.crm.sheets import read_sheet
from callfloor.outbound import OutboundError
from callfloor.outbound.importing import ImportReport, Progress, chunks, custom_plans, parse_rows, written
from callfloor.outbound.lead_rows import Context, cell
from callfloor.outbound.lists import context_of
from callfloor.outbound.mapping import Field, Plan, plan
from callfloor.outbound.values import CellError, moment, phone
from callfloor.storage.outbound import PhoneConsent
from callfloor.storage.types import utcnow

PURPOSE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
CONSENT_FIELDS = (
    Field("number", "phone", True, ("phone", "numero", "telephone", "tel", "numero_de_telephone", "mobile")),
    Field("purpose", "text", False, ("finalite", "objet")),
    Field("source", "text", True, ("origine", "provenance", "canal", "collecte")),
    Field("given_at", "moment", True, ("date_consentement", "date_du_consentement", "date_recueil",
                                       "consent_date", "consented_at", "date")),
    Field("proof", "text", True, ("preuve", "texte", "mention", "wording", "texte_accepte"), 4000),
    Field("revoked_at", "moment", False, ("date_retrait", "date_revocation", "revocation_date", "retrait")),
    Field("revocation_source", "text", False, ("source_retrait", "source_revocation")),
)  # fmt: skip
_TABLE = cast(Table, PhoneConsent.__table__)


@dataclass(frozen=True, slots=True)
class ConsentRow:
    """One change of a number's consent: given (and perhaps revoked) for a purpose."""

    number: str
    purpose: str
    source: str
    given_at: datetime
    proof: str
    revoked_at: datetime | None = None
    revocation_source: str | None = None

    @property
    def key(self) -> str:
        """What makes two records the same: number, purpose and dates."""
        revoked = self.revoked_at.isoformat() if self.revoked_at else ""
        return f"{self.number}|{self.purpose}|{self.given_at.isoformat()}|{revoked}"


def parse_consent(cells: Sequence[str], layout: Plan, context: Context, purpose: str) -> ConsentRow:
    """The record a row holds; :class:`CellError` names the field at fault."""
    number = phone(cell(cells, layout, "number"), context.region, "number").e164
    texts = {name: _text(cells, layout, name, f.max_length) for name, f in _TEXTS.items()}
    chosen = texts["purpose"] or purpose
    if not PURPOSE.match(chosen):
        raise CellError("purpose", f"not a purpose: {chosen!r}", f"finalité invalide : {chosen!r}")
    given = moment(cell(cells, layout, "given_at"), "given_at", context.zone, context.month_first)
    revoked = moment(cell(cells, layout, "revoked_at"), "revoked_at", context.zone, context.month_first)
    for name in ("source", "proof"):
        if not texts[name]:
            raise CellError(name, f"missing field {name}", f"champ {name} manquant")
    if given is None:
        raise CellError("given_at", "missing field given_at", "champ given_at manquant")
    return ConsentRow(number, chosen, texts["source"], given, texts["proof"], revoked,
                      texts["revocation_source"] or None)  # fmt: skip


_TEXTS = {f.name: f for f in CONSENT_FIELDS if f.kind == "text"}


def _text(cells: Sequence[str], layout: Plan, name: str, max_length: int) -> str:
    try:
        return crm_fields.text(cell(cells, layout, name), name, max_length, multiline=name == "proof")
    except RefusalError as exc:
        raise CellError.of(name, exc) from None


class PhoneConsents:
    """One tenant's consent records."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session, self.tenant_id = session, tenant_id

    def record(
        self, row: ConsentRow, *, user_id: int | None = None, now: datetime | None = None
    ) -> PhoneConsent:
        """Append one record (a grant, or a revocation when ``revoked_at`` is set)."""
        if not PURPOSE.match(row.purpose):
            raise OutboundError(f"not a purpose: {row.purpose!r}", f"finalité invalide : {row.purpose!r}")
        entry = PhoneConsent(**_values(row), tenant_id=self.tenant_id, recorded_at=now or utcnow(),
                             recorded_by=user_id)  # fmt: skip
        self.session.add(entry)
        self.session.flush()
        return entry

    def revoke(
        self, number: str, purpose: str, source: str, at: datetime, *, user_id: int | None = None,
        now: datetime | None = None,
    ) -> PhoneConsent | None:  # fmt: skip
        """Record that the consent in force is withdrawn at ``at``; None when none was in force."""
        current = self.latest(number, purpose)
        if current is None or current.revoked_at is not None:
            return None
        revocation = ConsentRow(number, purpose, current.source, current.given_at, current.proof, at, source)
        return self.record(revocation, user_id=user_id, now=now)

    def latest(self, number: str, purpose: str) -> PhoneConsent | None:
        """The latest change for ``number`` and ``purpose`` (by the date it took effect), or None."""
        effective = func.coalesce(PhoneConsent.revoked_at, PhoneConsent.given_at)
        query = select(PhoneConsent).where(PhoneConsent.tenant_id == self.tenant_id)
        query = query.where(PhoneConsent.number == number, PhoneConsent.purpose == purpose)
        return self.session.scalars(query.order_by(effective.desc(), PhoneConsent.id.desc()).limit(1)).first()

    def facts(self, number: str, purpose: str) -> ConsentFacts | None:
        """The latest change as the compliance checker reads it, or None when nothing was recorded."""
        found = self.latest(number, purpose)
        if found is None:
            return None
        return ConsentFacts(found.given_at, found.source, found.proof, found.revoked_at)

    def history(self, number: str) -> Sequence[PhoneConsent]:
        """Every record of ``number``, in the order written."""
        query = select(PhoneConsent).where(
            PhoneConsent.tenant_id == self.tenant_id, PhoneConsent.number == number
        )
        return self.session.scalars(query.order_by(PhoneConsent.id)).all()

    def import_file(
        self, data: bytes, file_name: str = "", mapping: Mapping[str, str] | None = None, *,
        purpose: str = "prospecting", user_id: int | None = None, dry_run: bool = False,
        progress: Progress | None = None, now: datetime | None = None,
    ) -> ImportReport:  # fmt: skip
        """Import consent records; bad rows are reported with their line, good ones land."""
        sheet = read_sheet(data, file_name)
        layout = plan(sheet.header, CONSENT_FIELDS, mapping)
        custom_plans(self.session)
        context = context_of(self.session, self.tenant_id)
        report = ImportReport("consents", dry_run, ignored_columns=layout.ignored)

        def parse(cells: list[str]) -> tuple[str, ConsentRow]:
            row = parse_consent(cells, layout, context, purpose)
            return row.key, row

        parsed = parse_rows(sheet, parse, lambda _older, newer: newer, report, progress)
        new = self._new(parsed.records)
        report.created, report.unchanged = len(new), len(parsed.records) - len(new)
        if not dry_run:
            common = {"tenant_id": self.tenant_id, "recorded_at": now or utcnow(), "recorded_by": user_id}
            for part in chunks(new, 2000):
                self.session.execute(insert(_TABLE), [{**_values(row), **common} for row in part])
            written(progress, parsed.total)(1, 1)
        return report

    def _new(self, records: dict[str, ConsentRow]) -> list[ConsentRow]:
        numbers = sorted({row.number for row in records.values()})
        stored: set[str] = set()
        for part in chunks(numbers):
            query = select(
                PhoneConsent.number, PhoneConsent.purpose, PhoneConsent.given_at, PhoneConsent.revoked_at
            )
            query = query.where(PhoneConsent.tenant_id == self.tenant_id, PhoneConsent.number.in_(part))
            stored.update(ConsentRow(n, p, "", g, "", r).key for n, p, g, r in self.session.execute(query))
        return [row for key, row in records.items() if key not in stored]


def _values(row: ConsentRow) -> dict[str, Any]:
    return {
        "number": row.number, "purpose": row.purpose, "source": row.source, "given_at": row.given_at,
        "proof": row.proof, "revoked_at": row.revoked_at, "revocation_source": row.revocation_source,
    }  # fmt: skip
