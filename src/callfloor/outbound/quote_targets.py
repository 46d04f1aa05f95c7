"""A relance de devis's leads taken from the CRM: the quotes sent and unanswered, by age and amount.

Theory of operation. The quotes picked are those :func:`callfloor.crm.quote_status.needs_follow_up`
says are due today (sent at least ``min_age`` days ago and still valid), sent at most
``max_age`` days ago and worth at least ``min_amount`` incl. VAT (TTC) when given. Each becomes
one lead on its recipient's best number (:mod:`callfloor.outbound.quote_people`), its ``data``
carrying the quote as a list import writes it (``quote_number``, ``quote_amount``,
``quote_sent_at``), plus ``quote_id``, ``quote_valid_until`` and ``customer``; the bigger quote
is called first (priority: the amount / 100).

A campaign has one lead per number. Quotes are taken biggest first (then oldest): a quote whose
number is already taken by another quote's lead is reported *merged* into it. A lead already
about the quote (by ``quote_id``, or by ``quote_number`` for a lead imported from a file) or a
lead of the number with no quote is refreshed: new quote data, the same status and attempts.
A lead about a settled quote (accepted, ordered, refused, expired, cancelled, or sent and past
its last valid day) that nobody has called yet, or that waits for a retry, is closed (``done``
with the disposition ``quote_<status>``): nobody calls about a settled quote. Its number may
serve a new quote of the same recipient instead. A new quote to the number of a lead about
another open quote is merged into it; to a lead finished, or about a settled quote but under
way or waiting for a callback, it is skipped: the lead keeps its number.

The reads go by batches (a few queries per 500 quotes), the writes by executemany; a dry run
stops before writing.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from callfloor.core.dialer.lifecycle import FINISHED, LeadStatus
from callfloor.crm import quote_status as rules
from callfloor.crm.quote_status import QuoteStatus
from callfloor.crm.sales import Sales
from callfloor.outbound import OutboundError
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.importing import chunks
from callfloor.outbound.lead_rows import LeadRow
from callfloor.outbound.lists import INSERT_BATCH, context_of, lead_columns
from callfloor.outbound.quote_people import Recipient, Recipients
from callfloor.outbound.values import MAX_PRIORITY
from callfloor.storage.outbound import Campaign, Lead
from callfloor.storage.sales import Quote
from callfloor.storage.types import utcnow

QUOTE_FOLLOWUP = "quote_followup"
#: Lead statuses a settled quote closes: not called yet, or waiting for a retry.
CLOSABLE = (LeadStatus.UNTOUCHED.value, LeadStatus.SCHEDULED.value)
_LEADS = cast(Table, Lead.__table__)


class QuoteTargetError(OutboundError):
    """A quote follow-up that cannot be run as asked (ages out of order)."""

    error_id = "invalid_quote_targets"


class NotQuoteFollowUpError(QuoteTargetError):
    """Quotes feed only a quote follow-up campaign (relance de devis)."""

    error_id = "wrong_campaign_type"
    status = 409

    def __init__(self, campaign: Campaign) -> None:
        super().__init__(
            f"campaign {campaign.name!r} is a {campaign.type} campaign, not a quote follow-up",
            f"la campagne {campaign.name!r} est de type {campaign.type}, pas une relance de devis",
        )


@dataclass(frozen=True, slots=True)
class Skipped:
    """A quote given no lead, and why in English and French."""

    quote: str
    en: str
    fr: str


@dataclass(frozen=True, slots=True)
class Merged:
    """A quote whose number is another quote's lead already."""

    quote: str
    into: str


