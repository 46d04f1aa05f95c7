"""Campaigns, scripts and surveys through the API: the center YAML's specs, checked the same way."""

from fastapi.testclient import TestClient

from tests.tenants import Platform2

SCRIPT = {
    "name": "relance",
    "start": "a",
    "pages": {"a": {"title": "Accueil", "text": "Bonjour {first_name}"}},
}
CAMPAIGN = {"name": "devis", "type": "quote_followup", "mode": "progressive", "caller_id": "01 62 00 00 01",
            "queue": "support", "script": "relance"}  # fmt: skip


def test_a_campaign_names_its_script_and_queue_and_a_mobile_caller_id_is_refused(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    admin = as_role["admin"]
    early = client.post("/api/campaigns", json=CAMPAIGN, headers=admin)
    assert (early.status_code, early.json()["error_id"]) == (422, "unknown_reference")  # no script yet
    assert client.post("/api/scripts", json=SCRIPT, headers=admin).status_code == 201
    created = client.post("/api/campaigns", json=CAMPAIGN, headers=admin)
    assert created.status_code == 201, created.text
    shown = client.get(f"/api/campaigns/{created.json()['id']}", headers=as_role["supervisor"]).json()
    assert (shown["caller_id"], shown["queue"], shown["script"]) == ("+33162000001", "support", "relance")
    mobile = client.post(
        "/api/campaigns", json={**CAMPAIGN, "name": "x", "caller_id": "0612345678"}, headers=admin
    )
    assert mobile.status_code == 422 and "mobile" in mobile.text
    broken = {**SCRIPT, "name": "b", "start": "nowhere"}
    assert client.post("/api/scripts", json=broken, headers=admin).status_code == 422


SURVEY = {
    "name": "satisfaction",
    "questions": [
        {"id": "canal", "type": "single", "text": "Par quel canal ?",
         "options": [{"id": "phone", "label": "Téléphone"}, {"id": "mail", "label": "Courrier"},
                     {"id": "web", "label": "Web"}]},
        {"id": "nps", "type": "nps", "text": "Recommanderiez-vous ?"},
        {"id": "why_low", "type": "text", "text": "Pourquoi ?", "required": False,
         "when": [{"question": "nps", "less_than": 7}]},
        {"id": "offline", "type": "text", "text": "Pourquoi pas le web ?", "required": False,
         "when": [{"question": "canal", "in": ["phone", "mail"]}]},
    ],
}  # fmt: skip


def test_a_survey_with_conditions_comes_back_as_it_was_written(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    created = client.post("/api/surveys", json=SURVEY, headers=as_role["admin"])
    assert created.status_code == 201, created.text
    shown = client.get(f"/api/surveys/{created.json()['id']}", headers=as_role["supervisor"]).json()
    conditions = {q["id"]: q.get("when") for q in shown["questions"]}
    assert conditions["offline"][0]["question"] == "canal" and conditions["offline"][0]["in"] == [
        "phone",
        "mail",
    ]
    assert conditions["why_low"][0]["less_than"] == 7 and conditions["canal"] in (None, [])
    url, body = f"/api/surveys/{shown['id']}", {k: v for k, v in shown.items() if k != "id"}
    again = client.put(url, json=body, headers=as_role["admin"])  # what was read writes back unchanged
    assert again.status_code == 200 and again.json() == shown, again.text
