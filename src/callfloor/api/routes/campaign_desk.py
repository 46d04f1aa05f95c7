"""The agent desk on an outbound campaign: a lead's screen pop, its script, its survey, and the results.

An agent, a supervisor or an admin reads a lead of the campaign (its screen pop), walks the
campaign's script with the lead's variables put in, and asks its survey. The script is
replayed from the steps the desk keeps (choice ids, ``null`` for « the call ended here »), so
the server holds no walk between requests; a step the walk cannot take is 422 ``illegal_step``.
The survey's answers are stored per lead (a survey cut off and finished on a later call is one
respondent, resumed), with the call they were given on; those posted are added to the stored
ones (``null``: an optional question passed), checked by the core, and the answers of questions
no longer asked go. The results and the exports are reports: supervisors, admins and the
client's viewers; the ``respondents`` and ``answers`` files name people, so a client viewer gets
them only when the tenant lets it read personal data.

Another tenant's campaign or lead, or a lead of another campaign, is 404; a campaign without a
script or a survey is 404 ``no_script`` or ``no_survey``.
"""

from contextlib import suppress
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, not_found
from callfloor.api.routes.contacts import customer_file_reader
from callfloor.api.routes.imports import FileFormat
from callfloor.api.routes.products import now
from callfloor.center.apply_outbound import script_spec, survey_spec
from callfloor.center.scripts import core_script, core_survey
from callfloor.core.config import Locale
from callfloor.core.roles import OBSERVE, REPORTS, Role
from callfloor.core.scripts import AnswerError, IllegalStep
from callfloor.core.scripts.answers import NO, YES, Answer
from callfloor.core.scripts.results import QuestionResults
from callfloor.core.scripts.script import Script
from callfloor.core.scripts.script_session import ScriptSession, ScriptState
from callfloor.core.scripts.survey import NUMERIC_TYPES, Question, QuestionType, Survey
from callfloor.core.scripts.survey_session import SurveySession
from callfloor.core.scripts.template import render
from callfloor.core.scripts.values import YES_NO, Money, Value
from callfloor.crm.exports import CONTENT_TYPES
from callfloor.crm.ticket_files import safe_name
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.lead_rows import LEAD_FIELDS
from callfloor.outbound.survey_exports import export_survey
from callfloor.outbound.survey_results import Respondent, SurveyResponseError, SurveyResponses
from callfloor.storage.contacts import Contact
from callfloor.storage.models import Tenant
from callfloor.storage.outbound import Campaign, Lead
from callfloor.storage.scope import TenantScope

router = APIRouter(prefix="/api/campaigns/{campaign}", tags=["outbound"])
Desk = Annotated[Caller, Depends(require(OBSERVE | {Role.AGENT}))]
ReportReader = Annotated[Caller, Depends(require(REPORTS))]
Name = Annotated[str, Field(max_length=64)]
AMOUNTS = frozenset(f.name for f in LEAD_FIELDS if f.kind == "amount")
DATES = frozenset(f.name for f in LEAD_FIELDS if f.kind == "date")
#: Lead data kept under another name than the script's variable.
ALIASES = {"quote_sent_at": "quote_date"}


class Layout(StrEnum):
    """The export's layouts (:mod:`callfloor.outbound.survey_exports`)."""

    RESULTS = "results"
    RESPONDENTS = "respondents"
    ANSWERS = "answers"


class CallbackOut(BaseModel):
    """A callback set for the lead: when, and the agent it is kept for (none: any agent)."""

    at: datetime | None
    agent: str | None


class LeadOut(BaseModel):
    """A lead as the agent's screen pop shows it."""

    id: int
    campaign: str
    name: str
    first_name: str
    last_name: str
    company: str
    phone: str
    email: str | None
    zone: str
    status: str
    attempts: int
    last_outcome: str | None
    last_disposition: str | None
    callback: CallbackOut | None
    data: dict[str, Any]
    contact_id: int | None


class ScriptIn(BaseModel):
    """The steps the agent took (choice ids; null: the call ended on that page), and the language."""

    taken: list[Name | None] = Field(default_factory=list, max_length=500)
    locale: Locale | None = Field(default=None, description="Default: the tenant's language.")


class Labelled(BaseModel):
    """A choice, an option or an objection: its id and label."""

    id: str
    label: str


class ChoiceOut(Labelled):
    """A choice of the page; ``ends``: taking it ends the script."""

    ends: bool


