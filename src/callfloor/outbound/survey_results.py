"""Survey and poll answers taken down by agents: recorded per respondent, read back, and their results.

Theory of operation. The agent desktop walks a :class:`~callfloor.core.scripts.survey_session.SurveySession`
and saves its answers with :meth:`SurveyResponses.record`, as often as it likes: the
respondent's answers to the survey *become* those given (answers to questions no longer asked,
after an earlier answer changed, are deleted), in the caller's transaction. Every answer is
checked against the survey again, so a client cannot store what the session would refuse. A
respondent is the lead when the call comes from a campaign's list, else the interaction
(:func:`~callfloor.storage.survey_responses.respondent_key`): a survey cut off and finished on
a later call of the same lead is one respondent, resumed by :meth:`SurveyResponses.resume`. The
lead and the contact must be the tenant's; a lead's contact and campaign are filled in when not given.

:meth:`SurveyResponses.results` reads a survey's answers (over a period, for one campaign or
all) and folds them with :func:`callfloor.core.scripts.results.tally`, in total and per
campaign (``None``: answers taken on inbound queues); the definitions used go with them. An
answer the survey no longer accepts (an option removed since, a question renamed) is left out
of the figures and counted in ``ignored``. CSV and XLSX exports are in
:mod:`callfloor.outbound.survey_exports`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.core.scripts import AnswerError, ScriptError
from callfloor.core.scripts.answers import Answer, decode, encode
from callfloor.core.scripts.results import DEFINITIONS, SurveyResults, tally
from callfloor.core.scripts.survey import Survey, SurveyKind
from callfloor.core.scripts.survey_session import SurveySession
from callfloor.crm import gdpr_survey_responses  # registers the RGPD holder and the merge reference
from callfloor.outbound import OutboundError
from callfloor.storage.contacts import Contact
from callfloor.storage.outbound import Campaign, Lead
from callfloor.storage.survey_responses import SurveyResponse, SurveyResponseRepository, respondent_key

__all__ = ["Respondent", "SurveyReport", "SurveyResponseError", "SurveyResponses", "gdpr_survey_responses"]

#: The longest name kept for each part of a response's context (the columns' lengths).
LENGTHS = {"interaction_id": 36, "campaign": 64, "queue": 64, "agent": 16}


class SurveyResponseError(OutboundError):
    """Answers that cannot be stored: not answers to the survey, or no respondent."""

    error_id = "invalid_survey_response"


@dataclass(frozen=True, slots=True)
class Respondent:
    """Who answers, and on which call: the lead or the interaction (one at least), and the context."""

    interaction_id: str | None = None
    lead_id: int | None = None
    contact_id: int | None = None
    campaign: str | None = None
    queue: str | None = None
    agent: str | None = None

    @property
    def key(self) -> str:
        """The respondent's key (the lead's, else the interaction's)."""
        return respondent_key(self.lead_id, self.interaction_id)


@dataclass(frozen=True, slots=True)
class SurveyReport:
    """A survey's results in total and per campaign, what was left out, and the definitions."""

    survey: str
    kind: SurveyKind
    start: datetime | None
    end: datetime | None
    total: SurveyResults
    by_campaign: dict[str | None, SurveyResults]
    ignored: int
    definitions: dict[str, str] = field(default_factory=lambda: dict(DEFINITIONS))


def _check_respondent(respondent: Respondent, at: datetime) -> None:
    if respondent.lead_id is None and not respondent.interaction_id:
        raise SurveyResponseError(
            "a lead or an interaction is required", "un lead ou une interaction est requis"
        )
    for name, longest in LENGTHS.items():
        value = getattr(respondent, name)
        if value is not None and len(value) > longest:
            raise SurveyResponseError(
                f"{name}: {longest} characters at most", f"{name} : {longest} caractères au plus"
            )
    if at.tzinfo is None or at.utcoffset() is None:
        raise SurveyResponseError("at: a time zone is required", "at : un fuseau horaire est requis")


def checked_answers(survey: Survey, answers: Mapping[str, object]) -> dict[str, Answer]:
    """``answers`` as a session takes them; :class:`SurveyResponseError` for one it would not."""
    try:
        session = SurveySession(survey, answers)
    except ScriptError as exc:
        en, fr = (exc.en, exc.fr) if isinstance(exc, AnswerError) else (str(exc), str(exc))
        question = exc.question if isinstance(exc, AnswerError) else "survey"
        raise SurveyResponseError(f"{question}: {en}", f"{question} : {fr}") from exc
    kept = session.answers
    for question in answers:
        if question not in kept:
            en, fr = f"{question!r} is not asked", f"la question {question!r} n'est pas posée"
            raise SurveyResponseError(en, fr)
    return kept


