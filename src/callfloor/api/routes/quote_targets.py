"""A relance de devis fed from the CRM: ``POST /api/campaigns/{campaign}/quote-targets``.

The body says which quotes to call about (``min_age_days``, ``max_age_days``, ``min_amount``
incl. VAT) and whether to write (``dry_run``); the answer is what
:class:`callfloor.outbound.quote_targets.QuoteTargets` did: leads created, refreshed, unchanged,
closed, and the quotes skipped (with the reason in French and English) or merged into another
quote's lead. Admins and supervisors feed their campaigns; a campaign of another tenant is not
found (404), one of another type is refused (409 ``wrong_campaign_type``).
"""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found
from callfloor.core.roles import OBSERVE
from callfloor.outbound import OutboundError, UnknownCampaignError
from callfloor.outbound.quote_targets import QuoteTargets, QuoteTargetsReport
from callfloor.storage.repositories import audit

router = APIRouter(tags=["outbound"])
Manager = Annotated[Caller, Depends(require(OBSERVE))]


class QuoteTargetsIn(BaseModel):
    """Which quotes to call about: sent this many days ago at least (at most), worth this much."""

    min_age_days: int = Field(7, ge=0)
    max_age_days: int | None = Field(None, ge=0)
    min_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    dry_run: bool = False


class SkippedOut(BaseModel):
    """A quote given no lead."""

    quote: str
    message: dict[str, str]


class MergedOut(BaseModel):
    """A quote whose number is another quote's lead already."""

    quote: str
    into: str


class QuoteTargetsOut(BaseModel):
    """What taking the quotes did (or, on a dry run, would do)."""

    campaign: str
    dry_run: bool
    created: int
    refreshed: int
    unchanged: int
    closed: int
    skipped: list[SkippedOut]
    merged: list[MergedOut]


def _out(report: QuoteTargetsReport) -> QuoteTargetsOut:
    skipped = [SkippedOut(quote=s.quote, message={"fr": s.fr, "en": s.en}) for s in report.skipped]
    merged = [MergedOut(quote=m.quote, into=m.into) for m in report.merged]
    return QuoteTargetsOut(campaign=report.campaign, dry_run=report.dry_run, created=report.created,
                           refreshed=report.refreshed, unchanged=report.unchanged, closed=report.closed,
                           skipped=skipped, merged=merged)  # fmt: skip


def _run(caller: Caller, campaign: str, body: QuoteTargetsIn) -> QuoteTargetsReport:
    """Take the quotes; an unknown campaign is 404, a refusal its own status."""
    targets = QuoteTargets(caller.session, caller.tenant_id)
    try:
        report = targets.run(campaign, min_age=body.min_age_days, max_age=body.max_age_days,
                             min_amount=body.min_amount, dry_run=body.dry_run)  # fmt: skip
    except UnknownCampaignError:
        raise not_found() from None
    except OutboundError as exc:
        raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc
    if not report.dry_run:
        audit(caller.session, "campaign.quote_targets", tenant_id=caller.tenant_id, actor=caller.user,
              target=report.campaign, details=report.counts())  # fmt: skip
    return report


@router.post("/api/campaigns/{campaign}/quote-targets")
def quote_targets(caller: Manager, campaign: str, body: QuoteTargetsIn) -> QuoteTargetsOut:
    """Create, refresh and close the campaign's leads from the tenant's sent, unanswered quotes."""
    return _out(_run(caller, campaign, body))