class ObjectionOut(Labelled):
    """An objection the agent may open from any page, and its answer."""

    answer: str


class PageOut(BaseModel):
    """The script's current page, the lead's variables put in."""

    script: str
    page: str
    title: str
    text: str
    choices: list[ChoiceOut]
    objections: list[ObjectionOut]
    missing: list[str] = Field(description="Variables the lead lacks (shown as placeholders).")
    ended: bool
    can_go_back: bool
    disposition: str | None = Field(description="The disposition the walk suggests for wrap-up.")


class QuestionOut(BaseModel):
    """A question as the desk asks it; ``min``/``max`` for scales and NPS, ``max_length`` for texts."""

    id: str
    type: QuestionType
    text: str
    required: bool
    options: list[Labelled]
    min: int | None
    max: int | None
    max_length: int | None


class SurveyOut(BaseModel):
    """Where the lead's survey stands: the questions asked so far, the answers, the next question."""

    survey: str
    title: str
    respondent: str
    questions: list[QuestionOut]
    answers: dict[str, Any]
    next: QuestionOut | None
    complete: bool


class SurveyIn(BaseModel):
    """Answers by question id (null: pass an optional question), and the call they are given on."""

    answers: dict[Name, Any] = Field(max_length=200)
    interaction_id: Annotated[str, Field(max_length=36)] | None = None
    locale: Locale | None = None


class CountOut(Labelled):
    """How many respondents gave an option, a value, yes or no, and their percentage."""

    count: int
    percent: float | None


class NpsOut(BaseModel):
    """Promoters (9–10), passives, detractors (0–6), and the score."""

    promoters: int
    passives: int
    detractors: int
    score: float | None


class QuestionResultsOut(BaseModel):
    """One question's figures, over the respondents who answered it."""

    question: str
    type: QuestionType
    text: str
    answered: int
    counts: list[CountOut]
    mean: float | None
    median: float | None
    nps: NpsOut | None


class ResultsOut(BaseModel):
    """The campaign's survey figures, what was left out, and the definitions used."""

    campaign: str
    survey: str
    kind: str
    respondents: int
    ignored: int
    questions: list[QuestionResultsOut]
    definitions: dict[str, str]


def _campaign(caller: Caller, name: str) -> Campaign:
    found = Campaigns(caller.session, caller.tenant_id).get(name)
    if found is None:
        raise not_found()
    return found


def _lead(caller: Caller, campaign: Campaign, lead_id: int) -> Lead:
    lead = caller.session.get(Lead, lead_id)
    if lead is None or lead.tenant_id != caller.tenant_id or lead.campaign_id != campaign.id:
        raise not_found()
    return lead


def _missing(what: str, fr: str, en: str) -> ApiError:
    return ApiError(404, f"no_{what}", fr, en)


def _script(caller: Caller, campaign: Campaign) -> Script:
    row = TenantScope(caller.session, caller.tenant_id).call_scripts.by_name(campaign.script or "")
    if row is None:
        raise _missing("script", "Cette campagne n'a pas d'argumentaire.", "This campaign has no script.")
    return core_script(script_spec(row))


def _survey(caller: Caller, campaign: Campaign) -> Survey:
    row = TenantScope(caller.session, caller.tenant_id).surveys.by_name(campaign.survey or "")
    if row is None:
        raise _missing("survey", "Cette campagne n'a pas d'enquête.", "This campaign has no survey.")
    return core_survey(survey_spec(row))


def _locale(caller: Caller, given: Locale | None) -> Locale:
    if given is not None:
        return given
    tenant = caller.session.get(Tenant, caller.tenant_id)
    return Locale.EN if tenant is not None and tenant.locale.startswith("en") else Locale.FR


def lead_variables(lead: Lead, campaign: Campaign, caller: Caller) -> dict[str, Value]:
    """The script's variables for ``lead``: its person, its contact's, its data (amounts, dates typed)."""
    contact = caller.session.get(Contact, lead.contact_id) if lead.contact_id is not None else None
    tenant = caller.session.get(Tenant, caller.tenant_id)
    currency = "USD" if campaign.country == "US" else "EUR"
    variables: dict[str, Value] = {}
    for key, value in lead.data.items():
        variables[ALIASES.get(key, key)] = _typed(key, value, currency)
    first = lead.first_name or (contact.first_name if contact else "")
    last = lead.last_name or (contact.last_name if contact else "")
    variables |= {
        "first_name": first, "last_name": last, "full_name": f"{first} {last}".strip(),
        "company": lead.company, "phone": lead.phone, "email": lead.email, "campaign": campaign.name,
        "agent_name": caller.user.name, "tenant_name": tenant.name if tenant else None,
    }  # fmt: skip
    if contact is not None:
        variables["civility"] = contact.civility
        variables.setdefault("customer_number", contact.customer_number)
    return variables


