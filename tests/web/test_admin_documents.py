"""Scripts and surveys in the admin console: the lists, the forms, the YAML check with lines, the
preview, and saving through the API the way the page's script does."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.scope import TenantScope
from tests.tenants import Platform2
from tests.web.test_admin_pages import CSRF, SUP, _log_in, add_campaign

SCRIPT = """start: accueil
pages:
  accueil:
    title: {fr: Accueil, en: Greeting}
    text: "Bonjour {first_name}, {mystere}"
    choices:
      - {id: oui, label: {fr: Oui, en: "Yes"}, next: suite}
      - {id: non, label: Non}
  suite: {title: Suite, text: Merci.}
"""
SURVEY = """kind: poll
title: {fr: Sondage, en: Poll}
questions:
  - id: note
    type: scale
    min: 1
    max: 4
    text: {fr: "Votre note ?", en: "Your mark?"}
  - {id: pourquoi, type: text, text: "Pourquoi ?", when: [{question: note, less_than: 3}]}
"""


def _check(client: TestClient, slug: str, name: str, text: str) -> dict:
    answer = client.post(f"/admin/{slug}/check", json={"name": name, "yaml": text}, headers=CSRF)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_script_is_checked_by_line_previewed_saved_and_attached(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    add_campaign(sessions, platform)
    empty = _log_in(client, platform).get("/admin/scripts")
    assert empty.status_code == 200 and "Rien pour l&#39;instant." in empty.text
    new = client.get("/admin/scripts/new")
    assert 'for="doc-name"' in new.text and 'for="doc-yaml"' in new.text
    assert 'name="campaign" value="' in new.text and "relance</label>" in new.text
    assert "start: accueil" in new.text  # the example to start from

    bad = _check(client, "scripts", "relance devis", SCRIPT.replace("next: suite", "next: nulle_part"))
    assert bad["spec"] is None
    assert "name" in bad["fields"]  # at the name field, not a line
    unknown = _check(client, "scripts", "relance", SCRIPT.replace("next: suite", "next: nulle_part"))
    assert [p["line"] for p in unknown["problems"]] == [7]
    assert unknown["problems"][0]["message"].startswith("pages.accueil.choices.0.next: ")
    assert "nulle_part" in unknown["problems"][0]["message"]
    typo = _check(client, "scripts", "relance", SCRIPT.replace("title: Suite", "titre: Suite"))
    assert {p["line"] for p in typo["problems"]} == {9}
    syntax = _check(client, "scripts", "relance", "start: [x\n")
    assert syntax["spec"] is None and syntax["problems"][0]["line"] >= 1
    named = _check(client, "scripts", "relance", "name: autre\n" + SCRIPT)
    assert named["problems"][0]["line"] == 1 and "Name" in named["problems"][0]["message"]

    good = _check(client, "scripts", "relance", SCRIPT)
    assert good["problems"] == [] and good["spec"]["name"] == "relance"
    assert [p["line"] for p in good["warnings"]] == [5]  # {mystere}: no lead fills it
    assert "Bonjour [first_name ?], [mystere ?]" in good["preview"] and "<h3>Accueil</h3>" in good["preview"]
    assert '<li class="ends" title="Termine le script">Non</li>' in good["preview"]

    saved = client.post("/api/scripts", json=good["spec"], headers=CSRF)  # as the page's script does
    assert saved.status_code == 201, saved.text
    campaign = client.get("/api/campaigns").json()[0]
    campaign_id = campaign.pop("id")
    attached = client.put(
        f"/api/campaigns/{campaign_id}", json={**campaign, "script": "relance"}, headers=CSRF
    )
    assert attached.status_code == 200, attached.text

    edit = client.get(f"/admin/scripts/{saved.json()['id']}?lang=en")
    assert "Script relance" in edit.text and "start: accueil" in edit.text
    assert f'value="{campaign_id}" checked' in edit.text
    assert "Hello [first_name ?], [mystere ?]" not in edit.text  # the text is the same in both languages
    assert "Bonjour [first_name ?], [mystere ?]" in edit.text and "<h3>Greeting</h3>" in edit.text
    listed = client.get("/admin/scripts").text
    assert (
        f'href="/admin/scripts/{saved.json()["id"]}">relance</a>' in listed and "<td>relance</td>" in listed
    )


def test_a_survey_shows_its_first_question_and_its_errors(client: TestClient, platform: Platform2) -> None:
    _log_in(client, platform)
    wrong = _check(client, "surveys", "sondage", SURVEY.replace("less_than: 3", "less_than: 3, equals: 2"))
    assert wrong["spec"] is None and [p["line"] for p in wrong["problems"]] == [9]
    later = _check(client, "surveys", "sondage", SURVEY.replace("question: note", "question: ailleurs"))
    assert [p["line"] for p in later["problems"]] == [9] and "ailleurs" in later["problems"][0]["message"]
    good = _check(client, "surveys", "sondage", SURVEY)
    assert good["problems"] == [] and good["spec"]["kind"] == "poll"
    assert "Votre note ?" in good["preview"] and "Une réponse de 1 à 4" in good["preview"]
    assert "Sondage · 2 questions" in good["preview"]
    saved = client.post("/api/surveys", json=good["spec"], headers=CSRF)
    assert saved.status_code == 201, saved.text
    edit = client.get(f"/admin/surveys/{saved.json()['id']}")
    assert "Enquête sondage" in edit.text and "kind: poll" in edit.text and "Votre note ?" in edit.text


def test_another_tenants_documents_are_404_and_supervisors_403(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        demo = TenantScope(session, platform.demo.tenant_id)
        script, survey = demo.call_scripts.list()[0].id, demo.surveys.list()[0].id
    _log_in(client, platform)
    assert client.get(f"/admin/scripts/{script}").status_code == 404
    assert client.get(f"/admin/surveys/{survey}").status_code == 404
    assert (
        client.post("/admin/scripts/check", json={"name": "x", "yaml": SCRIPT}).status_code == 403
    )  # no CSRF
    client.post("/logout", headers=CSRF)
    _log_in(client, platform, SUP)
    for path in ("/admin/scripts", "/admin/surveys/new", f"/admin/scripts/{script}"):
        assert client.get(path).status_code == 403, path
    assert (
        client.post("/admin/surveys/check", json={"name": "x", "yaml": SURVEY}, headers=CSRF).status_code
        == 403
    )


@pytest.mark.parametrize("slug", ["scripts", "surveys"])
def test_the_demo_documents_open_with_their_campaign_ticked(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session], slug: str
) -> None:
    client.post(
        "/login", data={"email": "admin@demo.example", "password": platform.secrets["admin@demo.example"]}
    )
    listed = client.get(f"/admin/{slug}")
    assert listed.status_code == 200
    with sessions() as session:
        demo = TenantScope(session, platform.demo.tenant_id)
        found = (demo.call_scripts if slug == "scripts" else demo.surveys).list()[0]
    edit = client.get(f"/admin/{slug}/{found.id}")
    assert edit.status_code == 200 and " checked>" in edit.text
    assert "<article" in edit.text  # the preview
