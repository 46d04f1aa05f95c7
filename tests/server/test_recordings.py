"""The recordings' storage side: queue policy, file names, committed rows, and the purge."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.transfer import import_center
from callfloor.server.recordings import RecordingPolicy, RecordingStore, safe_name
from callfloor.storage.models import Recording
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from callfloor.yamlfile import parse_yaml
from tests.tenants import write_wav

CENTER = """
queues:
  - {name: quality, recording: stereo, recording_retention_days: 30}
  - {name: sales, recording: mono}
  - {name: quiet}
agents: [{extension: "2001", name: Zoé, email: zoe@{slug}.example}]
"""
STARTED = datetime(2026, 3, 14, 9, 30, 5, tzinfo=UTC)


@pytest.fixture
def tenants(sessions: sessionmaker[Session], passwords: Passwords) -> dict[str, int]:
    """Tenants ``acme`` and ``globex``, with the same queues; their ids."""
    ids = {}
    for slug in ("acme", "globex"):
        with sessions.begin() as session:
            import_center(session, slug, parse_yaml(CENTER.replace("{slug}", slug), "c.yaml"), passwords)
            tenant = Platform(session).tenant_by_slug(slug)
            assert tenant is not None
            ids[slug] = tenant.id
    return ids


@pytest.fixture
def store(sessions: sessionmaker[Session], tmp_path: Path) -> RecordingStore:
    return RecordingStore(sessions, tmp_path / "data")


def _save(
    store: RecordingStore,
    tenant_id: int,
    interaction: str,
    *,
    started: datetime = STARTED,
    days: int = 30,
    agent: str | None = "2001",
) -> tuple[int, Path]:
    path = store.path_for(tenant_id, interaction, started)
    write_wav(path, 0.2, stereo=True)
    recording_id = store.saved(
        tenant_id,
        interaction=interaction,
        queue="quality",
        agent=agent,
        path=path,
        started=started,
        duration_s=0.2,
        stereo=True,
        pauses=[(0.05, 0.1)],
        consent="informed",
        retention_days=days,
    )
    return recording_id, path


def test_policy_follows_the_queue(
    sessions: sessionmaker[Session], store: RecordingStore, tenants: dict[str, int]
) -> None:
    acme = tenants["acme"]
    assert store.policy(acme, "quality") == RecordingPolicy(stereo=True, retention_days=30)
    assert store.policy(acme, "sales") == RecordingPolicy(stereo=False, retention_days=90)
    assert store.policy(acme, "quiet") is None
    assert store.policy(acme, "nowhere") is None
    with sessions.begin() as session:
        queue = TenantScope(session, tenants["globex"]).queues.by_name("quality")
        assert queue is not None
        queue.recording = "off"
    assert store.policy(tenants["globex"], "quality") is None
    assert store.policy(acme, "quality") is not None  # the other tenant's queue is its own


def test_path_for_is_dated_sanitized_and_unique(store: RecordingStore, tenants: dict[str, int]) -> None:
    acme = tenants["acme"]
    call_id = "a84b4c76e66710@pc33.atlanta.example.com"
    paths = [store.path_for(acme, call_id, STARTED) for _ in range(3)]
    folder = (store.data_dir / "recordings" / str(acme) / "2026" / "03" / "14").resolve()
    assert [p.parent for p in paths] == [folder] * 3
    assert [p.name for p in paths] == [
        "093005_a84b4c76e66710_pc33.atlanta.example.com.wav",
        "093005_a84b4c76e66710_pc33.atlanta.example.com-2.wav",
        "093005_a84b4c76e66710_pc33.atlanta.example.com-3.wav",
    ]
    assert all(p.exists() and p.stat().st_size == 0 for p in paths)  # claimed, for the recorder
    # Ids that reduce to the same name still get files of their own.
    assert store.path_for(acme, "x@y", STARTED) != store.path_for(acme, "x_y", STARTED)


@pytest.mark.parametrize(
    "interaction", ["../../etc/passwd", "..", "/abs@host", "a\\b:c*?<>|\x00", "é" * 300, ""]
)
def test_path_for_never_leaves_the_day_folder(
    store: RecordingStore, tenants: dict[str, int], interaction: str
) -> None:
    path = store.path_for(tenants["acme"], interaction, STARTED)
    assert path.parent == (store.data_dir / "recordings" / str(tenants["acme"]) / "2026/03/14").resolve()
    assert not path.name.startswith(".")
    assert len(path.name) < 120
    assert set(safe_name(interaction)) <= set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
    )


def test_path_for_dates_in_utc(store: RecordingStore, tenants: dict[str, int]) -> None:
    paris = datetime(2026, 3, 15, 0, 30, tzinfo=timezone(timedelta(hours=1)))  # 23:30 UTC the day before
    path = store.path_for(tenants["acme"], "c", paris)
    assert path.parent.parts[-3:] == ("2026", "03", "14")
    assert path.name.startswith("233000_")
    with pytest.raises(ValueError, match="naive"):
        store.path_for(tenants["acme"], "c", datetime(2026, 3, 14))


def test_saved_is_committed_and_listed_newest_first(
    sessions: sessionmaker[Session], store: RecordingStore, tenants: dict[str, int]
) -> None:
    acme = tenants["acme"]
    first, path = _save(store, acme, "call-1@host")
    second, _ = _save(store, acme, "call-1@host", started=STARTED + timedelta(minutes=3))  # after a transfer
    other, _ = _save(store, acme, "call-2@host", started=STARTED + timedelta(minutes=1), agent="9999")
    _save(store, tenants["globex"], "call-1@host")
    with sessions() as session:
        scope = TenantScope(session, acme)
        assert [r.id for r in scope.recordings.list()] == [second, other, first]
        assert [r.id for r in scope.recordings.list(interaction_id="call-1@host")] == [second, first]
        assert [r.id for r in scope.recordings.list(limit=1)] == [second]
        row = scope.recordings.get(first)
        assert row is not None
        assert row.path == path.relative_to(store.data_dir.resolve()).as_posix()
        assert not Path(row.path).is_absolute()
        assert (row.queue.name if row.queue else None, row.agent.extension if row.agent else None) == (
            "quality",
            "2001",
        )
        assert (row.started_at, row.duration_s, row.stereo) == (STARTED, 0.2, True)
        assert (row.pauses, row.consent) == ([[0.05, 0.1]], "informed")
        assert row.retain_until == STARTED + timedelta(days=30)
        unknown_agent = scope.recordings.get(other)
        assert unknown_agent is not None
        assert unknown_agent.agent_id is None  # an unknown extension does not lose the recording
        assert TenantScope(session, tenants["globex"]).recordings.get(first) is None


def test_purge_removes_expired_rows_and_files(
    sessions: sessionmaker[Session], store: RecordingStore, tenants: dict[str, int]
) -> None:
    _, old_path = _save(store, tenants["acme"], "old@host", days=1)
    _, gone_path = _save(store, tenants["globex"], "gone@host", days=2)
    kept, kept_path = _save(store, tenants["acme"], "kept@host", days=30)
    gone_path.unlink()  # lost before the purge: not an error
    assert store.purge(STARTED + timedelta(hours=23)) == 0
    assert store.purge(STARTED + timedelta(days=3)) == 2
    assert not old_path.exists()
    assert kept_path.exists()
    with sessions() as session:
        assert session.scalars(select(Recording.id)).all() == [kept]
    assert store.purge(STARTED + timedelta(days=3)) == 0


def test_purge_never_deletes_outside_the_data_dir(
    sessions: sessionmaker[Session], store: RecordingStore, tenants: dict[str, int], tmp_path: Path
) -> None:
    recording_id, _ = _save(store, tenants["acme"], "x@host", days=1)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    with sessions.begin() as session:
        row = session.get(Recording, recording_id)
        assert row is not None
        row.path = "../precious.txt"
    assert store.purge(STARTED + timedelta(days=2)) == 1
    assert outside.read_text() == "keep me"


def test_purge_works_in_batches(
    sessions: sessionmaker[Session], store: RecordingStore, tenants: dict[str, int]
) -> None:
    with sessions.begin() as session:
        scope = TenantScope(session, tenants["acme"])
        for i in range(450):
            scope.recordings.add(
                Recording(
                    interaction_id=f"bulk-{i}",
                    path=f"recordings/bulk-{i}.wav",  # no file: the purge does not mind
                    started_at=STARTED,
                    duration_s=1.0,
                    stereo=False,
                    pauses=[],
                    consent="informed",
                    retain_until=STARTED,
                )
            )
    assert store.purge(STARTED) == 450
    with sessions() as session:
        assert TenantScope(session, tenants["acme"]).recordings.list() == []