def _typed(key: str, value: object, currency: str) -> Value:
    """A lead's data value as the script writes it: amounts as money, ISO dates as dates."""
    if not isinstance(value, str | int | float | bool):
        return None  # a list or an object: no text shows it
    if isinstance(value, str) and key in AMOUNTS | DATES:
        with suppress(InvalidOperation, ValueError):  # not as the import writes it: shown as written
            return Money(Decimal(value), currency) if key in AMOUNTS else date.fromisoformat(value)
    return value


@router.get("/leads/{lead_id}")
def get_lead(caller: Desk, campaign: str, lead_id: int) -> LeadOut:
    """The lead as the agent's screen pop shows it."""
    found = _campaign(caller, campaign)
    lead = _lead(caller, found, lead_id)
    callback = None
    if lead.status == "callback":
        callback = CallbackOut(at=lead.next_attempt_at, agent=lead.callback_agent)
    name = f"{lead.first_name} {lead.last_name}".strip()
    return LeadOut(
        id=lead.id, campaign=found.name, name=name, first_name=lead.first_name, last_name=lead.last_name,
        company=lead.company, phone=lead.phone, email=lead.email, zone=lead.zone, status=lead.status,
        attempts=lead.attempts, last_outcome=lead.last_outcome, last_disposition=lead.last_disposition,
        callback=callback, data=lead.data, contact_id=lead.contact_id,
    )  # fmt: skip


@router.post("/leads/{lead_id}/script")
def script_page(caller: Desk, campaign: str, lead_id: int, body: ScriptIn) -> PageOut:
    """The script's page after the steps taken, with the lead's variables put in."""
    found = _campaign(caller, campaign)
    lead = _lead(caller, found, lead_id)
    script, locale = _script(caller, found), _locale(caller, body.locale)
    variables = lead_variables(lead, found, caller)
    try:
        walk = ScriptSession.replay(script, variables, body.taken, locale)
    except IllegalStep as exc:
        raise ApiError(422, "illegal_step", exc.fr, exc.en) from exc
    view = walk.view()

    def text(template: str) -> str:
        return render(template, variables, locale).text

    objections = [
        ObjectionOut(id=o.id, label=text(o.label.text(locale)), answer=text(o.answer.text(locale)))
        for o in script.objections
    ]
    return PageOut(
        script=script.name, page=view.page, title=view.title, text=view.text,
        choices=[ChoiceOut(id=c.id, label=c.label, ends=c.ends) for c in view.choices],
        objections=objections, missing=list(view.missing), ended=view.state is ScriptState.ENDED,
        can_go_back=view.can_go_back, disposition=view.disposition,
    )  # fmt: skip


def _question_out(question: Question, locale: Locale) -> QuestionOut:
    numeric = question.type in NUMERIC_TYPES
    low, high = question.bounds
    return QuestionOut(
        id=question.id, type=question.type, text=question.text.text(locale), required=question.required,
        options=[Labelled(id=o.id, label=o.label.text(locale)) for o in question.options],
        min=low if numeric else None, max=high if numeric else None,
        max_length=question.max_length if question.type is QuestionType.TEXT else None,
    )  # fmt: skip


def _survey_out(survey: Survey, asking: SurveySession, respondent: Respondent, locale: Locale) -> SurveyOut:
    following = asking.next_question()
    return SurveyOut(
        survey=survey.name, title=survey.title.text(locale) or survey.name, respondent=respondent.key,
        questions=[_question_out(q, locale) for q in asking.asked()], answers=dict(asking.answers),
        next=_question_out(following, locale) if following else None, complete=asking.complete,
    )  # fmt: skip


@router.get("/leads/{lead_id}/survey")
def lead_survey(caller: Desk, campaign: str, lead_id: int, locale: Locale | None = None) -> SurveyOut:
    """The lead's survey resumed from its stored answers: the questions asked so far and the next one."""
    found = _campaign(caller, campaign)
    lead = _lead(caller, found, lead_id)
    survey = _survey(caller, found)
    respondent = Respondent(lead_id=lead.id)
    asking = SurveyResponses(caller.session, caller.tenant_id).resume(survey, respondent)
    return _survey_out(survey, asking, respondent, _locale(caller, locale))


