"""Tests that run on one storage backend only, and why that is enough for them.

Storage is tested on every backend (SQLite, and PostgreSQL when ``CALLFLOOR_TEST_PG`` is set):
the repositories, the API and the pages, and the live SIP tests whose subject is what a call
writes (records, recordings, campaign attempts, callbacks). A test whose subject is a browser's
page or a SIP and RTP exchange runs on SQLite only: the same signalling on a second database tests
nothing new and costs seconds a test (sipp's and baresip's clocks). A module sets
``pytestmark = ON_SQLITE``; ``tests/conftest.py`` gives its tests that use a database SQLite only.
"""

import pytest

ON_SQLITE = pytest.mark.sqlite_only
