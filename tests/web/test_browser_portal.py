"""The client portal in Chromium: a client viewer reads its reports, and only its own."""

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.outbound.morning import worked_morning
from tests.reports.calls import log_calls
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.test_browser_login import log_in

pytestmark = ON_SQLITE

VIEWER = "viewer@acme.example"


def test_a_client_viewer_reads_its_campaign_and_queue_reports_and_nothing_else(
    page: Page, site: str, platform: Platform2, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    acme = platform.acme.tenant_id
    worked_morning(sessions, acme, idle=(platform.demo.tenant_id,))
    log_calls(sessions, acme)
    log_in(page, site, VIEWER, platform.secrets[VIEWER])
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link")).to_have_text(["Accueil", "Rapports"])  # no desk, admin or wallboard
    menu.get_by_role("link", name="Rapports").click()
    page.get_by_role("link", name="prospection").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Campagne prospection")
    expect(page.locator('[data-figure="dialed"]')).to_have_text("4")
    expect(page.locator('[data-figure="drop_rate"]')).to_have_text("33,3\xa0%")
    expect(page.locator('[data-figure="conversion_rate"]')).to_have_text("50,0\xa0%")
    expect(page.locator("#lists")).to_contain_text("février")
    screenshot(page, "portal-campaign", tmp_path)

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("row", name="Calls dialed")).to_contain_text("4")
    expect(page.locator('[data-figure="drop_rate"]')).to_have_text("33.3%")
    page.get_by_role("link", name="Français").click()
    expect(page.locator('[data-figure="drop_rate"]')).to_have_text("33,3\xa0%")

    page.goto(f"{site}/portal/queues/support")
    page.get_by_label("Du").fill("2026-12-08")
    page.get_by_label("Au").fill("2026-12-09")
    page.get_by_role("button", name="Afficher").click()
    tuesday = page.locator('tr[data-day="2026-12-08"]')
    expect(tuesday.locator("th")).to_have_text("8 déc. 2026")
    expect(tuesday.locator("td")).to_have_text(["5", "3", "2", "1", "20,0\xa0%", "0:47", "3:40"])
    expect(page.locator("#definition")).to_contain_text("répondus dans T sur présentés, T = 20 s")
    expect(page.locator("#recordings audio")).to_have_count(0)
    screenshot(page, "portal-queue", tmp_path)

    for tampered in ("/portal/campaigns/relance_devis", "/portal/queues/ventes"):  # the demo tenant's
        response = page.goto(f"{site}{tampered}")
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Cette page n'existe pas.")
        expect(page.locator("main")).not_to_contain_text("relance_devis")
