"""An outbound call worked from the agent desktop in Chromium: the agent joins the campaign, previews
the lead and dials it (sipp answers as the customer), walks the script, fills the survey and gives
the disposition; what the page did is what is stored."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.api.app import create_app
from callfloor.center.apply_outbound import apply_script, apply_survey
from callfloor.center.scripts import ScriptSpec, SurveySpec
from callfloor.server.campaigns import CampaignRuns
from callfloor.settings import Settings
from callfloor.storage.scope import TenantScope
from callfloor.storage.survey_responses import SurveyResponse
from tests.api.test_campaign_desk import SCRIPT, SURVEY
from tests.server.conftest import LiveSip
from tests.server.sip.campaign_floor import attempts, campaign, customers, start
from tests.server.sip.conftest import runs  # noqa: F401 - a fixture used by name
from tests.server.sip.phones import Floor
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot, served
from tests.web.test_browser_login import log_in

pytestmark = ON_SQLITE
AGENT = "agent1001@demo.example"
CODES = ["sale", "callback", "refusal"]


@pytest.fixture
def campaign_site(
    settings: Settings,
    engine: Engine,
    live_sip: LiveSip,
    runs: CampaignRuns,  # noqa: F811
) -> Iterator[str]:
    """The application with the live SIP server and its campaigns' dialers, served by uvicorn."""
    app = create_app(settings, engine)
    app.state.sip, app.state.campaigns = live_sip.endpoint, runs
    with served(app) as url:
        yield url


def test_an_agent_works_a_preview_call_with_its_script_survey_and_disposition(
    page: Page, campaign_site: str, platform: Platform2, floor: Floor, live_sip: LiveSip,
    runs: CampaignRuns, sessions: sessionmaker[Session], tmp_path: Path,  # noqa: F811
) -> None:  # fmt: skip
    with sessions.begin() as session:
        scope = TenantScope(session, 1)
        apply_script(scope, ScriptSpec.model_validate({**SCRIPT, "name": "relance_web"}))  # the demo's are
        apply_survey(scope, SurveySpec.model_validate({**SURVEY, "name": "satisfaction_web"}))  # others
    campaign(sessions, ["+33612000001"], mode="preview", dispositions=CODES, script="relance_web",
             survey="satisfaction_web")  # fmt: skip
    people = customers(floor, 1)
    floor.agent("1001")
    start(live_sip, runs)
    log_in(page, campaign_site, AGENT, platform.secrets[AGENT])
    page.goto(f"{campaign_site}/desk")
    page.get_by_label("Campagne", exact=True).select_option("relance")
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.locator("#preview-note")).to_have_text("Aperçu : appelez ou passez ce contact")
    expect(page.locator("#lead-phone")).to_have_text("+33612000001")
    expect(page.locator("#script h3")).to_have_text("Accueil")
    page.get_by_text("Je n'ai pas le temps").click()  # an objection's answer, at hand
    expect(page.get_by_text("Deux minutes suffisent")).to_be_visible()

    page.get_by_role("button", name="Appeler").click()
    expect(page.locator("#preview-actions")).to_be_hidden()
    expect(page.locator("#campaign-call")).to_have_text("En conversation", timeout=15_000)
    page.get_by_role("button", name="Intéressé").click()
    expect(page.locator("#script h3")).to_have_text("Rendez-vous")
    page.get_by_label("Recommanderiez-vous ?").select_option("9")
    page.get_by_label("E-mail").check()
    page.get_by_role("button", name="Enregistrer les réponses").click()
    expect(page.locator("#survey-saved")).to_have_text("Enregistré")
    screenshot(page, "desk-campaign", tmp_path)
    page.get_by_label("Qualification", exact=True).select_option("sale")
    page.get_by_role("button", name="Enregistrer la qualification").click()
    expect(page.locator("#campaign-error")).to_be_hidden()
    expect(page.locator("#campaign-state")).to_have_text("Enregistré")

    assert people.wait(timeout=30) == 0
    with sessions() as session:
        rows = session.scalars(select(SurveyResponse).where(SurveyResponse.campaign == "relance")).all()
        answers = {(r.question, r.value, r.agent) for r in rows}
    assert answers == {("nps", "9", "1001"), ("channels", "email", "1001")}
    expect(page.locator("#campaign-state")).to_have_text(
        "Aucun contact à appeler pour l'instant", timeout=10_000
    )
    (attempt,) = attempts(sessions)
    assert (attempt.number, attempt.outcome, attempt.disposition, attempt.agent) == (
        "+33612000001", "answered", "sale", "1001"
    )  # fmt: skip