@router.post("/leads/{lead_id}/survey")
def answer_survey(caller: Desk, campaign: str, lead_id: int, body: SurveyIn) -> SurveyOut:
    """Add the answers to the lead's stored ones (checked), store them, and say what comes next."""
    found = _campaign(caller, campaign)
    lead = _lead(caller, found, lead_id)
    survey = _survey(caller, found)
    agent = TenantScope(caller.session, caller.tenant_id).agents.by_user(caller.user.id)
    respondent = Respondent(
        body.interaction_id, lead.id, campaign=found.name, agent=agent.extension if agent else None
    )
    responses = SurveyResponses(caller.session, caller.tenant_id)
    asking = responses.resume(survey, respondent)
    order = {q.id: i for i, q in enumerate(survey.questions)}
    try:  # in the survey's order, so an answer may open a later question given with it
        for question_id in sorted(body.answers, key=lambda q: order.get(q, len(order))):
            _give(asking, question_id, body.answers[question_id])
        responses.record(survey, asking.answers, respondent, at=now())
    except AnswerError as exc:
        raise ApiError(
            422, "invalid_answer", f"{exc.question} : {exc.fr}", f"{exc.question}: {exc.en}"
        ) from exc
    except IllegalStep as exc:
        raise ApiError(422, "question_not_asked", exc.fr, exc.en) from exc
    except SurveyResponseError as exc:
        raise ApiError(exc.status, exc.error_id, exc.fr, exc.en) from exc
    return _survey_out(survey, asking, respondent, _locale(caller, body.locale))


def _give(asking: SurveySession, question_id: str, value: Answer | list[str] | None) -> None:
    if value is None:
        asking.skip(question_id)
    else:
        asking.answer(question_id, value)


@router.get("/survey/results")
def survey_results(caller: ReportReader, campaign: str, locale: Locale | None = None) -> ResultsOut:
    """The campaign's survey figures: per question, counts and percentages, mean, median, NPS."""
    found = _campaign(caller, campaign)
    survey = _survey(caller, found)
    report = SurveyResponses(caller.session, caller.tenant_id).results(survey, campaign=found.name)
    language = _locale(caller, locale)
    return ResultsOut(
        campaign=found.name, survey=survey.name, kind=survey.kind.value, respondents=report.total.respondents,
        ignored=report.ignored, definitions=report.definitions,
        questions=[_figures(survey, q, language) for q in report.total.questions],
    )  # fmt: skip


def _figures(survey: Survey, figures: QuestionResults, locale: Locale) -> QuestionResultsOut:
    question = survey.question(figures.question)
    labels = {o.id: o.label.text(locale) for o in question.options} if question else {}
    labels |= dict(zip((YES, NO), YES_NO[locale], strict=True))
    nps = figures.nps
    return QuestionResultsOut(
        question=figures.question, type=figures.type, text=question.text.text(locale) if question else "",
        answered=figures.answered, mean=figures.mean, median=figures.median,
        counts=[CountOut(id=c.value, label=labels.get(c.value, c.value), count=c.count, percent=c.percent)
                for c in figures.counts],
        nps=NpsOut(promoters=nps.promoters, passives=nps.passives, detractors=nps.detractors, score=nps.score)
        if nps else None,
    )  # fmt: skip


@router.get(
    "/survey/export",
    response_class=Response,
    responses={200: {"content": {v: {} for v in CONTENT_TYPES.values()}, "description": "The file."}},
)
def export_results(
    caller: ReportReader,
    campaign: str,
    format_: Annotated[FileFormat, Query(alias="format")] = FileFormat.CSV,
    table: Annotated[Layout, Query(description="results, respondents or answers")] = Layout.RESULTS,
) -> Response:
    """The campaign's survey results, respondents or answers as CSV (French Excel) or XLSX."""
    found = _campaign(caller, campaign)
    survey = _survey(caller, found)
    if table != Layout.RESULTS:  # people's answers: read as the customer file is
        customer_file_reader(caller)
    data = export_survey(
        caller.session, caller.tenant_id, survey, table.value, format_.value, campaign=found.name
    )
    name = safe_name(f"{found.name}-{survey.name}-{table.value}.{format_.value}")
    return Response(
        data, media_type=CONTENT_TYPES[format_.value],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip
