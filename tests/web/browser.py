"""A real browser on a real server: the application served by uvicorn on 127.0.0.1, Debian's Chromium
driven by Playwright (headless, no sandbox, no background networking).

Screenshots go to ``$CALLFLOOR_SCREENSHOTS`` when it is set (``docs/screenshots`` for the
README's pictures), else to the test's temporary directory.
"""

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Page

from tests.backends import ON_SQLITE  # noqa: F401 - the browser modules' mark (see tests.backends)
from tests.channels.smtp import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1366, "height": 768}


@contextmanager
def served(app: FastAPI, timeout_s: float = 10.0) -> Iterator[str]:
    """``app`` served on a free loopback port for the block; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout_s)


def screenshot(page: Page, name: str, fallback: Path) -> Path:
    """The page as ``name``.png, in ``$CALLFLOOR_SCREENSHOTS`` or else ``fallback``."""
    folder = Path(os.environ.get("CALLFLOOR_SCREENSHOTS") or fallback)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path
