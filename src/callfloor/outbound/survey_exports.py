"""A survey's results and answers as CSV (French Excel) or XLSX, through :mod:`callfloor.crm.sheets`.

Three layouts, each one sheet:

- ``results``: the figures (:class:`~callfloor.outbound.survey_results.SurveyReport`), one row
  per question and answer (an option, a value of a scale, yes, no), in total (campaign
  ``*``) then per campaign (empty: inbound queues): the count and the percentage of the
  respondents who answered the question; then, for scales and NPS, rows ``mean`` and ``median``
  and, for an NPS, ``promoters``, ``passives``, ``detractors`` and ``nps`` (the score);
- ``respondents``: one row per respondent, their context, then one column per question (the
  answer as stored: an option's id, ``email,sms``, ``7``, ``yes``, the text);
- ``answers``: one row per answer, as stored, with its integer and time.

Figures are written with a decimal comma, as French Excel reads them (like the CRM's exports);
times in ISO 8601 in the tenant's zone, with its offset. Question and option texts are in the
language asked for. Cells a spreadsheet would run as formulas are escaped by the sheet writers.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callfloor.core.config import Locale
from callfloor.core.scripts.results import QuestionResults, SurveyResults
from callfloor.core.scripts.survey import Survey
from callfloor.crm.sheets import write_csv, write_xlsx
from callfloor.outbound import OutboundError
from callfloor.outbound.survey_results import SurveyReport, SurveyResponses
from callfloor.storage.models import Tenant
from callfloor.storage.survey_responses import SurveyResponse, SurveyResponseRepository

FORMATS = ("csv", "xlsx")
LAYOUTS = ("results", "respondents", "answers")
ALL_CAMPAIGNS = "*"
RESULT_COLUMNS = ("campaign", "question", "text", "answer", "label", "answered", "count", "percent", "value")
CONTEXT_COLUMNS = ("respondent", "campaign", "queue", "agent", "interaction_id", "lead_id", "contact_id")
ANSWER_COLUMNS = (*CONTEXT_COLUMNS, "question", "type", "value", "number", "answered_at")
Table = tuple[list[str], list[list[str]]]


def figure(value: float | int | None) -> str:
    """A figure with a decimal comma (``33,3``), whole ones without decimals (``100``); empty for none."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def result_table(survey: Survey, report: SurveyReport, locale: Locale = Locale.FR) -> Table:
    """The ``results`` layout."""
    rows: list[list[str]] = []
    groups: list[tuple[str, SurveyResults]] = [(ALL_CAMPAIGNS, report.total)]
    groups += [(c or "", results) for c, results in report.by_campaign.items()]
    for campaign, results in groups:
        for figures in results.questions:
            rows += [[campaign, *row] for row in _question_rows(survey, figures, locale)]
    return list(RESULT_COLUMNS), rows


def _question_rows(survey: Survey, figures: QuestionResults, locale: Locale) -> Iterator[list[str]]:
    question = survey.question(figures.question)
    text = question.text.text(locale) if question else ""
    labels = {o.id: o.label.text(locale) for o in question.options} if question else {}
    n = str(figures.answered)
    if not figures.counts:
        yield [figures.question, text, "", "", n, n, "", ""]
    for count in figures.counts:
        label = labels.get(count.value, count.value)
        yield [figures.question, text, count.value, label, n, str(count.count), figure(count.percent), ""]
    if figures.mean is not None:
        yield [figures.question, text, "mean", "", n, "", "", figure(figures.mean)]
        yield [figures.question, text, "median", "", n, "", "", figure(figures.median)]
    if figures.nps is not None and figures.answered:
        nps, whole = figures.nps, figures.answered
        for name, part in (
            ("promoters", nps.promoters),
            ("passives", nps.passives),
            ("detractors", nps.detractors),
        ):
            yield [figures.question, text, name, "", n, str(part), figure(round(100 * part / whole, 1)), ""]
        yield [figures.question, text, "nps", "", n, "", "", figure(nps.score)]


def respondent_table(survey: Survey, rows: Sequence[SurveyResponse], zone: ZoneInfo) -> Table:
    """The ``respondents`` layout: rows of the survey, grouped by respondent (as read, in that order)."""
    questions = [q.id for q in survey.questions]
    stored = {r.question for r in rows}
    questions += sorted(stored - set(questions))  # answers to questions since removed stay visible
    by_respondent: dict[str, list[SurveyResponse]] = {}
    for row in rows:
        by_respondent.setdefault(row.respondent, []).append(row)
    table = []
    for answers in by_respondent.values():
        latest = max(answers, key=lambda r: (r.answered_at, r.id))
        values = {r.question: r.value for r in answers}
        context = [_text(getattr(latest, name)) for name in CONTEXT_COLUMNS]
        table.append([*context, _when(latest.answered_at, zone), *(values.get(q, "") for q in questions)])
    return [*CONTEXT_COLUMNS, "answered_at", *questions], table


def answer_table(rows: Sequence[SurveyResponse], zone: ZoneInfo) -> Table:
    """The ``answers`` layout."""
    table = [
        [*(_text(getattr(r, name)) for name in ANSWER_COLUMNS[:-1]), _when(r.answered_at, zone)] for r in rows
    ]
    return list(ANSWER_COLUMNS), table


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def sheet(table: Table, format_: str, title: str) -> bytes:
    """The table as a CSV or XLSX file."""
    header, rows = table
    if format_ == "csv":
        return write_csv(header, rows)
    if format_ == "xlsx":
        return write_xlsx(header, rows, title[:31])
    raise OutboundError(
        f"unknown format {format_!r} (csv or xlsx)", f"format {format_!r} inconnu (csv ou xlsx)"
    )


def export_survey(
    session: Session,
    tenant_id: int,
    survey: Survey,
    layout: str,
    format_: str,
    *,
    campaign: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> bytes:
    """A survey's ``layout`` over ``[start, end)``, in the tenant's language and zone, as ``format_``."""
    if layout not in LAYOUTS:
        raise OutboundError(f"unknown layout {layout!r}", f"présentation {layout!r} inconnue")
    tenant = session.get(Tenant, tenant_id)
    locale = Locale.EN if tenant is not None and tenant.locale.startswith("en") else Locale.FR
    zone = ZoneInfo(tenant.timezone if tenant is not None else "UTC")
    if layout == "results":
        report = SurveyResponses(session, tenant_id).results(survey, campaign=campaign, start=start, end=end)
        table = result_table(survey, report, locale)
    else:
        repository = SurveyResponseRepository(session, tenant_id)
        rows = repository.of_survey(survey.name, campaign=campaign, start=start, end=end)
        table = respondent_table(survey, rows, zone) if layout == "respondents" else answer_table(rows, zone)
    return sheet(table, format_, f"{survey.name} {layout}")
