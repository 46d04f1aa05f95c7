"""The admin console's pages on the TestClient: who may open them, what they hold, the YAML check."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.outbound.campaigns import Campaigns
from callfloor.web.admin import PAGES
from tests.tenants import Platform2
from tests.web.clients import log_in

BOSS, SUP = "boss@acme.example", "sup@acme.example"
CSRF = {"X-Callfloor-CSRF": "1"}
FLOW = """name: main
start: menu
nodes:
  menu:
    type: menu
    prompts: [main_menu]
    options: {"1": support, "2": nowhere}
    fallback: support
  support: {type: queue, queue: support}
"""


def add_campaign(sessions: sessionmaker[Session], platform: Platform2, name: str = "relance") -> None:
    """A collection campaign in tenant acme (which has none)."""
    with sessions.begin() as session:
        Campaigns(session, platform.acme.tenant_id).create(name, "collection")


def _log_in(client: TestClient, platform: Platform2, email: str = BOSS) -> TestClient:
    return log_in(client, platform, email)


def test_the_index_links_every_admin_page_in_both_languages(client: TestClient, platform: Platform2) -> None:
    index = _log_in(client, platform).get("/admin")
    assert index.status_code == 200
    for href, _label, _hint in PAGES:
        assert f'href="{href}"' in index.text
        assert client.get(href).status_code == 200, href
    assert "Utilisateurs et rôles" in index.text and "Horaires d&#39;ouverture" in index.text
    english = client.get("/admin?lang=en")
    assert "Users and roles" in english.text and "Business hours" in english.text
    assert 'href="/admin" aria-current="page"' in english.text  # in the menu


@pytest.mark.parametrize(
    "path",
    [
        "/admin", "/admin/users", "/admin/ivr", "/admin/campaigns", "/admin/queues", "/admin/schedule",
        "/admin/scripts", "/admin/surveys", "/admin/retention", "/admin/queues-json",
    ],
)  # fmt: skip
def test_a_supervisor_gets_the_403_page(client: TestClient, platform: Platform2, path: str) -> None:
    refused = _log_in(client, platform, SUP).get(path)
    assert refused.status_code == 403
    assert "Cette page n&#39;est pas ouverte à votre rôle." in refused.text
    assert 'href="/admin"' not in refused.text  # nor in the menu


def test_strangers_log_in_first_and_unknown_pages_are_404(client: TestClient, platform: Platform2) -> None:
    assert (
        client.get("/admin/users", follow_redirects=False).headers["location"]
        == "/login?next=%2Fadmin%2Fusers"
    )
    _log_in(client, platform)
    assert client.get("/admin/nothing").status_code == 404
    other = platform.demo.ids["/api/ivr-flows"]["object_id"]
    assert client.get(f"/admin/ivr/{other}").status_code == 404  # the other tenant's flow
    assert client.post("/admin/ivr/check", json={"yaml": FLOW}).status_code == 403  # no CSRF header


def test_users_page_has_a_labelled_form_and_the_roles(client: TestClient, platform: Platform2) -> None:
    text = _log_in(client, platform).get("/admin/users").text
    for label in ('for="user-name"', 'for="user-email"', 'for="user-role"', 'for="user-password"'):
        assert label in text
    assert '<option value="client_viewer">Client</option>' in text
    assert '"created": "Compte cr\\u00e9\\u00e9 pour %(email)s.' in text  # the script's texts, in French


def test_the_flow_page_shows_its_yaml_and_the_check_gives_lines(
    client: TestClient, platform: Platform2
) -> None:
    flow_id = platform.acme.ids["/api/ivr-flows"]["object_id"]
    edit = _log_in(client, platform).get(f"/admin/ivr/{flow_id}")
    assert "name: main\nstart: menu\nnodes:\n  menu:\n    type: menu" in edit.text
    assert "'2': vip" in client.get(f"/admin/ivr/{flow_id}/versions/1").json()["yaml"]
    assert client.get(f"/admin/ivr/{flow_id}/versions/9").status_code == 404
    other = platform.demo.ids["/api/ivr-flows"]["object_id"]
    assert client.get(f"/admin/ivr/{other}/versions/1").status_code == 404
    listed = client.get("/admin/ivr").text
    assert f'href="/admin/ivr/{flow_id}">main</a>' in listed
    bad = client.post("/admin/ivr/check", json={"yaml": FLOW}, headers=CSRF).json()
    assert bad["flow"] is None
    assert [p["line"] for p in bad["problems"]] == [7]
    assert "nowhere" in bad["problems"][0]["message"]
    typo = client.post("/admin/ivr/check", json={"yaml": FLOW.replace("fallback", "falback")}, headers=CSRF)
    assert {(p["line"], p["message"].split(":")[0]) for p in typo.json()["problems"]} >= {
        (8, "nodes.menu.falback")
    }
    syntax = client.post("/admin/ivr/check", json={"yaml": "name: [x\n"}, headers=CSRF).json()
    assert syntax["flow"] is None and syntax["problems"][0]["line"] >= 1
    good = client.post("/admin/ivr/check", json={"yaml": FLOW.replace("nowhere", "support")}, headers=CSRF)
    assert good.json()["problems"] == []
    assert good.json()["flow"]["nodes"]["menu"]["options"] == {"1": "support", "2": "support"}
    assert "timeout_s" in good.json()["flow"]["nodes"]["menu"]  # the API's body: every field
    assert "timeout_s" not in good.json()["definition"]["nodes"]["menu"]  # a version: defaults left out
    missing = client.post("/admin/ivr/check", json={"yaml": FLOW.replace("start: menu\n", "")}, headers=CSRF)
    assert missing.json()["problems"] == [{"line": 1, "message": "start: Field required"}]


def test_the_campaigns_page_lists_campaigns_and_offers_the_import(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    assert "Aucune campagne" in _log_in(client, platform).get("/admin/campaigns").text
    add_campaign(sessions, platform)
    text = client.get("/admin/campaigns").text
    assert '<option value="relance">relance</option>' in text
    assert 'for="list-file"' in text and 'for="list-map"' in text and "phone, first_name" in text


def test_a_spec_page_knows_its_api(client: TestClient, platform: Platform2) -> None:
    text = _log_in(client, platform).get("/admin/agents?lang=en").text
    assert 'data-api="/api/agents"' in text and 'data-update="PATCH"' in text
    assert 'data-fields="extension,skills,max_chats,max_emails,auto_answer"' in text
    assert 'data-single="true"' in client.get("/admin/schedule-json").text


def test_the_pause_reasons_page_edits_what_the_desk_offers(client: TestClient, platform: Platform2) -> None:
    text = _log_in(client, platform).get("/admin/pause-reasons").text
    assert 'data-api="/api/pause-reasons"' in text and 'data-single="true"' in text
    assert 'data-dropped="default"' in text
    shown = client.get("/api/pause-reasons").json()  # what the page's editor loads…
    edited = {
        "pause_reasons": [
            *shown["pause_reasons"][:1],
            {"code": "audit", "label": {"fr": "Audit", "en": "Audit"}},
        ]
    }
    saved = client.put("/api/pause-reasons", json=edited, headers=CSRF)
    assert saved.status_code == 200, saved.text  # …it sends back without ``default``
    assert [r["code"] for r in client.get("/api/pause-reasons").json()["pause_reasons"]] == ["break", "audit"]
