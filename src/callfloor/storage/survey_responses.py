"""The answers agents take down to a campaign's or a queue's survey or poll (questionnaire).

Unlike the DTMF answers of the post-call survey (:mod:`callfloor.storage.surveys`, integers
keyed by the caller after the call), these are asked by the agent during the call, from the
desktop, on outbound campaigns and inbound queues alike, and take any type of question: an
option, several, a scale, an NPS, free text, yes or no. Each row is one answer: its text as
:func:`callfloor.core.scripts.answers.encode` writes it, and the integer a scale, an NPS or a
yes/no counts as, so that figures can be read in SQL too.

A *respondent* is the lead when the call comes from a campaign's list (a survey cut off and
finished on a later call is one respondent), else the interaction: ``lead:<id>`` or
``interaction:<id>``, written once with the first answer. One answer per question of a survey
per respondent: answering again replaces it. The key outlives the lead and the contact, whose
links go null when they are deleted (the answers stay in the figures); the campaign, the queue
and the agent are kept by name and extension, as the post-call answers keep them.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from callfloor.core.scripts.survey import QuestionType
from callfloor.storage.models import Base, BigId, TenantOwned
from callfloor.storage.repositories import TenantRepository
from callfloor.storage.tickets import one_of
from callfloor.storage.types import utcnow

#: The question types, as :class:`~callfloor.core.scripts.survey.QuestionType` names them.
QUESTION_TYPES = tuple(QuestionType)
#: The longest respondent key: ``interaction:`` and a 36-character interaction id.
RESPONDENT_LENGTH = 48


def respondent_key(lead_id: int | None, interaction_id: str | None) -> str:
    """Who answers: the lead when there is one, else the interaction."""
    if lead_id is not None:
        return f"lead:{lead_id}"
    if interaction_id:
        return f"interaction:{interaction_id}"
    raise ValueError("a survey response needs a lead or an interaction")


class SurveyResponse(TenantOwned, Base):
    """One respondent's answer to one question of a survey or poll."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("tenant_id", "survey", "respondent", "question"),
        CheckConstraint(one_of("type", QUESTION_TYPES), name="type"),
        Index("ix_survey_responses_tenant_survey_answered", "tenant_id", "survey", "answered_at"),
        Index("ix_survey_responses_contact_id", "contact_id"),
        Index("ix_survey_responses_lead_id", "lead_id"),
        Index("ix_survey_responses_interaction", "tenant_id", "interaction_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # The survey's and the question's names in the center YAML.
    survey: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(String(64))
    # The question's type when answered (:class:`~callfloor.core.scripts.survey.QuestionType`):
    # exports read it without the survey, and the RGPD erasure finds the free texts by it.
    type: Mapped[str] = mapped_column(String(8))
    respondent: Mapped[str] = mapped_column(String(RESPONDENT_LENGTH))
    campaign: Mapped[str | None] = mapped_column(String(64))
    queue: Mapped[str | None] = mapped_column(String(64))
    # The log's interaction id of the call the answer was last given on.
    interaction_id: Mapped[str | None] = mapped_column(String(36))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    lead_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("leads.id", ondelete="SET NULL"))
    agent: Mapped[str | None] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    number: Mapped[int | None] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyResponseRepository(TenantRepository[SurveyResponse]):
    """Survey responses, by respondent, by contact, and over a survey's period."""

    model = SurveyResponse

    def of_respondent(self, survey: str, respondent: str) -> Sequence[SurveyResponse]:
        """A respondent's answers to a survey, in the order they were given."""
        query = self.select().where(SurveyResponse.survey == survey, SurveyResponse.respondent == respondent)
        return self.session.scalars(query.order_by(SurveyResponse.answered_at, SurveyResponse.id)).all()

    def of_contact(self, contact_id: int) -> Sequence[SurveyResponse]:
        """The contact's answers, oldest first."""
        query = self.select().where(SurveyResponse.contact_id == contact_id)
        return self.session.scalars(query.order_by(SurveyResponse.answered_at, SurveyResponse.id)).all()

    def of_survey(
        self,
        survey: str,
        *,
        campaign: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Sequence[SurveyResponse]:
        """A survey's answers given in ``[start, end)`` (either may be open), by respondent then time."""
        query = self.select().where(SurveyResponse.survey == survey)
        if campaign is not None:
            query = query.where(SurveyResponse.campaign == campaign)
        if start is not None:
            query = query.where(SurveyResponse.answered_at >= start)
        if end is not None:
            query = query.where(SurveyResponse.answered_at < end)
        order = (SurveyResponse.respondent, SurveyResponse.answered_at, SurveyResponse.id)
        return self.session.scalars(query.order_by(*order)).all()

    def surveys(self) -> list[str]:
        """The names of the surveys the tenant has answers to."""
        query = select(SurveyResponse.survey).where(SurveyResponse.tenant_id == self.tenant_id).distinct()
        return sorted(self.session.scalars(query))
