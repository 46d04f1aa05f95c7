"""Helpers to test callfloor, and flows built on it, against real databases.

``CALLFLOOR_TEST_PG`` (a PostgreSQL URL) adds PostgreSQL to the backends every storage test
runs on; each test gets its own schema there, so tests run in parallel in one database.
"""
