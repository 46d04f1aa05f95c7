"""The ``callfloor`` command, run as a user runs it: in a subprocess, on a real database."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor import __version__
from callfloor.server.recordings import RecordingStore
from callfloor.storage.db import make_engine
from callfloor.storage.migrate import current_revision, downgrade, head_revision
from callfloor.storage.models import Recording
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.testing.databases import database_url
from tests.tenants import record_call

HEAD = head_revision()  # the latest migration


@pytest.fixture
def env(engine: Engine, tmp_path: Path) -> dict[str, str]:
    """The environment of a callfloor process on the test database, with a free HTTP port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {
        **os.environ,
        "CALLFLOOR_DATA_DIR": str(tmp_path / "data"),
        "CALLFLOOR_DATABASE_URL": database_url(engine),
        "CALLFLOOR_HTTP_PORT": str(port),
        "CALLFLOOR_SIP_PORT": "0",  # any free port: tests run side by side
        "CALLFLOOR_ARGON2_TIME_COST": "1",
        "CALLFLOOR_ARGON2_MEMORY_KIB": "8",
        "CALLFLOOR_ARGON2_PARALLELISM": "1",
        "COLUMNS": "200",
    }


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``callfloor ARGS`` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "callfloor", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, str]]:
    """``callfloor up`` running; yields its base URL and what it printed before serving."""
    log = tmp_path / "up.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "callfloor", "up"], env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{env['CALLFLOOR_HTTP_PORT']}"
    try:
        deadline = time.monotonic() + 90  # migrating and seeding a fresh database on a loaded CI machine
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail(f"callfloor up did not answer: {log.read_text()}")
        yield base, log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=15)


def _printed_password(output: str, login: str) -> str:
    row = next(line for line in output.splitlines() if f" {login} " in line)
    return [cell.strip() for cell in row.split("│") if cell.strip()][-1]


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "callfloor", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == f"callfloor {__version__}"


def test_up_serves_demo_and_export_edit_import_shows_through_api(
    env: dict[str, str], server: tuple[str, str], tmp_path: Path
) -> None:
    base, printed = server
    assert "http://127.0.0.1" in printed
    assert "/api/health" in printed
    password = _printed_password(printed, "admin@demo.example")
    assert _printed_password(printed, "1001")  # the agents' SIP passwords are printed too
    assert "+33800100100 (IVR flow accueil), 3900 (queue accueil)" in printed  # what to dial
    token = httpx.post(
        f"{base}/api/auth/login", json={"email": "admin@demo.example", "password": password}, timeout=10
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    me = httpx.get(f"{base}/api/me", headers=headers, timeout=10).json()
    assert me["tenant"]["name"] == "Démo"
    assert me["role"] == "admin"

    exported = tmp_path / "demo.yaml"
    assert cli(env, "export", "--tenant", "demo", "-o", str(exported)).returncode == 0
    text = exported.read_text(encoding="utf-8")
    edited = text.replace(
        "- name: ventes\n  strategy: longest_idle", "- name: ventes\n  strategy: ring_all", 1
    )
    assert edited != text
    exported.write_text(edited + "", encoding="utf-8")
    result = cli(env, "import", str(exported), "--tenant", "demo")
    assert result.returncode == 0, result.stderr
    assert "queue: 0 created, 4 updated" in result.stdout
    queues = httpx.get(f"{base}/api/queues", headers=headers, timeout=10).json()
    assert {q["name"]: q["strategy"] for q in queues}["ventes"] == "ring_all"


def test_import_of_a_bad_file_says_where_and_changes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("skills:\n  - {name: fr}\n", encoding="utf-8")
    assert cli(env, "import", str(good), "--tenant", "acme").returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills:\n  - {name: en}\nqueues:\n  - name: q\n    skills: {de: 3}\n", encoding="utf-8")
    result = cli(env, "import", str(bad), "--tenant", "acme")
    assert result.returncode == 1
    assert f"{bad}:5: queues.0.skills.de: unknown skill 'de'" in result.stderr.replace("\n", "")
    assert "skills:\n- name: fr\n" in cli(env, "export", "--tenant", "acme").stdout
    assert "name: en" not in cli(env, "export", "--tenant", "acme").stdout
    missing = cli(env, "export", "--tenant", "nobody")
    assert missing.returncode == 1
    assert "unknown tenant" in missing.stderr


def test_user_add(env: dict[str, str], sessions: sessionmaker[Session]) -> None:
    assert cli(env, "migrate").returncode == 0
    root = cli(env, "user", "add", "ops@example.org", "--role", "superadmin", "--password", "a-long-secret")
    assert root.returncode == 0, root.stderr
    (Path(env["CALLFLOOR_DATA_DIR"]) / "c.yaml").write_text("skills: []\n", encoding="utf-8")
    cli(env, "import", str(Path(env["CALLFLOOR_DATA_DIR"]) / "c.yaml"), "--tenant", "acme")
    prompted = cli(
        env,
        "user",
        "add",
        "sup@acme.example",
        "--role",
        "supervisor",
        "--tenant",
        "acme",
        stdin="another-secret\nanother-secret\n",
    )
    assert prompted.returncode == 0, prompted.stderr
    assert cli(env, "user", "add", "x@acme.example", "--role", "admin").returncode == 1  # no tenant
    assert (
        cli(env, "user", "add", "y@acme.example", "--tenant", "acme", "--password", "short").returncode == 1
    )
    cheap = Passwords(1, 8, 1)
    with sessions() as session:
        platform = Platform(session)
        ops, sup = platform.user_by_email("ops@example.org"), platform.user_by_email("sup@acme.example")
        assert ops is not None
        assert ops.role == "superadmin"
        assert ops.tenant_id is None
        assert cheap.verify(ops.password_hash, "a-long-secret")
        assert sup is not None
        assert sup.role == "supervisor"
        assert cheap.verify(sup.password_hash, "another-secret")
        assert platform.user_by_email("y@acme.example") is None


def test_migrate_brings_a_database_at_0003_and_a_fresh_one_to_the_latest(
    env: dict[str, str], engine: Engine, tmp_path: Path
) -> None:
    downgrade(engine, "0003")
    result = cli(env, "migrate")
    assert result.returncode == 0, result.stderr
    assert current_revision(engine) == HEAD
    fresh = {**env, "CALLFLOOR_DATA_DIR": str(tmp_path / "fresh")}
    del fresh["CALLFLOOR_DATABASE_URL"]  # the default: an SQLite file in the data dir
    assert cli(fresh, "migrate").returncode == 0
    sqlite = make_engine(f"sqlite:///{tmp_path / 'fresh' / 'callfloor.db'}")
    try:
        assert current_revision(sqlite) == HEAD
    finally:
        sqlite.dispose()


def test_recordings_purge(env: dict[str, str], sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        tenant_id = Platform(session).create_tenant("acme", "Acme").id
    store = RecordingStore(sessions, Path(env["CALLFLOOR_DATA_DIR"]))
    started = datetime.now(UTC) - timedelta(days=2)
    files = [
        record_call(
            store, tenant_id, "call@host", queue="q", agent=None, started=started, retention_days=days
        )[1]
        for days in (1, 30)
    ]
    result = cli(env, "recordings", "purge")
    assert result.returncode == 0, result.stderr
    assert "1 recording(s) removed." in result.stdout
    assert [p.exists() for p in files] == [False, True]
    with sessions() as session:
        assert len(session.scalars(select(Recording)).all()) == 1
    assert "0 recording(s) removed." in cli(env, "recordings", "purge").stdout
