"""Survey answers: stored per interaction, linked to the caller, in the timeline, merges, RGPD, and the CSAT."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import PhoneInput
from callfloor.crm.gdpr_rights import DataSubjectRights
from callfloor.crm.history import History
from callfloor.crm.merge import ContactMerger
from callfloor.crm.surveys import DEFINITIONS, CsatFigures, KeyedAnswer, SurveyAnswers, SurveyError
from callfloor.storage.interactions import Interaction
from callfloor.storage.surveys import SurveyAnswer
from tests.crm.customer_files import Two, two_tenants

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


def call(
    session: Session, tenant_id: int, *, contact: int | None, queue: str = "sav", agent: str = "1001"
) -> str:
    """A finished inbound call's record; its interaction id."""
    interaction_id = uuid.uuid4().hex
    session.add(
        Interaction(
            tenant_id=tenant_id, interaction_id=interaction_id, channel="call", direction="inbound",
            number="+33612345678", contact_id=contact, queue=queue, agent=agent, started_at=T0,
            answered_at=T0, ended_at=T0 + timedelta(minutes=3), outcome="completed",
        )
    )  # fmt: skip
    session.flush()
    return interaction_id


def answers(satisfaction: int, resolved: int | None = None) -> list[KeyedAnswer]:
    """The answers of the ``csat`` survey."""
    keyed = [KeyedAnswer("csat", "satisfaction", satisfaction)]
    return keyed + ([KeyedAnswer("csat", "resolved", resolved)] if resolved is not None else [])


def test_answers_take_queue_agent_and_contact_from_the_interaction_record(two: Two) -> None:
    marie = two.acme.create_contact({"last_name": "Curie"}, phones=[PhoneInput("0612345678")])
    interaction = call(two.session, two.acme.tenant_id, contact=marie.id)
    surveys = SurveyAnswers(two.session, two.acme.tenant_id)
    stored = surveys.record(interaction, answers(4, 1), at=T0 + timedelta(minutes=4))
    assert [(a.question, a.value, a.queue, a.agent, a.contact_id) for a in stored] == [
        ("satisfaction", 4, "sav", "1001", marie.id),
        ("resolved", 1, "sav", "1001", marie.id),
    ]
    assert [a.id for a in surveys.of_interaction(interaction)] == [a.id for a in stored]
    assert SurveyAnswers(two.session, two.globex.tenant_id).of_interaction(interaction) == []


def test_keying_a_question_again_replaces_its_answer(two: Two) -> None:
    interaction = call(two.session, two.acme.tenant_id, contact=None)
    surveys = SurveyAnswers(two.session, two.acme.tenant_id)
    surveys.record(interaction, answers(2, 2), at=T0)
    surveys.record(interaction, [KeyedAnswer("csat", "satisfaction", 5)], at=T0 + timedelta(seconds=9))
    shown = [(a.question, a.value, a.answered_at) for a in surveys.of_interaction(interaction)]
    assert sorted(shown) == [("resolved", 2, T0), ("satisfaction", 5, T0 + timedelta(seconds=9))]


def test_answers_keyed_during_wrap_up_are_found_through_the_record_written_after(two: Two) -> None:
    marie = two.acme.create_contact({"last_name": "Curie"}, phones=[PhoneInput("0612345678")])
    surveys = SurveyAnswers(two.session, two.acme.tenant_id)
    interaction = uuid.uuid4().hex  # no record yet: the agent is still in wrap-up
    (early,) = surveys.record(interaction, answers(5), at=T0, queue="ventes", agent="1002")
    assert (early.queue, early.agent, early.contact_id) == ("ventes", "1002", None)
    record = Interaction(
        tenant_id=two.acme.tenant_id, interaction_id=interaction, channel="call", direction="inbound",
        number="+33612345678", contact_id=marie.id, queue="ventes", agent="1002", started_at=T0 - DAY,
        ended_at=T0 - DAY, outcome="completed",
    )  # fmt: skip
    two.session.add(record)
    two.session.flush()
    items = History(two.session, two.acme.tenant_id).contact(marie.id).items
    assert [(i.kind, i.id) for i in items] == [("survey_answer", early.id), ("interaction", record.id)]
    assert SurveyAnswers(two.session, two.globex.tenant_id).scope.survey_answers.list() == []


def test_the_server_s_queue_and_agent_win_over_the_record(two: Two) -> None:
    interaction = call(two.session, two.acme.tenant_id, contact=None, queue="sav", agent="1001")
    (stored,) = SurveyAnswers(two.session, two.acme.tenant_id).record(
        interaction, answers(3), at=T0, agent="1005"
    )
    assert (stored.queue, stored.agent) == ("sav", "1005")


