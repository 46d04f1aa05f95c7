"""``callfloor survey-results``, run as a user runs it: the figures printed, or exported as CSV or XLSX."""

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.apply_outbound import apply_survey
from callfloor.center.scripts import SurveySpec, core_survey
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.survey_results import Respondent, SurveyResponses
from callfloor.storage.outbound import Lead
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from tests.test_cli import cli, env  # noqa: F401 - the fixture is used by name

SURVEY = SurveySpec.model_validate({
    "name": "satisfaction",
    "questions": [
        {"id": "nps", "type": "nps", "text": "Recommanderiez-vous ?"},
        {"id": "why_low", "type": "text", "text": "Pourquoi ?", "required": False,
         "when": [{"question": "nps", "less_than": 7}]},
        {"id": "happy", "type": "yes_no", "text": "Satisfait ?"},
    ],
})  # fmt: skip
ANSWERS = [
    {"nps": 10, "happy": True},
    {"nps": 9, "happy": True},
    {"nps": 2, "why_low": "Délais", "happy": False},
]


def _floor(sessions: sessionmaker[Session]) -> None:
    """Tenant acme's campaign ``relance`` with three leads surveyed, and ``nue`` without a survey."""
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("acme", "Acme")
        apply_survey(TenantScope(session, tenant.id), SURVEY)
        campaigns = Campaigns(session, tenant.id)
        campaign = campaigns.create("relance", "survey", survey="satisfaction")
        campaigns.create("nue", "survey")
        responses = SurveyResponses(session, tenant.id)
        for i, answers in enumerate(ANSWERS):
            lead = Lead(tenant_id=tenant.id, campaign_id=campaign.id, phone=f"+3361234560{i}",
                        phone_type="mobile", zone="Europe/Paris", country="FR")  # fmt: skip
            session.add(lead)
            session.flush()
            respondent = Respondent(interaction_id=f"call-{i}", lead_id=lead.id, agent="2001")
            responses.record(
                core_survey(SURVEY), answers, respondent, at=datetime(2026, 3, 16, 9, tzinfo=UTC)
            )


def test_the_results_are_printed_with_percentages_and_the_nps(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
) -> None:
    _floor(sessions)
    shown = cli(env, "survey-results", "--campaign", "relance")
    assert shown.returncode == 0, shown.stderr
    assert "satisfaction — relance: 3 respondents / répondants" in shown.stdout
    lines = [" ".join(line.replace("│", " ").split()) for line in shown.stdout.splitlines()]
    assert "happy Satisfait ? yes yes 3 2 66,7" in lines
    assert "nps Recommanderiez-vous ? promoters 3 2 66,7" in lines
    assert "nps Recommanderiez-vous ? nps 3 33,3" in lines  # (2 promoters - 1 detractor) / 3


def test_the_results_are_exported_as_csv_and_xlsx(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    _floor(sessions)
    out = tmp_path / "resultats.csv"
    written = cli(env, "survey-results", "--campaign", "relance", "--out", str(out), "--tenant", "acme")
    assert written.returncode == 0, written.stderr
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["campaign", "question", "text"]
    assert ["relance", "happy", "Satisfait ?", "no", "no", "3", "1", "33,3", ""] in rows
    book = tmp_path / "reponses.xlsx"
    answers = cli(env, "survey-results", "--campaign", "relance", "--out", str(book), "--table", "answers")
    assert answers.returncode == 0, answers.stderr
    workbook = load_workbook(book, read_only=True)  # read-only keeps the file open until closed
    sheet = workbook.active
    assert sheet is not None
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    workbook.close()
    column = table[0].index("value")
    assert sorted(r[column] for r in table[1:] if r[table[0].index("question")] == "why_low") == ["Délais"]
    assert len(table) == 1 + 7


def test_errors_say_what_is_wrong_and_write_nothing(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    _floor(sessions)
    unknown = cli(env, "survey-results", "--campaign", "soldes")
    assert unknown.returncode == 1 and "campagne inconnue 'soldes'" in unknown.stderr
    bare = cli(env, "survey-results", "--campaign", "nue")
    assert bare.returncode == 1 and "campaign 'nue' has no survey" in bare.stderr
    pdf = tmp_path / "resultats.pdf"
    wrong = cli(env, "survey-results", "--campaign", "relance", "--out", str(pdf))
    assert wrong.returncode == 1 and ".csv or .xlsx" in wrong.stderr and not pdf.exists()
    layout = cli(
        env, "survey-results", "--campaign", "relance", "--out", str(tmp_path / "x.csv"), "--table", "x"
    )
    assert layout.returncode == 1 and "--table: one of results, respondents, answers" in layout.stderr
    other = cli(env, "survey-results", "--campaign", "relance", "--tenant", "globex")
    assert other.returncode == 1 and "unknown tenant 'globex'" in other.stderr
