"""Two tenants' customer files on one session: the ground the CRM service tests stand on."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.appointments import AppointmentBook, AppointmentInput
from callfloor.crm.calendars import CalendarInput, Calendars
from callfloor.crm.contacts import CustomerFile
from callfloor.crm.lines import LineInput
from callfloor.crm.sales import Sales
from callfloor.crm.ticket_setup import TicketSetup
from callfloor.crm.ticket_status import TicketStatus
from callfloor.crm.tickets import TicketDesk, TicketInput
from callfloor.storage.appointments import Appointment
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import User
from callfloor.storage.platform import Platform
from callfloor.storage.sales import Order, Quote
from callfloor.storage.tickets import Team, Ticket, TicketCategory


@dataclass
class Two:
    """Tenant ``acme`` (France) and tenant ``globex`` (Belgium), and a user of each."""

    session: Session
    acme: CustomerFile
    globex: CustomerFile
    acme_user: User
    globex_user: User


def two_tenants(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Both tenants in one transaction, rolled back when the test is done."""
    with sessions() as session, session.begin():
        platform = Platform(session)
        acme, globex = platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")
        globex.country = "BE"
        users = [
            User(tenant_id=t.id, email=f"rep@{t.slug}.example", name="Rep", role="agent")
            for t in (acme, globex)
        ]
        session.add_all(users)
        session.flush()
        yield Two(session, CustomerFile(session, acme.id), CustomerFile(session, globex.id), *users)
        session.rollback()


@dataclass
class TicketFloor:
    """A tenant's level-1 and level-2 teams and a complaint category whose SLA is 4 h / 16 h of business time."""

    level1: Team
    level2: Team
    category: TicketCategory


CHECKLIST = ["Numéro de commande ?", "Produit déjà retourné ?"]


def ticket_floor(session: Session, tenant_id: int, member_ids: Sequence[int] = ()) -> TicketFloor:
    """Teams « Accueil » (level 1) and « Experts » (level 2) and category « Livraison » (complaints)."""
    setup = TicketSetup(session, tenant_id)
    level1 = setup.save_team(None, "Accueil", 1, member_ids)
    level2 = setup.save_team(None, "Experts", 2, member_ids)
    category = setup.create_category(
        {
            "name": "Livraison",
            "kind": "complaint",
            "first_response_s": 4 * 3600,
            "resolution_s": 16 * 3600,
            "default_team_id": level1.id,
            "checklist": CHECKLIST,
        }
    )
    return TicketFloor(level1, level2, category)


@dataclass
class FullFile:
    """A contact's file with one item of every kind: a call, tickets, a quote, an order, an appointment."""

    call: Interaction
    ticket: Ticket
    closed: Ticket
    quote: Quote
    order: Order
    appointment: Appointment


def full_file(session: Session, tenant_id: int, contact_id: int, at: datetime) -> FullFile:
    """A call at ``at``, then an hour apart: an open and a closed ticket, a quote, an order; an appointment the next day."""
    hour = timedelta(hours=1)
    call = Interaction(
        tenant_id=tenant_id, interaction_id=f"full-{contact_id}", channel="call", direction="inbound",
        number="+33612345678", contact_id=contact_id, started_at=at, ended_at=at + 0.1 * hour, outcome="completed",
    )  # fmt: skip
    session.add(call)
    desk, category = TicketDesk(session, tenant_id), ticket_floor(session, tenant_id).category
    ticket = desk.create(
        TicketInput("Colis abîmé", category.id, contact_id=contact_id), actor=None, now=at + hour
    )
    closed = desk.create(
        TicketInput("Facture", category.id, contact_id=contact_id), actor=None, now=at + hour
    )
    for status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        desk.change_status(closed, status, actor=None, now=at + hour)
    sales, today = Sales(session, tenant_id), at.date()
    line = LineInput(reference="F", label="Libre", unit_price=Decimal("10.00"), vat_rate=Decimal(20))
    quote = sales.create_quote(
        {"contact_id": contact_id, "valid_until": today + timedelta(days=30)}, [line], now=at + 2 * hour
    )
    sold = sales.create_quote(
        {"contact_id": contact_id, "valid_until": today + timedelta(days=30)}, [line], now=at + 2 * hour
    )
    sales.send(sold, today=today, now=at + 2 * hour)
    order = sales.take_order(sold, taken_by=None, today=today, now=at + 3 * hour)
    return FullFile(call, ticket, closed, quote, order, _appointment(session, tenant_id, contact_id, at))


def _appointment(session: Session, tenant_id: int, contact_id: int, at: datetime) -> Appointment:
    """An appointment with a rep the day after ``at``, booked at ``at``."""
    user = User(tenant_id=tenant_id, email=f"rep{contact_id}@{tenant_id}.example", name="Rep", role="agent")
    session.add(user)
    session.flush()
    every_day = {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    calendar = Calendars(session, tenant_id).create(
        CalendarInput(user.id, {"weekly": every_day}, timezone="UTC"), now=at
    )
    start = at + timedelta(days=1)
    given = AppointmentInput(calendar.id, start, start + timedelta(hours=1), "Visite", contact_id=contact_id)
    return AppointmentBook(session, tenant_id).book(given, actor=None, now=at)
