"""Small builders of compliance facts, with French and US defaults that pass every rule."""

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from callfloor.core.compliance.model import CampaignFacts, ConsentFacts, Purpose, Target

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
DAY = timedelta(days=1)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def consent(given: datetime, revoked: datetime | None = None, proof: str = "case cochée v3") -> ConsentFacts:
    return ConsentFacts(given_at=given, source="formulaire acme.fr/offre", proof=proof, revoked_at=revoked)


#: A Paris consumer who consented in 2025, so the consent rule passes after 11 August 2026 too.
CONSUMER = Target(
    number="+33145678901", zone="Europe/Paris", country="FR", consent=consent(paris(2025, 1, 6, 12))
)
PROSPECTING = CampaignFacts(Purpose.PROSPECTING, "FR", caller_id="+33162123456")
US_CONSUMER_NY = Target(number="+12125551234", zone="America/New_York", country="US")
US_CONSUMER_LA = Target(number="+13105551234", zone="America/Los_Angeles", country="US")
US_PROSPECTING = CampaignFacts(Purpose.PROSPECTING, "US", caller_id="+12125550100")


def target(**changes: Any) -> Target:
    return replace(CONSUMER, **changes)


def campaign(**changes: Any) -> CampaignFacts:
    return replace(PROSPECTING, **changes)
