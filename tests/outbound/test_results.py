"""A campaign's results from what its live dialer's lead source wrote: lists, outcomes, conversions."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.results import CampaignResults, campaign_results
from callfloor.storage.platform import Platform
from tests.outbound.morning import TUESDAY, worked_morning


@dataclass
class Worked:
    """Tenant acme's campaign after a morning's calls, and tenant globex's twin."""

    sessions: sessionmaker[Session]
    acme: int
    globex: int

    def results(self, tenant: int, **period: datetime) -> CampaignResults:
        with self.sessions() as session:
            campaign = Campaigns(session, tenant).require("prospection")
            return campaign_results(session, campaign, **period)


@pytest.fixture
def worked(sessions: sessionmaker[Session]) -> Worked:
    with sessions.begin() as session:
        platform = Platform(session)
        acme, globex = (
            platform.create_tenant("acme", "Acme").id,
            platform.create_tenant("globex", "Globex").id,
        )
    worked_morning(sessions, acme, idle=(globex,))
    return Worked(sessions, acme, globex)


def test_the_morning_adds_up(worked: Worked) -> None:
    results = worked.results(worked.acme)
    assert (results.dialed, results.blocked, results.contacts, results.drops) == (4, 1, 2, 1)
    assert results.outcomes == {
        "answered": 2, "no_answer": 1, "busy": 0, "machine": 0, "dropped": 1, "failed": 0, "invalid": 0,
        "blocked": 1,
    }  # fmt: skip
    assert results.drop_rate == pytest.approx(1 / 3)
    assert results.dispositions == {"refusal": 1, "sale": 1}
    assert results.success == {"sale"}
    assert (results.conversions, results.conversion_rate) == (1, 0.5)
    [agent] = results.agents
    assert (agent.agent, agent.contacts, agent.conversions, agent.connected_s) == ("1001", 2, 1, 300.0)


def test_each_list_shows_its_progress(worked: Worked) -> None:
    results = worked.results(worked.acme)
    lists = {item.name: (dict(item.leads), item.total) for item in results.lists}
    zero = dict.fromkeys(("untouched", "in_progress", "scheduled", "callback", "done", "exhausted"), 0)
    # The sale and the refusal are final, the person dropped is owed a call back, no answer is retried.
    assert lists["janvier"] == ({**zero, "done": 2, "callback": 1}, 3)
    assert lists["février"] == ({**zero, "scheduled": 1, "exhausted": 1}, 2)
    assert results.leads == {**zero, "done": 2, "callback": 1, "scheduled": 1, "exhausted": 1}


def test_the_period_limits_the_attempts_not_the_progress(worked: Worked) -> None:
    after_first_two = TUESDAY + timedelta(seconds=200 + 60 + 100 + 60)
    later = worked.results(worked.acme, since=after_first_two)
    assert (later.dialed, later.contacts, later.drops, later.conversions, later.agents) == (2, 0, 1, 0, ())
    assert later.conversion_rate == 0.0 and later.drop_rate == 1.0
    assert later.leads == worked.results(worked.acme).leads
    earlier = worked.results(worked.acme, until=after_first_two)
    assert (earlier.dialed, earlier.contacts, earlier.conversions) == (2, 2, 1)
    nothing = worked.results(worked.acme, since=TUESDAY + timedelta(days=1))
    assert (nothing.dialed, nothing.blocked, nothing.drop_rate, nothing.dispositions) == (0, 0, 0.0, {})


def test_another_tenants_campaign_of_the_same_name_is_untouched(worked: Worked) -> None:
    theirs = worked.results(worked.globex)
    assert (theirs.dialed, theirs.blocked, theirs.contacts, theirs.agents) == (0, 0, 0, ())
    assert theirs.leads["untouched"] == 5 and sum(theirs.leads.values()) == 5
