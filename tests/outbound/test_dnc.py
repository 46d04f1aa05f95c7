"""The do-not-call register: entries one by one or by file, expiry, one entry per number and tenant."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.outbound import OutboundError
from callfloor.outbound.dnc import DncRegister
from callfloor.storage.outbound import DncEntry
from callfloor.storage.platform import Platform

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
BLOCTEL = (
    "Numéro;Motif;Expiration\r\n"
    "06 12 34 56 78;opposition;31/12/2026\r\n"
    "+33 1 40 00 00 01;;\r\n"
    "0612345678;doublon;2027-06-30\r\n"
    "n/a;;\r\n"
    "01 40 00 00 02;;plus tard\r\n"
)


@dataclass
class Two:
    session: Session
    mine: DncRegister
    theirs: DncRegister

    def entries(self) -> list[tuple[str, str, str, datetime | None]]:
        self.session.expire_all()
        query = select(DncEntry).where(DncEntry.tenant_id == self.mine.tenant_id).order_by(DncEntry.number)
        return [(e.number, e.source, e.reason, e.expires_at) for e in self.session.scalars(query)]


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    with sessions() as session, session.begin():
        platform = Platform(session)
        acme, globex = platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")
        yield Two(session, DncRegister(session, acme.id), DncRegister(session, globex.id))
        session.rollback()


def test_a_file_lands_with_bad_lines_reported_and_numbers_merged(two: Two) -> None:
    report = two.mine.import_file(BLOCTEL.encode("cp1252"), "bloctel.csv", source="bloctel", now=NOW)
    assert (report.created, report.merged, report.updated) == (2, 1, 0)
    assert [(r.line, r.field) for r in report.refused] == [(5, "number"), (6, "expires_at")]
    paris_midnight = datetime(2027, 6, 29, 22, 0, tzinfo=UTC)
    assert two.entries() == [
        ("+33140000001", "bloctel", "", None),
        ("+33612345678", "bloctel", "doublon", paris_midnight),  # the later expiry, the newer reason
    ]
    again = two.mine.import_file(BLOCTEL.encode("cp1252"), "bloctel.csv", source="bloctel", now=NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert two.theirs.listed(["+33612345678", "+33140000001"], NOW) == set()


def test_a_dry_run_writes_nothing_and_a_bad_source_is_refused(two: Two) -> None:
    dry = two.mine.import_file(BLOCTEL.encode("cp1252"), "bloctel.csv", dry_run=True)
    assert (dry.created, len(dry.refused)) == (2, 2)
    assert two.entries() == []
    with pytest.raises(OutboundError, match="source"):
        two.mine.import_file(BLOCTEL.encode(), source="rumour")


def test_listed_numbers_are_those_not_expired(two: Two) -> None:
    two.mine.add("+33612345678", "disposition", reason="ne plus m'appeler", now=NOW)
    two.mine.add("+33140000001", "api", expires_at=NOW + timedelta(days=1), now=NOW)
    assert two.mine.listed(["+33612345678", "+33140000001", "+33140000002"], NOW) == {
        "+33612345678",
        "+33140000001",
    }
    assert two.mine.listed(["+33140000001"], NOW + timedelta(days=2)) == set()
    kept = two.mine.add("+33140000001", "api", expires_at=None, now=NOW)  # again, for good
    assert kept.expires_at is None and len(two.entries()) == 2


def test_a_file_updates_an_entry_it_extends(two: Two) -> None:
    two.mine.add("+33612345678", "api", expires_at=datetime(2026, 6, 1, tzinfo=UTC), now=NOW)
    report = two.mine.import_file("Téléphone;Motif\r\n0612345678;refus\r\n".encode(), "x.csv", now=NOW)
    assert (report.created, report.updated) == (0, 1)
    assert two.entries() == [("+33612345678", "api", "refus", None)]
