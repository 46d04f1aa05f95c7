"""How fast a campaign's contact list imports: 100,000 rows, against two references in the same run.

    .venv/bin/python bench/list_import.py [--rows 100000] [--seed 8] [--crm-rows 5000]

The file is generated (seeded) as French Excel writes it (``;``, Windows-1252): names, a French
number (mobile or landline, a few overseas), a postal code, a quote number, amount and date;
about 1 % of the rows are bad (an impossible number, a bad date, a bad amount) and about 2 %
repeat an earlier row's number (to be merged). It is imported into a throw-away SQLite database,
and into a fresh PostgreSQL schema too when ``CALLFLOOR_TEST_PG`` names a database, then
imported again (everything unchanged).

References, timed in the same process on the same machine, printed as ratios:

- ``phonenumbers`` alone: parsing, validating and formatting each row's number, which every
  import must do at the least;
- the CRM's contact import (:mod:`callfloor.crm.imports`, one service call per row) of
  ``--crm-rows`` rows of ``bench/crm_import.py``'s file, per row.
"""

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import phonenumbers

from callfloor.crm.imports import import_file
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.lists import ListImporter
from callfloor.storage.db import session_factory
from callfloor.storage.platform import Platform
from callfloor.testing.databases import PG_ENV, temporary_database

T = TypeVar("T")
HEADER = "Nom;Prénom;Téléphone;Code postal;N° devis;Montant devis;Date devis;Priorité\r\n"
NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Lefèvre", "Hélène")
POSTCODES = ("75002", "69003", "13001", "67000", "33000", "97110", "44000", "59000")


def number(rng: random.Random, i: int) -> str:
    """A distinct French number per ``i``: mostly mobiles, some landlines, a few overseas."""
    pick = rng.random()
    if pick < 0.02:
        return f"0690 {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}"
    prefix = "06" if pick < 0.7 else "01 4"
    digits = f"{i:08d}" if prefix == "06" else f"{i:07d}"
    return f"{prefix}{digits}"


def row(rng: random.Random, i: int, phone: str) -> str:
    """One good row."""
    name = rng.choice(NAMES)
    amount = f"{rng.randint(100, 99999)},{rng.randint(0, 99):02d}"
    sent = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026"
    quote = f"D-{i:06d};{amount};{sent}"
    return f"{name};Prénom{i};{phone};{rng.choice(POSTCODES)};{quote};{rng.randint(0, 5)}"


def leads_file(rows: int, seed: int) -> tuple[bytes, list[str]]:
    """The CSV, and each row's number as written (for the reference)."""
    rng = random.Random(seed)
    lines, numbers = [], []
    for i in range(rows):
        draw = rng.random()
        repeat = draw < 0.02 and i > 0
        line = row(rng, i, numbers[rng.randrange(i)] if repeat else number(rng, i))
        if not repeat and draw < 0.03:  # ~1 % of rows spoilt, one way or another
            cells = line.split(";")
            spoilt = rng.choice([(2, "06 12"), (6, "31/02/2026"), (5, "beaucoup")])
            cells[spoilt[0]] = spoilt[1]
            line = ";".join(cells)
        lines.append(line + "\r\n")
        numbers.append(line.split(";")[2])
    return (HEADER + "".join(lines)).encode("cp1252"), numbers


def timed(run: Callable[[], T]) -> tuple[T, float]:
    """``run()`` and the seconds it took."""
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def parse_numbers(numbers: list[str]) -> int:
    """The reference: what phonenumbers alone costs for these numbers."""
    valid = 0
    for text in numbers:
        cleaned = text.replace(" ", "")
        try:
            parsed = phonenumbers.parse(cleaned, "FR")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            valid += 1
    return valid


def bench_backend(backend: str, data: bytes, rows: int) -> float:
    """Import the file twice into a fresh database; the first import's rows/s."""
    with tempfile.TemporaryDirectory() as directory, temporary_database(backend, Path(directory)) as engine:
        sessions = session_factory(engine)
        with sessions.begin() as session:
            tenant = Platform(session).create_tenant("bench", "Bench").id
            Campaigns(session, tenant).create("relance", "quote_followup", "predictive")
        speed = 0.0
        for label in ("import", "import again"):
            with sessions.begin() as session:
                importer = ListImporter(session, tenant, "relance")
                report, seconds = timed(lambda: importer.run(data, "bench.csv"))  # noqa: B023
            speed = speed or rows / seconds
            print(f"  {backend:10} {label:13} {seconds:6.2f} s  {rows / seconds:9,.0f} rows/s  "
                  f"created {report.created:,}, unchanged {report.unchanged:,}, merged {report.merged:,}, "
                  f"refused {len(report.refused):,}")  # fmt: skip
    return speed


def crm_reference(rows: int) -> float:
    """Rows/s of the CRM's contact import on ``rows`` rows (SQLite)."""
    from crm_import import contacts_file  # beside this script

    data = contacts_file(rows)
    with tempfile.TemporaryDirectory() as directory, temporary_database("sqlite", Path(directory)) as engine:
        sessions = session_factory(engine)
        with sessions.begin() as session:
            tenant = Platform(session).create_tenant("bench", "Bench").id
        with sessions.begin() as session:
            _, seconds = timed(lambda: import_file(session, tenant, "contacts", data))
    return rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--crm-rows", type=int, default=5_000)
    args = parser.parse_args()
    data, numbers = leads_file(args.rows, args.seed)
    print(f"file: {args.rows:,} rows, {len(data) / 1e6:.1f} MB (Windows-1252, ;)")
    valid, seconds = timed(lambda: parse_numbers(numbers))
    parse_speed = args.rows / seconds
    print(f"reference phonenumbers alone: {seconds:.2f} s, {parse_speed:,.0f} numbers/s ({valid:,} valid)")
    crm_speed = crm_reference(args.crm_rows)
    print(f"reference CRM contact import ({args.crm_rows:,} rows, SQLite): {crm_speed:,.0f} rows/s")
    backends = ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]
    for backend in backends:
        speed = bench_backend(backend, data, args.rows)
        ratios = f"{speed / parse_speed:.2f} × phonenumbers alone, {speed / crm_speed:.1f} × the CRM import"
        print(f"  {backend}: {ratios}")


if __name__ == "__main__":
    main()
