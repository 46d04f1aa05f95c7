"""Fixtures of the SIP tests: the phones of a call, stopped at the end."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor


@pytest.fixture
def floor(live_sip: LiveSip, tmp_path: Path) -> Iterator[Floor]:
    phones = Floor(live_sip, tmp_path)
    try:
        yield phones
    finally:
        phones.stop()
