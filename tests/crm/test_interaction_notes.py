"""Agents' notes on an interaction: kept with the live call, written with its record, appended after."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm import CustomerFileError
from callfloor.crm.interaction_notes import NOTES_LENGTH, add_note, appended, took_part
from callfloor.crm.interactions import InteractionRecorder, InteractionStart, OpenInteractions
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import Agent
from callfloor.storage.scope import TenantScope
from tests.crm.customer_files import Two, two_tenants
from tests.crm.test_interactions import T0, E, entry


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    yield from two_tenants(sessions)


def test_notes_are_appended_as_paragraphs_and_refused_when_blank_or_too_long() -> None:
    assert appended("", "  Colis abîmé \n photo envoyée ") == "Colis abîmé \n photo envoyée"
    assert appended("Colis abîmé", "Rappel jeudi") == "Colis abîmé\n\nRappel jeudi"
    for bad in ("   ", "x" * 5001, "a\x07b"):
        with pytest.raises(CustomerFileError) as refused:
            appended("", bad)
        assert refused.value.field == "note"
    with pytest.raises(CustomerFileError, match="50000"):
        appended("x" * (NOTES_LENGTH - 3), "long")


def test_a_note_taken_during_the_call_is_written_with_its_record(two: Two) -> None:
    open_ = OpenInteractions()
    open_.start(InteractionStart("c1", T0, number="0612345678"))
    assert open_.note("c1", "Client mécontent") == "Client mécontent"
    assert open_.note("c1", "Geste commercial proposé") == "Client mécontent\n\nGeste commercial proposé"
    assert open_.note("unknown", "perdu") is None  # not open: the caller goes to the record instead
    open_.add(entry(2, E.ANSWERED, queue="ventes", agent="1001", wait_s=2.0))
    ended = open_.add(entry(30, E.COMPLETED, queue="ventes", agent="1001", talk_s=28.0, wrap_s=0.0))
    assert ended is not None and open_.note("c1", "trop tard") is None
    row = InteractionRecorder(two.session, two.acme.tenant_id, "FR").write(
        ended, queue_id=None, agent_id=None
    )
    two.session.flush()
    assert row.notes == "Client mécontent\n\nGeste commercial proposé"
    assert add_note(row, "Rappelé le lendemain").notes.endswith("\n\nRappelé le lendemain")


def test_an_agent_took_part_when_the_record_or_the_log_names_them(two: Two) -> None:
    tenant = two.acme.tenant_id
    at = datetime(2026, 3, 14, 9, 20, tzinfo=UTC)
    row = Interaction(tenant_id=tenant, interaction_id="c1", channel="call", direction="inbound",
                      agent="1002", started_at=at, ended_at=at, outcome="completed")  # fmt: skip
    two.session.add(row)
    first = Agent(tenant_id=tenant, user_id=two.acme_user.id, extension="1001")
    two.session.add(first)
    two.session.flush()
    other = Agent(id=first.id + 1, tenant_id=tenant, extension="1003")
    assert not took_part(two.session, row, first)
    TenantScope(two.session, tenant).log.append(
        "answered", at, interaction_id="c1", payload={"agent": "1001"}
    )
    assert took_part(two.session, row, first) and not took_part(two.session, row, other)
    row.agent = "1003"
    assert took_part(two.session, row, other)
