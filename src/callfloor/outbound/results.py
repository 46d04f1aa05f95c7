"""A campaign's results from what is stored: its lists' progress and its attempts' figures.

The figures use the dialer's definitions (:mod:`callfloor.core.dialer.figures`): *contacts* are
calls a person answered and an agent took (outcome ``answered``), *drops* the calls a person
answered with no agent free within 2 s, the drop rate is drops over both, and the conversion
rate is the calls given a success disposition (:mod:`callfloor.outbound.dispositions`) over the
contacts. *Dialed* counts the calls placed; attempts a compliance rule refused (``blocked``) are
counted apart, as they reached nobody. The progress of the leads is as of now, whatever the
period; the attempts are those started in ``[since, until)`` when given.
"""

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from callfloor.core.dialer.model import Outcome
from callfloor.outbound.dispositions import campaign_codes
from callfloor.storage.outbound import LEAD_STATUSES, CallAttempt, Campaign, ContactList, Lead


@dataclass(frozen=True, slots=True)
class ListProgress:
    """How far the calling of one contact list has gone: its leads per status."""

    name: str
    leads: Mapping[str, int]  # every status of LEAD_STATUSES, zeros included

    @property
    def total(self) -> int:
        """Leads of the list."""
        return sum(self.leads.values())


@dataclass(frozen=True, slots=True)
class AgentResults:
    """One agent's calls on the campaign."""

    agent: str  # extension
    contacts: int
    conversions: int
    connected_s: float  # answer to hang-up, over their contacts


@dataclass(frozen=True, slots=True)
class CampaignResults:
    """Where a campaign stands and what its calls gave."""

    campaign: str
    since: datetime | None
    until: datetime | None
    leads: Mapping[str, int]  # every status, zeros included (leads of no list too)
    lists: tuple[ListProgress, ...]
    dialed: int
    blocked: int
    outcomes: Mapping[str, int]  # every outcome, zeros included
    dispositions: Mapping[str, int]
    success: frozenset[str]
    agents: tuple[AgentResults, ...]

    @property
    def contacts(self) -> int:
        """Calls a person answered and an agent took."""
        return self.outcomes[Outcome.ANSWERED.value]

    @property
    def drops(self) -> int:
        """Calls a person answered with no agent free within 2 seconds."""
        return self.outcomes[Outcome.DROPPED.value]

    @property
    def drop_rate(self) -> float:
        """Drops over calls a person answered (0 before any)."""
        answered = self.contacts + self.drops
        return self.drops / answered if answered else 0.0

    @property
    def conversions(self) -> int:
        """Calls given a success disposition."""
        return sum(n for code, n in self.dispositions.items() if code in self.success)

    @property
    def conversion_rate(self) -> float:
        """Conversions over contacts (0 before any)."""
        return self.conversions / self.contacts if self.contacts else 0.0


def _statuses(counts: Mapping[str, int]) -> dict[str, int]:
    return {status: counts.get(status, 0) for status in LEAD_STATUSES}


def campaign_results(
    session: Session, campaign: Campaign, since: datetime | None = None, until: datetime | None = None
) -> CampaignResults:
    """The results of ``campaign`` (read in its tenant), attempts limited to ``[since, until)``."""
    by_list: dict[int | None, Counter[str]] = {}
    lead_counts = (
        select(Lead.list_id, Lead.status, func.count())
        .where(Lead.tenant_id == campaign.tenant_id, Lead.campaign_id == campaign.id)
        .group_by(Lead.list_id, Lead.status)
    )
    for list_id, status, n in session.execute(lead_counts).all():
        by_list.setdefault(list_id, Counter())[status] += n
    names = session.execute(
        select(ContactList.id, ContactList.name)
        .where(ContactList.tenant_id == campaign.tenant_id, ContactList.campaign_id == campaign.id)
        .order_by(ContactList.name)
    ).all()
    lists = tuple(
        ListProgress(name=name, leads=_statuses(by_list.get(list_id, Counter()))) for list_id, name in names
    )
    everything: Counter[str] = sum(by_list.values(), Counter())

    def attempts(*columns: Any) -> Select[Any]:
        query = select(*columns).where(
            CallAttempt.tenant_id == campaign.tenant_id, CallAttempt.campaign_id == campaign.id
        )
        if since is not None:
            query = query.where(CallAttempt.started_at >= since)
        if until is not None:
            query = query.where(CallAttempt.started_at < until)
        return query

    outcomes: dict[str, int] = {o.value: 0 for o in Outcome}
    for outcome, n in session.execute(
        attempts(CallAttempt.outcome, func.count()).group_by(CallAttempt.outcome)
    ).all():
        outcomes[outcome] = n
    dispositions: dict[str, int] = dict(
        session.execute(
            attempts(CallAttempt.disposition, func.count())
            .where(CallAttempt.disposition.is_not(None))
            .group_by(CallAttempt.disposition)
        ).all()
    )
    codes = campaign_codes(session, campaign)
    blocked = outcomes[Outcome.BLOCKED.value]
    return CampaignResults(
        campaign=campaign.name, since=since, until=until, leads=_statuses(everything), lists=lists,
        dialed=sum(outcomes.values()) - blocked, blocked=blocked, outcomes=outcomes,
        dispositions=dict(sorted(dispositions.items())), success=codes.success,
        agents=_agents(session, codes.success, attempts),
    )  # fmt: skip


def _agents(
    session: Session, success: frozenset[str], attempts: Callable[..., Select[Any]]
) -> tuple[AgentResults, ...]:
    contacts: Counter[str] = Counter()
    conversions: Counter[str] = Counter()
    seconds: dict[str, float] = {}
    query = attempts(CallAttempt.agent, CallAttempt.disposition, CallAttempt.started_at, CallAttempt.ended_at)
    query = query.where(CallAttempt.agent.is_not(None), CallAttempt.outcome == Outcome.ANSWERED.value)
    for agent, disposition, started, ended in session.execute(query).all():
        contacts[agent] += 1
        conversions[agent] += disposition in success
        if ended is not None:
            seconds[agent] = seconds.get(agent, 0.0) + max((ended - started).total_seconds(), 0.0)
    return tuple(
        AgentResults(
            agent=a, contacts=contacts[a], conversions=conversions[a], connected_s=seconds.get(a, 0.0)
        )
        for a in sorted(contacts)
    )
