"""The admin console in Chromium: users, an IVR flow's versions, a list import, the 403 page, English."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.test_admin_pages import FLOW as BAD_FLOW
from tests.web.test_admin_pages import add_campaign
from tests.web.test_browser_login import log_in

pytestmark = ON_SQLITE

BOSS, SUP = "boss@acme.example", "sup@acme.example"
LEADS = (
    "Nom;Prénom;Tél\r\nMartin;Jeanne;06 12 34 56 78\r\nPetit;Léa;pas un numéro\r\nDurand;Paul;0698765432\r\n"
)


def _admin(page: Page, site: str, platform: Platform2, path: str) -> None:
    log_in(page, site, BOSS, platform.secrets[BOSS])
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Boss")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name=path, exact=True).click()


def test_an_admin_creates_a_user_changes_the_role_deactivates_then_reads_it_in_english(
    page: Page, site: str, platform: Platform2, tmp_path: Path
) -> None:
    _admin(page, site, platform, "Utilisateurs et rôles")
    expect(page.get_by_role("cell", name="zoe@acme.example")).to_be_visible()
    page.get_by_label("Nom", exact=True).fill("Nadia Nouvelle")
    page.get_by_label("Adresse e-mail").fill("nadia@acme.example")
    page.get_by_label("Rôle", exact=True).select_option("supervisor")
    page.get_by_role("button", name="Créer l'utilisateur").click()
    expect(page.get_by_role("status")).to_contain_text("Compte créé pour nadia@acme.example. Mot de passe")
    password = page.get_by_role("status").inner_text().rsplit(" ", 1)[-1]
    assert len(password) == 16
    row = page.get_by_role("row").filter(has_text="nadia@acme.example")
    expect(row.get_by_label("Rôle de Nadia Nouvelle")).to_have_value("supervisor")
    row.get_by_label("Rôle de Nadia Nouvelle").select_option("agent")
    row.get_by_role("button", name="Changer le rôle").click()
    expect(page.get_by_role("status")).to_have_text("Enregistré.")
    row.get_by_role("button", name="Désactiver Nadia Nouvelle").click()
    expect(row.get_by_role("cell", name="Inactif")).to_be_visible()
    me = page.get_by_role("row").filter(has_text="boss@acme.example")
    me.get_by_role("button", name="Désactiver Boss").click()  # the API refuses: not oneself
    expect(page.get_by_role("alert")).to_contain_text("Vous ne pouvez pas vous supprimer")
    screenshot(page, "admin-users", tmp_path)
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users and roles")
    expect(row.get_by_role("button", name="Reactivate Nadia Nouvelle")).to_be_visible()
    expect(row.get_by_label("Role of Nadia Nouvelle")).to_have_value("agent")
    page.goto(f"{site}/login?lang=fr")
    log_in(page, site, "nadia@acme.example", password)  # a deactivated account cannot log in
    expect(page.get_by_role("alert")).to_be_visible()


def test_an_admin_fixes_a_flow_by_its_line_then_rolls_back_and_forward(
    page: Page, site: str, platform: Platform2, tmp_path: Path
) -> None:
    _admin(page, site, platform, "Serveurs vocaux (SVI)")
    page.get_by_role("link", name="main").click()
    expect(page.get_by_role("row").filter(has_text="active")).to_have_count(1)
    editor = page.get_by_label("Le parcours en YAML (name, start, nodes)")
    editor.fill(BAD_FLOW)
    page.get_by_role("button", name="Enregistrer comme nouvelle version").click()
    expect(page.locator("#flow-errors")).to_contain_text("Ligne 7: nodes.menu")
    expect(page.locator("#flow-errors")).to_contain_text("nowhere")
    editor.fill(BAD_FLOW.replace("nowhere", "support"))
    page.get_by_role("button", name="Enregistrer comme nouvelle version").click()
    expect(page.get_by_role("status")).to_have_text("Enregistré : la version 2 est active.")
    expect(page.locator("#flow-errors")).to_be_empty()
    screenshot(page, "admin-ivr", tmp_path)
    page.get_by_role("button", name="Revenir à la version précédente").click()
    expect(page.get_by_role("status")).to_have_text("La version 1 est active.")
    expect(editor).to_have_value(re.compile(r"'2': vip"))  # the editor shows the active version
    page.get_by_role("button", name="Activer la version 2").click()
    expect(page.get_by_role("status")).to_have_text("La version 2 est active.")
    expect(page.get_by_role("button", name="Activer la version 1")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Le parcours en YAML (name, start, nodes)")).to_contain_text("'2': support")


def test_an_admin_imports_a_list_and_sees_the_refused_line(
    page: Page, site: str, platform: Platform2, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_campaign(sessions, platform)
    _admin(page, site, platform, "Campagnes et fichiers")
    page.get_by_label("Fichier (CSV ou XLSX)").set_input_files(
        {"name": "mars.csv", "mimeType": "text/csv", "buffer": LEADS.encode()}
    )
    page.get_by_label("Correspondance des colonnes").fill("phone=Tél")
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("#list-summary")).to_have_text(
        "3 lignes lues : 2 créées, 0 mises à jour, 0 inchangées, 0 fusionnées, 1 refusées."
    )
    refused = page.get_by_role("table", name="Lignes refusées").get_by_role("row")
    expect(refused).to_have_count(2)
    expect(refused.nth(1)).to_contain_text("3")
    expect(refused.nth(1)).to_contain_text("phone")
    expect(refused.nth(1)).to_contain_text("pas un numéro")
    page.locator("#list-report").scroll_into_view_if_needed()
    screenshot(page, "admin-campaigns", tmp_path)
    page.reload()
    expect(page.get_by_role("row").filter(has_text="relance")).to_contain_text("3 lignes")


def test_a_supervisor_opening_admin_gets_the_403_page(page: Page, site: str, platform: Platform2) -> None:
    log_in(page, site, SUP, platform.secrets[SUP])
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Sup")
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    response = page.goto(f"{site}/admin/users")
    assert response is not None and response.status == 403
    expect(page.get_by_text("Cette page n'est pas ouverte à votre rôle.")).to_be_visible()


def test_an_admin_edits_a_queue_and_reads_the_api_refusal_by_the_form(
    page: Page, site: str, platform: Platform2
) -> None:
    _admin(page, site, platform, "Files")
    page.get_by_role("link", name="Modifier les files en JSON").click()
    page.get_by_role("button", name="Modifier support").click()
    editor = page.get_by_label("L'objet en JSON, tel que l'API le reçoit")
    expect(editor).to_be_focused()
    expect(page.get_by_role("heading", name="Modification de support")).to_be_visible()
    spec = editor.input_value()
    assert '"wrap_up_s": 0' in spec and '"id"' not in spec
    editor.fill(spec.replace('"wrap_up_s": 0', '"wrap_up_s": 9999'))
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#spec-errors")).to_contain_text(
        "wrap_up_s: Input should be less than or equal to 3600"
    )
    editor.fill(spec.replace('"wrap_up_s": 0', '"wrap_up_s": 30'))
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Enregistré.")
    expect(page.locator("#spec-errors")).to_be_empty()
    page.reload()
    page.get_by_role("button", name="Modifier support").click()
    expect(page.get_by_label("L'objet en JSON, tel que l'API le reçoit")).to_have_value(
        spec.replace('"wrap_up_s": 0', '"wrap_up_s": 30')
    )
