"""The client portal's pages: a tenant's campaigns and queues, their figures, and nothing of another tenant."""

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.apply_outbound import survey_spec
from callfloor.center.scripts import core_survey
from callfloor.core.config import Locale
from callfloor.crm.surveys import KeyedAnswer, SurveyAnswers
from callfloor.outbound.survey_results import Respondent, SurveyResponses
from callfloor.server.recordings import RecordingStore
from callfloor.settings import Settings
from callfloor.storage.models import Tenant
from callfloor.storage.outbound import LEAD_STATUSES
from callfloor.storage.scope import TenantScope
from callfloor.web.formats import Formats
from callfloor.web.portal import LEAD_LABELS
from tests.outbound.morning import worked_morning
from tests.reports.calls import PARIS, log_calls, support_report
from tests.tenants import Platform2, record_call
from tests.web.clients import log_in

VIEWER, SUP, AGENT = "viewer@acme.example", "sup@acme.example", "zoe@acme.example"
FR, EN = Formats(Locale.FR, PARIS), Formats(Locale.EN, PARIS)
TUESDAY = "?from=2026-12-08&to=2026-12-09"


def figure(html: str, name: str) -> str:
    """The text of the cell ``data-figure="name"``."""
    start = html.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return html[start : html.index("<", start)]


