"""The agent desktop in Chromium on the live floor: a baresip phone registers, the agent pauses and
goes ready from the page (and with Alt+R), a sipp caller's call pops with its timer, hold, and the agent is free again."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.server.sip.phones import Floor
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.test_browser_login import log_in

pytestmark = ON_SQLITE

AGENT = "agent1001@demo.example"


def test_the_desk_follows_the_phone_and_the_call(
    page: Page,
    live_site: str,
    platform: Platform2,
    floor: Floor,
    tmp_path: Path,
) -> None:
    log_in(page, live_site, AGENT, platform.secrets[AGENT])
    page.goto(f"{live_site}/desk")
    state = page.locator("#state")
    expect(state).to_have_text("Déconnecté (téléphone non enregistré)")
    floor.agent("1001")  # the phone registers: the page hears it without a reload
    expect(state).to_have_text("Disponible")
    page.get_by_label("Motif de pause").select_option("lunch")
    page.get_by_role("button", name="Pause").click()
    expect(state).to_have_text("En pause (Déjeuner)")
    page.keyboard.press("Alt+r")
    expect(state).to_have_text("Disponible")

    caller = floor.caller(10)
    expect(page.locator("#call-state")).to_have_text("En conversation", timeout=15_000)
    expect(state).to_have_text("En communication")
    expect(page.locator("#call-queue")).to_have_text("accueil")
    expect(page.locator("#call-timer")).to_have_text(re.compile(r"^0:0[1-9]$"), timeout=5_000)
    expect(page.locator("#pop h3")).not_to_be_empty()
    page.get_by_role("button", name="Attente / reprise").click()
    expect(page.locator("#call-state")).to_have_text("En attente")
    screenshot(page, "desk", tmp_path)
    page.keyboard.press("Alt+h")
    expect(page.locator("#call-state")).to_have_text("En conversation")
    assert caller.wait(timeout=30) == 0
    expect(page.locator("#call-state")).to_have_text("Aucun appel", timeout=10_000)
    expect(state).to_have_text("Disponible")  # the demo's queue has no wrap-up time
