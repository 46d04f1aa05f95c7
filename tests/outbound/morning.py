"""A campaign worked for a morning through the live dialer's lead source (:class:`StoredLeads`).

Tenant by tenant: campaign ``prospection`` (B2B, so no consent needed) with lists ``janvier``
(3 leads) and ``février`` (2), whose calls play :data:`SCRIPT`; the fifth number is on the
opposition list, so the compliance gate refuses it (a ``blocked`` attempt).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.dialer.model import Outcome
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.lists import ListImporter
from callfloor.outbound.opposition import record_objection
from callfloor.server.campaign_store import StoredLeads
from callfloor.storage.models import Disposition
from callfloor.storage.outbound import Campaign
from callfloor.storage.scope import TenantScope

PARIS = ZoneInfo("Europe/Paris")
TUESDAY = datetime(2026, 12, 8, 10, 30, tzinfo=PARIS)  # within décret 2022-1313's hours
CALLER_ID = "+33948000000"
MAP = {"phone": "Tél", "company": "Société"}
JANUARY = "Tél;Société\r\n01 40 00 00 01;Alpha\r\n01 40 00 00 02;Bravo\r\n01 40 00 00 03;Charlie\r\n"
FEBRUARY = "Tél;Société\r\n01 40 00 00 04;Delta\r\n01 40 00 00 05;Echo\r\n"

#: What each number gives: outcome, agent, disposition, seconds from dial to hang-up.
SCRIPT: dict[str, tuple[Outcome, str | None, str | None, float]] = {
    "+33140000001": (Outcome.ANSWERED, "1001", "sale", 200.0),
    "+33140000002": (Outcome.ANSWERED, "1001", "refusal", 100.0),
    "+33140000003": (Outcome.DROPPED, None, None, 12.0),
    "+33140000004": (Outcome.NO_ANSWER, None, None, 30.0),
}
OPPOSED = "+33140000005"  # on the opposition list: refused by the gate, never dialed


def prospection(session: Session, tenant: int) -> Campaign:
    """The tenant's campaign, its dispositions (``sale`` a success) and its two lists."""
    codes = TenantScope(session, tenant).dispositions
    for code, success in (("sale", True), ("refusal", False), ("callback", False)):
        found = codes.by_code(code)
        if found is None:
            session.add(
                Disposition(tenant_id=tenant, code=code, label_fr=code, label_en=code, success=success)
            )
        else:  # a tenant of the test platform has it already
            found.success = success
    campaign = Campaigns(session, tenant).create(
        "prospection", "prospecting", "progressive", caller_id=CALLER_ID, b2b=True,
        dispositions=["sale", "refusal", "callback"],
    )  # fmt: skip
    ListImporter(session, tenant, "prospection").run(
        JANUARY.encode(), "janvier.csv", MAP, list_name="janvier"
    )
    ListImporter(session, tenant, "prospection").run(
        FEBRUARY.encode(), "fevrier.csv", MAP, list_name="février"
    )
    return campaign


def work(sessions: sessionmaker[Session], tenant: int, campaign_id: int) -> None:
    """The dialer's lead source asked for leads until none is left, each call played from SCRIPT."""
    store = StoredLeads(sessions, tenant, campaign_id)
    now = TUESDAY.timestamp()
    while (lead := store.next_lead(now)) is not None:
        outcome, agent, disposition, duration = SCRIPT[lead.number]
        store.dialed(lead, CALLER_ID, now)
        if agent is not None:
            store.connected(lead, agent)
        store.record(lead.id, outcome, now + duration, disposition=disposition)
        now += duration + 60


def worked_morning(sessions: sessionmaker[Session], tenant: int, *, idle: tuple[int, ...] = ()) -> None:
    """``tenant``'s campaign worked for the morning; the ``idle`` tenants' twins not called at all."""
    with sessions.begin() as session:
        campaign_id = prospection(session, tenant).id
        for other in idle:
            prospection(session, other)
        record_objection(session, tenant, OPPOSED, TUESDAY - timedelta(days=3), campaign="ancienne")
    work(sessions, tenant, campaign_id)
