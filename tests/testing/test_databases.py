"""Throw-away databases made by copy or replay are the migrated schema, and each is its own."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from callfloor.storage.migrate import current_revision, head_revision
from callfloor.storage.schema import metadata
from callfloor.testing.databases import backends, temporary_database


@pytest.mark.parametrize("backend", backends())
def test_every_database_after_the_first_is_the_migrated_schema(backend: str, tmp_path: Path) -> None:
    for _ in range(3):  # the first may migrate with Alembic; the others copy or replay
        with temporary_database(backend, tmp_path) as engine:
            with engine.connect() as connection:
                assert compare_metadata(MigrationContext.configure(connection), metadata) == []
            assert current_revision(engine) == head_revision()
            indexes = {index["name"] for index in inspect(engine).get_indexes("interactions")}
            assert indexes, "the copy keeps the indexes"


@pytest.mark.parametrize("backend", backends())
def test_databases_are_independent(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path) as first, temporary_database(backend, tmp_path) as second:
        with first.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO tenants (slug, name, timezone, locale, country, sip_realm, active,"
                    " created_at) VALUES ('t', 'T', 'UTC', 'fr', 'FR', 't', true, CURRENT_TIMESTAMP)"
                )
            )
        with second.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM tenants")).scalar() == 0


@pytest.mark.parametrize("backend", backends())
def test_an_empty_database_is_empty(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path) as engine:
        pass  # a migrated one made first must not leak into the unmigrated one
    with temporary_database(backend, tmp_path, migrate=False) as engine:
        assert set(inspect(engine).get_table_names()) == set()
