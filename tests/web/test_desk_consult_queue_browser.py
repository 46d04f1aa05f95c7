"""Attended transfer to a queue from the desk, in Chromium on the live floor: with nobody of the
queue ready the desk says to transfer blind; otherwise the agent that queue would ring now
(baresip) is consulted, and the transfer completed hands them the caller."""

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.server.sip.desk_phones import sipp_phone
from tests.server.sip.keyed_caller import KeyedCaller
from tests.server.sip.phones import Floor
from tests.server.sip.test_outbound import _errors
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE
from tests.web.test_browser_login import log_in

pytestmark = ON_SQLITE

AGENT = "agent1001@demo.example"


def test_the_agent_consults_the_agent_a_queue_would_ring(
    page: Page, live_site: str, platform: Platform2, floor: Floor, tmp_path: Path
) -> None:
    log_in(page, live_site, AGENT, platform.secrets[AGENT])
    page.goto(f"{live_site}/desk")
    phone = sipp_phone(floor, "1001", "talk_agent.xml")  # registers: the agent is ready
    expect(page.locator("#state")).to_have_text("Disponible")
    floor.agent("1002")  # sav 6, no reclamations skill
    caller = KeyedCaller((), ends="hung_up", wait_s=30).start(floor.live.port, "3900", tmp_path)
    floor.processes.append(caller)
    expect(page.locator("#call-state")).to_have_text("Sonne", timeout=15_000)
    floor.until(lambda c: c.agent == "1001" and c.agent_leg is not None and c.agent_leg.early is not None)
    page.keyboard.press("Alt+a")
    expect(page.locator("#call-state")).to_have_text("En conversation")

    page.get_by_label("Transférer à").select_option("queue")
    page.get_by_label("Mode de transfert").select_option("attended")
    target = page.get_by_label("Poste, file ou numéro")
    target.fill("reclamations")
    page.get_by_role("button", name="Transférer", exact=True).click()
    expect(page.locator("#call-error")).to_contain_text("Aucun agent de la file reclamations")
    expect(page.locator("#call-error")).to_contain_text("transférez en aveugle")
    expect(page.locator("#call-state")).to_have_text("En conversation")

    target.fill("sav")
    page.get_by_role("button", name="Transférer", exact=True).click()
    expect(page.locator("#transfer-status")).to_have_text(
        "Consultation de l'agent 1002 : l'appelant est en attente."
    )
    expect(page.locator("#call-state")).to_have_text("Consultation")
    expect(page.locator("#call-error")).to_be_hidden()
    floor.until(lambda c: c.consult is not None and c.consult.answered)  # baresip answers at once
    page.get_by_role("button", name="Terminer le transfert").click()
    expect(page.locator("#call-state")).to_have_text("Aucun appel")  # no longer the agent's call
    floor.until(lambda c: c.state == "talking" and c.agent == "1002")
    assert phone.wait(timeout=10) == 0, _errors(tmp_path)  # the first agent's phone got our BYE
    floor.command("hang_up")
    assert caller.wait(timeout=10) == 0, _errors(tmp_path)
    page.goto("about:blank")  # leave the page: its event stream closes before the server stops
