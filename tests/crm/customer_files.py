"""Two tenants' customer files on one session: the ground the CRM service tests stand on."""

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile
from callfloor.storage.models import User
from callfloor.storage.platform import Platform


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
