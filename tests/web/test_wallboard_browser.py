"""The wallboard in Chromium on the live floor: a caller waits, the supervisor moves it up and makes
the paused agent ready, the figures follow within a second or two; English; the TV mode."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.server.sip.phones import Floor
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.test_browser_login import log_in

pytestmark = ON_SQLITE

SUPERVISOR = "superviseur@demo.example"


def test_the_supervisor_sees_the_caller_wait_moves_it_up_and_frees_an_agent(
    page: Page, live_site: str, platform: Platform2, floor: Floor, tmp_path: Path
) -> None:
    floor.agent("1001")
    log_in(page, live_site, SUPERVISOR, platform.secrets[SUPERVISOR])
    page.goto(f"{live_site}/wallboard")
    agent = page.locator("#agents tr[data-agent='1001']")
    expect(agent).to_contain_text("Disponible")
    reason = agent.get_by_role("combobox")  # the tenant's pause reasons, in its labels
    expect(reason.locator("option")).to_have_text(
        ["Pause café", "Déjeuner", "Formation", "Réunion", "Travail administratif", "Coaching"]
    )
    expect(reason).to_have_accessible_name(re.compile(r"^Motif de pause de "))
    reason.select_option(label="Formation")
    agent.get_by_role("button", name="Mettre en pause").click()
    expect(agent).to_contain_text("En pause (Formation)")
    expect(reason).to_have_value("training")  # the choice outlives the redraws

    caller = floor.caller(15)  # hangs up 15 s after the server answers it
    accueil = page.locator("#queues tbody tr", has_text="accueil")
    expect(accueil.locator("td").nth(1)).to_have_text("1", timeout=5_000)  # waiting, without a reload
    waiting = page.locator("#waiting tbody tr")
    expect(waiting).to_have_count(1)
    expect(waiting.locator("td").nth(2)).to_have_text("0")
    waiting.get_by_role("button", name="Monter").click()
    expect(waiting.locator("td").nth(2)).to_have_text("1")
    screenshot(page, "wallboard", tmp_path)

    agent.get_by_role("button", name="Rendre disponible").click()
    expect(agent).to_contain_text("En communication", timeout=10_000)
    expect(accueil.locator("td").nth(1)).to_have_text("0")
    expect(waiting).to_have_count(0)
    assert caller.wait(timeout=30) == 0
    expect(accueil.locator("td").nth(8)).to_contain_text("/ 1 /")  # offered / answered / abandoned

    page.goto(f"{live_site}/wallboard?tv=1&lang=en")
    expect(page.get_by_role("heading", name="Queues")).to_be_visible()
    expect(page.locator("header.top")).to_be_hidden()
    expect(accueil.locator("td").nth(8)).to_contain_text("/ 1 /")
    screenshot(page, "wallboard-tv", tmp_path)
