"""The recordings of a queue over a period, for its report, and who may hear a tenant's recordings.

Supervisors and admins listen (quality review, disputes); so do the client's viewers of a tenant
that lets them see personal data (``client_viewer_personal_data``): a recording holds the
caller's voice and words, as the customer file holds their details.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from sqlalchemy.orm import Session, selectinload

from callfloor.core.roles import OBSERVE, Role
from callfloor.storage.models import Queue, Recording, Tenant
from callfloor.storage.repositories import RecordingRepository

#: Recordings a report lists at most (the newest).
LIMIT: Final = 100


def queue_recordings(
    session: Session, queue: Queue, start: datetime, end: datetime, limit: int = LIMIT
) -> Sequence[Recording]:
    """The recordings of ``queue`` (in its tenant) started in ``[start, end)``, newest first."""
    query = (
        RecordingRepository(session, queue.tenant_id)
        .select()
        .options(selectinload(Recording.agent))
        .where(Recording.queue_id == queue.id, Recording.started_at >= start, Recording.started_at < end)
        .order_by(Recording.started_at.desc(), Recording.id.desc())
        .limit(limit)
    )
    return session.scalars(query).all()


def may_listen(session: Session, tenant_id: int, role: Role) -> bool:
    """Whether ``role`` hears the recordings of the tenant."""
    if role in OBSERVE:
        return True
    tenant = session.get(Tenant, tenant_id)
    return role is Role.CLIENT_VIEWER and tenant is not None and tenant.client_viewer_personal_data
