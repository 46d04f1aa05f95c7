"""In Chromium: logging in, the menu, switching to English, the keyboard's way to the content."""

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot

pytestmark = ON_SQLITE

BOSS = "boss@acme.example"


def log_in(page: Page, site: str, email: str, password: str) -> None:
    """Fill the login form as a person does."""
    page.goto(f"{site}/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_log_in_switch_to_english_and_log_out(
    page: Page, site: str, platform: Platform2, tmp_path: Path
) -> None:
    page.goto(f"{site}/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    screenshot(page, "login", tmp_path)
    page.get_by_label("Adresse e-mail").fill(BOSS)
    page.get_by_label("Mot de passe").fill("not the password")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Adresse ou mot de passe incorrect.")
    log_in(page, site, BOSS, platform.secrets[BOSS])
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Boss")
    expect(
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Accueil")
    ).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Boss")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Administrator")).to_be_visible()
    page.goto(f"{site}/")  # the choice stays without ?lang=
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{site}/login")


def test_the_first_tab_offers_to_skip_to_the_content_with_a_visible_focus(
    page: Page, site: str, platform: Platform2
) -> None:
    log_in(page, site, BOSS, platform.secrets[BOSS])
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Boss")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    assert skip.bounding_box() is not None and skip.bounding_box()["x"] >= 0  # type: ignore[index]
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
