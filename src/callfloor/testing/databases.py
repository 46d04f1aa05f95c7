"""Throw-away migrated databases: an SQLite file, or a fresh PostgreSQL schema.

A suite makes hundreds of them, and running the Alembic migrations for each costs far more than
the tests that use them (loading twenty revision scripts, compiling their DDL). So each process
migrates once per backend and copies the result: an SQLite file is copied as a file; for
PostgreSQL the SQL the migrations sent is recorded once and replayed, as it was, in each new
schema (the schema comes from ``search_path``, never from the statements; a recording that names
its own schema is not reused). The database is the one :func:`upgrade` makes, statement for
statement; ``tests/storage/test_migrations.py`` runs the migrations themselves.
"""

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text

from callfloor.storage.db import make_engine
from callfloor.storage.migrate import head_revision, upgrade

PG_ENV = "CALLFLOOR_TEST_PG"


def backends() -> list[str]:
    """``sqlite``, plus ``postgresql`` when ``CALLFLOOR_TEST_PG`` is set."""
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@dataclass
class _Migrated:
    """What this process keeps of its first migration, per head revision."""

    sqlite: dict[str | None, Path] = field(default_factory=dict)
    postgresql: dict[str | None, list[str] | None] = field(default_factory=dict)


_MIGRATED = _Migrated()


@cache
def _head() -> str | None:
    """The head revision, read once a process (reading the scripts costs as much as a copy)."""
    return head_revision()


@contextmanager
def temporary_database(backend: str, directory: Path, *, migrate: bool = True) -> Iterator[Engine]:
    """A migrated (or, ``migrate=False``, empty) database that is dropped afterwards."""
    if backend == "sqlite":
        path = directory / f"{uuid.uuid4().hex}.db"
        if migrate:
            shutil.copyfile(_sqlite_template(), path)
        engine = make_engine(f"sqlite:///{path}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    with _pg_schema() as (engine, schema):
        if migrate:
            _pg_migrate(engine, schema)
        yield engine


def _sqlite_template() -> Path:
    """A migrated SQLite file of this process, made on first use."""
    head = _head()
    if head not in _MIGRATED.sqlite:
        path = Path(tempfile.mkdtemp(prefix="callfloor-template-")) / "migrated.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        _MIGRATED.sqlite[head] = path
    return _MIGRATED.sqlite[head]


@contextmanager
def _pg_schema() -> Iterator[tuple[Engine, str]]:
    url = os.environ[PG_ENV]
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # The schema travels in the URL, so a subprocess given database_url(engine) lands in it too.
    engine = make_engine(
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    try:
        yield engine, schema
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _pg_migrate(engine: Engine, schema: str) -> None:
    """Migrate ``engine``'s schema: the first time with Alembic, recording; then by replay."""
    head = _head()
    if head not in _MIGRATED.postgresql:
        _MIGRATED.postgresql[head] = _recorded_upgrade(engine, schema)
        return
    recording = _MIGRATED.postgresql[head]
    if recording is None:
        upgrade(engine)
        return
    with engine.begin() as connection:
        connection.exec_driver_sql(";\n".join(recording))


def _recorded_upgrade(engine: Engine, schema: str) -> list[str] | None:
    """:func:`upgrade`, and the statements it sent that wrote, in order; None when they cannot be
    replayed in another schema (one named its schema, or took parameters)."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        upgrade(engine)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    writes = [(statement, parameters) for statement, parameters in sent if not _reads(statement)]
    if any(parameters or schema in statement for statement, parameters in writes):
        return None
    return [statement for statement, _ in writes]


def _reads(statement: str) -> bool:
    """Alembic's look at the catalogue: nothing to replay."""
    return statement.lstrip().upper().startswith("SELECT")


def database_url(engine: Engine) -> str:
    """The URL of ``engine`` with its password, for a subprocess to connect to the same place."""
    return engine.url.render_as_string(hide_password=False)
