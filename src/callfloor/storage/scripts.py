"""Call scripts (argumentaires) and surveys as the center YAML writes them, by name.

Each row keeps its definition as the spec's JSON (pages and objections, or questions), so the
agent desktop, the results and the exports read the very document that was imported; the core
models are rebuilt from it (:func:`callfloor.center.scripts.core_script`). Campaigns and queues
name them, like flows, and a name that no longer exists is reported where it is used.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callfloor.storage.models import Base, TenantOwned
from callfloor.storage.repositories import TenantRepository
from callfloor.storage.types import utcnow


class CallScript(TenantOwned, Base):
    """A script the agent follows during a call: pages, choices, objection answers."""

    __tablename__ = "call_scripts"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Survey(TenantOwned, Base):
    """A survey or poll an agent asks: its questions, conditions and options."""

    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CallScriptRepository(TenantRepository[CallScript]):
    """Scripts, found by name."""

    model = CallScript

    def by_name(self, name: str) -> CallScript | None:
        """The script called ``name``, or None."""
        return self.session.scalars(self.select().where(CallScript.name == name)).one_or_none()


class SurveyRepository(TenantRepository[Survey]):
    """Surveys, found by name."""

    model = Survey

    def by_name(self, name: str) -> Survey | None:
        """The survey called ``name``, or None."""
        return self.session.scalars(self.select().where(Survey.name == name)).one_or_none()
