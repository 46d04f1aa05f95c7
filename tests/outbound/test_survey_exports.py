"""Survey exports as French Excel reads them, read back with the CRM's sheet reader."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.sheets import read_sheet
from callfloor.outbound import OutboundError
from callfloor.outbound.survey_exports import export_survey, figure
from callfloor.outbound.survey_results import Respondent, SurveyResponses
from callfloor.storage.platform import Platform
from tests.core.scripts.examples import SATISFACTION

T0 = datetime(2026, 3, 16, 9, 30, tzinfo=UTC)
ANSWERS = [
    ("relance", {"nps": 10, "channels": ["email", "phone"], "callback": True, "ease": 5}),
    ("relance", {"nps": 3, "why_low": '=HYPERLINK("x"); trop cher', "channels": ["email"], "ease": 2}),
    (None, {"nps": 7, "channels": ["sms"], "ease": 4, "plan": "plus"}),
]


@pytest.fixture
def floor(sessions: sessionmaker[Session]) -> Iterator[tuple[Session, int]]:
    with sessions() as session, session.begin():
        tenant = Platform(session).create_tenant("acme", "Acme")
        tenant.timezone = "Europe/Paris"
        responses = SurveyResponses(session, tenant.id)
        for i, (campaign, given) in enumerate(ANSWERS):
            responses.record(
                SATISFACTION,
                given,
                Respondent(interaction_id=f"call-{i}", campaign=campaign, agent="2001"),
                at=T0,
            )
        yield session, tenant.id
        session.rollback()


def _rows(data: bytes, name: str) -> tuple[list[str], list[list[str]]]:
    sheet = read_sheet(data, name)
    return sheet.header, [cells for _, cells in sheet.rows]


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_results_read_back_with_counts_percentages_and_figures(
    floor: tuple[Session, int], format_: str
) -> None:
    data = export_survey(*floor, SATISFACTION, "results", format_)
    header, rows = _rows(data, f"results.{format_}")
    assert header == [
        "campaign",
        "question",
        "text",
        "answer",
        "label",
        "answered",
        "count",
        "percent",
        "value",
    ]
    total = {(r[1], r[3]): r for r in rows if r[0] == "*"}
    assert total[("channels", "email")][4:8] == ["E-mail", "3", "2", "66,7"]
    assert total[("channels", "phone")][6:8] == ["1", "33,3"]
    assert total[("nps", "promoters")][6:8] == ["1", "33,3"]
    assert total[("nps", "nps")][8] == "0"  # 1 promoter, 1 detractor of 3
    assert total[("ease", "mean")][8] == "3,67"  # (5+2+4)/3
    assert total[("ease", "median")][8] == "4"
    assert total[("why_low", "")][5:7] == ["1", "1"]
    relance = {(r[1], r[3]): r for r in rows if r[0] == "relance"}
    assert relance[("nps", "nps")][8] == "0"  # 1 promoter and 1 detractor
    inbound = {(r[1], r[3]): r for r in rows if r[0] == ""}
    assert inbound[("plan", "plus")][6:8] == ["1", "100"]
    assert [r[0] for r in rows].index("relance") < [r[0] for r in rows].index(
        ""
    )  # total, campaigns, then inbound


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_one_row_per_respondent_with_the_answers_as_stored(floor: tuple[Session, int], format_: str) -> None:
    header, rows = _rows(export_survey(*floor, SATISFACTION, "respondents", format_), f"r.{format_}")
    assert header == [
        "respondent", "campaign", "queue", "agent", "interaction_id", "lead_id", "contact_id", "answered_at",
        "nps", "why_low", "channels", "callback", "ease", "plan",
    ]  # fmt: skip
    by_key = {r[0]: r for r in rows}
    assert by_key["interaction:call-0"][7:] == [
        "2026-03-16T10:30:00+01:00",
        "10",
        "",
        "email,phone",
        "yes",
        "5",
        "",
    ]
    assert (
        by_key["interaction:call-1"][9] == '=HYPERLINK("x"); trop cher'
    )  # escaped in the file, read back as given
    assert by_key["interaction:call-2"][1] == ""


def test_formulas_are_escaped_in_the_file(floor: tuple[Session, int]) -> None:
    data = export_survey(*floor, SATISFACTION, "answers", "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs
    assert "'=HYPERLINK" in data.decode("utf-8-sig")


def test_one_row_per_answer(floor: tuple[Session, int]) -> None:
    header, rows = _rows(export_survey(*floor, SATISFACTION, "answers", "xlsx"), "a.xlsx")
    assert header[-5:] == ["question", "type", "value", "number", "answered_at"]
    assert len(rows) == 4 + 4 + 4
    assert [
        "interaction:call-0",
        "relance",
        "",
        "2001",
        "call-0",
        "",
        "",
        "callback",
        "yes_no",
        "yes",
        "1",
    ] in [r[:-1] for r in rows]


def test_unknown_layouts_and_formats_are_refused(floor: tuple[Session, int]) -> None:
    with pytest.raises(OutboundError, match="layout"):
        export_survey(*floor, SATISFACTION, "pivot", "csv")
    with pytest.raises(OutboundError) as caught:
        export_survey(*floor, SATISFACTION, "answers", "ods")
    assert caught.value.fr == "format 'ods' inconnu (csv ou xlsx)"


def test_figures_take_a_decimal_comma() -> None:
    figures = (figure(33.3), figure(-12.5), figure(4), figure(100.0), figure(None))
    assert figures == ("33,3", "-12,5", "4", "100", "")
