"""The desk's queues box in Chromium on the live floor: the agent leaves queue accueil, a caller
of accueil waits without being offered to them; they rejoin it and the call is theirs at once.
A supervisor's change shows without a reload; the pause select offers the tenant's own reasons."""

import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.server.sip.phones import Floor
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.test_browser_login import log_in

pytestmark = ON_SQLITE

AGENT = "agent1001@demo.example"


def _bearer(site: str, platform: Platform2, email: str) -> dict[str, str]:
    answer = httpx.post(f"{site}/api/auth/login", json={"email": email, "password": platform.secrets[email]})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_a_queue_left_rings_no_more_until_rejoined(
    page: Page, live_site: str, platform: Platform2, floor: Floor, tmp_path: Path
) -> None:
    own = [{"code": "brief", "label": {"fr": "Briefing équipe", "en": "Team briefing"}}]
    admin = _bearer(live_site, platform, "admin@demo.example")
    assert httpx.put(f"{live_site}/api/pause-reasons", json={"pause_reasons": own}, headers=admin).is_success
    log_in(page, live_site, AGENT, platform.secrets[AGENT])
    page.goto(f"{live_site}/desk")
    floor.agent("1001")  # the phone registers: logged in, ready, in both of Alice's queues
    expect(page.locator("#state")).to_have_text("Disponible")
    expect(page.locator("#pause-reason option")).to_have_text(["Briefing équipe"])
    accueil, ventes = (page.locator(f'#queue-list li[data-queue="{name}"]') for name in ("accueil", "ventes"))
    expect(accueil).to_contain_text("Vous en prenez les appels")

    accueil.get_by_role("button", name="Quitter").click()
    expect(accueil).to_contain_text("Vous l'avez quittée")
    supervisor = _bearer(live_site, platform, "superviseur@demo.example")
    forced = httpx.post(
        f"{live_site}/api/agents/1001/queues", json={"queue": "ventes", "joined": False}, headers=supervisor
    )
    assert forced.status_code == 200, forced.text
    expect(ventes).to_contain_text("Vous l'avez quittée")  # heard from the stream, no reload
    expect(ventes.get_by_role("button", name="Rejoindre")).to_be_visible()

    caller = floor.caller(9)  # dials accueil
    floor.until(lambda c: c.state == "queued")
    time.sleep(1.5)  # a free agent would have been rung at once: Alice is not
    assert floor.call().state == "queued"
    expect(page.locator("#call-state")).to_have_text("Aucun appel")
    expect(page.locator("#state")).to_have_text("Disponible")
    screenshot(page, "desk-queues", tmp_path)

    accueil.get_by_role("button", name="Rejoindre").click()
    expect(page.locator("#call-state")).to_have_text("En conversation", timeout=10_000)
    expect(page.locator("#call-queue")).to_have_text("accueil")
    expect(accueil).to_contain_text("Vous en prenez les appels")
    assert caller.wait(timeout=20) == 0
