"""Two tenants' customer files on one session: the ground the CRM service tests stand on."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile
from callfloor.crm.ticket_setup import TicketSetup
from callfloor.storage.models import User
from callfloor.storage.platform import Platform
from callfloor.storage.tickets import Team, TicketCategory


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
