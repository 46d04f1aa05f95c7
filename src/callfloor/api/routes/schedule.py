"""The tenant's business hours: what ticket SLAs are counted in. Admins write, ticket workers read.

The body is the plain data ``core.schedule.parse_schedule`` reads (time zone, country and
subdivision for public holidays, weekly hours, closures, special days); data that makes no
schedule answers 422 ``invalid_schedule`` naming the field (``weekly.mon[1]``, ``timezone``).
A tenant that never set its hours gets Monday to Friday 09:00-18:00 in its time zone, closed on
its country's public holidays, and ``GET`` says ``default: true``. New hours apply to tickets
created afterwards; open tickets keep their due times.
"""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError
from callfloor.api.routes.tickets import Worker
from callfloor.core.roles import CONFIGURE
from callfloor.core.schedule import ScheduleError
from callfloor.core.schedule.config import schedule_data
from callfloor.crm.sla import schedule_of, store_schedule
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope
from callfloor.storage.types import utcnow

router = APIRouter(prefix="/api/schedule", tags=["tickets"])
Admin = Annotated[Caller, Depends(require(CONFIGURE))]
Intervals = Annotated[list[Annotated[str, Field(max_length=20)]], Field(max_length=24)]


class ScheduleIn(BaseModel):
    """Business hours: ``weekly`` maps ``mon``…``sun`` to intervals such as ``"09:00-12:30"``."""

    model_config = ConfigDict(extra="forbid")

    timezone: Annotated[str, Field(max_length=64, description="An IANA zone, e.g. Europe/Paris.")]
    country: Annotated[str, Field(max_length=2)] | None = None
    subdivision: Annotated[str, Field(max_length=40)] | None = None
    holidays_close: bool = True
    weekly: Annotated[dict[str, Intervals], Field(max_length=7)] = {}
    closures: Annotated[list[date], Field(max_length=1000)] = []
    special: Annotated[dict[str, Intervals], Field(max_length=1000)] = {}


class ScheduleOut(ScheduleIn):
    default: bool = Field(description="True when the tenant never set its hours.")


def _out(scope: TenantScope) -> ScheduleOut:
    data: dict[str, Any] = schedule_data(schedule_of(scope))
    return ScheduleOut.model_validate(data | {"default": scope.schedule.data() is None})


@router.get("")
def get_schedule(caller: Worker) -> ScheduleOut:
    """The tenant's business hours."""
    return _out(TenantScope(caller.session, caller.tenant_id))


@router.put("")
def put_schedule(caller: Admin, body: ScheduleIn) -> ScheduleOut:
    """Set the tenant's business hours."""
    scope = TenantScope(caller.session, caller.tenant_id)
    data = body.model_dump(exclude_none=True)
    data["closures"] = [d.isoformat() for d in body.closures]
    try:
        stored = store_schedule(scope, data, utcnow())
    except ScheduleError as exc:
        raise ApiError(
            422, "invalid_schedule", f"Horaires refusés : {exc}", f"Schedule refused: {exc}"
        ) from exc
    audit(caller.session, "schedule.update", tenant_id=caller.tenant_id, actor=caller.user, details=stored)
    return _out(scope)
