"""Survey answers as holders of a person's data: exported whole, kept but unlinked on erasure.

The person's answers are those linked to the contact, and the unlinked ones that followed one
of the person's interactions (see :func:`callfloor.crm.gdpr_holders.interactions_of`; an answer
keyed before its interaction's record was written carries no contact). An answer holds no free
text, only a question's id and the digits keyed: once unlinked from the contact it says nothing
of who keyed it (its interaction's record loses its number and contact in the same erasure), so
it stays in the CSAT of the queue and the agent, as the interaction stays in their statistics.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.crm.gdpr import PERSONAL_DATA, DataSubject, Erasure
from callfloor.crm.gdpr_holders import interactions_of
from callfloor.crm.surveys import FIELDS, answers_of
from callfloor.storage.surveys import SurveyAnswer


class SurveyAnswerHolder:
    """The answers the person keyed to post-call surveys."""

    kind = "survey_answers"
    title: ClassVar[Mapping[str, str]] = {
        "fr": "Réponses aux enquêtes de satisfaction",
        "en": "Satisfaction survey answers",
    }

    def _rows(self, session: Session, subject: DataSubject) -> list[SurveyAnswer]:
        query = select(SurveyAnswer).where(
            SurveyAnswer.tenant_id == subject.tenant_id,
            answers_of(SurveyAnswer.contact_id == subject.contact_id, interactions_of(subject)),
        )
        return list(session.scalars(query.order_by(SurveyAnswer.answered_at, SurveyAnswer.id)))

    def export(self, session: Session, subject: DataSubject) -> list[dict[str, Any]]:
        """Each answer, oldest first, with the interaction it followed."""
        return [
            {"id": row.id, **{name: getattr(row, name) for name in FIELDS}, "answered_at": row.answered_at}
            for row in self._rows(session, subject)
        ]

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        """Keep each answer for the figures; remove its contact."""
        rows = self._rows(session, subject)

        def apply() -> None:
            for row in rows:
                row.contact_id = None
            session.flush()

        return Erasure({"survey_answers_unlinked": len(rows)}, apply)


PERSONAL_DATA.register(SurveyAnswerHolder())