class SurveyResponses:
    """One tenant's survey and poll answers."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.repository = SurveyResponseRepository(session, tenant_id)

    def record(
        self, survey: Survey, answers: Mapping[str, object], respondent: Respondent, *, at: datetime
    ) -> list[SurveyResponse]:
        """Make the respondent's answers to ``survey`` those given (checked), in the caller's transaction."""
        _check_respondent(respondent, at)
        respondent = self._linked(respondent)
        kept = checked_answers(survey, answers)
        stored = {r.question: r for r in self.repository.of_respondent(survey.name, respondent.key)}
        for question_id, row in stored.items():
            if question_id not in kept:
                self.session.delete(row)
        written = []
        for question_id, answer in kept.items():
            question = survey.question(question_id)
            if question is None:  # never: the session keeps the survey's questions only
                continue
            row = stored.get(question_id) or SurveyResponse(
                survey=survey.name, question=question_id, respondent=respondent.key
            )
            value = encode(question, answer)
            if row.id is None or (row.value, row.number) != (value.text, value.number):
                row.value, row.number, row.type, row.answered_at = value.text, value.number, question.type, at
            self._place(row, respondent)
            written.append(row if row.id else self.repository.add(row))
        self.session.flush()
        return written

    def _linked(self, respondent: Respondent) -> Respondent:
        """The respondent checked (lead, contact: the tenant's); the lead's contact and campaign added."""
        contact_id, campaign = respondent.contact_id, respondent.campaign
        if respondent.lead_id is not None:
            lead = self.session.get(Lead, respondent.lead_id)
            if lead is None or lead.tenant_id != self.tenant_id:
                raise SurveyResponseError(
                    f"unknown lead {respondent.lead_id}", f"lead {respondent.lead_id} inconnu"
                )
            contact_id = contact_id if contact_id is not None else lead.contact_id
            if campaign is None:
                campaign = self.session.scalar(select(Campaign.name).where(Campaign.id == lead.campaign_id))
        if contact_id is not None:
            contact = self.session.get(Contact, contact_id)
            if contact is None or contact.tenant_id != self.tenant_id:
                raise SurveyResponseError(f"unknown contact {contact_id}", f"contact {contact_id} inconnu")
        return replace(respondent, contact_id=contact_id, campaign=campaign)

    @staticmethod
    def _place(row: SurveyResponse, respondent: Respondent) -> None:
        """The call the answer was (last) taken on; what is not known now is kept as it was."""
        for name in ("interaction_id", "lead_id", "contact_id", "campaign", "queue", "agent"):
            value = getattr(respondent, name)
            if value is not None:
                setattr(row, name, value)

    def stored(self, survey: Survey, respondent: Respondent) -> dict[str, Answer]:
        """The respondent's answers the survey still accepts (the others are left out)."""
        rows = self.repository.of_respondent(survey.name, respondent.key)
        return {r.question: a for r in rows if (a := _decoded(survey, r)) is not None}

    def resume(self, survey: Survey, respondent: Respondent) -> SurveySession:
        """A session with the respondent's answers so far (a survey cut off, taken up again)."""
        return SurveySession(survey, self.stored(survey, respondent))

    def results(
        self,
        survey: Survey,
        *,
        campaign: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> SurveyReport:
        """The figures of the answers given in ``[start, end)``, in total and per campaign."""
        rows = self.repository.of_survey(survey.name, campaign=campaign, start=start, end=end)
        respondents, campaigns, ignored = gather(survey, rows)
        by_campaign: dict[str | None, list[dict[str, Answer]]] = {}
        for key, answers in respondents.items():
            by_campaign.setdefault(campaigns[key], []).append(answers)
        order = sorted(by_campaign, key=lambda c: (c is None, c or ""))
        return SurveyReport(
            survey.name, survey.kind, start, end, tally(survey, respondents.values()),
            {c: tally(survey, by_campaign[c]) for c in order}, ignored,
        )  # fmt: skip


def _decoded(survey: Survey, row: SurveyResponse) -> Answer | None:
    question = survey.question(row.question)
    if question is None:
        return None
    try:
        return decode(question, row.value)
    except AnswerError:
        return None


def gather(
    survey: Survey, rows: Sequence[SurveyResponse]
) -> tuple[dict[str, dict[str, Answer]], dict[str, str | None], int]:
    """Answers by respondent, each respondent's campaign (its latest answer's), and the rows left out."""
    respondents: dict[str, dict[str, Answer]] = {}
    campaigns: dict[str, str | None] = {}
    ignored = 0
    for row in rows:
        answer = _decoded(survey, row)
        if answer is None:
            ignored += 1
            continue
        respondents.setdefault(row.respondent, {})[row.question] = answer
        campaigns[row.respondent] = row.campaign
    return respondents, campaigns, ignored
