"""The dispositions of one campaign: those its agents may give, and those that count as success.

A campaign lists its codes; one that lists none offers every code of its tenant. The codes that
count as conversions are the tenant's dispositions marked ``success`` among those offered, so
the live dialer's figures and the campaign's results count the same calls.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from callfloor.storage.outbound import Campaign
from callfloor.storage.scope import TenantScope


@dataclass(frozen=True, slots=True)
class CampaignCodes:
    """The dispositions a campaign offers, and the success ones among them."""

    offered: frozenset[str]
    success: frozenset[str]


def campaign_codes(session: Session, campaign: Campaign) -> CampaignCodes:
    """The codes of ``campaign`` (read in its tenant)."""
    tenant_codes = {d.code: d for d in TenantScope(session, campaign.tenant_id).dispositions.list()}
    offered = frozenset(campaign.dispositions) if campaign.dispositions else frozenset(tenant_codes)
    success = frozenset(code for code in offered if code in tenant_codes and tenant_codes[code].success)
    return CampaignCodes(offered=offered, success=success)
