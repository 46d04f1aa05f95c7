"""A queue's recordings over a period: its own, of the period, newest first, in its tenant only."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from callfloor.reports.recordings import queue_recordings
from callfloor.server.recordings import RecordingStore
from callfloor.settings import Settings
from callfloor.storage.scope import TenantScope
from tests.tenants import Platform2, record_call

START, END = datetime(2026, 12, 8, tzinfo=UTC), datetime(2026, 12, 9, tzinfo=UTC)


def test_the_queue_s_recordings_of_the_period_newest_first(
    sessions: sessionmaker[Session], platform: Platform2, settings: Settings
) -> None:
    store = RecordingStore(sessions, settings.data_dir)
    acme, demo = platform.acme.tenant_id, platform.demo.tenant_id
    first, _ = record_call(store, acme, "one@x", queue="support", agent="2001", started=START.replace(hour=9))
    second, _ = record_call(store, acme, "two@x", queue="support", agent=None, started=START.replace(hour=15))
    record_call(store, acme, "vip@x", queue="vip", agent="2001", started=START.replace(hour=10))
    record_call(store, acme, "after@x", queue="support", agent="2001", started=END)
    record_call(store, demo, "demo@x", queue="ventes", agent="1001", started=START.replace(hour=11))
    with sessions() as session:
        support = TenantScope(session, acme).queues.by_name("support")
        assert support is not None
        found = queue_recordings(session, support, START, END)
        assert [r.id for r in found] == [second, first]
        assert [r.agent.extension if r.agent else None for r in found] == [None, "2001"]
        assert [r.id for r in queue_recordings(session, support, START, END, limit=1)] == [second]
