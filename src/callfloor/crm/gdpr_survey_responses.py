"""Survey and poll answers taken down by agents, as holders of a person's data (RGPD art. 15, 17).

The person's answers are those linked to the contact, and the unlinked ones given on one of the
person's interactions (:func:`callfloor.crm.gdpr_holders.interactions_of`) or as a lead of the
contact or of one of its numbers (an answer taken before the lead was matched to a contact).

Exported whole. On erasure the answers stay in the campaign's figures, as the post-call answers
do (:mod:`callfloor.crm.gdpr_surveys`), but nothing in them leads back to the person any more:
the contact and the lead links go, the respondent's key (``lead:<id>``) becomes ``erased:<id of
its first answer>`` (the respondent's answers still count as one respondent), and free-text
answers, which may say anything about anyone, are replaced by the anonymisation marker; a choice,
a score or a yes/no says nothing of who gave it. Registered here too: contact merges re-point
the answers' contact.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from callfloor.core.scripts.survey import QuestionType
from callfloor.crm.gdpr import MARKER, PERSONAL_DATA, DataSubject, Erasure
from callfloor.crm.gdpr_holders import interactions_of
from callfloor.crm.merge import CONTACT_REFERENCES
from callfloor.storage.interactions import Interaction
from callfloor.storage.outbound import Lead
from callfloor.storage.survey_responses import SurveyResponse

CONTACT_REFERENCES.register(SurveyResponse, SurveyResponse.contact_id)

#: The fields of an answer the export shows.
FIELDS = (
    *("id", "survey", "question", "type", "value", "number", "campaign", "queue", "agent"),
    *("interaction_id", "answered_at"),
)


def _theirs(subject: DataSubject) -> ColumnElement[bool]:
    """The person's answers: linked, or unlinked on one of the person's interactions or leads."""
    interactions = select(Interaction.interaction_id).where(interactions_of(subject))
    leads = select(Lead.id).where(
        Lead.tenant_id == subject.tenant_id,
        or_(Lead.contact_id == subject.contact_id, Lead.phone.in_(subject.numbers)),
    )
    unlinked = and_(
        SurveyResponse.contact_id.is_(None),
        or_(SurveyResponse.interaction_id.in_(interactions), SurveyResponse.lead_id.in_(leads)),
    )
    return and_(
        SurveyResponse.tenant_id == subject.tenant_id,
        or_(SurveyResponse.contact_id == subject.contact_id, unlinked),
    )


class SurveyResponseHolder:
    """The answers the person gave to agents' surveys and polls."""

    kind = "survey_responses"
    title: ClassVar[Mapping[str, str]] = {
        "fr": "Réponses aux enquêtes et sondages",
        "en": "Survey and poll answers",
    }

    def _rows(self, session: Session, subject: DataSubject) -> list[SurveyResponse]:
        query = select(SurveyResponse).where(_theirs(subject))
        return list(session.scalars(query.order_by(SurveyResponse.answered_at, SurveyResponse.id)))

    def export(self, session: Session, subject: DataSubject) -> list[dict[str, Any]]:
        """Each answer, oldest first."""
        return [{name: getattr(row, name) for name in FIELDS} for row in self._rows(session, subject)]

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        """Keep each answer for the figures; remove its links, its respondent's key and its free text."""
        rows = self._rows(session, subject)
        groups = {(row.survey, row.respondent) for row in rows if not row.respondent.startswith("erased:")}
        # Every answer of a respondent touched, so that the respondent stays one in the figures.
        everyone = {row.id: row for row in rows}
        for survey, respondent in sorted(groups):
            same = select(SurveyResponse).where(
                SurveyResponse.tenant_id == subject.tenant_id,
                SurveyResponse.survey == survey,
                SurveyResponse.respondent == respondent,
            )
            everyone.update({row.id: row for row in session.scalars(same)})
        texts = sum(row.type == QuestionType.TEXT for row in everyone.values())

        def apply() -> None:
            firsts: dict[tuple[str, str], int] = {}
            for row in sorted(everyone.values(), key=lambda r: r.id):
                firsts.setdefault((row.survey, row.respondent), row.id)
            for row in everyone.values():
                row.respondent = f"erased:{firsts[(row.survey, row.respondent)]}"
                row.contact_id = row.lead_id = None
                if row.type == QuestionType.TEXT:
                    row.value = MARKER
            session.flush()

        return Erasure({"survey_responses_unlinked": len(everyone), "survey_texts_anonymised": texts}, apply)


PERSONAL_DATA.register(SurveyResponseHolder())