def test_an_overlong_queue_or_agent_is_refused(two: Two) -> None:
    surveys = SurveyAnswers(two.session, two.acme.tenant_id)
    for given in ({"queue": "q" * 65}, {"agent": "1" * 17}):
        with pytest.raises(SurveyError) as info:
            surveys.record("c1", answers(5), at=T0, **given)
        assert info.value.field == next(iter(given))
    assert surveys.scope.survey_answers.list() == []


@pytest.mark.parametrize(
    ("interaction", "keyed", "at", "field"),
    [
        ("", answers(4), T0, "interaction_id"),
        ("x" * 37, answers(4), T0, "interaction_id"),
        ("c1", answers(4), datetime(2026, 3, 14, 9, 0), "at"),
        ("c1", [KeyedAnswer("", "satisfaction", 4)], T0, "survey"),
        ("c1", [KeyedAnswer("csat", "bad question", 4)], T0, "question"),
        ("c1", [KeyedAnswer("csat", "satisfaction", -1)], T0, "value"),
        ("c1", [KeyedAnswer("csat", "satisfaction", 10**7)], T0, "value"),
        ("c1", [KeyedAnswer("csat", "satisfaction", True)], T0, "value"),
    ],
)
def test_bad_answers_are_refused_and_none_is_stored(
    two: Two, interaction: str, keyed: list[KeyedAnswer], at: datetime, field: str
) -> None:
    surveys = SurveyAnswers(two.session, two.acme.tenant_id)
    with pytest.raises(SurveyError) as info:
        surveys.record(interaction, [*answers(5), *keyed], at=at)
    assert (info.value.field, info.value.error_id, info.value.status) == (field, "invalid_survey_answer", 422)
    assert surveys.scope.survey_answers.list() == []


def _csat_floor(two: Two) -> SurveyAnswers:
    """Answers over two days, two queues and three agents, and one in globex."""
    surveys = SurveyAnswers(two.session, two.acme.tenant_id)
    keyed = [
        ("sav", "1001", 5, 1, T0),
        ("sav", "1001", 4, 2, T0 + timedelta(hours=1)),
        ("sav", "1002", 2, 2, T0 + timedelta(hours=2)),
        ("ventes", "1002", 3, 1, T0 + timedelta(hours=3)),
        ("ventes", "1003", 9, 7, T0 + timedelta(hours=4)),  # off the scales: stored, not counted
        ("ventes", "1003", 1, None, T0 + DAY),  # the next day
    ]
    for queue, agent, satisfaction, resolved, at in keyed:
        interaction = call(two.session, two.acme.tenant_id, contact=None, queue=queue, agent=agent)
        surveys.record(interaction, answers(satisfaction, resolved), at=at)
    other = call(two.session, two.globex.tenant_id, contact=None)
    SurveyAnswers(two.session, two.globex.tenant_id).record(other, answers(1, 2), at=T0)
    return surveys


def test_csat_per_queue_per_agent_and_in_total(two: Two) -> None:
    surveys = _csat_floor(two)
    report = surveys.csat(T0, T0 + DAY)  # the first day: the answer keyed at T0 + DAY is the next's
    assert report.total == CsatFigures(None, 4, 3.5, 50.0, 4, 50.0)
    assert report.by_queue == [
        CsatFigures("sav", 3, 3.67, 66.7, 3, 33.3),
        CsatFigures("ventes", 1, 3.0, 0.0, 1, 100.0),
    ]
    assert report.by_agent == [
        CsatFigures("1001", 2, 4.5, 100.0, 2, 50.0),
        CsatFigures("1002", 2, 2.5, 0.0, 2, 50.0),
        CsatFigures("1003", 0, None, None, 0, None),
    ]
    assert report.definitions == DEFINITIONS and "4 or 5" in report.definitions["csat"]
    assert surveys.csat(T0 + DAY, T0 + 2 * DAY).total == CsatFigures(None, 1, 1.0, 0.0, 0, None)


