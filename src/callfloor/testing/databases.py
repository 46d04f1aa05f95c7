"""Throw-away migrated databases: an SQLite file, or a fresh PostgreSQL schema."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text

from callfloor.storage.db import make_engine
from callfloor.storage.migrate import upgrade

PG_ENV = "CALLFLOOR_TEST_PG"


def backends() -> list[str]:
    """``sqlite``, plus ``postgresql`` when ``CALLFLOOR_TEST_PG`` is set."""
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@contextmanager
def temporary_database(backend: str, directory: Path, *, migrate: bool = True) -> Iterator[Engine]:
    """A migrated, empty database that is dropped afterwards."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{directory / f'{uuid.uuid4().hex}.db'}")
        try:
            if migrate:
                upgrade(engine)
            yield engine
        finally:
            engine.dispose()
        return
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
        if migrate:
            upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def database_url(engine: Engine) -> str:
    """The URL of ``engine`` with its password, for a subprocess to connect to the same place."""
    return engine.url.render_as_string(hide_password=False)
