"""Fixtures of the browser tests: Chromium once per worker, the application served per test."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from sqlalchemy import Engine

from callfloor.api.app import create_app
from callfloor.settings import Settings
from tests.server.conftest import LiveSip, live_sip  # noqa: F401 - fixtures used by name
from tests.server.sip.conftest import floor  # noqa: F401
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, served


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def site(settings: Settings, engine: Engine) -> Iterator[str]:
    """The base URL of the application on the test database, served by uvicorn."""
    with served(create_app(settings, engine)) as url:
        yield url


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at 1366×768, in French like a French browser."""
    context = chromium.new_context(viewport=VIEWPORT, locale="fr-FR")  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def live_site(settings: Settings, engine: Engine, live_sip: LiveSip) -> Iterator[str]:  # noqa: F811
    """The application bound to the live SIP server (``floor`` gives it phones), served by uvicorn."""
    app = create_app(settings, engine)
    app.state.sip = live_sip.endpoint
    with served(app) as url:
        yield url
