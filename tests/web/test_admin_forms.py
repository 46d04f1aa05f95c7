"""The console's forms on the TestClient: the queue form, the business hours and their check, the
retention page, a list's columns; each page's own POSTs are admins' only, and another tenant's
queue is 404."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.sheets import write_xlsx
from callfloor.storage.models import IvrFlow
from callfloor.storage.repositories import audit_entries
from callfloor.storage.scope import TenantScope
from tests.tenants import Platform2
from tests.web.test_admin_pages import BOSS, CSRF, SUP, _log_in, add_campaign

WEEK = {"mon": ["09:00-12:30", "13:30-18:00"], "sat": ["09:00-12:00"]}


def _flow(sessions: sessionmaker[Session], platform: Platform2, name: str = "main") -> IvrFlow:
    with sessions() as session:
        flow = TenantScope(session, platform.acme.tenant_id).ivr_flows.by_name(name)
        assert flow is not None
        flow.versions  # noqa: B018 - loaded before the session closes
        return flow


def _waiting(flow_id: int, version: int, node: str = "support", **options: object) -> dict:
    default = {
        "announce_position": True, "announce_wait": True, "announce_every_s": 60, "callback_after_s": None,
        "callback_when_wait_over_s": None, "voicemail": False, "max_wait_s": None, "overflow": None,
        "entry_prompt": "queue_entry",
    }  # fmt: skip
    return {
        "nodes": [{"flow_id": flow_id, "version": version, "node": node, "options": {**default, **options}}]
    }


def test_the_queue_form_holds_the_spec_and_the_flows_announcements(
    client: TestClient, platform: Platform2
) -> None:
    queue_id = platform.acme.ids["/api/queues"]["object_id"]
    listed = _log_in(client, platform).get("/admin/queues")
    assert f'href="/admin/queues/{queue_id}">support</a>' in listed.text and "fr ≥ 3" in listed.text
    form = client.get(f"/admin/queues/{queue_id}").text
    assert "<h1>File support</h1>" in form
    assert 'data-skill="fr" data-path="skills.fr"\n           value="3"' in form
    assert 'data-skill="en" data-path="skills.en"\n           value=""' in form
    assert '<option value="longest_idle" selected>' in form and '<option value="vip">vip</option>' in form
    assert '<option value="support">' not in form  # a queue does not overflow to itself
    assert 'data-path="wrap_up_s"\n         data-type="int" value="0"' in form
    assert (
        f'href="/admin/ivr/{platform.acme.ids["/api/ivr-flows"]["object_id"]}" data-version-link>version 1</a>'
        in form
    )  # announcing
    new = client.get("/admin/queues/new?lang=en").text
    assert (
        "<h1>New queue</h1>" in new
        and 'data-path="ring_timeout_s"\n         data-type="int" value="15"' in new
    )


def test_the_queue_form_saves_where_the_json_editor_does(client: TestClient, platform: Platform2) -> None:
    queue_id = platform.acme.ids["/api/queues"]["object_id"]
    _log_in(client, platform)
    spec = {k: v for k, v in client.get(f"/api/queues/{queue_id}").json().items() if k != "id"}
    steps = [{"after_s": 30, "skills": {"en": 2}}, {"after_s": 20, "skills": {}}]
    refused = client.put(
        f"/api/queues/{queue_id}", json={**spec, "steps": steps, "wrap_up_s": None}, headers=CSRF
    )
    details = {".".join(d["loc"]): d["msg"] for d in refused.json()["details"]}
    assert details == {"body.wrap_up_s": "Input should be a valid integer"}  # the form's empty field
    refused = client.put(f"/api/queues/{queue_id}", json={**spec, "steps": steps}, headers=CSRF)
    assert refused.json()["details"] == [
        {"loc": ["body"], "msg": "Value error, steps must have increasing after_s"}
    ]
    steps[1]["after_s"] = 60
    saved = client.put(f"/api/queues/{queue_id}", json={**spec, "steps": steps}, headers=CSRF)
    assert saved.status_code == 200, saved.text
    form = client.get(f"/admin/queues/{queue_id}").text
    assert 'data-path="steps.1.after_s" value="60"' in form
    assert 'data-skill="en" data-path="steps.0.skills.en"\n           value="2"' in form


def test_the_hours_form_shows_the_hours_the_holidays_and_checks_by_field(
    client: TestClient, platform: Platform2
) -> None:
    text = _log_in(client, platform).get("/admin/schedule").text
    assert "Ce sont les horaires par défaut" in text  # never set
    assert 'data-path="weekly.mon"><span class="range" data-range>' in text and 'value="09:00"' in text
    assert '<option value="FR" selected>France</option>' in text
    assert "Noël" in text and '<h2 id="holidays-title">Jours fériés des douze prochains mois</h2>' in text
    body = {"timezone": "Europe/Paris", "country": "FR", "weekly": {"mon": ["09:00-12:30", "12:00-18:00"]}}
    checked = client.post("/admin/schedule/check", json=body, headers=CSRF).json()
    assert (
        checked["problems"][0]["path"] == "weekly.mon[1]" and "overlaps" in checked["problems"][0]["message"]
    )
    zone = client.post("/admin/schedule/check", json={**body, "timezone": "Europe/Pariss"}, headers=CSRF)
    assert zone.json()["problems"][0]["path"] == "timezone"
    bad_date = client.post("/admin/schedule/check", json={**body, "closures": ["2030-02-30"]}, headers=CSRF)
    assert bad_date.status_code == 422 and bad_date.json()["details"][0]["loc"] == ["body", "closures", "0"]
    good = {**body, "weekly": WEEK, "closures": ["2030-08-14"], "special": {"2030-12-24": ["09:00-12:00"]}}
    assert client.post("/admin/schedule/check", json=good, headers=CSRF).json() == {"problems": []}
    assert client.put("/api/schedule", json=good, headers=CSRF).status_code == 200
    saved = client.get("/admin/schedule").text
    assert "Ce sont les horaires par défaut" not in saved
    assert 'value="2030-08-14"' in saved and 'value="2030-12-24"' in saved
    assert (
        saved.count('<span class="range" data-range>') == 5
    )  # mon ×2, sat, the special day, the form's template


def test_the_holidays_follow_the_country_and_region(client: TestClient, platform: Platform2) -> None:
    _log_in(client, platform)
    moselle = client.get(
        "/admin/schedule/holidays", params={"country": "FR", "subdivision": "Moselle"}
    ).json()
    assert "Saint-Étienne" in moselle["html"] or "26 déc." in moselle["html"]  # local law: 26 December
    assert "57" in moselle["subdivisions"]
    german = client.get("/admin/schedule/holidays", params={"country": "DE", "timezone": "Europe/Berlin"})
    assert "Erster Weihnachtstag" in german.json()["html"]
    unknown = client.get(
        "/admin/schedule/holidays", params={"country": "FR", "subdivision": "Atlantide"}
    ).json()
    assert unknown["problem"]["path"] == "subdivision" and unknown["html"] == ""


def test_the_retention_page_lists_each_queues_days_with_the_rules(
    client: TestClient, platform: Platform2
) -> None:
    queue_id = platform.acme.ids["/api/queues"]["object_id"]
    text = _log_in(client, platform).get("/admin/retention").text
    assert (
        f'<tr data-queue="{queue_id}">' in text and f'data-path="{queue_id}.recording_retention_days"' in text
    )
    assert 'value="90" data-initial="90"' in text
    assert "Durée en jours" in text and "RGPD, article 5.1.e" in text and "La CNIL recommande" in text
    spec = {k: v for k, v in client.get(f"/api/queues/{queue_id}").json().items() if k != "id"}
    client.put(f"/api/queues/{queue_id}", json={**spec, "recording_retention_days": 400}, headers=CSRF)
    again = client.get("/admin/retention?lang=en").text
    assert 'value="400" data-initial="400"' in again and "Longer than six months.</span>" in again


def test_a_lists_columns_are_read_with_the_field_each_is_taken_as(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    add_campaign(sessions, platform)
    _log_in(client, platform)
    csv = "Nom;Prénom;Portable perso;data.promo\r\nMartin;Jeanne;0612345678;A\r\nPetit;Léa;0698765432;B\r\n"
    found = client.post(
        "/admin/campaigns/columns", files={"file": ("a.csv", csv.encode("cp1252"))}, headers=CSRF
    )
    assert found.json()["columns"] == [
        {"name": "Nom", "field": "last_name", "samples": ["Martin", "Petit"]},
        {"name": "Prénom", "field": "first_name", "samples": ["Jeanne", "Léa"]},
        {"name": "Portable perso", "field": None, "samples": ["0612345678", "0698765432"]},
        {"name": "data.promo", "field": "data.promo", "samples": ["A", "B"]},
    ]
    sheet = write_xlsx(["Téléphone", "Société"], [["0612345678", "Acme"]])
    workbook = client.post("/admin/campaigns/columns", files={"file": ("a.xlsx", sheet)}, headers=CSRF).json()
    assert [(c["name"], c["field"]) for c in workbook["columns"]] == [
        ("Téléphone", "phone"),
        ("Société", "company"),
    ]
    empty = client.post("/admin/campaigns/columns", files={"file": ("a.csv", b"")}, headers=CSRF)
    assert empty.status_code == 422 and empty.json()["error_id"] == "unreadable_file"
    text = client.get("/admin/campaigns").text
    assert '<option value="phone">Téléphone (phone)</option>' in text and "— non importée —" in text


def test_another_tenants_queue_is_404(client: TestClient, platform: Platform2) -> None:
    _log_in(client, platform)
    assert client.get(f"/admin/queues/{platform.demo.ids['/api/queues']['object_id']}").status_code == 404
    assert client.get("/admin/queues/999999").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/admin/queues/new", {}),
        ("get", "/admin/schedule/holidays?country=FR", {}),
        ("get", "/admin/retention", {}),
        ("post", "/admin/queues/1/announcements", {"json": _waiting(1, 1)}),
        ("post", "/admin/schedule/check", {"json": {"timezone": "UTC"}}),
        ("post", "/admin/campaigns/columns", {"files": {"file": ("a.csv", b"Tel\r\n1\r\n")}}),
    ],
)
def test_a_supervisor_is_refused_the_pages_and_their_posts(
    client: TestClient, platform: Platform2, method: str, path: str, kwargs: dict
) -> None:
    _log_in(client, platform, SUP)
    assert getattr(client, method)(path, headers=CSRF, **kwargs).status_code == 403


def test_the_pages_posts_need_the_csrf_header(client: TestClient, platform: Platform2) -> None:
    _log_in(client, platform)
    assert client.post("/admin/schedule/check", json={"timezone": "UTC"}).status_code == 403
    assert client.post("/admin/campaigns/columns", files={"file": ("a.csv", b"Tel\r\n")}).status_code == 403
    queue_id = platform.acme.ids["/api/queues"]["object_id"]
    assert client.post(f"/admin/queues/{queue_id}/announcements", json=_waiting(1, 1)).status_code == 403


def test_the_queue_form_edits_the_waiting_options_of_the_flows_nodes(
    client: TestClient, platform: Platform2
) -> None:
    queue_id, flow_id = (
        platform.acme.ids["/api/queues"]["object_id"],
        platform.acme.ids["/api/ivr-flows"]["object_id"],
    )
    form = _log_in(client, platform).get(f"/admin/queues/{queue_id}").text
    assert (
        f'<fieldset class="group" data-waiting data-flow-id="{flow_id}" data-version="1" data-node="support">'
        in form
    )
    assert "Parcours main, nœud support" in form and form.count("data-waiting ") == 1  # not the vip node
    assert (
        'data-path="nodes.0.options.announce_position" data-option="announce_position" data-type="bool" checked'
        in form
    )
    assert (
        'data-path="nodes.0.options.announce_every_s"\n         data-option="announce_every_s" data-type="optional-int" value="60"'
        in form
    )
    assert (
        'data-path="nodes.0.options.callback_after_s"\n         data-option="callback_after_s" data-type="optional-int" value=""'
        in form
    )
    assert (
        '<option value="menu">menu</option>' in form
        and '<option value="queue_entry" selected>queue_entry · ' in form
    )


def test_saving_the_announcements_adds_an_active_flow_version_with_its_author(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    queue_id, flow_id = (
        platform.acme.ids["/api/queues"]["object_id"],
        platform.acme.ids["/api/ivr-flows"]["object_id"],
    )
    path = f"/admin/queues/{queue_id}/announcements"
    before = _flow(sessions, platform).active.definition
    _log_in(client, platform)
    short = client.post(path, json=_waiting(flow_id, 1, announce_every_s=5), headers=CSRF)
    assert short.status_code == 422 and short.json()["error_id"] == "invalid_waiting_options"
    assert short.json()["details"] == [
        {
            "loc": ["nodes", "0", "options", "announce_every_s"],
            "msg": "De 10 secondes à moins d'un jour ; vide : à l'entrée seulement.",
        }
    ]
    message = client.post(
        path, json=_waiting(flow_id, 1, voicemail=True), headers={**CSRF, "Accept-Language": "en"}
    )
    assert message.json()["details"][0]["loc"] == ["nodes", "0", "options", "voicemail"]
    bad_prompt = client.post(path, json=_waiting(flow_id, 1, entry_prompt="Nope!"), headers=CSRF)
    assert bad_prompt.json()["details"][0]["loc"] == ["nodes", "0", "options", "entry_prompt"]
    assert _flow(sessions, platform).active_version == 1  # nothing saved on error

    changed = _waiting(flow_id, 1, announce_wait=False, announce_every_s=45, callback_after_s=30)
    saved = client.post(path, json=changed, headers=CSRF)
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"saved": [{"flow_id": flow_id, "flow": "main", "version": 2}]}
    flow = _flow(sessions, platform)
    assert flow.active_version == 2 and [v.version for v in flow.versions] == [1, 2]
    after = flow.active.definition
    assert after["nodes"]["support"] == {
        "type": "queue", "queue": "support", "announce_wait": False, "announce_every_s": 45.0, "callback_after_s": 30.0,
    }  # fmt: skip
    assert {k: v for k, v in after["nodes"].items() if k != "support"} == {
        k: v for k, v in before["nodes"].items() if k != "support"
    } and after["start"] == before["start"]
    versions = client.get(f"/api/ivr-flows/{flow_id}/versions").json()
    assert [(v["version"], v["active"]) for v in versions] == [(1, False), (2, True)]
    with sessions() as session:
        entry = audit_entries(session, platform.acme.tenant_id)[-1]
        assert (entry.action, entry.actor_email, entry.target) == ("ivr_flow.update", BOSS, "main")
        assert entry.details == {"version": 2, "comment": "queue form: announcements of support"}

    stale = client.post(path, json=changed, headers=CSRF)
    assert stale.status_code == 409 and stale.json()["error_id"] == "flow_changed"
    again = client.post(path, json={"nodes": [{**changed["nodes"][0], "version": 2}]}, headers=CSRF)
    assert again.json() == {"saved": []} and _flow(sessions, platform).active_version == 2  # unchanged
    menu = client.post(path, json=_waiting(flow_id, 2, node="menu"), headers=CSRF)
    assert menu.status_code == 422 and menu.json()["error_id"] == "not_a_queue_node"
    vip = client.post(path, json=_waiting(flow_id, 2, node="vip"), headers=CSRF)
    assert vip.status_code == 422 and vip.json()["error_id"] == "not_a_queue_node"  # another queue's node
    theirs = client.post(
        path, json=_waiting(platform.demo.ids["/api/ivr-flows"]["object_id"], 1), headers=CSRF
    )
    assert theirs.status_code == 404
    other_queue = platform.demo.ids["/api/queues"]["object_id"]
    assert (
        client.post(f"/admin/queues/{other_queue}/announcements", json=changed, headers=CSRF).status_code
        == 404
    )
    form = client.get(f"/admin/queues/{queue_id}").text
    assert (
        'data-version="2" data-node="support"' in form
        and 'data-option="announce_every_s" data-type="optional-int" value="45"' in form
    )
