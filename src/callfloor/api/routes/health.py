"""Liveness, for load balancers and the README's first check."""

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from callfloor import __version__
from callfloor.api.deps import DbSession

router = APIRouter(prefix="/api", tags=["health"])


class Health(BaseModel):
    """The process answers and its database too."""

    status: str
    version: str
    database: str


@router.get("/health")
def health(session: DbSession) -> Health:
    """Answers when the process and its database are up."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", version=__version__, database=session.get_bind().dialect.name)
