"""Fixtures of the SIP tests: the phones of a call, stopped at the end; the campaigns' dialers and API."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callfloor.api.app import create_app
from callfloor.server.campaigns import CampaignRuns
from callfloor.settings import Settings
from tests.server.conftest import LiveSip
from tests.server.sip.campaign_floor import TUESDAY_MORNING, at
from tests.server.sip.phones import Floor


@pytest.fixture
def floor(live_sip: LiveSip, tmp_path: Path) -> Iterator[Floor]:
    phones = Floor(live_sip, tmp_path)
    try:
        yield phones
    finally:
        phones.stop()


@pytest.fixture
def runs(live_sip: LiveSip, sessions: sessionmaker[Session]) -> Iterator[CampaignRuns]:
    made = live_sip.call(lambda: CampaignRuns(live_sip.endpoint, sessions))
    assert isinstance(made, CampaignRuns)
    at(made, TUESDAY_MORNING)
    yield made

    def stop() -> None:
        for key in list(made.runs):
            made.stop(*key)

    live_sip.call(stop)


@pytest.fixture
def api(settings: Settings, engine: Engine, live_sip: LiveSip, runs: CampaignRuns) -> Iterator[TestClient]:
    app = create_app(settings, engine)
    app.state.sip, app.state.campaigns = live_sip.endpoint, runs
    with TestClient(app, base_url="http://testserver") as client:
        yield client
