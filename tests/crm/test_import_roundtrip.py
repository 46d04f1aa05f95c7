"""Any contact row the importer accepts exports and imports back to the very same contact (hypothesis)."""

import csv
import io
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.exports import export_file
from callfloor.crm.imports import import_file
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope

# Letters with accents, and what spreadsheets and CSV trip on: separators, quotes, formulas, lines.
ALPHABET = "aAéÉçœ ß-'’\";,=+@.0123456789"
texts = st.text(alphabet=ALPHABET, max_size=12)
multiline = st.text(alphabet=ALPHABET + "\n\t", max_size=20)
PHONES = [
    "06 12 34 56 78",
    "+33 1 40 00 00 00",
    "0033 6 00 00 00 01",
    "+32 470 12 34 56",
    "",
    "+447911123456",
]
EMAILS = ["a@example.org", "B.c@Example.ORG", "", "x@y.fr"]


def mostly(values: list[str], bad: str) -> st.SearchStrategy[str]:
    """One of ``values``, or now and then ``bad`` (a value the service refuses)."""
    return st.one_of(st.sampled_from(values), st.sampled_from(values), st.sampled_from(values), st.just(bad))


COLUMNS = ["n° client", "civilité", "nom", "prénom", "étiquettes", "notes", "langue", "portable", "téléphone",
           "téléphone pro", "email", "email_perso", "adresse", "adresse 2", "code postal", "ville", "pays"]  # fmt: skip


@st.composite
def rows(draw: st.DrawFn) -> list[str]:
    """One row of a hand-made contacts file, in :data:`COLUMNS` order; always with a customer number."""
    return [
        draw(st.text(alphabet="AC0123456789-", min_size=1, max_size=8)),
        draw(st.sampled_from(["", "M.", "Mme", "Dr"])),
        draw(texts),
        draw(texts),
        ", ".join(draw(st.lists(st.text(alphabet="abcé -", max_size=6), max_size=3))),
        draw(multiline),
        draw(mostly(["", "fr", "en", "fr-CA"], "french")),
        *(draw(mostly(PHONES, "123")) for _ in range(3)),
        *(draw(mostly(EMAILS, "nobody")) for _ in range(2)),
        draw(texts),
        draw(texts),
        draw(st.sampled_from(["", "75002", "1000"])),
        draw(texts),
        draw(mostly(["", "fr", "BE"], "XX")),
    ]


def _csv(row: list[str]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";").writerows([COLUMNS, row])
    return out.getvalue().encode("utf-8")


def _state(session: Session, tenant_id: int) -> list[tuple[Any, ...]]:
    session.expire_all()
    return [
        (c.id, c.customer_number, c.civility, c.first_name, c.last_name, c.language, c.tags, c.notes, c.updated_at,
         sorted((p.id, p.number, p.label) for p in c.phones), sorted((e.id, e.address, e.label) for e in c.emails),
         [(a.id, a.lines, a.postal_code, a.city, a.country, a.label) for a in c.addresses])
        for c in TenantScope(session, tenant_id).contacts.list()
    ]  # fmt: skip


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=rows(), format_=st.sampled_from(["csv", "xlsx"]))
def test_an_accepted_row_exports_and_reimports_to_the_same_contact(
    sessions: sessionmaker[Session], row: list[str], format_: str
) -> None:
    with sessions() as session, session.begin():
        tenant = Platform(session).tenant_by_slug("hyp") or Platform(session).create_tenant("hyp", "Hyp")
        first = import_file(session, tenant.id, "contacts", _csv(row))
        event("accepted" if first.created else "refused")
        if first.created:
            before = _state(session, tenant.id)
            exported = export_file(session, tenant.id, "contacts", format_)
            again = import_file(session, tenant.id, "contacts", exported, f"contacts.{format_}")
            assert (again.unchanged, again.refused) == (1, []), again.refused
            assert _state(session, tenant.id) == before
        else:
            assert len(first.refused) == 1
        session.rollback()