def test_csat_narrowed_to_a_queue_or_an_agent(two: Two) -> None:
    surveys = _csat_floor(two)
    by_queue = surveys.csat(T0, T0 + 2 * DAY, queue="ventes")
    assert [f.key for f in by_queue.by_queue] == ["ventes"]
    assert by_queue.total == CsatFigures(None, 2, 2.0, 0.0, 1, 100.0)
    by_agent = surveys.csat(T0, T0 + 2 * DAY, agent="1002")
    assert [f.key for f in by_agent.by_agent] == ["1002"]
    assert [f.key for f in by_agent.by_queue] == ["sav", "ventes"]
    assert by_agent.total == CsatFigures(None, 2, 2.5, 0.0, 2, 50.0)
    assert surveys.csat(T0, T0 + DAY, queue="nobody").total == CsatFigures(None, 0, None, None, 0, None)


@pytest.mark.parametrize(
    ("start", "end"),
    [(T0, T0), (T0 + DAY, T0), (datetime(2026, 3, 14), T0 + DAY)],
)
def test_a_period_that_is_not_one_is_refused(two: Two, start: datetime, end: datetime) -> None:
    with pytest.raises(SurveyError) as info:
        SurveyAnswers(two.session, two.acme.tenant_id).csat(start, end)
    assert info.value.field == "to"


def test_answers_are_in_the_contact_s_and_the_account_s_timelines(two: Two) -> None:
    account = two.acme.create_account({"name": "Curie SA"})
    marie = two.acme.create_contact({"last_name": "Curie", "account_id": account.id})
    interaction = call(two.session, two.acme.tenant_id, contact=marie.id)
    stored = SurveyAnswers(two.session, two.acme.tenant_id).record(interaction, answers(4, 1), at=T0 + DAY)
    history = History(two.session, two.acme.tenant_id)
    for page in (history.contact(marie.id), history.account(account.id)):
        shown = [(i.kind, i.id, i.contact_id) for i in page.items if i.kind == "survey_answer"]
        assert shown == [("survey_answer", a.id, marie.id) for a in reversed(stored)]
    first = history.contact(marie.id, limit=1)
    assert first.items[0].data == {
        "interaction_id": interaction, "survey": "csat", "question": "resolved", "value": 1,
        "queue": "sav", "agent": "1001",
    }  # fmt: skip
    assert History(two.session, two.globex.tenant_id).contact(marie.id).items == []


def test_a_merge_moves_the_absorbed_contact_s_answers(two: Two) -> None:
    survivor = two.acme.create_contact({"last_name": "Curie"})
    absorbed = two.acme.create_contact({"last_name": "Curie", "first_name": "Marie"})
    interaction = call(two.session, two.acme.tenant_id, contact=absorbed.id)
    stored = SurveyAnswers(two.session, two.acme.tenant_id).record(interaction, answers(5), at=T0)
    report = ContactMerger(two.session, two.acme.tenant_id).merge(survivor, absorbed)
    assert report.repointed["survey_answers.contact_id"] == 1
    assert [a.contact_id for a in stored] == [survivor.id]


def test_the_person_s_answers_are_exported_then_unlinked_and_still_counted(two: Two, tmp_path: Path) -> None:
    marie = two.acme.create_contact({"last_name": "Curie"}, phones=[PhoneInput("0612345678")])
    linked = call(two.session, two.acme.tenant_id, contact=marie.id)
    unlinked = call(two.session, two.acme.tenant_id, contact=None)  # her number, matched nobody then
    surveys = SurveyAnswers(two.session, two.acme.tenant_id)
    surveys.record(linked, answers(5), at=T0)
    surveys.record(unlinked, answers(2), at=T0 + timedelta(hours=1))
    rights = DataSubjectRights(two.session, two.acme.tenant_id, tmp_path)
    exported = rights.export(marie, now=T0, actor=None)["data"]["survey_answers"]
    assert [(a["interaction_id"], a["value"]) for a in exported] == [(linked, 5), (unlinked, 2)]
    before = surveys.csat(T0, T0 + DAY)
    report = rights.erase(marie, actor=None)
    assert report.counts["survey_answers"] == {"survey_answers_unlinked": 2}
    rows = surveys.scope.survey_answers.list()
    assert [(a.contact_id, a.value) for a in rows] == [(None, 5), (None, 2)]
    assert surveys.csat(T0, T0 + DAY) == before


def test_deleting_a_contact_keeps_its_answers_unlinked(two: Two) -> None:
    marie = two.acme.create_contact({"last_name": "Curie"})
    interaction = call(two.session, two.acme.tenant_id, contact=marie.id)
    (stored,) = SurveyAnswers(two.session, two.acme.tenant_id).record(interaction, answers(4), at=T0)
    two.acme.delete(marie)
    two.session.expire_all()
    assert two.session.get(SurveyAnswer, stored.id) is not None
    assert stored.contact_id is None