@dataclass
class QuoteTargetsReport:
    """What taking the quotes did, or would do (``dry_run``)."""

    campaign: str
    dry_run: bool
    created: int = 0
    refreshed: int = 0
    unchanged: int = 0
    closed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    merged: list[Merged] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The report in numbers (for the audit log)."""
        return {"created": self.created, "refreshed": self.refreshed, "unchanged": self.unchanged,
                "closed": self.closed, "merged": len(self.merged), "skipped": len(self.skipped)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Quote:
    id: int
    number: str
    contact_id: int | None
    account_id: int | None
    total_incl_vat: Decimal
    sent_on: date
    valid_until: date


@dataclass
class _Plan:
    """The writes a run decided: rows to insert, to update (by lead id), leads to close."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    closed: list[dict[str, Any]] = field(default_factory=list)


class QuoteTargets:
    """Feed one tenant's quote follow-up campaigns from its quotes, in the caller's transaction."""

    def __init__(self, session: Session, tenant_id: int, *, now: datetime | None = None) -> None:
        self.session, self.tenant_id = session, tenant_id
        self.now = now or utcnow()
        self.today = Sales(session, tenant_id).local_date(self.now)
        self.context = context_of(session, tenant_id)

    def run(
        self, campaign: str, *, min_age: int, max_age: int | None = None, min_amount: Decimal | None = None,
        dry_run: bool = False,
    ) -> QuoteTargetsReport:  # fmt: skip
        """Create, refresh and close the campaign's leads; UnknownCampaignError, NotQuoteFollowUpError."""
        if min_age < 0 or (max_age is not None and max_age < min_age):
            raise QuoteTargetError(
                f"ages: {min_age} to {max_age} days is no range",
                f"âges : {min_age} à {max_age} jours n'est pas un intervalle",
            )
        found = Campaigns(self.session, self.tenant_id).require(campaign)
        if found.type != QUOTE_FOLLOWUP:
            raise NotQuoteFollowUpError(found)
        quotes = self._due(min_age, max_age, min_amount)
        leads = self._leads(found)
        report = QuoteTargetsReport(found.name, dry_run)
        run = _Run(self, report, quotes, leads)
        plan = run.plan()
        if not dry_run:
            self._write(found, plan)
        return report

    def _due(self, min_age: int, max_age: int | None, min_amount: Decimal | None) -> list[_Quote]:
        """The quotes to call about, biggest first, then oldest."""
        query = select(Quote.id, Quote.number, Quote.contact_id, Quote.account_id, Quote.total_incl_vat,
                       Quote.sent_on, Quote.valid_until)  # fmt: skip
        query = query.where(Quote.tenant_id == self.tenant_id, Quote.status == QuoteStatus.SENT.value)
        if max_age is not None:
            query = query.where(Quote.sent_on >= self.today - timedelta(days=max_age))
        if min_amount is not None:
            query = query.where(Quote.total_incl_vat >= min_amount)
        due = [
            _Quote(**row._asdict())
            for row in self.session.execute(query)
            if row.sent_on is not None
            and rules.needs_follow_up(QuoteStatus.SENT, row.sent_on, row.valid_until, self.today, min_age)
        ]
        return sorted(due, key=lambda q: (-q.total_incl_vat, q.sent_on, q.id))

    def _leads(self, campaign: Campaign) -> list[Row[Any]]:
        """The campaign's leads: id, number, status, priority, contact and data."""
        leads = _LEADS.c
        query = select(leads.id, leads.phone, leads.status, leads.priority, leads.contact_id, leads.data)
        query = query.where(leads.tenant_id == self.tenant_id, leads.campaign_id == campaign.id)
        return list(self.session.execute(query.order_by(leads.id)))

    def settled(self, ids: Sequence[int], numbers: Sequence[str]) -> dict[int | str, str]:
        """The settled status of each of these quotes (by id, or by number), e.g. ``refused``."""
        found: dict[int | str, str] = {}
        for key, column, wanted in (("id", Quote.id, ids), ("number", Quote.number, numbers)):
            for part in chunks(list(wanted)):
                query = select(Quote.id, Quote.number, Quote.status, Quote.valid_until)
                query = query.where(Quote.tenant_id == self.tenant_id, column.in_(part))
                for row in self.session.execute(query):
                    status = _settled(QuoteStatus(row.status), row.valid_until, self.today)
                    if status is not None:
                        found[getattr(row, key)] = status
        return found

    def _write(self, campaign: Campaign, plan: _Plan) -> None:
        stamp = {"updated_at": self.now}
        for part in chunks(plan.new, INSERT_BATCH):
            fixed = {"tenant_id": self.tenant_id, "campaign_id": campaign.id, "created_at": self.now}
            self.session.execute(insert(_LEADS), [{**row, **fixed, **stamp} for row in part])
        by_id = _LEADS.c.id == bindparam("lead_id")
        for part in chunks(plan.changed, INSERT_BATCH):
            self.session.execute(update(_LEADS).where(by_id), [{**row, **stamp} for row in part])
        # A lead handed out since it was read stays as it is (IN () cannot go in an executemany).
        closing = update(_LEADS).where(by_id, or_(*(_LEADS.c.status == status for status in CLOSABLE)))
        for part in chunks(plan.closed, INSERT_BATCH):
            self.session.execute(closing, [{**row, **stamp} for row in part])


class _Run:
    """One run's decisions, lead by lead (see the module docstring for the rules)."""

    def __init__(
        self, targets: QuoteTargets, report: QuoteTargetsReport, quotes: list[_Quote], leads: list[Row[Any]]
    ) -> None:
        self.targets, self.report, self.quotes, self.leads = targets, report, quotes, leads
        # A lead is about the quote of its ``quote_id``; an imported one, of its ``quote_number``.
        self.by_id = {lead.data["quote_id"]: lead for lead in leads if "quote_id" in lead.data}
        self.by_number = {
            str(lead.data["quote_number"]): lead
            for lead in leads
            if "quote_id" not in lead.data and lead.data.get("quote_number")
        }
        self.by_phone = {lead.phone: lead for lead in leads}
        self.claimed: dict[str, str] = {}  # number -> the quote whose lead it is
        self.retargeted: set[int] = set()
        self.writes = _Plan()

    def plan(self) -> _Plan:
        """Decide every quote's lead, then the leads to close."""
        recipients = Recipients(self.targets.session, self.targets.tenant_id).of(
            (q.contact_id, q.account_id) for q in self.quotes
        )
        chosen = {q.id for q in self.quotes}
        settled = self._settled(chosen)
        pending = []
        for quote in self.quotes:
            lead = self.by_id.get(quote.id) or self.by_number.get(quote.number)
            if lead is None or lead.phone in self.claimed:
                pending.append(quote)
            else:
                self._refresh(lead, quote, recipients[(quote.contact_id, quote.account_id)])
        for quote in pending:
            self._place(quote, recipients[(quote.contact_id, quote.account_id)], settled)
        for lead in self.leads:
            status = settled.get(lead.id)
            if status is not None and lead.status in CLOSABLE and lead.id not in self.retargeted:
                self.writes.closed.append(_closing(lead.id, status))
        self.report.closed = len(self.writes.closed)
        return self.writes

    def _settled(self, chosen: set[int]) -> dict[int, str]:
        """The leads about a settled quote, by lead id, with the quote's status."""
        ids = [k for k in self.by_id if isinstance(k, int) and k not in chosen]
        statuses = self.targets.settled(ids, list(self.by_number))
        found = {lead.id: statuses[k] for k, lead in self.by_id.items() if k in statuses}
        found.update({lead.id: statuses[k] for k, lead in self.by_number.items() if k in statuses})
        return found

    def _place(self, quote: _Quote, recipient: Recipient, settled: dict[int, str]) -> None:
        """A lead for a quote that has none yet: a new one, or the number's lead when free."""
        row = recipient.lead(self.targets.context, _priority(quote.total_incl_vat), _data(quote, recipient))
        if row is None:
            self.report.skipped.append(Skipped(
                quote.number, "no phone number for the contact or the account (faxes aside)",
                "aucun numéro de téléphone pour le contact ni pour le compte (hors fax)",
            ))  # fmt: skip
            return
        holder = self.claimed.get(row.phone)
        lead = self.by_phone.get(row.phone)
        if holder is not None:
            self.report.merged.append(Merged(quote.number, holder))
        elif lead is None:
            self.claimed[row.phone] = quote.number
            self.writes.new.append(_new_lead(row, recipient.contact_id))
            self.report.created += 1
        elif _quote_of(lead) is None or (lead.id in settled and lead.status in CLOSABLE):
            self.retargeted.add(lead.id)
            self._refresh(lead, quote, recipient)
        elif lead.status not in FINISHED and lead.id not in settled:
            self.report.merged.append(Merged(quote.number, str(_quote_of(lead))))
        else:
            held = f"{lead.status}, {_quote_of(lead)}"
            self.report.skipped.append(Skipped(
                quote.number, f"{row.phone} already has a lead in this campaign ({held})",
                f"le {row.phone} a déjà une fiche dans cette campagne ({held})",
            ))  # fmt: skip

    def _refresh(self, lead: Row[Any], quote: _Quote, recipient: Recipient) -> None:
        """The lead's quote data and priority brought up to date; its status and attempts kept."""
        self.claimed[lead.phone] = quote.number
        data = {**lead.data, **_data(quote, recipient)}
        priority, contact = _priority(quote.total_incl_vat), lead.contact_id or recipient.contact_id
        if (data, priority, contact) == (lead.data, lead.priority, lead.contact_id):
            self.report.unchanged += 1
            return
        self.writes.changed.append(
            {"lead_id": lead.id, "data": data, "priority": priority, "contact_id": contact}
        )
        self.report.refreshed += 1


