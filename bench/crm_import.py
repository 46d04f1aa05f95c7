"""How long a 10,000-row contacts file takes to import, import again (no change), and export.

    .venv/bin/python bench/crm_import.py [--rows 10000] [--backend sqlite|postgresql]

It runs on a throw-away database: an SQLite file in a temporary directory, or a fresh schema
of the PostgreSQL database ``CALLFLOOR_TEST_PG`` names (dropped afterwards). Each row has a
customer number, civility, names, two phones, an e-mail, an address and tags, written as French
Excel writes them (``;``, Windows-1252).
"""

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from callfloor.crm.exports import export_file
from callfloor.crm.imports import import_file
from callfloor.storage.db import session_factory
from callfloor.storage.platform import Platform
from callfloor.testing.databases import temporary_database

T = TypeVar("T")
HEADER = "N° client;Civilité;Nom;Prénom;Téléphone;Portable;E-mail;Adresse;Code postal;Ville;Étiquettes\r\n"


def contacts_file(rows: int) -> bytes:
    """A French Excel CSV of ``rows`` distinct contacts."""
    lines = []
    for i in range(rows):
        digits = f"{i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}"
        lines.append(
            f"C{i:06d};Mme;Lefèvre{i};Hélène;01 40 {digits};06 12 {digits};h{i}@example.org;"
            f"{i} rue de la Paix;75002;Paris;vip, fidèle\r\n"
        )
    return (HEADER + "".join(lines)).encode("cp1252")


def timed(label: str, rows: int, run: Callable[[], T]) -> T:
    """Run ``run()`` and print how long it took."""
    start = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.2f} s ({rows / elapsed:,.0f} rows/s)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as directory,
        temporary_database(args.backend, Path(directory)) as engine,
    ):
        sessions = session_factory(engine)
        data = contacts_file(args.rows)
        with sessions.begin() as session:
            tenant = Platform(session).create_tenant("bench", "Bench").id
        for label in ("import (all created)", "import again (all unchanged)"):
            with sessions.begin() as session:
                report = timed(label, args.rows, lambda: import_file(session, tenant, "contacts", data))
                print(
                    f"  created {report.created}, unchanged {report.unchanged}, refused {len(report.refused)}"
                )
        with sessions() as session:
            timed("export csv", args.rows, lambda: export_file(session, tenant, "contacts", "csv"))
            timed("export xlsx", args.rows, lambda: export_file(session, tenant, "contacts", "xlsx"))


if __name__ == "__main__":
    main()
