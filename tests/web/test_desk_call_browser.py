"""The desk drives the agent's SIP phone, in Chromium on the live floor: a desk phone that obeys
remote control (sipp: NOTIFY talk) rings, the agent answers from the page with Alt+A, the phone
picks up; the agent consults an outside number (sipp as the trunk) from the transfer form and
cancels; then hangs up from the page with Alt+X, and the caller (sipp) gets our BYE."""

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.server.sip.desk_phones import sipp_phone
from tests.server.sip.keyed_caller import KeyedCaller
from tests.server.sip.phones import Floor
from tests.server.sip.test_callbacks import _customer
from tests.server.sip.test_outbound import _errors
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.test_browser_login import log_in

pytestmark = ON_SQLITE

AGENT = "agent1001@demo.example"


def test_the_agent_answers_and_hangs_up_from_the_desk(
    page: Page, live_site: str, platform: Platform2, floor: Floor, tmp_path: Path
) -> None:
    log_in(page, live_site, AGENT, platform.secrets[AGENT])
    page.goto(f"{live_site}/desk")
    phone = sipp_phone(floor, "1001", "talk_agent.xml")  # registers: the agent is ready
    expect(page.locator("#state")).to_have_text("Disponible")
    answer = page.get_by_role("button", name="Décrocher")
    hang_up = page.get_by_role("button", name="Raccrocher")
    expect(answer).to_be_disabled()
    mode = page.get_by_label("Mode de transfert")
    page.get_by_label("Transférer à").select_option("queue")  # its agent ready now may be consulted
    expect(mode).to_be_enabled()
    page.get_by_label("Transférer à").select_option("number")  # a number too
    expect(mode).to_be_enabled()

    caller = KeyedCaller((), ends="hung_up", wait_s=30).start(floor.live.port, "3900", tmp_path)
    floor.processes.append(caller)
    expect(page.locator("#call-state")).to_have_text("Sonne", timeout=15_000)
    floor.until(lambda c: c.agent_leg is not None and c.agent_leg.early is not None)  # its 180 came
    expect(answer).to_be_enabled()
    page.keyboard.press("Alt+a")
    expect(page.locator("#call-state")).to_have_text("En conversation")
    expect(hang_up).to_be_enabled()
    expect(answer).to_be_disabled()
    screenshot(page, "desk-call", tmp_path)

    provider = _customer(floor, "provider_uas.xml")  # the trunk: answers, waits for our BYE
    mode.select_option("attended")
    page.get_by_label("Poste, file ou numéro").fill("06 12 34 56 78")
    page.get_by_role("button", name="Transférer", exact=True).click()
    status = page.locator("#transfer-status")
    expect(status).to_have_text("Consultation du +33612345678 : l'appelant est en attente.")
    expect(page.locator("#call-state")).to_have_text("Consultation")
    floor.until(lambda c: c.consult is not None and c.consult.answered)  # the agent talks to the number
    expect(page.get_by_role("button", name="Conférence à trois")).to_be_visible()
    screenshot(page, "desk-consult-number", tmp_path)
    page.get_by_role("button", name="Annuler le transfert").click()
    expect(page.locator("#call-state")).to_have_text("En conversation")
    expect(status).to_be_hidden()
    assert provider.wait(timeout=10) == 0, _errors(tmp_path)  # the number got our BYE

    page.keyboard.press("Alt+x")
    expect(page.locator("#call-state")).to_have_text("Aucun appel")
    assert caller.wait(timeout=10) == 0, _errors(tmp_path)  # the caller got our BYE
    assert phone.wait(timeout=10) == 0, _errors(tmp_path)  # and so did the phone
    expect(page.locator("#state")).to_have_text("Disponible")  # the demo's queue has no wrap-up time
    expect(hang_up).to_be_disabled()
    page.goto("about:blank")  # leave the page: its event stream closes before the server stops
