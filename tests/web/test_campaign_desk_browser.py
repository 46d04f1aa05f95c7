"""An outbound call worked from the agent desktop in Chromium: the agent joins the campaign, previews
the lead and dials it (sipp answers as the customer), walks the script, fills the survey and gives
the disposition; what the page did is what is stored. The customer file panel follows the call as
it does an inbound one: the lead's contact, a note kept with the call and written on its record,
the order taken from their quote (a relance de devis) once the call has ended."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from callfloor.api.app import create_app
from callfloor.center.apply_outbound import apply_script, apply_survey
from callfloor.center.scripts import ScriptSpec, SurveySpec
from callfloor.server.campaigns import CampaignRuns
from callfloor.settings import Settings
from callfloor.storage.interactions import Interaction
from callfloor.storage.outbound import Lead
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
from tests.web.test_desk_crm_browser import known_customer, note

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


def relance(sessions: sessionmaker[Session]) -> tuple[int, str]:
    """Campaign ``relance`` in preview, with its script and survey, calling Marie about her quote;
    (her contact id, the quote's number)."""
    with sessions.begin() as session:
        scope = TenantScope(session, 1)
        apply_script(scope, ScriptSpec.model_validate({**SCRIPT, "name": "relance_web"}))  # the demo's are
        apply_survey(scope, SurveySpec.model_validate({**SURVEY, "name": "satisfaction_web"}))  # others
    campaign(sessions, ["+33612000001"], mode="preview", dispositions=CODES, script="relance_web",
             survey="satisfaction_web")  # fmt: skip
    marie, quote = known_customer(sessions, 1)
    with sessions.begin() as session:
        session.execute(update(Lead).where(Lead.phone == "+33612000001").values(contact_id=marie))
    return marie, quote


def test_an_agent_works_a_preview_call_with_its_script_survey_and_disposition(
    page: Page, campaign_site: str, platform: Platform2, floor: Floor, live_sip: LiveSip,
    runs: CampaignRuns, sessions: sessionmaker[Session], tmp_path: Path,  # noqa: F811
) -> None:  # fmt: skip
    marie, quote = relance(sessions)
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
    panel = page.locator("#crm")  # the customer file, during the call (sipp hangs up after 5 s)
    expect(panel.locator("#crm-who")).to_have_text("· Marie Curie · Appel en cours")
    kept = "Note gardée avec l'appel : elle est enregistrée sur la fiche de l'appel à sa fin."
    note(panel, "Accepte le devis, livraison lundi", kept)
    page.get_by_role("button", name="Intéressé").click()
    expect(page.locator("#script h3")).to_have_text("Rendez-vous")
    page.get_by_label("Recommanderiez-vous ?").select_option("9")
    page.locator("#survey").get_by_label("E-mail").check()
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
        conversations = {r.interaction_id for r in rows}
    assert answers == {("nps", "9", "1001"), ("channels", "email", "1001")}
    expect(page.locator("#campaign-state")).to_have_text(
        "Aucun contact à appeler pour l'instant", timeout=10_000
    )
    (attempt,) = attempts(sessions)
    assert (attempt.number, attempt.outcome, attempt.disposition, attempt.agent) == (
        "+33612000001", "answered", "sale", "1001"
    )  # fmt: skip
    assert conversations == {attempt.interaction_id}  # the answers name the conversation they were given in
    expect(panel.locator("#crm-who")).to_have_text("· Marie Curie · Dernier appel")
    panel.get_by_role("button", name=f"Prendre la commande du devis {quote}").click()
    expect(panel.locator("#crm-quote-status")).to_contain_text("Commande C-")
    with sessions() as session:
        record = session.scalars(
            select(Interaction).where(Interaction.interaction_id == attempt.interaction_id)
        ).one()
        assert (record.direction, record.contact_id, record.notes) == (
            "outbound",
            marie,
            "Accepte le devis, livraison lundi",
        )
