"""Campaigns by name: create one with checked settings, find one, list a tenant's.

The center YAML and its API will write campaigns through :meth:`Campaigns.create`; imports
find theirs with :meth:`Campaigns.require`. Settings the database would refuse with a bare
CHECK failure are refused here first, in French and English.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.outbound import CampaignError, DuplicateCampaignError, UnknownCampaignError
from callfloor.storage.models import Queue
from callfloor.storage.outbound import CAMPAIGN_TYPES, COUNTRY_PROFILES, DIALING_MODES, Campaign, ContactList
from callfloor.storage.repositories import QueueRepository, TenantRepository

MAX_NAME = 64
#: Settings :meth:`Campaigns.create` accepts besides name, type and mode.
SETTINGS = frozenset({
    "caller_id", "script", "survey", "country", "b2b", "existing_customers_only", "target_drop_rate",
    "power_ratio", "amd", "machine_message", "retry_rules", "schedule", "active", "dispositions",
})  # fmt: skip


class CampaignRepository(TenantRepository[Campaign]):
    """Campaigns, found by name."""

    model = Campaign

    def by_name(self, name: str) -> Campaign | None:
        """The campaign called ``name``, or None."""
        return self.session.scalars(self.select().where(Campaign.name == name)).one_or_none()

    def ordered(self) -> Sequence[Campaign]:
        """The tenant's campaigns by name."""
        return self.session.scalars(self.select().order_by(Campaign.name)).all()


class Campaigns:
    """One tenant's campaigns."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.repository = CampaignRepository(session, tenant_id)

    def get(self, name: str) -> Campaign | None:
        """The campaign called ``name``, or None."""
        return self.repository.by_name(name)

    def require(self, name: str) -> Campaign:
        """The campaign called ``name``; :class:`UnknownCampaignError` otherwise."""
        found = self.repository.by_name(name)
        if found is None:
            raise UnknownCampaignError(name)
        return found

    def lists(self, campaign: Campaign) -> Sequence[ContactList]:
        """The campaign's contact lists, by name."""
        query = select(ContactList).where(
            ContactList.tenant_id == self.tenant_id, ContactList.campaign_id == campaign.id
        )
        return self.session.scalars(query.order_by(ContactList.name)).all()

    def create(
        self, name: str, type_: str, mode: str = "preview", *, queue: str | None = None, **settings: Any
    ) -> Campaign:
        """A new campaign; ``queue`` is a queue's name, ``settings`` the columns of :class:`Campaign`."""
        _check(name, type_, mode, settings)
        if self.repository.by_name(name.strip()) is not None:
            raise DuplicateCampaignError(f"campaign {name!r} exists", f"la campagne {name!r} existe déjà")
        campaign = Campaign(name=name.strip(), type=type_, mode=mode, queue_id=self._queue(queue), **settings)
        return self.repository.add(campaign)

    def _queue(self, name: str | None) -> int | None:
        if name is None:
            return None
        found: Queue | None = QueueRepository(self.session, self.tenant_id).by_name(name)
        if found is None:
            raise CampaignError(f"unknown queue {name!r}", f"file d'attente inconnue {name!r}")
        return found.id


def _check(name: str, type_: str, mode: str, settings: dict[str, Any]) -> None:
    if not name.strip() or len(name.strip()) > MAX_NAME:
        raise CampaignError(f"a name of 1 to {MAX_NAME} characters", f"un nom de 1 à {MAX_NAME} caractères")
    _choice("type", type_, CAMPAIGN_TYPES)
    _choice("mode", mode, DIALING_MODES)
    _choice("country", settings.get("country", "FR"), COUNTRY_PROFILES)
    unknown = sorted(set(settings) - SETTINGS)
    if unknown:
        raise CampaignError(f"unknown settings {unknown}", f"réglages inconnus {unknown}")
    rate = settings.get("target_drop_rate", 0.03)
    if not 0 <= rate <= 1:
        raise CampaignError("target_drop_rate: between 0 and 1", "target_drop_rate : entre 0 et 1")
    if settings.get("power_ratio", 1.0) < 1:
        raise CampaignError("power_ratio: at least 1", "power_ratio : au moins 1")


def _choice(field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        choices = ", ".join(allowed)
        raise CampaignError(f"{field}: one of {choices}", f"{field} : parmi {choices}")
