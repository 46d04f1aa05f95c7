"""The console's forms in Chromium: a queue's steps and its flow's announcements, a script, a list's
column mapping, the hours, the retention; each saved through the API and read back from the
database (the announcements from the running SIP server too)."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.apply import queue_spec
from callfloor.center.schema import StepSpec
from callfloor.core.ivr.flow import Queue as QueueNode
from callfloor.outbound.campaigns import Campaigns
from callfloor.server.sip.directory import Route
from callfloor.storage.outbound import Lead
from callfloor.storage.scope import TenantScope
from tests.server.conftest import LiveSip
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.test_admin_browser import _admin
from tests.web.test_admin_documents import SCRIPT
from tests.web.test_admin_pages import add_campaign

pytestmark = ON_SQLITE

LEADS = "Nom;Prénom;Portable perso;Code promo\r\nMartin;Jeanne;06 12 34 56 78;AB12\r\nPetit;Léa;0698765432;CD34\r\n"


def _queue(sessions: sessionmaker[Session], platform: Platform2, name: str = "support") -> dict:
    with sessions() as session:
        queue = TenantScope(session, platform.acme.tenant_id).queues.by_name(name)
        assert queue is not None
        return queue_spec(queue).model_dump()


def test_an_admin_edits_a_queues_steps_with_the_form(
    page: Page, site: str, platform: Platform2, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    _admin(page, site, platform, "Files")
    page.get_by_role("link", name="support").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("File support")
    expect(page.get_by_label("Niveau en fr").first).to_have_value("3")
    page.get_by_label("Stratégie").select_option("round_robin")
    page.get_by_role("button", name="Ajouter une étape").click()
    steps = page.locator("tr[data-step]")
    steps.nth(0).get_by_label("Après").fill("30")
    steps.nth(0).get_by_label("Niveau en en").fill("2")
    page.get_by_role("button", name="Ajouter une étape").click()
    steps.nth(1).get_by_label("Après").fill("20")
    steps.nth(1).get_by_label("Niveau en fr").fill("1")
    page.get_by_label("Post-appel (s)").fill("9999")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    wrap_up = page.get_by_label("Post-appel (s)")
    expect(wrap_up).to_have_attribute("aria-invalid", "true")
    expect(page.locator("p.field-error")).to_have_text(["Input should be less than or equal to 3600"])
    wrap_up.fill("20")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#steps + p.field-error")).to_have_text("steps must have increasing after_s")
    steps.nth(1).get_by_label("Après").fill("60")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#queue-status")).to_have_text("Enregistré.")
    expect(page.locator("p.field-error")).to_have_count(0)
    stored = _queue(sessions, platform)
    assert stored["strategy"] == "round_robin" and stored["wrap_up_s"] == 20 and stored["skills"] == {"fr": 3}
    assert stored["steps"] == [StepSpec(after_s=30, skills={"en": 2}).model_dump(),
                               StepSpec(after_s=60, skills={"fr": 1}).model_dump()]  # fmt: skip
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "admin-queue", tmp_path)
    page.get_by_role("button", name="Retirer l'étape 1").click()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#queue-status")).to_have_text("Enregistré.")
    page.reload()
    expect(page.locator("tr[data-step]")).to_have_count(1)
    expect(page.locator("tr[data-step]").get_by_label("Après")).to_have_value("60")


def test_an_admin_writes_a_script_fixes_its_line_and_attaches_it(
    page: Page, site: str, platform: Platform2, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_campaign(sessions, platform)
    _admin(page, site, platform, "Argumentaires")
    page.get_by_role("link", name="Nouveau").click()
    page.get_by_label("Nom", exact=True).fill("relance devis")
    editor = page.get_by_label("L'argumentaire en YAML : start, pages, objections")
    editor.fill(SCRIPT.replace("next: suite", "next: nulle_part"))
    page.get_by_label("relance").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#doc-errors")).to_contain_text(
        "Ligne 7: pages.accueil.choices.0.next: page 'nulle_part'"
    )
    expect(page.get_by_label("Nom", exact=True)).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Nom", exact=True).fill("relance_devis")
    editor.fill(SCRIPT)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Enregistré.")
    expect(page.locator("#doc-warnings")).to_contain_text("Ligne 5: pages.accueil.text: variable {mystere}")
    expect(page.locator("#doc-preview")).to_contain_text("Bonjour [first_name ?], [mystere ?]")
    expect(page).to_have_url(re.compile(r"/admin/scripts/\d+$"))
    with sessions() as session:
        assert Campaigns(session, platform.acme.tenant_id).require("relance").script == "relance_devis"
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.get_by_role("heading", level=1)).to_have_text("Argumentaire relance_devis")
    screenshot(page, "admin-script", tmp_path)
    page.get_by_label("relance").uncheck()
    page.get_by_label("Nom", exact=True).fill("relance_2026")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Enregistré.")
    with sessions() as session:
        assert Campaigns(session, platform.acme.tenant_id).require("relance").script is None
        assert TenantScope(session, platform.acme.tenant_id).call_scripts.by_name("relance_2026") is not None


def test_an_admin_maps_a_lists_columns_before_the_upload(
    page: Page, site: str, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    add_campaign(sessions, platform)
    _admin(page, site, platform, "Campagnes et fichiers")
    page.get_by_label("Fichier (CSV ou XLSX)").set_input_files(
        {"name": "avril.csv", "mimeType": "text/csv", "buffer": LEADS.encode()}
    )
    columns = page.get_by_role("table", name="Colonnes du fichier")
    expect(columns.get_by_role("row")).to_have_count(5)
    expect(page.get_by_label("Champ de la colonne Nom", exact=True)).to_have_value("last_name")
    expect(page.get_by_label("Champ de la colonne Portable perso")).to_have_value("")
    expect(columns.get_by_role("row").nth(3)).to_contain_text("06 12 34 56 78 · 0698765432")
    page.get_by_label("Champ de la colonne Portable perso").select_option("phone")
    page.get_by_label("Champ de la colonne Code promo").select_option("data.")
    expect(page.get_by_label("Clé de la donnée complémentaire de la colonne Code promo")).to_have_value(
        "code_promo"
    )
    page.get_by_label("Champ de la colonne Prénom").select_option("last_name")
    expect(page.locator("#mapping p.field-error").first).to_contain_text(
        "Nom (last_name) est choisi pour deux colonnes."
    )
    page.get_by_label("Champ de la colonne Prénom").select_option("first_name")
    expect(page.locator("#mapping p.field-error")).to_have_count(0)
    expect(page.get_by_label("Correspondance des colonnes")).to_have_value(
        "last_name=Nom, first_name=Prénom, phone=Portable perso, data.code_promo=Code promo"
    )
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("#list-summary")).to_have_text(
        "2 lignes lues : 2 créées, 0 mises à jour, 0 inchangées, 0 fusionnées, 0 refusées."
    )
    with sessions() as session:
        leads = session.scalars(select(Lead).where(Lead.tenant_id == platform.acme.tenant_id)).all()
        assert sorted((lead.last_name, lead.phone, lead.data.get("code_promo")) for lead in leads) == [
            ("Martin", "+33612345678", "AB12"),
            ("Petit", "+33698765432", "CD34"),
        ]


def test_an_admin_sets_the_hours_and_a_closure(
    page: Page, site: str, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    _admin(page, site, platform, "Horaires d'ouverture")
    expect(page.locator("#holidays")).to_contain_text("Noël")
    tuesday = page.get_by_role("row", name=re.compile("^Mardi"))
    tuesday.get_by_role("button", name="Ajouter des horaires").click()
    tuesday.get_by_label("Ouvre").nth(1).fill("11:00")
    tuesday.get_by_label("Ferme").nth(1).fill("20:00")
    saturday = page.get_by_role("row", name=re.compile("^Samedi"))
    expect(saturday).to_contain_text("Fermé")
    saturday.get_by_role("button", name="Ajouter des horaires").click()
    saturday.get_by_label("Ouvre").fill("09:00")
    saturday.get_by_label("Ferme").fill("00:00")
    page.get_by_role("button", name="Ajouter une fermeture").click()
    page.get_by_label("Fermé le", exact=True).fill("2030-08-14")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(tuesday.locator("p.field-error")).to_contain_text("overlaps or comes before")
    tuesday.get_by_label("Ouvre").nth(1).fill("18:00")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Enregistré.")
    with sessions() as session:
        stored = TenantScope(session, platform.acme.tenant_id).schedule.data()
    assert stored is not None
    assert stored["weekly"]["tue"] == ["09:00-18:00", "18:00-20:00"] and stored["weekly"]["sat"] == [
        "09:00-24:00"
    ]
    assert stored["closures"] == ["2030-08-14"]
    page.get_by_label("Pays").select_option("DE")
    expect(page.locator("#holidays")).to_contain_text("Erster Weihnachtstag")


def test_an_admin_keeps_recordings_longer_and_reads_the_hint(
    page: Page, site: str, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    _admin(page, site, platform, "Conservation")
    expect(page.get_by_text("La CNIL recommande")).to_be_visible()
    days = page.get_by_label("Jours de conservation des enregistrements de support")
    expect(days).to_have_value("90")
    days.fill("0")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("p.field-error")).to_have_text("Input should be greater than or equal to 1")
    days.fill("400")
    expect(
        page.get_by_role("row", name=re.compile("^support")).get_by_text("Plus de six mois.")
    ).to_be_visible()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Enregistré.")
    assert _queue(sessions, platform)["recording_retention_days"] == 400
    assert _queue(sessions, platform, "vip")["recording_retention_days"] == 90


def _announced_every(live_sip: LiveSip, number: str = "0800200201") -> float | None:
    """How often the running server's IVR repeats the announcements of main's support node."""
    route = live_sip.call(lambda: live_sip.endpoint.directory.route(number))
    assert isinstance(route, Route) and route.flow is not None
    node = route.flow.nodes["support"]
    assert isinstance(node, QueueNode)
    return node.options.announce_every_s


def test_an_admin_repeats_the_announcements_less_often_and_the_live_ivr_follows(
    page: Page,
    live_site: str,
    live_sip: LiveSip,
    platform: Platform2,
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    assert _announced_every(live_sip) == 60  # and now cached by the running server
    _admin(page, live_site, platform, "Files")
    page.get_by_role("link", name="support").click()
    waiting = page.get_by_role("group", name="Parcours main, nœud support")
    expect(waiting.get_by_label("Annoncer la position dans la file")).to_be_checked()
    every = waiting.get_by_label("Répéter toutes les (s)")
    expect(every).to_have_value("60")
    every.fill("5")
    page.get_by_role("button", name="Enregistrer les annonces").click()
    expect(every).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#announcements-form p.field-error")).to_have_text(
        "De 10 secondes à moins d'un jour ; vide : à l'entrée seulement."
    )
    every.fill("90")
    page.get_by_role("button", name="Enregistrer les annonces").click()
    expect(page.locator("#announcements-status")).to_have_text(
        "Enregistré : la version 2 du parcours main est active."
    )
    expect(page.locator("#announcements-form p.field-error")).to_have_count(0)
    expect(waiting.get_by_role("link", name="version 2")).to_be_visible()
    waiting.scroll_into_view_if_needed()
    screenshot(page, "admin-queue-announcements", tmp_path)
    with sessions() as session:
        flow = TenantScope(session, platform.acme.tenant_id).ivr_flows.by_name("main")
        assert flow is not None and flow.active_version == 2
        assert flow.active.definition["nodes"]["support"]["announce_every_s"] == 90
    assert _announced_every(live_sip) == 90  # the next call walks the new version
    waiting.get_by_role("link", name="version 2").click()
    expect(page.locator("#versions")).to_contain_text("2")
