"""Post-call survey answers: those of one interaction, and the CSAT figures over a period.

An interaction's answers are part of the customer file (they are linked to the caller): read
by those who read its record (agents, supervisors, admins; client viewers only when the tenant
lets them); another tenant's interaction is 404. The CSAT is a KPI: supervisors, admins and the
client's viewers read it, agents do not; it says which definitions it used. The answers
themselves are written by the live server (:class:`callfloor.crm.surveys.SurveyAnswers`), not
through the API.
"""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found
from callfloor.api.routes.contacts import Reader, refused_as_api_errors
from callfloor.api.routes.products import now
from callfloor.core.roles import REPORTS
from callfloor.crm.surveys import CsatFigures, SurveyAnswers

router = APIRouter(tags=["surveys"])
ReportReader = Annotated[Caller, Depends(require(REPORTS))]
#: The default period, ending now; and the longest one asked for in one request.
DEFAULT_PERIOD = timedelta(days=7)
LONGEST_PERIOD = timedelta(days=366)


class SurveyAnswerOut(BaseModel):
    """One answer the caller keyed after the interaction."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    interaction_id: str
    contact_id: int | None
    queue: str | None
    agent: str | None = Field(description="The agent's extension.")
    survey: str = Field(description="The IVR flow of the survey.")
    question: str
    value: int = Field(description="The digits keyed.")
    answered_at: datetime


class CsatFiguresOut(BaseModel):
    """The figures of one queue or agent (``key``), or of all (``key`` null); null: nothing to count."""

    model_config = ConfigDict(from_attributes=True)

    key: str | None
    satisfaction_answers: int
    mean_satisfaction: float | None
    csat_percent: float | None
    resolved_answers: int
    resolution_percent: float | None


class CsatOut(BaseModel):
    """The survey figures over ``[start, end)``: in total, per queue, per agent, and how they are counted."""

    start: datetime
    end: datetime
    total: CsatFiguresOut
    by_queue: list[CsatFiguresOut]
    by_agent: list[CsatFiguresOut]
    definitions: dict[str, str]


@router.get("/api/interactions/{interaction_id}/survey-answers")
def interaction_survey_answers(
    caller: Reader, interaction_id: Annotated[str, Path(max_length=36)]
) -> list[SurveyAnswerOut]:
    """The answers keyed after the interaction, in order (none: an empty list)."""
    surveys = SurveyAnswers(caller.session, caller.tenant_id)
    found = surveys.of_interaction(interaction_id)
    if not found and surveys.scope.interactions.by_interaction_id(interaction_id) is None:
        raise not_found()
    return [SurveyAnswerOut.model_validate(a) for a in found]


def _too_long() -> ApiError:
    days = LONGEST_PERIOD.days
    return ApiError(
        422,
        "period_too_long",
        f"Période trop longue : {days} jours au plus.",
        f"Period too long: {days} days at most.",
    )


@router.get("/api/kpi/csat")
def csat(
    caller: ReportReader,
    *,
    start: Annotated[datetime | None, Query(alias="from", description="Default: 7 days before to.")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="Excluded; default: now.")] = None,
    queue: Annotated[str | None, Query(max_length=64)] = None,
    agent: Annotated[str | None, Query(max_length=16, description="An agent's extension.")] = None,
) -> CsatOut:
    """The CSAT, mean satisfaction and resolution rate per queue, per agent and in total."""
    end = end or now()
    start = start or end - DEFAULT_PERIOD
    if start.tzinfo and end.tzinfo and end - start > LONGEST_PERIOD:  # a naive time: refused below
        raise _too_long()
    with refused_as_api_errors():
        report = SurveyAnswers(caller.session, caller.tenant_id).csat(start, end, queue=queue, agent=agent)
    return CsatOut(
        start=report.start,
        end=report.end,
        total=_figures(report.total),
        by_queue=[_figures(f) for f in report.by_queue],
        by_agent=[_figures(f) for f in report.by_agent],
        definitions=report.definitions,
    )


def _figures(figures: CsatFigures) -> CsatFiguresOut:
    return CsatFiguresOut.model_validate(figures)
