"""The wallboard's thresholds in the admin console: the form, what it keeps, what it refuses."""

import re
from pathlib import Path

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.models import Tenant
from callfloor.storage.repositories import audit_entries
from callfloor.web.wallboard import THRESHOLDS
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.clients import log_in
from tests.web.test_browser_login import log_in as browser_log_in
from tests.web.test_floor_pages import island

BOSS, SUP = "boss@acme.example", "sup@acme.example"
CSRF = {"X-Callfloor-CSRF": "1"}


def _defaults() -> dict[str, dict[str, float]]:
    return {figure: {"amber": limits["amber"], "red": limits["red"]} for figure, limits in THRESHOLDS.items()}


def _kept(sessions: sessionmaker[Session], tenant_id: int) -> object:
    with sessions() as session:
        tenant = session.get(Tenant, tenant_id)
        assert tenant is not None
        return tenant.wallboard_thresholds


def test_the_form_shows_each_figure_with_its_default(client: TestClient, platform: Platform2) -> None:
    html = log_in(client, platform, BOSS).get("/admin/thresholds").text
    assert "Seuils du mur d&#39;écrans" in html or "Seuils du mur d'écrans" in html
    assert re.findall(r'<tr data-figure="(\w+)">', html) == list(THRESHOLDS)
    assert 'name="service_level.amber"' in html and 'value="80"' in html  # a rate, in percent
    assert 'name="waiting.red"' in html and 'value="6"' in html
    assert 'href="/admin/thresholds"' in client.get("/admin").text  # in the console's index
    assert log_in(client, platform, SUP).get("/admin/thresholds").status_code == 403


def test_saved_thresholds_colour_the_tenant_s_wallboard_only(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    log_in(client, platform, BOSS)
    chosen = _defaults() | {"waiting": {"amber": 2, "red": 4}, "service_level": {"amber": 0.9, "red": 0.7}}
    saved = client.put("/admin/thresholds", json=chosen, headers=CSRF)
    assert saved.status_code == 200, saved.text
    assert saved.json()["thresholds"]["service_level"] == {"amber": 0.9, "red": 0.7, "below": True}
    # Only what differs from the defaults is kept, and the change is audited.
    assert _kept(sessions, platform.acme.tenant_id) == {
        "waiting": {"amber": 2, "red": 4},
        "service_level": {"amber": 0.9, "red": 0.7},
    }
    with sessions() as session:
        entry = audit_entries(session, platform.acme.tenant_id)[-1]
        assert (entry.action, entry.details["waiting"]) == ("wallboard.thresholds", {"amber": 2, "red": 4})
    assert 'value="90"' in client.get("/admin/thresholds").text
    board = island(log_in(client, platform, SUP).get("/wallboard").text, "board-thresholds")
    assert board["waiting"] == {"amber": 2, "red": 4}
    assert board["service_level"] == {"amber": 0.9, "red": 0.7, "below": True}
    assert board["drop_rate"] == THRESHOLDS["drop_rate"]  # not set: the default
    other = island(
        log_in(client, platform, "superviseur@demo.example").get("/wallboard").text, "board-thresholds"
    )
    assert other == THRESHOLDS  # another tenant's board keeps the defaults
    log_in(client, platform, BOSS)
    assert client.put("/admin/thresholds", json=_defaults(), headers=CSRF).status_code == 200
    assert _kept(sessions, platform.acme.tenant_id) is None  # back to the defaults: nothing kept


def test_wrong_thresholds_are_refused_by_figure_and_nothing_is_kept(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    log_in(client, platform, BOSS)
    wrong = _defaults() | {
        "waiting": {"amber": 8, "red": 4},  # amber after red
        "service_level": {"amber": 0.6, "red": 0.8},  # bad when low: amber must be the higher
        "abandon_rate": {"amber": 5, "red": 10},  # percentages where shares are kept
        "drop_rate": {"amber": 0.02, "red": 0.05},  # past the legal 3 %
        "late_tickets": {"amber": -1, "red": 5},
        "queue_length": {"amber": 1, "red": 2},
    }
    refused = client.put("/admin/thresholds", json=wrong, headers=CSRF)
    assert refused.status_code == 422
    assert refused.json()["problems"] == [
        {"figure": "waiting", "problem": "order"},
        {"figure": "service_level", "problem": "order"},
        {"figure": "abandon_rate", "problem": "rate"},
        {"figure": "drop_rate", "problem": "legal"},
        {"figure": "late_tickets", "problem": "number"},
        {"figure": "queue_length", "problem": "unknown"},
    ]
    assert _kept(sessions, platform.acme.tenant_id) is None
    missing = client.put("/admin/thresholds", json={"waiting": {"amber": 1}}, headers=CSRF)
    assert missing.json()["problems"] == [{"figure": "waiting", "problem": "unknown"}]
    assert client.put("/admin/thresholds", json=_defaults()).status_code == 403  # no anti-CSRF header
    log_in(client, platform, SUP)
    assert client.put("/admin/thresholds", json=_defaults(), headers=CSRF).status_code == 403


@ON_SQLITE
def test_an_admin_sets_the_thresholds_in_the_browser(
    page: Page, site: str, platform: Platform2, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    browser_log_in(page, site, BOSS, platform.secrets[BOSS])
    page.goto(f"{site}/admin/thresholds")
    page.get_by_label("En file — Orange à").fill("2")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#thresholds-status")).to_have_text(
        "Enregistré : le mur d'écrans applique ces seuils dès sa prochaine ouverture."
    )
    assert _kept(sessions, platform.acme.tenant_id) == {"waiting": {"amber": 2, "red": 6}}  # rates unchanged
    red = page.get_by_label("Taux d'abandon (2 s) — Rouge à")
    red.fill("5")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#thresholds-errors")).to_have_text(
        "Taux d'abandon (2 s) : Le rouge du taux d'abandon (2 s) ne peut pas dépasser les 3 % légaux."
    )
    expect(red).to_have_attribute("aria-invalid", "true")
    screenshot(page, "admin-thresholds", tmp_path)
    assert _kept(sessions, platform.acme.tenant_id) == {"waiting": {"amber": 2, "red": 6}}
