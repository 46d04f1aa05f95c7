"""A person's « ne plus m'appeler » during a call: on the opposition list, every consent withdrawn.

The right to object to canvassing (code de la consommation art. L223-1; RGPD art. 21) is taken
at the word the person says to the agent: the agent's ``do_not_call`` disposition puts the
number on the tenant's do-not-call register (source ``disposition``) and withdraws every
consent in force for it, whatever its purpose (loi 2025-594 art. 13: consent is revocable at
any time and the revocation is recorded). The disposition is always offered, whatever the
campaign's list of codes: nobody may be refused their objection.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from callfloor.outbound.consents import PhoneConsents
from callfloor.outbound.dnc import DncRegister
from callfloor.storage.outbound import DncEntry

#: The disposition codes that record the person's objection.
OBJECTIONS = frozenset({"do_not_call"})


def record_objection(
    session: Session, tenant_id: int, number: str, at: datetime, *, campaign: str, agent: str | None = None
) -> DncEntry:
    """``number`` on the register, its consents withdrawn at ``at``; the register's entry."""
    where = f"campagne {campaign}" + (f", conseiller {agent}" if agent else "")
    entry = DncRegister(session, tenant_id).add(
        number, "disposition", reason=f"ne plus m'appeler / do not call me ({where})", now=at
    )
    consents = PhoneConsents(session, tenant_id)
    for purpose in sorted({row.purpose for row in consents.history(number)}):
        consents.revoke(number, purpose, f"disposition ({where})", at, now=at)
    return entry
