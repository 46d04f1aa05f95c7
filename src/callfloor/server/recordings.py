"""Where call recordings go on disk, and their rows in the database: the recorder's storage side.

*Layout.* ``<data dir>/recordings/<tenant id>/YYYY/MM/DD/<HHMMSS>_<interaction>[-n].wav``, the
date and time the call's start in UTC. The tenant's id, not its slug, names the folder: a slug
can be renamed, an id cannot. The interaction id is a SIP Call-ID (RFC 3261 §8.1.1.4: any
``word@word``), so it is reduced to letters, digits, ``.``, ``_`` and ``-``; two ids that reduce
alike, or one call recorded once per agent after a transfer, get ``-2``, ``-3``… The name is
claimed by creating the file exclusively, so two recorders never share one, whatever the process.

*Durability.* :meth:`RecordingStore.saved` commits each row in its own transaction as soon as
the file is closed: a crash afterwards cannot lose a finished call's recording.

*Purge.* Rows are deleted after their files, in batches, each batch committed: a crash in
between leaves rows whose file is gone, which the next purge removes (a missing file is not an
error), never a file that no row names.

Errors: :class:`RecordingPathError` (a ``ValueError``) when a stored path would leave the
data dir; the database's own errors pass through.
"""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.schema import RecordingMode
from callfloor.storage.models import Recording
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope

log = logging.getLogger(__name__)

RECORDINGS = "recordings"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NAME_MAX = 80  # characters of the interaction id kept in a file name
_ATTEMPTS = 1000  # recordings of one interaction in one second, far beyond any real call
_PURGE_BATCH = 200


class RecordingPathError(ValueError):
    """A recording's stored path points outside the data dir (a tampered or corrupt row)."""


@dataclass(frozen=True, slots=True)
class RecordingPolicy:
    """How a queue's calls are recorded: both legs side by side or mixed, kept so many days."""

    stereo: bool
    retention_days: int


def safe_name(interaction: str) -> str:
    """A file-name-safe form of an interaction id (never empty, never starting with a dot)."""
    name = _UNSAFE.sub("_", interaction).lstrip(".")[:_NAME_MAX]
    return name or "call"


def recording_file(data_dir: Path, stored: str) -> Path:
    """The absolute file of a stored relative path; :class:`RecordingPathError` if it leaves the data dir."""
    root = data_dir.resolve()
    path = (root / stored).resolve()  # follows symbolic links, so a link out is caught too
    if not path.is_relative_to(root / RECORDINGS):
        raise RecordingPathError(f"recording path {stored!r} is outside {root / RECORDINGS}")
    return path


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: recording times must be aware")
    return moment.astimezone(UTC)


class RecordingStore:
    """The recordings of every tenant: policy per queue, file paths, rows, purge."""

    def __init__(self, sessions: sessionmaker[Session], data_dir: Path) -> None:
        self._sessions = sessions
        self.data_dir = data_dir

    def policy(self, tenant_id: int, queue: str) -> RecordingPolicy | None:
        """How calls of ``queue`` are recorded; None when they are not, or the queue is unknown."""
        with self._sessions() as session:
            found = TenantScope(session, tenant_id).queues.by_name(queue)
            if found is None or found.recording == RecordingMode.OFF:
                return None
            return RecordingPolicy(found.recording == RecordingMode.STEREO, found.recording_retention_days)

    def path_for(self, tenant_id: int, interaction: str, started: datetime) -> Path:
        """A new, empty file for one recording of ``interaction``, claimed for its recorder alone."""
        started = _aware(started)
        folder = self.data_dir / RECORDINGS / str(tenant_id) / started.strftime("%Y/%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{started:%H%M%S}_{safe_name(interaction)}"
        for attempt in range(1, _ATTEMPTS + 1):
            path = folder / (f"{stem}.wav" if attempt == 1 else f"{stem}-{attempt}.wav")
            try:
                path.touch(mode=0o600, exist_ok=False)  # a recording is personal data
            except FileExistsError:
                continue
            return path.resolve()
        raise FileExistsError(f"no free recording file for {stem} in {folder}")

    def saved(
        self,
        tenant_id: int,
        *,
        interaction: str,
        queue: str,
        agent: str | None,
        path: Path,
        started: datetime,
        duration_s: float,
        stereo: bool,
        pauses: list[tuple[float, float]],
        consent: str,
        retention_days: int,
    ) -> int:
        """Record a finished recording in its own committed transaction; its id.

        ``agent`` is the agent's extension; a queue or agent that no longer exists is stored
        as null rather than losing the recording.
        """
        started = _aware(started)
        relative = path.resolve().relative_to(self.data_dir.resolve()).as_posix()
        with self._sessions.begin() as session:
            scope = TenantScope(session, tenant_id)
            found_queue = scope.queues.by_name(queue)
            found_agent = scope.agents.by_extension(agent) if agent is not None else None
            row = scope.recordings.add(
                Recording(
                    interaction_id=interaction,
                    queue_id=found_queue.id if found_queue else None,
                    agent_id=found_agent.id if found_agent else None,
                    path=relative,
                    started_at=started,
                    duration_s=duration_s,
                    stereo=stereo,
                    pauses=[[start, end] for start, end in pauses],
                    consent=consent,
                    retain_until=started + timedelta(days=retention_days),
                )
            )
            return row.id

    def purge(self, now: datetime) -> int:
        """Delete every recording past its retention date, file then row; how many were removed."""
        now, removed = _aware(now), 0
        while True:
            with self._sessions.begin() as session:
                due = Platform(session).expired_recordings(now, limit=_PURGE_BATCH)
                for row in due:
                    self._unlink(row)
                    session.delete(row)
            removed += len(due)
            if len(due) < _PURGE_BATCH:
                return removed

    def _unlink(self, row: Recording) -> None:
        try:
            recording_file(self.data_dir, row.path).unlink(missing_ok=True)
        except RecordingPathError:
            # Never delete outside the data dir; the row goes, whatever it pointed at stays.
            log.warning("recording %s of tenant %s: path %r refused", row.id, row.tenant_id, row.path)
