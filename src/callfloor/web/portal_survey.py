"""A campaign's survey results as the client portal shows them: each question's figures, labelled.

The same figures as ``GET /api/campaigns/{campaign}/survey/results``
(:meth:`callfloor.outbound.survey_results.SurveyResponses.results`), with the questions' and
options' texts in the page's language.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from callfloor.center.apply_outbound import survey_spec
from callfloor.center.scripts import core_survey
from callfloor.core.config import Locale
from callfloor.core.scripts.answers import NO, YES
from callfloor.core.scripts.results import QuestionResults
from callfloor.core.scripts.survey import Survey
from callfloor.core.scripts.values import YES_NO
from callfloor.outbound.survey_results import SurveyResponses
from callfloor.storage.outbound import Campaign
from callfloor.storage.scope import TenantScope


@dataclass(frozen=True, slots=True)
class CountLine:
    """An option, value, yes or no: how many respondents gave it, and their share (0–1)."""

    label: str
    count: int
    share: float | None


@dataclass(frozen=True, slots=True)
class QuestionLine:
    """One question's figures over the respondents who answered it."""

    text: str
    answered: int
    counts: tuple[CountLine, ...]
    mean: float | None
    median: float | None
    nps: float | None


@dataclass(frozen=True, slots=True)
class SurveyFigures:
    """The campaign's survey: its title, respondents, questions and the definitions used."""

    name: str
    title: str
    respondents: int
    questions: tuple[QuestionLine, ...]


def survey_figures(
    session: Session, campaign: Campaign, locale: Locale, since: datetime | None, until: datetime | None
) -> SurveyFigures | None:
    """The results of the campaign's survey over ``[since, until)``; None when it has none."""
    row = TenantScope(session, campaign.tenant_id).surveys.by_name(campaign.survey or "")
    if row is None:
        return None
    survey = core_survey(survey_spec(row))
    report = SurveyResponses(session, campaign.tenant_id).results(
        survey, campaign=campaign.name, start=since, end=until
    )
    return SurveyFigures(
        name=survey.name,
        title=survey.title.text(locale) or survey.name,
        respondents=report.total.respondents,
        questions=tuple(_line(survey, q, locale) for q in report.total.questions),
    )


def _line(survey: Survey, figures: QuestionResults, locale: Locale) -> QuestionLine:
    question = survey.question(figures.question)
    labels = {o.id: o.label.text(locale) for o in question.options} if question else {}
    labels |= dict(zip((YES, NO), YES_NO[locale], strict=True))
    counts = tuple(
        CountLine(labels.get(c.value, c.value), c.count, None if c.percent is None else c.percent / 100)
        for c in figures.counts
    )
    return QuestionLine(
        text=question.text.text(locale) if question else figures.question,
        answered=figures.answered,
        counts=counts,
        mean=figures.mean,
        median=figures.median,
        nps=figures.nps.score if figures.nps else None,
    )
