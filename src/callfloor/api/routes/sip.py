"""What the SIP side of this process shows the platform's operators: banned addresses."""

import time
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel

from callfloor.api.deps import CurrentUser
from callfloor.api.errors import forbidden
from callfloor.core.roles import Role

router = APIRouter(prefix="/api/sip", tags=["sip"])


class Ban(BaseModel):
    """An address whose SIP messages are ignored for now."""

    address: str
    until: datetime


@router.get("/bans")
def bans(request: Request, user: CurrentUser) -> list[Ban]:
    """Addresses banned for failed authentications or floods (platform operators only)."""
    if user.role != Role.SUPERADMIN:
        raise forbidden()
    endpoint = getattr(request.app.state, "sip", None)
    if endpoint is None:
        return []
    now, wall = endpoint.clock(), time.time()
    return [
        Ban(address=address, until=datetime.fromtimestamp(wall + until - now, UTC))
        for address, until in sorted(endpoint.bans(now).items())
    ]
