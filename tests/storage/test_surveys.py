"""Survey answers: one per question of an interaction, counted per queue or agent within one tenant."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from callfloor.storage.surveys import SurveyAnswer

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def _answer(interaction: str, question: str, value: int, at: datetime, agent: str = "1001") -> SurveyAnswer:
    return SurveyAnswer(
        interaction_id=interaction, queue="sav", agent=agent, survey="csat", question=question, value=value,
        answered_at=at,
    )  # fmt: skip


def test_histogram_counts_values_per_queue_or_agent_in_the_period_and_tenant(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        platform = Platform(session)
        acme, globex = platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")
        mine, theirs = (
            TenantScope(session, acme.id).survey_answers,
            TenantScope(session, globex.id).survey_answers,
        )
        mine.add(_answer("c1", "satisfaction", 5, T0))
        mine.add(_answer("c2", "satisfaction", 5, T0 + timedelta(minutes=1), agent="1002"))
        mine.add(_answer("c3", "satisfaction", 2, T0 + timedelta(minutes=2)))
        mine.add(_answer("c3", "comment", 1, T0 + timedelta(minutes=2)))  # not asked for
        mine.add(_answer("c4", "satisfaction", 1, T0 + timedelta(hours=1)))  # the end is excluded
        theirs.add(_answer("c1", "satisfaction", 1, T0))
        end = T0 + timedelta(hours=1)
        assert sorted(mine.histogram(T0, end, "queue", ["satisfaction"])) == [
            ("sav", "satisfaction", 2, 1),
            ("sav", "satisfaction", 5, 2),
        ]
        assert sorted(mine.histogram(T0, end, "agent", ["satisfaction"], agent="1002")) == [
            ("1002", "satisfaction", 5, 1)
        ]
        assert theirs.histogram(T0, end, "queue", ["satisfaction"]) == [("sav", "satisfaction", 1, 1)]
        assert [a.question for a in mine.of_interaction("c3")] == ["satisfaction", "comment"]
        with pytest.raises(ValueError, match="group"):
            mine.histogram(T0, end, "tenant", ["satisfaction"])


def test_one_answer_per_question_of_an_interaction(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        tenant = Platform(session).create_tenant("acme", "Acme")
        answers = TenantScope(session, tenant.id).survey_answers
        answers.add(_answer("c1", "satisfaction", 5, T0))
        with pytest.raises(IntegrityError):
            answers.add(_answer("c1", "satisfaction", 4, T0))
        session.rollback()
