"""The answers callers key in to a post-call survey (enquête de satisfaction à chaud).

After the agent hangs up, a queue may send the caller to an IVR flow whose ``survey`` node asks
a few DTMF questions; each answer is one row here: the interaction it follows, the survey and
question it answers, and the digits as an integer. Queue and agent are copied with it (from
the live call, or its interaction record), by name and extension as that record keeps them, so
the CSAT of a queue or an agent is one indexed read of the period, and outlives configuration
changes. The contact goes null when it is deleted; the answer, no longer personal, stays in the
figures.

One answer per question of a survey per interaction: keying the survey again replaces it.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from callfloor.storage.models import Base, BigId, TenantOwned
from callfloor.storage.repositories import TenantRepository
from callfloor.storage.types import utcnow

#: How the figures may be broken down: by the queue's name or the agent's extension.
GROUPS = ("queue", "agent")


class SurveyAnswer(TenantOwned, Base):
    """One caller's answer to one survey question, after one interaction."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "interaction_id", "survey", "question"),
        CheckConstraint("value >= 0", name="value"),
        Index("ix_survey_answers_tenant_answered", "tenant_id", "answered_at"),
        Index("ix_survey_answers_contact_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # The log's interaction id (Interaction.interaction_id).
    interaction_id: Mapped[str] = mapped_column(String(36))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    queue: Mapped[str | None] = mapped_column(String(64))
    agent: Mapped[str | None] = mapped_column(String(16))
    # The IVR flow's name, and the question's id inside it (a center YAML name, 64 characters).
    survey: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyAnswerRepository(TenantRepository[SurveyAnswer]):
    """Survey answers, by interaction, by contact, and counted over a period."""

    model = SurveyAnswer

    def of_interaction(self, interaction_id: str) -> Sequence[SurveyAnswer]:
        """The answers that followed the interaction, in the order they were keyed."""
        query = self.select().where(SurveyAnswer.interaction_id == interaction_id)
        return self.session.scalars(query.order_by(SurveyAnswer.answered_at, SurveyAnswer.id)).all()

    def of_contact(self, contact_id: int) -> Sequence[SurveyAnswer]:
        """The contact's answers, oldest first."""
        query = self.select().where(SurveyAnswer.contact_id == contact_id)
        return self.session.scalars(query.order_by(SurveyAnswer.answered_at, SurveyAnswer.id)).all()

    def histogram(
        self,
        start: datetime,
        end: datetime,
        group: str,
        questions: Sequence[str],
        *,
        queue: str | None = None,
        agent: str | None = None,
    ) -> list[tuple[str | None, str, int, int]]:
        """``(queue or agent, question, value, answers)`` for answers keyed in ``[start, end)``.

        A histogram rather than averages, so the caller decides what counts as satisfied.
        """
        if group not in GROUPS:
            raise ValueError(f"unknown group {group!r}")
        key = SurveyAnswer.queue if group == "queue" else SurveyAnswer.agent
        query = select(key, SurveyAnswer.question, SurveyAnswer.value, func.count()).where(
            SurveyAnswer.tenant_id == self.tenant_id,
            SurveyAnswer.answered_at >= start,
            SurveyAnswer.answered_at < end,
            SurveyAnswer.question.in_(questions),
        )
        if queue is not None:
            query = query.where(SurveyAnswer.queue == queue)
        if agent is not None:
            query = query.where(SurveyAnswer.agent == agent)
        query = query.group_by(key, SurveyAnswer.question, SurveyAnswer.value)
        return [(k, q, v, n) for k, q, v, n in self.session.execute(query)]
