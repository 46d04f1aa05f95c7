"""``GET /api/campaigns/{campaign}/results``: where a campaign stands and what its calls gave.

Its lists' progress (leads untouched, in progress, scheduled, waiting for a callback, done,
exhausted), the calls dialed and refused by a rule, their outcomes, contacts, drops and drop
rate, dispositions, conversions and conversion rate, and per agent; ``since``/``until`` (aware
times) limit the attempts counted. A report: client viewers read it like supervisors; a
campaign of another tenant is not found (404).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found
from callfloor.core.roles import REPORTS
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.results import CampaignResults, campaign_results

router = APIRouter(tags=["outbound"])
ReportReader = Annotated[Caller, Depends(require(REPORTS))]


class ListProgressOut(BaseModel):
    """One contact list: its leads per status."""

    name: str
    total: int
    leads: dict[str, int]


class AgentResultsOut(BaseModel):
    """One agent's calls on the campaign."""

    agent: str
    contacts: int
    conversions: int
    conversion_rate: float
    connected_s: float


class ResultsOut(BaseModel):
    """A campaign's results (rates are fractions: 0.03 is 3 %)."""

    campaign: str
    since: AwareDatetime | None
    until: AwareDatetime | None
    leads: dict[str, int]
    lists: list[ListProgressOut]
    dialed: int
    blocked: int
    outcomes: dict[str, int]
    contacts: int
    drops: int
    drop_rate: float
    dispositions: dict[str, int]
    success_dispositions: list[str]
    conversions: int
    conversion_rate: float
    agents: list[AgentResultsOut]


def _out(results: CampaignResults) -> ResultsOut:
    return ResultsOut(
        campaign=results.campaign, since=results.since, until=results.until, leads=dict(results.leads),
        lists=[ListProgressOut(name=p.name, total=p.total, leads=dict(p.leads)) for p in results.lists],
        dialed=results.dialed, blocked=results.blocked, outcomes=dict(results.outcomes),
        contacts=results.contacts, drops=results.drops, drop_rate=results.drop_rate,
        dispositions=dict(results.dispositions), success_dispositions=sorted(results.success),
        conversions=results.conversions, conversion_rate=results.conversion_rate,
        agents=[AgentResultsOut(agent=a.agent, contacts=a.contacts, conversions=a.conversions,
                                conversion_rate=a.conversions / a.contacts if a.contacts else 0.0,
                                connected_s=a.connected_s) for a in results.agents],
    )  # fmt: skip


@router.get("/api/campaigns/{campaign}/results")
def results(
    caller: ReportReader,
    campaign: str,
    since: Annotated[AwareDatetime | None, Query(description="Attempts started at or after.")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Attempts started before.")] = None,
) -> ResultsOut:
    """The campaign's list progress, attempts, contacts, drops and conversions."""
    found = Campaigns(caller.session, caller.tenant_id).get(campaign)
    if found is None:
        raise not_found()
    if since is not None and until is not None and until <= since:
        raise ApiError(422, "bad_period", "« until » doit suivre « since »", "until must come after since")
    return _out(campaign_results(caller.session, found, since, until))
