"""Consents to phone canvassing: imported with their proof, revoked, the latest change in force."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.compliance.model import ConsentFacts
from callfloor.outbound import MappingError, OutboundError
from callfloor.outbound.consents import ConsentRow, PhoneConsents
from callfloor.storage.platform import Platform

FILE = (
    "Téléphone;Origine;Date du consentement;Preuve;Date retrait;Finalité\r\n"
    "06 12 34 56 78;formulaire acme.fr/offre v3;14/03/2026 10:30;J'accepte d'être appelé;;\r\n"
    "06 12 34 56 78;formulaire acme.fr/offre v3;14/03/2026 10:30;J'accepte d'être appelé;;\r\n"
    "06 12 34 56 78;formulaire acme.fr/offre v3;14/03/2026 10:30;J'accepte;01/04/2026;\r\n"
    "01 40 00 00 01;salon;2026-02-01;Bulletin signé n° 12;;sondage\r\n"
    "01 40 00 00 02;salon;;Bulletin;;\r\n"
    "01 40 00 00 03;;2026-02-01;Bulletin;;\r\n"
    "01 40 00 00 04;salon;2026-02-01;;;\r\n"
    "01 40 00 00 05;salon;2026-02-01;Bulletin;;Sondage Été\r\n"
)


@pytest.fixture
def registers(sessions: sessionmaker[Session]) -> Iterator[tuple[PhoneConsents, PhoneConsents]]:
    with sessions() as session, session.begin():
        platform = Platform(session)
        acme, globex = platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")
        yield PhoneConsents(session, acme.id), PhoneConsents(session, globex.id)
        session.rollback()


def test_a_file_of_consents_and_revocations_with_missing_fields_reported(
    registers: tuple[PhoneConsents, PhoneConsents],
) -> None:
    mine, theirs = registers
    report = mine.import_file(FILE.encode("cp1252"), "consents.csv")
    assert (report.created, report.merged, report.unchanged) == (3, 1, 0)
    assert [(r.line, r.field) for r in report.refused] == [
        (6, "given_at"),
        (7, "source"),
        (8, "proof"),
        (9, "purpose"),
    ]
    assert "champ source manquant" in report.refused[1].fr
    latest = mine.latest("+33612345678", "prospecting")
    assert latest is not None and latest.revoked_at == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)
    facts = mine.facts("+33140000001", "sondage")
    assert facts == ConsentFacts(datetime(2026, 1, 31, 23, 0, tzinfo=UTC), "salon", "Bulletin signé n° 12")
    assert len(mine.history("+33612345678")) == 2
    assert theirs.latest("+33612345678", "prospecting") is None
    again = mine.import_file(FILE.encode("cp1252"), "consents.csv")
    assert (again.created, again.unchanged) == (0, 3)


def test_a_revocation_then_a_new_consent_the_latest_wins(
    registers: tuple[PhoneConsents, PhoneConsents],
) -> None:
    mine, _ = registers
    given = datetime(2026, 3, 1, tzinfo=UTC)
    mine.record(ConsentRow("+33612345678", "prospecting", "web", given, "case cochée"))
    assert mine.revoke("+33612345678", "prospecting", "disposition", datetime(2026, 3, 10, tzinfo=UTC))
    assert (
        mine.revoke("+33612345678", "prospecting", "disposition", datetime(2026, 3, 11, tzinfo=UTC)) is None
    )
    facts = mine.facts("+33612345678", "prospecting")
    assert facts is not None and facts.revoked_at == datetime(2026, 3, 10, tzinfo=UTC)
    mine.record(ConsentRow("+33612345678", "prospecting", "appel", datetime(2026, 3, 20, tzinfo=UTC), "oui"))
    facts = mine.facts("+33612345678", "prospecting")
    assert facts is not None and (facts.revoked_at, facts.source) == (None, "appel")
    assert mine.facts("+33612345678", "survey") is None
    with pytest.raises(OutboundError, match="purpose"):
        mine.record(ConsentRow("+33612345678", "Pas Bon", "web", given, "x"))


def test_dry_runs_and_mappings(registers: tuple[PhoneConsents, PhoneConsents]) -> None:
    mine, _ = registers
    dry = mine.import_file(FILE.encode("cp1252"), "consents.csv", dry_run=True)
    assert dry.created == 3 and mine.history("+33612345678") == []
    with pytest.raises(MappingError, match="no column for source, given_at"):
        mine.import_file("Téléphone;Preuve\r\n0612345678;oui\r\n".encode(), "x.csv")
    mapped = mine.import_file(
        "Tel;Où;Quand;Texte\r\n0612345678;web;2026-03-01;oui\r\n".encode(),
        "x.csv",
        {"number": "Tel", "source": "Où", "given_at": "Quand", "proof": "Texte"},
        purpose="survey",
    )
    assert mapped.created == 1 and mine.facts("+33612345678", "survey") is not None