def _new_lead(row: LeadRow, contact_id: int | None) -> dict[str, Any]:
    """A new lead's columns, its campaign and times aside."""
    return {
        **lead_columns(row),
        "contact_id": contact_id,
        "phone": row.phone,
        "phone_type": row.phone_type,
        "status": LeadStatus.UNTOUCHED.value,
        "attempts": 0,
    }


def _closing(lead_id: int, status: str) -> dict[str, Any]:
    """A lead closed because its quote is settled (``quote_refused``…): nobody calls about it."""
    disposition = f"quote_{status}"
    return {"lead_id": lead_id, "status": LeadStatus.DONE.value, "last_disposition": disposition,
            "next_attempt_at": None}  # fmt: skip


def _settled(status: QuoteStatus, valid_until: date, today: date) -> str | None:
    """The status a quote is settled in, None while it waits for an answer (or is a draft)."""
    if rules.expire_due(status, valid_until, today):
        return QuoteStatus.EXPIRED.value
    return None if status in (QuoteStatus.SENT, QuoteStatus.DRAFT) else status.value


def _quote_of(lead: Row[Any]) -> str | None:
    """The number of the quote a lead is about, None for a lead about no quote."""
    number = lead.data.get("quote_number") or lead.data.get("quote_id")
    return str(number) if number else None


def _priority(amount: Decimal) -> int:
    """A hundredth of the amount, so that the biggest quotes are called first."""
    return max(0, min(MAX_PRIORITY, int(amount // 100)))


def _data(quote: _Quote, recipient: Recipient) -> dict[str, Any]:
    """The quote as a lead's data: the keys a list import writes (scripts show them), and more."""
    data: dict[str, Any] = {
        "quote_id": quote.id,
        "quote_number": quote.number,
        "quote_amount": format(quote.total_incl_vat, "f"),
        "quote_sent_at": quote.sent_on.isoformat(),
        "quote_valid_until": quote.valid_until.isoformat(),
        "customer": recipient.customer,
    }
    if recipient.customer_number:
        data["customer_number"] = recipient.customer_number
    return data
