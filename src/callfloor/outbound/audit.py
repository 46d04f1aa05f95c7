"""The compliance audit of a campaign: every attempt, with the rules applied to it.

One row per :class:`~callfloor.storage.outbound.CallAttempt` (blocked ones included: a refusal to
dial is evidence too), oldest first, times in the tenant's zone, and the decisions kept with the
attempt written ``rule=outcome`` separated by ``; ``. It is what a supervisor hands to a client or
to the DGCCRF to show that each call was lawful when it was placed.
"""

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.storage.models import Tenant
from callfloor.storage.outbound import CallAttempt, Campaign

HEADER = (
    "started_at", "ended_at", "campaign", "lead_id", "number", "caller_id", "outcome", "disposition",
    "agent", "interaction_id", "rules",
)  # fmt: skip


def rules_text(rules: list[dict[str, object]]) -> str:
    """The decisions of one attempt, ``rule=outcome; …``."""
    return "; ".join(f"{r.get('rule', '?')}={r.get('outcome', '?')}" for r in rules)


def audit_rows(
    session: Session, campaign: Campaign, since: datetime | None = None, until: datetime | None = None
) -> Iterator[list[str]]:
    """The campaign's attempts in ``[since, until)``, as rows of :data:`HEADER`."""
    tenant = session.get(Tenant, campaign.tenant_id)
    zone = ZoneInfo(tenant.timezone if tenant else "UTC")
    query = select(CallAttempt).where(
        CallAttempt.tenant_id == campaign.tenant_id, CallAttempt.campaign_id == campaign.id
    )
    if since is not None:
        query = query.where(CallAttempt.started_at >= since)
    if until is not None:
        query = query.where(CallAttempt.started_at < until)
    for attempt in session.scalars(query.order_by(CallAttempt.started_at, CallAttempt.id)):
        yield [
            attempt.started_at.astimezone(zone).isoformat(),
            attempt.ended_at.astimezone(zone).isoformat() if attempt.ended_at else "",
            campaign.name, str(attempt.lead_id or ""), attempt.number, attempt.caller_id or "",
            attempt.outcome, attempt.disposition or "", attempt.agent or "", attempt.interaction_id or "",
            rules_text(attempt.rules),
        ]  # fmt: skip
