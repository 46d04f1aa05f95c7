"""A campaign on the live floor: its clock, its leads, sipp as the people it calls, and what it stored.

The campaign's clock is set to a Tuesday morning in Paris, within the legal calling hours of
décret 2022-1313, or outside them to see leads held back. Leads are existing customers, so the
consent rule (loi 2025-594) does not apply, and the caller ID is a dedicated 0948 number (Arcep
decision 2022-1583).
"""

import subprocess
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.outbound.campaigns import Campaigns
from callfloor.server.campaigns import CampaignRun, CampaignRuns
from callfloor.storage.outbound import CallAttempt, Campaign, Lead
from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor
from tests.server.sip.test_calls import DATA, wait_for
from tests.server.sip.test_outbound import _free_port
from tests.server.sip.test_trunks import Config, listening

PARIS = ZoneInfo("Europe/Paris")
TUESDAY_MORNING = datetime(2026, 12, 8, 11, 0, tzinfo=PARIS)
CALLER_ID = "+33948000000"


def at(runs: CampaignRuns, when: datetime) -> None:
    """The campaign's clock from ``when`` on, as ``LiveSip.at`` sets the journeys'."""
    offset = when.timestamp() - time.time()
    runs.clock = lambda: time.time() + offset


def campaign(
    sessions: sessionmaker[Session], numbers: list[str], mode: str = "progressive", **settings: Any
) -> None:
    """Campaign ``relance`` of the demo tenant, with one lead per number, in that order."""
    with sessions.begin() as session:
        created = Campaigns(session, 1).create(
            "relance",
            "prospecting",
            mode,
            caller_id=CALLER_ID,
            existing_customers_only=True,
            power_ratio=2.0,
            **settings,
        )
        for i, number in enumerate(numbers):
            session.add(Lead(
                tenant_id=1, campaign_id=created.id, phone=number, phone_type="mobile", zone="Europe/Paris",
                country="FR", priority=len(numbers) - i, data={"customer": "1"},
            ))  # fmt: skip


def customers(floor: Floor, calls: int) -> subprocess.Popen[bytes]:
    """sipp as the tenant's trunk and the people behind it, for ``calls`` calls."""
    port = _free_port()
    command = [
        "sipp", "-i", "127.0.0.1", "-p", str(port), "-mi", "127.0.0.1", "-mp", "0", "-m", str(calls), "-t", "u1",
        "-sf", str(DATA / "sipp" / "campaign_customer.xml"),
        "-timeout", "60s", "-timeout_error", "-nostdin", "-trace_err", "-trace_msg",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=floor.tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    floor.processes.append(process)
    assert wait_for(lambda: listening(port, "udp"), 10), "sipp does not listen"
    trunk = Config(
        1, "operateur", "127.0.0.1", port, "trunk-secret", register=False, caller_id="+33972000000"
    )
    live = floor.live
    live.call(lambda: live.endpoint.trunks.load([trunk], live.loop.time()))
    return process


def start(live: LiveSip, runs: CampaignRuns, *agents: str) -> CampaignRun:
    def go() -> CampaignRun:
        run = runs.start(1, "relance")
        for agent in agents:
            run.join(agent)
        return run

    run = live.call(go)
    assert isinstance(run, CampaignRun)
    return run


def attempts(sessions: sessionmaker[Session]) -> list[CallAttempt]:
    """The attempts of campaign ``relance`` (the demo may have campaigns of its own)."""
    query = select(CallAttempt).join(Campaign).where(Campaign.name == "relance").order_by(CallAttempt.id)
    with sessions() as session:
        return list(session.scalars(query).all())


def leads(sessions: sessionmaker[Session]) -> dict[str, Lead]:
    """The leads of campaign ``relance``, by number."""
    query = select(Lead).join(Campaign).where(Campaign.name == "relance")
    with sessions() as session:
        return {lead.phone: lead for lead in session.scalars(query).all()}


def runs_of(api: TestClient) -> CampaignRuns:
    runs = api.app.state.campaigns  # type: ignore[attr-defined]
    assert isinstance(runs, CampaignRuns)
    return runs
