"""« Mes rappels » on the desk, in Chromium: the agent's callbacks due today, theirs and anyone's, soonest
first (another agent's and tomorrow's are not listed). One comes due while the page is open: it pops,
highlighted and announced, without a reload. The agent marks the overdue one done and postpones the other
to ten o'clock tomorrow, the tenant's time; the database has both. Then, on the live floor, « Appeler »
rings the agent's phone, then the customer through the trunk, and the box follows the call to its end;
the customer file panel shows the callback's contact, and a note typed during the call is on its record."""

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.storage.callbacks import ScheduledCallback
from callfloor.storage.interactions import Interaction
from callfloor.storage.scope import TenantScope
from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor
from tests.server.sip.test_callbacks import _customer
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.test_browser_login import log_in
from tests.web.test_desk_crm_browser import note

pytestmark = ON_SQLITE

AGENT = "agent1001@demo.example"
PARIS = ZoneInfo("Europe/Paris")  # the demo tenant's zone


def _callbacks(
    sessions: sessionmaker[Session], tenant_id: int, *due: tuple[str, timedelta, str | None]
) -> list[int]:
    """Callbacks of new contacts (first name, due in, for whom: an email or None for anyone); their ids."""
    now = datetime.now(UTC)
    ids = []
    with sessions.begin() as session:
        users = {u.email: u.id for u in TenantScope(session, tenant_id).users.list()}
        for index, (first_name, delay, whom) in enumerate(due):
            number = f"06123456{index:02d}"
            contact = CustomerFile(session, tenant_id).create_contact(
                {"first_name": first_name, "last_name": "Curie"}, phones=[PhoneInput(number)]
            )
            row = ScheduledCallback(
                tenant_id=tenant_id, contact_id=contact.id, number=f"+336123456{index:02d}", status="pending",
                due_at=now + delay, assignee_id=users[whom] if whom else None, note=f"Rappel {first_name}",
            )  # fmt: skip
            session.add(row)
            session.flush()
            ids.append(row.id)
    return ids


def test_a_callback_pops_when_due_and_is_done_or_postponed(
    page: Page, site: str, platform: Platform2, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    tenant = platform.demo.tenant_id
    late, soon, _, _ = _callbacks(
        sessions, tenant,
        ("Marie", -timedelta(minutes=20), AGENT),  # overdue, Alice's
        ("Pierre", timedelta(seconds=12), None),  # anyone's, due in a moment
        ("Irène", timedelta(days=1), AGENT),  # tomorrow: not today's
        ("Ève", -timedelta(minutes=5), "agent1002@demo.example"),  # Bruno's
    )  # fmt: skip
    log_in(page, site, AGENT, platform.secrets[AGENT])
    page.goto(f"{site}/desk")
    box = page.locator("#callbacks")
    items = box.locator("#callbacks-list > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Marie Curie · +33612345600")
    expect(items.nth(0)).to_contain_text("en retard")
    expect(items.nth(1)).to_contain_text("Pierre Curie")
    expect(items.nth(1)).to_contain_text("pour tous")
    expect(box.locator("#callbacks-count")).to_have_text("· 1 à faire")
    expect(box.locator("#callbacks-alert")).to_be_hidden()

    alert = box.get_by_role("alert")  # Pierre's time comes: it pops, without a reload
    expect(alert).to_have_text("Rappel à faire : Pierre Curie (+33612345601)", timeout=25_000)
    pierre = box.get_by_role("listitem", name="Rappel en retard de Pierre Curie, +33612345601", exact=False)
    expect(pierre).to_have_class("overdue popped")
    expect(box.locator("#callbacks-count")).to_have_text("· 2 à faire")
    box.scroll_into_view_if_needed()
    screenshot(page, "desk-callbacks", tmp_path)

    box.get_by_role("button", name="Fait : Marie Curie").click()
    expect(box.locator("#callbacks-status")).to_have_text("Marqué comme fait.")
    expect(items).to_have_count(1)
    pierre.get_by_role("button", name="Reporter : Pierre Curie").click()
    tomorrow = (datetime.now(PARIS) + timedelta(days=1)).date()
    pierre.get_by_label("Nouvelle heure").fill(f"{tomorrow.isoformat()}T10:00")
    pierre.get_by_role("button", name="Enregistrer").click()
    expect(box.locator("#callbacks-status")).to_contain_text("Reporté à ")
    expect(items).to_have_count(0)
    expect(box.locator("#callbacks-empty")).to_be_visible()

    with sessions() as session:
        done = session.get(ScheduledCallback, late)
        moved = session.get(ScheduledCallback, soon)
        assert done is not None and moved is not None
        assert (done.status, moved.status) == ("done", "pending")
        assert moved.due_at == datetime.combine(tomorrow, time(10), PARIS)


def test_the_agent_calls_a_callback_back_from_the_desk(
    page: Page,
    live_site: str,
    live_sip: LiveSip,
    platform: Platform2,
    floor: Floor,
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    (callback,) = _callbacks(sessions, platform.demo.tenant_id, ("Marie", -timedelta(minutes=2), None))
    customer = _customer(floor, "customer_uas.xml", seconds=5)  # the trunk: answers, hangs up 5 s later
    floor.agent("1001")  # baresip, answering by itself
    log_in(page, live_site, AGENT, platform.secrets[AGENT])
    page.goto(f"{live_site}/desk")
    box = page.locator("#callbacks")
    box.get_by_role("button", name="Appeler : Marie Curie").click()
    expect(box.locator("#callbacks-dial-state")).to_have_text("En ligne avec Marie Curie", timeout=15_000)
    # No queue call meanwhile: paused for the callback, which the desk says in words.
    expect(page.locator("#state")).to_have_attribute("data-state", "paused")
    expect(page.locator("#state")).to_have_text("En pause (Rappel programmé)")
    panel = page.locator("#crm")  # the customer file follows the call
    expect(panel.locator("#crm-who")).to_have_text("· Marie Curie · Appel en cours")
    kept = "Note gardée avec l'appel : elle est enregistrée sur la fiche de l'appel à sa fin."
    note(panel, "Devis accepté au téléphone", kept)
    assert customer.wait(timeout=20) == 0
    expect(box.locator("#callbacks-dial")).to_be_hidden(timeout=10_000)
    expect(panel.locator("#crm-who")).to_have_text("· Marie Curie · Dernier appel")
    expect(box.locator("#callbacks-status")).to_have_text("Appel terminé.")
    expect(box.locator("#callbacks-list > li")).to_have_count(0)  # done: no longer listed
    live_sip.committed()
    with sessions() as session:
        row = session.scalars(select(ScheduledCallback).where(ScheduledCallback.id == callback)).one()
        assert (row.status, row.attempts, row.last_outcome) == ("done", 1, "answered")
        record = session.scalars(select(Interaction).where(Interaction.number == "+33612345600")).one()
        assert (record.contact_id, record.notes) == (row.contact_id, "Devis accepté au téléphone")
