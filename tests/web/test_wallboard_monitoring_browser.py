"""The wallboard's monitoring buttons in Chromium on a live call: Écouter without a phone says so; with
the supervisor's phone registered it rings, answers and hears the call; Chuchoter switches the mode;
Arrêter l'écoute hangs the phone up. The caller and the phones are the SIP peers of the live tests."""

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from callfloor.server.sip.monitoring import MonitorMode
from tests.server.conftest import LiveSip
from tests.server.sip.test_calls import wait_for
from tests.server.sip.test_monitoring import (
    SUPERVISOR_SIP_PASSWORD,
    TonePeer,
    give_extension,
    peers,  # noqa: F401 - the fixture, used by name
    talking_call,
)
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.test_browser_login import log_in

pytestmark = ON_SQLITE

SUPERVISOR = "superviseur@demo.example"


def test_the_supervisor_listens_whispers_and_stops_from_the_wallboard(
    live_site: str,  # before the page: the page (and its stream) closes first, the server then at once
    page: Page,
    live_sip: LiveSip,
    platform: Platform2,
    sessions: sessionmaker[Session],
    peers: dict[str, TonePeer],  # noqa: F811
    tmp_path: Path,
) -> None:
    give_extension(sessions, SUPERVISOR)
    caller, agent, phone = peers["caller"], peers["agent"], peers["supervisor"]
    agent.register(live_sip.passwords["1001"])
    caller.dial("3900")
    call_id = talking_call(live_sip)
    monitors = live_sip.endpoint.calls.monitors

    log_in(page, live_site, SUPERVISOR, platform.secrets[SUPERVISOR])
    page.goto(f"{live_site}/wallboard")
    row = page.locator("#agents tr[data-agent='1001']")
    status = page.locator("#monitor-status")
    row.get_by_role("button", name="Écouter").click()
    expect(status).to_have_text(
        "Aucun téléphone n'est connecté sur votre poste : connectez-en un pour écouter les appels."
    )

    phone.register(SUPERVISOR_SIP_PASSWORD)
    row.get_by_role("button", name="Écouter").click()
    assert wait_for(lambda: phone.talking, 5), "the supervisor's phone was not called"
    expect(status).to_have_text("Votre téléphone est sur l'appel.")
    expect(row.get_by_role("button", name="Écouter")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "wallboard-monitoring", tmp_path)

    row.get_by_role("button", name="Chuchoter").click()
    expect(row.get_by_role("button", name="Chuchoter")).to_have_attribute("aria-pressed", "true")
    assert live_sip.call(lambda: monitors.by_call[call_id][0].mode) is MonitorMode.WHISPER

    row.get_by_role("button", name="Arrêter l'écoute").click()
    expect(status).to_have_text("Écoute arrêtée.")
    assert wait_for(lambda: phone.byes == 1, 5), "no BYE to the supervisor's phone"
    expect(row.get_by_role("button", name="Arrêter l'écoute")).to_have_count(0)
    caller.hang_up()