def test_the_portal_lists_the_tenant_s_campaigns_and_queues_only(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    worked_morning(sessions, platform.acme.tenant_id)
    log_in(client, platform, VIEWER)
    html = client.get("/portal").text
    assert 'href="/portal/campaigns/prospection"' in html
    assert 'href="/portal/queues/support"' in html and 'href="/portal/queues/vip"' in html
    assert "relance_devis" not in html and "ventes" not in html  # the demo tenant's
    assert 'href="/portal"' in html  # the menu's entry
    assert 'href="/desk"' not in html and "/admin" not in html and "/wallboard" not in html


def test_a_campaign_report_shows_its_results_in_the_user_s_language(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    worked_morning(sessions, platform.acme.tenant_id)
    log_in(client, platform, VIEWER)
    html = client.get("/portal/campaigns/prospection").text
    assert (figure(html, "dialed"), figure(html, "contacts"), figure(html, "drops")) == ("4", "2", "1")
    assert figure(html, "drop_rate") == FR.percent(1 / 3) == "33,3\xa0%"
    assert (figure(html, "conversions"), figure(html, "conversion_rate")) == ("1", FR.percent(0.5))
    assert figure(html, "blocked") == "1"
    assert "janvier" in html and "février" in html and "Appels composés" in html
    assert '<th scope="row">1001</th>' in html and "5:00" in html  # the agent's two contacts
    english = client.get("/portal/campaigns/prospection?lang=en").text
    assert "Calls dialed" in english and figure(english, "drop_rate") == EN.percent(1 / 3) == "33.3%"


def test_a_campaign_s_period_limits_its_attempts(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    worked_morning(sessions, platform.acme.tenant_id)  # on Tuesday 8 December 2026
    log_in(client, platform, SUP)
    before = client.get("/portal/campaigns/prospection?from=2026-12-01&to=2026-12-07").text
    assert figure(before, "dialed") == "0" and "1 déc. 2026" in before
    assert figure(client.get(f"/portal/campaigns/prospection{TUESDAY}").text, "dialed") == "4"
    assert client.get("/portal/campaigns/prospection?from=2026-12-09&to=2026-12-08").status_code == 422
    assert client.get("/portal/campaigns/prospection?from=hier").status_code == 422
    assert "Cette période n" in client.get("/portal/queues/support?from=2026-12-08T00:00:00+01:00").text


def test_a_campaign_s_survey_results_and_their_exports(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    demo = platform.demo.tenant_id
    with sessions.begin() as session:
        row = TenantScope(session, demo).surveys.by_name("enquete_satisfaction")
        assert row is not None
        survey, responses = core_survey(survey_spec(row)), SurveyResponses(session, demo)
        at = datetime(2026, 12, 8, 10, tzinfo=UTC)
        for call, answers in (("s1", {"nps": 9, "canal": "email"}), ("s2", {"nps": 5, "canal": "telephone"})):
            responses.record(survey, answers, Respondent(call, campaign="satisfaction_clients"), at=at)
    log_in(client, platform, "client@demo.example")
    html = client.get("/portal/campaigns/satisfaction_clients").text
    assert "Enquête de satisfaction" in html and figure(html, "respondents") == "2"
    assert "Comment préférez-vous être contacté ?" in html and "Téléphone" in html
    assert "NPS 0" in html and FR.percent(0.5) in html
    assert "/api/campaigns/satisfaction_clients/survey/export?format=xlsx&amp;table=results" in html
    export = client.get("/api/campaigns/satisfaction_clients/survey/export?format=csv&table=results")
    assert export.status_code == 200  # the link works on the page's cookie
    english = client.get("/portal/campaigns/satisfaction_clients?lang=en").text
    assert "Satisfaction survey" in english and "Phone" in english


def test_a_queue_report_shows_its_kpis_per_day_with_the_definition(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    log_calls(sessions, platform.acme.tenant_id)
    with sessions.begin() as session:  # the post-call survey of calls a and b
        answers = SurveyAnswers(session, platform.acme.tenant_id)
        for call, satisfaction in (("a", 5), ("b", 2)):
            keyed = [
                KeyedAnswer("satisfaction", "satisfaction", satisfaction),
                KeyedAnswer("satisfaction", "resolved", 1),
            ]
            answers.record(call, keyed, at=datetime(2026, 12, 8, 9, 10, tzinfo=UTC), queue="support")
    log_in(client, platform, VIEWER)
    html = client.get(f"/portal/queues/support{TUESDAY}").text
    csat = html[html.index('id="csat"') : html.index('id="recordings"')]
    assert [c.split("<")[0] for c in csat.split('class="num">')[1:]] == [
        "2", FR.number(3.5, 2), FR.percent(0.5), FR.percent(1.0),
    ]  # fmt: skip
    tuesday = html[html.index('data-day="2026-12-08"') : html.index('data-day="2026-12-09"')]
    cells = [c.split("<")[0] for c in tuesday.split('class="num">')[1:]]
    assert cells == ["5", "3", "2", "1", FR.percent(0.2), "0:47", "3:40"]
    total = html[html.index('data-day="total"') :]
    assert [c.split("<")[0] for c in total.split('class="num">')[1:8]] == [
        "6", "4", "2", "1", FR.percent(2 / 6), "0:36", "3:10",
    ]  # fmt: skip
    assert "répondus dans T sur présentés" in html and "T = 20 s" in html
    assert "8 déc. 2026" in html
    assert "Votre centre ne vous a pas ouvert ses enregistrements." in html and "<audio" not in html
    english = client.get(f"/portal/queues/support{TUESDAY}&lang=en").text
    assert "answered within T over offered" in english, english[english.index('id="definition"') :][:300]
    assert "Dec 8, 2026" in english and "20.0%" in english


def test_supervisors_hear_the_queue_s_recordings(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session], settings: Settings
) -> None:
    store = RecordingStore(sessions, settings.data_dir)
    started = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
    recording, _ = record_call(
        store, platform.acme.tenant_id, "r@x", queue="support", agent="2001", started=started
    )
    log_in(client, platform, SUP)
    html = client.get(f"/portal/queues/support{TUESDAY}").text
    assert f'<audio controls preload="none" src="/api/recordings/{recording}/audio"' in html
    assert client.get(f"/api/recordings/{recording}/audio").headers["content-type"] == "audio/wav"
    with sessions.begin() as session:  # the client lets its viewers hear them too
        tenant = session.get(Tenant, platform.acme.tenant_id)
        assert tenant is not None
        tenant.client_viewer_personal_data = True
    log_in(client, platform, VIEWER)
    heard = client.get(f"/portal/queues/support{TUESDAY}").text
    assert f'src="/api/recordings/{recording}/audio"' in heard


def test_another_tenant_s_campaign_or_queue_is_the_404_page(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    worked_morning(sessions, platform.acme.tenant_id, idle=(platform.demo.tenant_id,))
    log_in(client, platform, VIEWER)
    for path in ("/portal/campaigns/relance_devis", "/portal/queues/ventes", "/portal/campaigns/nowhere"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Cette page n’existe pas." in response.text or "existe pas" in response.text
        assert "relance_devis" not in response.text.split("<main")[1]


def test_agents_may_not_open_the_portal(client: TestClient, platform: Platform2) -> None:
    log_in(client, platform, AGENT)
    assert client.get("/portal").status_code == 403
    assert client.get("/portal/queues/support").status_code == 403
    anonymous = TestClient(client.app)
    assert anonymous.get("/portal/queues/support", follow_redirects=False).headers["location"] == (
        "/login?next=%2Fportal%2Fqueues%2Fsupport"
    )


def test_every_lead_status_has_its_column() -> None:
    assert list(LEAD_LABELS) == list(LEAD_STATUSES)


def _cells(html: str, start: str, end: str) -> list[str]:
    """The texts of the ``class="num"`` cells between two markers of ``html``."""
    part = html[html.index(start) : html.index(end, html.index(start))]
    return [c.split("<")[0] for c in part.split('class="num">')[1:]]


def test_supervisors_see_the_queue_s_agents_by_name_client_viewers_by_extension(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    log_calls(sessions, platform.acme.tenant_id)
    zoe = (
        support_report(sessions, platform.acme.tenant_id, date(2026, 12, 8), date(2026, 12, 9)).agents[0].kpis
    )
    html = log_in(client, platform, SUP).get(f"/portal/queues/support{TUESDAY}").text
    assert '<th scope="row">Zoé (2001)</th>' in html
    assert _cells(html, 'data-agent="2001"', "</tr>") == [
        "3", FR.duration(zoe.aht_s), FR.percent(zoe.occupancy),
    ]  # fmt: skip
    assert _cells(html, 'data-agent="2002"', "</tr>") == ["1", "1:40", "–"]  # no longer an agent: no name
    assert "désignés par leur poste" not in html  # names: no note
    viewed = log_in(client, platform, VIEWER).get(f"/portal/queues/support{TUESDAY}").text
    agents = viewed.split('id="agents"')[1].split("</div>")[0]
    assert '<th scope="row">2001</th>' in agents and "Zoé" not in viewed
    assert "Les conseillers sont désignés par leur poste." in agents
    assert _cells(viewed, 'data-agent="2001"', "</tr>") == _cells(html, 'data-agent="2001"', "</tr>")
    english = client.get(f"/portal/queues/support{TUESDAY}&lang=en").text
    assert "Calls handled" in english and "Agents are shown by their extension." in english


def _sheet(client: TestClient, query: str) -> list[list[str]]:
    answer = client.get(f"/portal/queues/support/export{TUESDAY}&{query}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.content.startswith(b"\xef\xbb\xbf")  # the BOM French Excel reads UTF-8 by
    assert "attachment" in answer.headers["content-disposition"]
    text = answer.content.decode("utf-8-sig")
    assert text.endswith("\r\n")
    return [line.split(";") for line in text.removesuffix("\r\n").split("\r\n")]


def _number(cell: str) -> float:
    return float(cell.replace(",", "."))


def test_the_queue_report_exports_its_days_half_hours_and_agents(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    log_calls(sessions, platform.acme.tenant_id)
    report = support_report(sessions, platform.acme.tenant_id, date(2026, 12, 8), date(2026, 12, 9))
    log_in(client, platform, VIEWER)
    html = client.get(f"/portal/queues/support{TUESDAY}").text
    assert "/portal/queues/support/export?from=2026-12-08&amp;to=2026-12-09&amp;table=agents" in html
    header, *rows = _sheet(client, "table=days")
    assert header[:4] == ["queue", "day", "offered", "answered"]
    assert [row[1] for row in rows] == ["2026-12-08", "2026-12-09", "2026-12-08/2026-12-09"]
    assert rows[0] == ["support", "2026-12-08", "5", "3", "2", "1", "20", "46,7", "220", "offered", "20"]
    for row, kpis in zip(rows, [*(d.kpis for d in report.days), report.total], strict=True):
        figures = dict(zip(header, row, strict=True))
        assert [int(figures[k]) for k in ("offered", "answered", "abandoned", "short_abandoned")] == [
            kpis.offered, kpis.answered, kpis.abandoned, kpis.short_abandoned,
        ]  # fmt: skip
        assert _number(figures["service_level_percent"]) == pytest.approx(
            100 * (kpis.service_level or 0), abs=0.05
        )
        assert _number(figures["asa_s"]) == pytest.approx(kpis.asa_s, abs=0.05)
        assert _number(figures["aht_s"]) == pytest.approx(kpis.aht_s, abs=0.05)
    header, *rows = _sheet(client, "table=intervals")
    assert [row[1] for row in rows] == [line.start.isoformat(timespec="minutes") for line in report.intervals]
    assert [int(row[2]) for row in rows] == [line.kpis.offered for line in report.intervals]
    header, *rows = _sheet(client, "table=agents")
    assert header == ["queue", "agent", "answered", "aht_s", "occupancy_percent"]  # no names for the client
    assert [row[:3] for row in rows] == [["support", "2001", "3"], ["support", "2002", "1"]]
    assert _number(rows[0][4]) == pytest.approx(100 * (report.agents[0].kpis.occupancy or 0), abs=0.05)
    log_in(client, platform, SUP)
    header, *rows = _sheet(client, "table=agents")
    assert header[2] == "name" and rows[0][2] == "Zoé"
    xlsx = client.get(f"/portal/queues/support/export{TUESDAY}&table=days&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_another_tenant_s_queue_export_is_the_404_page(client: TestClient, platform: Platform2) -> None:
    log_in(client, platform, VIEWER)
    for path in ("/portal/queues/ventes/export", "/portal/queues/nowhere/export?table=agents"):
        response = client.get(path)
        assert response.status_code == 404 and "existe pas" in response.text
    assert client.get("/portal/queues/support/export?from=2026-12-09&to=2026-12-08").status_code == 422
    log_in(client, platform, AGENT)
    assert client.get("/portal/queues/support/export").status_code == 403
