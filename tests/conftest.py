"""Fixtures shared by the whole suite: databases on every backend, settings, the API."""

from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callfloor.api.app import create_app
from callfloor.center.demo import seed_demo
from callfloor.center.transfer import ImportReport
from callfloor.settings import Settings
from callfloor.storage.db import session_factory
from callfloor.storage.passwords import Passwords
from callfloor.testing.databases import backends, temporary_database

pytest_plugins = ["tests.tenants"]

# The machines that run the suite are shared and noisy: a property test's speed is no verdict
# (benchmarks measure speed), so neither the per-example deadline nor the slow-generation
# health check may fail a run. The examples and their number stay as each test sets them.
hypothesis.settings.register_profile(
    "callfloor", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
hypothesis.settings.load_profile("callfloor")

CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8, "argon2_parallelism": 1}


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked ``sqlite_only`` (:data:`tests.backends.ON_SQLITE`) gets SQLite only."""
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("sqlite_only"):
        # As a mark, so that the fixture's own parameters give way to it (pytest's rule).
        metafunc.definition.add_marker(pytest.mark.parametrize("engine", ["sqlite"], indirect=True))


@pytest.fixture(params=backends())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each backend under test."""
    with temporary_database(request.param, tmp_path) as engine:
        yield engine


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions on the test database."""
    return session_factory(engine)


@pytest.fixture
def passwords() -> Passwords:
    """argon2id with the cheapest parameters (tests only)."""
    return Passwords(time_cost=1, memory_kib=8, parallelism=1)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with cheap hashing, a private data dir and a fixed secret."""
    return Settings(
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-not-for-production",  # type: ignore[arg-type]
        cookie_secure=False,
        **CHEAP_ARGON2,  # type: ignore[arg-type]
    )


@pytest.fixture
def demo(sessions: sessionmaker[Session], passwords: Passwords) -> ImportReport:
    """The demo tenant, seeded; its report holds the generated passwords."""
    with sessions.begin() as session:
        return seed_demo(session, passwords)


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """An HTTP client on the application, bound to the test database."""
    with TestClient(create_app(settings, engine), base_url="http://testserver") as test_client:
        yield test_client
