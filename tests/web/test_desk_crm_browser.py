"""The desk's customer file panel in Chromium on the live floor: a known customer calls, and the agent
notes the call, opens a ticket, takes the order of their quote and books them an appointment; once the
call has ended, the panel stays on it and a second note goes to the call's record. The ticket is
escalated to level 2 and a callback scheduled at ten o'clock tomorrow, the tenant's time. Then the database
holds it all, linked to the customer and the call. An unknown caller's file is created from the panel
during the call, which the panel then works for them and whose record is theirs."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.calendars import CalendarInput, Calendars
from callfloor.crm.catalogue import Catalogue
from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.crm.lines import LineInput
from callfloor.crm.sales import Sales
from callfloor.storage.appointments import Appointment
from callfloor.storage.callbacks import ScheduledCallback
from callfloor.storage.contacts import Contact
from callfloor.storage.interactions import Interaction
from callfloor.storage.sales import Order, Quote
from callfloor.storage.scope import TenantScope
from callfloor.storage.tickets import Ticket
from tests.crm.customer_files import ticket_floor
from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor
from tests.tenants import Platform2
from tests.web.browser import ON_SQLITE, screenshot
from tests.web.test_browser_login import log_in

pytestmark = ON_SQLITE

AGENT = "agent1001@demo.example"
PARIS = ZoneInfo("Europe/Paris")  # the demo tenant's zone
EVERY_DAY = {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def known_customer(sessions: sessionmaker[Session], tenant_id: int) -> tuple[int, str]:
    """Marie Curie, whose number the test caller presents, with a sent quote; ticket and calendar setup."""
    now = datetime.now(UTC)
    with sessions.begin() as session:
        marie = CustomerFile(session, tenant_id).create_contact(
            {"first_name": "Marie", "last_name": "Curie"}, phones=[PhoneInput("0612345678")]
        )
        ticket_floor(session, tenant_id)
        fields = {
            "reference": "HS-1",
            "label": "Casque",
            "unit_price": Decimal("49.90"),
            "vat_rate": Decimal(20),
        }
        Catalogue(session, tenant_id).create(fields, now=now)
        sales = Sales(session, tenant_id)
        valid = {"contact_id": marie.id, "valid_until": sales.local_date(now) + timedelta(days=30)}
        quote = sales.create_quote(valid, [LineInput(product="HS-1")], now=now)
        sales.send(quote, today=sales.local_date(now), now=now)
        rep = next(u for u in TenantScope(session, tenant_id).users.list() if u.role == "agent")
        Calendars(session, tenant_id).create(
            CalendarInput(rep.id, {"weekly": EVERY_DAY}, name="Léa Vendeuse"), now=now
        )
        return marie.id, quote.number


def note(panel: Locator, text: str, said: str) -> None:
    """Save a note on the call and see what the page says of it."""
    panel.get_by_label("Note", exact=True).fill(text)
    panel.get_by_role("button", name="Enregistrer la note").click()
    expect(panel.locator("#crm-note-status")).to_have_text(said)


def open_and_escalate_a_ticket(panel: Locator) -> None:
    """A high-priority delivery ticket, escalated to the level-2 team with its checklist answered."""
    ticket = panel.locator("#crm-ticket")
    ticket.get_by_label("Objet").fill("Colis abîmé à la livraison")
    ticket.get_by_label("Catégorie").select_option(label="Livraison")
    ticket.get_by_label("Priorité").select_option("high")
    ticket.get_by_role("button", name="Créer le ticket").click()
    year = datetime.now(PARIS).year
    expect(ticket.locator("#crm-ticket-status")).to_have_text(f"Ticket T-{year}-000001 créé.")
    escalation = panel.locator("#crm-escalate")
    escalation.get_by_label("Numéro de commande ?").fill("C-1")
    escalation.get_by_label("Produit déjà retourné ?").fill("non")
    escalation.get_by_label("Motif").fill("Transporteur à relancer")
    escalation.get_by_role("button", name="Escalader").click()
    expect(escalation.locator("#crm-escalate-status")).to_contain_text("escaladé au niveau 2 (Experts)")


def book_and_call_back(panel: Locator, tomorrow: date) -> None:
    """The rep's first free slot booked; a callback at ten tomorrow, the tenant's time."""
    booking = panel.locator("#crm-appointment")
    booking.get_by_label("Commercial").select_option(label="Léa Vendeuse")
    booking.get_by_role("button", name="Voir les créneaux libres").click()
    expect(booking.locator("#crm-appointment-status")).to_contain_text("Créneaux libres : ")
    booking.get_by_label("Objet").fill("Démonstration du casque")
    booking.get_by_role("button", name="Réserver").click()
    expect(booking.locator("#crm-appointment-status")).to_contain_text("Rendez-vous pris : ")
    callback = panel.locator("#crm-callback")
    callback.get_by_label("Rappeler le").fill(f"{tomorrow.isoformat()}T10:00")
    callback.get_by_label("Motif du rappel").fill("Suivi du colis")
    callback.get_by_role("button", name="Programmer le rappel").click()
    expect(callback.locator("#crm-callback-status")).to_contain_text("Rappel programmé : ")


def test_the_agent_works_the_callers_file_from_the_desk(
    page: Page,
    live_site: str,
    live_sip: LiveSip,
    platform: Platform2,
    floor: Floor,
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    tenant = platform.demo.tenant_id
    marie, quote = known_customer(sessions, tenant)
    log_in(page, live_site, AGENT, platform.secrets[AGENT])
    page.goto(f"{live_site}/desk")
    floor.agent("1001")
    floor.caller(8)
    panel = page.locator("#crm")
    expect(panel.locator("#crm-who")).to_have_text("· Marie Curie · Appel en cours", timeout=15_000)
    note(
        panel,
        "Colis abîmé, client calme",
        "Note gardée avec l'appel : elle est enregistrée sur la fiche de l'appel à sa fin.",
    )
    open_and_escalate_a_ticket(panel)
    panel.get_by_role("button", name=f"Prendre la commande du devis {quote}").click()
    expect(panel.locator("#crm-quote-status")).to_contain_text("Commande C-")
    expect(panel.locator("#crm-quote-list")).to_have_text("Aucun devis à commander.")
    tomorrow = (datetime.now(PARIS) + timedelta(days=1)).date()
    book_and_call_back(panel, tomorrow)

    expect(page.locator("#call-state")).to_have_text("Aucun appel", timeout=15_000)
    expect(panel.locator("#crm-who")).to_have_text("· Marie Curie · Dernier appel")
    note(panel, "Rappeler si le colis n'arrive pas", "Note enregistrée sur l'appel.")
    panel.scroll_into_view_if_needed()
    screenshot(page, "desk-crm", tmp_path)

    live_sip.committed()
    with sessions() as session:
        call = session.scalars(select(Interaction).where(Interaction.tenant_id == tenant)).one()
        assert (call.contact_id, call.agent) == (marie, "1001")
        assert call.notes == "Colis abîmé, client calme\n\nRappeler si le colis n'arrive pas"
        opened = session.scalars(select(Ticket).where(Ticket.tenant_id == tenant)).one()
        assert (opened.contact_id, opened.interaction_id, opened.priority) == (
            marie,
            call.interaction_id,
            "high",
        )
        assert (opened.level, opened.team.name if opened.team else None) == (2, "Experts")
        assert session.scalars(select(Quote.status).where(Quote.number == quote)).one() == "ordered"
        order = session.scalars(select(Order).where(Order.tenant_id == tenant)).one()
        assert order.contact_id == marie and str(order.total_incl_vat) == "59.88"
        visit = session.scalars(select(Appointment).where(Appointment.tenant_id == tenant)).one()
        assert (visit.contact_id, visit.subject, visit.status) == (marie, "Démonstration du casque", "booked")
        later = session.scalars(select(ScheduledCallback).where(ScheduledCallback.tenant_id == tenant)).one()
        assert (later.contact_id, later.note, later.interaction_id) == (
            marie,
            "Suivi du colis",
            call.interaction_id,
        )
        assert later.due_at == datetime.combine(tomorrow, time(10), PARIS)


def test_an_unknown_callers_file_is_created_from_the_desk_and_the_call_is_theirs(
    page: Page,
    live_site: str,
    live_sip: LiveSip,
    platform: Platform2,
    floor: Floor,
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    tenant = platform.demo.tenant_id
    with sessions.begin() as session:
        ticket_floor(session, tenant)
    log_in(page, live_site, AGENT, platform.secrets[AGENT])
    page.goto(f"{live_site}/desk")
    floor.agent("1001")
    floor.caller(6)
    panel = page.locator("#crm")
    expect(panel.locator("#crm-who")).to_have_text("· Appelant inconnu · Appel en cours", timeout=15_000)
    expect(panel.locator("#crm-ticket")).to_be_hidden()
    form = panel.locator("#crm-new-contact")
    expect(form.get_by_label("Téléphone")).to_have_value("+33612345678")  # the caller's number
    form.get_by_label("Civilité").select_option(label="Mme")
    form.get_by_label("Prénom").fill("Jeanne")
    form.get_by_label("Nom", exact=True).fill("Martin")
    form.get_by_label("Société").fill("Atelier Martin")
    form.get_by_label("E-mail").fill("jeanne@atelier-martin.example")
    form.get_by_role("button", name="Créer la fiche").click()
    status = panel.locator("#crm-link-status")
    expect(status).to_have_text("Fiche de Jeanne Martin créée et rattachée à l'appel.")
    expect(panel.locator("#crm-who")).to_have_text("· Jeanne Martin · Appel en cours")
    expect(page.locator("#pop h3")).to_have_text("Jeanne Martin")  # the call's own box follows
    expect(form).to_be_hidden()
    ticket = panel.locator("#crm-ticket")  # the rest of the panel acts for her
    ticket.get_by_label("Objet").fill("Demande de devis")
    ticket.get_by_label("Catégorie").select_option(label="Livraison")
    ticket.get_by_role("button", name="Créer le ticket").click()
    expect(ticket.locator("#crm-ticket-status")).to_contain_text("créé.")
    screenshot(page, "desk-crm-new-contact", tmp_path)

    expect(page.locator("#call-state")).to_have_text("Aucun appel", timeout=15_000)
    live_sip.committed()
    with sessions() as session:
        call = session.scalars(select(Interaction).where(Interaction.tenant_id == tenant)).one()
        jeanne = session.get(Contact, call.contact_id)
        assert jeanne is not None and (jeanne.civility, jeanne.display_name) == ("Mme", "Jeanne Martin")
        assert [p.number for p in jeanne.phones] == ["+33612345678"]
        assert [e.address for e in jeanne.emails] == ["jeanne@atelier-martin.example"]
        assert jeanne.account is not None and jeanne.account.name == "Atelier Martin"
        assert call.account_id == jeanne.account_id
        opened = session.scalars(select(Ticket).where(Ticket.tenant_id == tenant)).one()
        assert (opened.contact_id, opened.interaction_id) == (jeanne.id, call.interaction_id)
