"""The agent desk on a campaign: a lead's screen pop, its script and survey, the survey's results and exports."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.contacts import Contact
from callfloor.storage.models import Tenant
from callfloor.storage.outbound import Campaign, Lead
from callfloor.storage.survey_responses import SurveyResponse
from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]
SCRIPT = {
    "name": "relance_devis",
    "start": "accueil",
    "pages": {
        "accueil": {
            "title": {"fr": "Accueil", "en": "Greeting"},
            "text": {
                "fr": "Bonjour {civility} {last_name}, au sujet du devis {quote_number} de {quote_amount} "
                "envoyé le {quote_date}.",
                "en": "Hello {civility} {last_name}, about quote {quote_number} for {quote_amount} "
                "sent on {quote_date}.",
            },
            "choices": [
                {"id": "interesse", "label": {"fr": "Intéressé", "en": "Interested"}, "next": "rdv"},
                {"id": "refus", "label": "Refus", "disposition": "refusal"},
            ],
        },
        "rdv": {
            "title": "Rendez-vous",
            "text": "Proposer un créneau à {first_name}.",
            "choices": [{"id": "pris", "label": "Pris", "next": "fin", "disposition": "appointment"}],
        },
        "fin": {"title": "Fin", "text": "Merci {first_name}, bonne journée."},
    },
    "objections": [
        {"id": "temps", "label": "Je n'ai pas le temps", "answer": "Deux minutes suffisent, {first_name}."}
    ],
}
SURVEY = {
    "name": "satisfaction",
    "questions": [
        {"id": "nps", "type": "nps", "text": {"fr": "Recommanderiez-vous ?", "en": "Would you recommend?"}},
        {"id": "why_low", "type": "text", "text": "Pourquoi ?", "required": False,
         "when": [{"question": "nps", "less_than": 7}]},
        {"id": "channels", "type": "multiple", "text": "Canaux",
         "options": [{"id": "email", "label": "E-mail"}, {"id": "sms", "label": "SMS"},
                     {"id": "phone", "label": {"fr": "Téléphone", "en": "Phone"}}]},
        {"id": "callback", "type": "yes_no", "text": "Rappel ?",
         "when": [{"question": "channels", "equals": "phone"}]},
    ],
}  # fmt: skip
DATA = {"quote_number": "D-2026-001", "quote_amount": "1234.50", "quote_sent_at": "2026-03-02"}


@dataclass
class Floor:
    """Tenant acme's campaign with a script and a survey, its leads, and a campaign without either."""

    lead: int  # Mme Martin, linked to her contact
    others: list[int]  # more leads of the campaign
    bare_lead: int  # a lead of the campaign without script nor survey
    contact: int
    theirs: tuple[str, int]  # tenant demo's campaign and lead

    def url(self, lead: int | None = None, end: str = "", campaign: str = "relance") -> str:
        return f"/api/campaigns/{campaign}/leads/{self.lead if lead is None else lead}{end}"


def _lead(session: Session, tenant_id: int, campaign: Campaign, phone: str, **given: Any) -> int:
    lead = Lead(tenant_id=tenant_id, campaign_id=campaign.id, phone=phone, phone_type="mobile",
                zone="Europe/Paris", country="FR", **given)  # fmt: skip
    session.add(lead)
    session.flush()
    return lead.id


@pytest.fixture
def floor(
    client: TestClient, platform: Platform2, as_role: Headers, sessions: sessionmaker[Session]
) -> Floor:
    acme, demo = platform.acme.tenant_id, platform.demo.tenant_id
    admin = as_role["admin"]
    for kind, spec in (("scripts", SCRIPT), ("surveys", SURVEY)):
        assert client.post(f"/api/{kind}", json=spec, headers=admin).status_code == 201
    campaign = {"name": "relance", "type": "quote_followup", "mode": "preview",
                "script": "relance_devis", "survey": "satisfaction"}  # fmt: skip
    assert client.post("/api/campaigns", json=campaign, headers=admin).status_code == 201
    bare = {"name": "nue", "type": "prospecting", "mode": "preview"}
    assert client.post("/api/campaigns", json=bare, headers=admin).status_code == 201
    with sessions.begin() as session:
        found = {c.name: c for c in session.scalars(select(Campaign).where(Campaign.tenant_id == acme))}
        contact = Contact(tenant_id=acme, civility="Mme", first_name="Jeanne", last_name="Martin")
        session.add(contact)
        session.flush()
        lead = _lead(session, acme, found["relance"], "+33612345601", first_name="Jeanne", last_name="Martin",
                     company="Martin SARL", contact_id=contact.id, data=DATA, status="callback", attempts=2,
                     next_attempt_at=datetime(2026, 3, 3, 14, tzinfo=UTC), callback_agent="2001",
                     last_outcome="answered", last_disposition="callback")  # fmt: skip
        others = [
            _lead(session, acme, found["relance"], f"+3361234560{i}", first_name=f"L{i}") for i in (2, 3, 4)
        ]
        bare_lead = _lead(session, acme, found["nue"], "+33612345609")
        theirs = Campaign(tenant_id=demo, name="relance", type="survey", script="relance_devis")
        session.add(theirs)
        session.flush()
        their_lead = _lead(session, demo, theirs, "+33612345601")
    return Floor(lead, others, bare_lead, contact.id, ("relance", their_lead))


def test_a_lead_pops_on_the_agents_screen_with_its_callback_and_data(
    client: TestClient, floor: Floor, as_role: Headers
) -> None:
    for role in ("agent", "supervisor", "admin"):
        shown = client.get(floor.url(), headers=as_role[role])
        assert shown.status_code == 200, shown.text
    pop = shown.json()
    assert {k: pop[k] for k in ("name", "company", "phone", "zone", "status", "attempts", "contact_id")} == {
        "name": "Jeanne Martin", "company": "Martin SARL", "phone": "+33612345601", "zone": "Europe/Paris",
        "status": "callback", "attempts": 2, "contact_id": floor.contact,
    }  # fmt: skip
    assert (pop["last_outcome"], pop["last_disposition"], pop["data"]) == ("answered", "callback", DATA)
    assert pop["callback"]["agent"] == "2001" and pop["callback"]["at"].startswith("2026-03-03T14:00")
    other = client.get(floor.url(floor.others[0]), headers=as_role["agent"]).json()
    assert (other["callback"], other["contact_id"], other["name"]) == (None, None, "L2")
    assert client.get(floor.url(), headers=as_role["client_viewer"]).status_code == 403


def test_leads_of_another_campaign_or_tenant_are_not_found(
    client: TestClient, floor: Floor, as_role: Headers
) -> None:
    their_lead = floor.theirs[1]
    for url in (
        floor.url(floor.bare_lead),  # the same tenant's, of another campaign
        floor.url(their_lead),  # demo's lead, under acme's campaign of the same name
        floor.url(floor.lead, campaign="soldes"),
        floor.url(999_999),
    ):
        for end in ("", "/survey"):
            missing = client.get(url + end, headers=as_role["agent"])
            assert (missing.status_code, missing.json()["error_id"]) == (404, "not_found"), url
        script = client.post(url + "/script", json={"taken": []}, headers=as_role["agent"])
        assert script.status_code == 404


def test_the_script_shows_the_leads_variables_in_the_agents_language(
    client: TestClient, floor: Floor, as_role: Headers
) -> None:
    french = client.post(floor.url(end="/script"), json={"taken": []}, headers=as_role["agent"])
    assert french.status_code == 200, french.text
    page = french.json()
    assert (page["script"], page["page"], page["title"]) == ("relance_devis", "accueil", "Accueil")
    assert page["text"] == (
        "Bonjour Mme Martin, au sujet du devis D-2026-001 de 1\u202f234,50\u00a0€ envoyé le 2 mars 2026."
    )
    assert page["choices"] == [
        {"id": "interesse", "label": "Intéressé", "ends": False},
        {"id": "refus", "label": "Refus", "ends": True},
    ]
    assert page["objections"] == [
        {"id": "temps", "label": "Je n'ai pas le temps", "answer": "Deux minutes suffisent, Jeanne."}
    ]
    assert (page["missing"], page["ended"], page["can_go_back"], page["disposition"]) == (
        [],
        False,
        False,
        None,
    )
    english = client.post(
        floor.url(end="/script"), json={"taken": [], "locale": "en"}, headers=as_role["agent"]
    )
    assert (
        english.json()["text"]
        == "Hello Mme Martin, about quote D-2026-001 for €1,234.50 sent on March 2, 2026."
    )
    assert english.json()["choices"][0]["label"] == "Interested"
    bare = client.post(
        floor.url(floor.others[0], "/script"), json={"taken": []}, headers=as_role["agent"]
    ).json()
    assert bare["missing"] == ["civility", "last_name", "quote_number", "quote_amount", "quote_date"]
    assert "[quote_amount ?]" in bare["text"]


def test_the_script_follows_the_steps_taken_to_its_end(
    client: TestClient, floor: Floor, as_role: Headers
) -> None:
    def walk(*taken: str | None) -> dict[str, Any]:
        response = client.post(
            floor.url(end="/script"), json={"taken": list(taken)}, headers=as_role["supervisor"]
        )
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    rdv = walk("interesse")
    assert (rdv["page"], rdv["text"], rdv["ended"], rdv["can_go_back"]) == (
        "rdv", "Proposer un créneau à Jeanne.", False, True,
    )  # fmt: skip
    end = walk("interesse", "pris")
    assert (end["page"], end["choices"], end["ended"], end["disposition"]) == (
        "fin",
        [],
        False,
        "appointment",
    )
    finished = walk("interesse", "pris", None)
    assert (finished["page"], finished["ended"]) == ("fin", True)
    refused = walk("refus")
    assert (refused["page"], refused["ended"], refused["disposition"]) == ("accueil", True, "refusal")


def test_a_step_the_script_cannot_take_is_refused_in_both_languages(
    client: TestClient, floor: Floor, as_role: Headers
) -> None:
    url = floor.url(end="/script")
    unknown = client.post(url, json={"taken": ["interesse", "nope"]}, headers=as_role["agent"])
    assert (unknown.status_code, unknown.json()["error_id"]) == (422, "illegal_step")
    assert unknown.json()["message"] == {
        "fr": "pas de choix 'nope' en page 'rdv'",
        "en": "no choice 'nope' on page 'rdv'",
    }
    ended = client.post(url, json={"taken": ["refus", "interesse"]}, headers=as_role["agent"])
    assert ended.status_code == 422
    assert ended.json()["message"]["fr"] == "l'argumentaire est terminé : revenir d'abord"
    assert client.post(url, json={"taken": [1]}, headers=as_role["agent"]).status_code == 422


def test_a_campaign_without_script_or_survey_says_so(
    client: TestClient, floor: Floor, as_role: Headers
) -> None:
    url = floor.url(floor.bare_lead, campaign="nue")
    assert client.get(url, headers=as_role["agent"]).status_code == 200
    script = client.post(url + "/script", json={"taken": []}, headers=as_role["agent"])
    assert (script.status_code, script.json()["error_id"]) == (404, "no_script")
    assert script.json()["message"]["en"] == "This campaign has no script."
    for response in (
        client.get(url + "/survey", headers=as_role["agent"]),
        client.post(url + "/survey", json={"answers": {}}, headers=as_role["agent"]),
        client.get("/api/campaigns/nue/survey/results", headers=as_role["supervisor"]),
        client.get("/api/campaigns/nue/survey/export", headers=as_role["supervisor"]),
    ):
        assert (response.status_code, response.json()["error_id"]) == (404, "no_survey")


def _answer(client: TestClient, url: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    return state


def _stored(sessions: sessionmaker[Session]) -> dict[str, tuple[Any, ...]]:
    with sessions() as session:
        rows = session.scalars(select(SurveyResponse).order_by(SurveyResponse.id))
        return {r.question: (r.value, r.respondent, r.lead_id, r.contact_id, r.interaction_id, r.agent,
                             r.campaign) for r in rows}  # fmt: skip


def test_survey_answers_are_stored_per_contact_and_call_and_resumed(
    client: TestClient, floor: Floor, as_role: Headers, sessions: sessionmaker[Session]
) -> None:
    url, agent = floor.url(end="/survey"), as_role["agent"]
    start = client.get(url, headers=agent).json()
    assert (start["survey"], start["respondent"], start["answers"], start["complete"]) == (
        "satisfaction", f"lead:{floor.lead}", {}, False,
    )  # fmt: skip
    assert [q["id"] for q in start["questions"]] == ["nps", "channels"]  # the conditional ones wait
    assert start["next"] == {"id": "nps", "type": "nps", "text": "Recommanderiez-vous ?", "required": True,
                             "options": [], "min": 0, "max": 10, "max_length": None}  # fmt: skip
    low = _answer(client, url, agent, answers={"nps": 4}, interaction_id="call-1")
    assert low["next"]["id"] == "why_low" and low["next"]["max_length"] == 500
    _answer(client, url, agent, answers={"why_low": "Trop cher"}, interaction_id="call-1")
    high = _answer(client, url, agent, answers={"nps": 9}, interaction_id="call-1")
    assert high["answers"] == {"nps": 9}  # the reason given for a low score goes with it
    assert high["next"]["id"] == "channels" and "why_low" not in [q["id"] for q in high["questions"]]
    lead, contact = floor.lead, floor.contact
    assert _stored(sessions) == {"nps": ("9", f"lead:{lead}", lead, contact, "call-1", "2001", "relance")}
    # Cut off; the supervisor's call back finishes the survey: the same respondent, on the new call.
    resumed = client.get(url, headers=as_role["supervisor"]).json()
    assert (resumed["answers"], resumed["next"]["id"]) == ({"nps": 9}, "channels")
    assert [o["label"] for o in resumed["next"]["options"]] == ["E-mail", "SMS", "Téléphone"]
    phone = _answer(client, url, as_role["supervisor"], answers={"channels": ["phone", "email"]},
                    interaction_id="call-2", locale="en")  # fmt: skip
    assert (phone["next"]["id"], phone["next"]["text"]) == ("callback", "Rappel ?")
    assert phone["questions"][0]["text"] == "Would you recommend?"
    done = _answer(client, url, agent, answers={"callback": False}, interaction_id="call-3")
    assert (done["next"], done["complete"]) == (None, True)
    assert done["answers"] == {"nps": 9, "channels": ["email", "phone"], "callback": False}
    # Each answer row tells the call the survey was last saved on, and its agent.
    assert _stored(sessions) == {
        "nps": ("9", f"lead:{lead}", lead, contact, "call-3", "2001", "relance"),
        "channels": ("email,phone", f"lead:{lead}", lead, contact, "call-3", "2001", "relance"),
        "callback": ("no", f"lead:{lead}", lead, contact, "call-3", "2001", "relance"),
    }


def test_answers_given_together_open_their_conditional_questions(
    client: TestClient, floor: Floor, as_role: Headers
) -> None:
    url = floor.url(floor.others[0], "/survey")
    given = {"callback": True, "channels": ["phone"], "nps": 10}  # in any order: asked in the survey's
    state = _answer(client, url, as_role["agent"], answers=given)
    assert (state["answers"], state["complete"]) == (
        {"nps": 10, "channels": ["phone"], "callback": True},
        True,
    )
    passed = _answer(client, floor.url(floor.others[1], "/survey"), as_role["agent"],
                     answers={"nps": 2, "why_low": None, "channels": ["sms"]})  # fmt: skip
    assert (passed["answers"], passed["complete"]) == ({"nps": 2, "channels": ["sms"]}, True)


@pytest.mark.parametrize(
    ("answers", "question", "fr", "en"),
    [
        ({"nps": 11}, "nps", "nps : un entier de 0 à 10", "nps: an integer from 0 to 10"),
        ({"nps": "9"}, "nps", "nps : un entier de 0 à 10", "nps: an integer from 0 to 10"),
        ({"nps": 9, "channels": ["fax"]}, "channels", "channels : options inconnues : ['fax']",
         "channels: not options: ['fax']"),
        ({"nps": 9, "channels": []}, "channels", "channels : choisir au moins une option",
         "channels: choose at least one option"),
        ({"nps": None}, "nps", "nps : question obligatoire", "nps: a required question cannot be skipped"),
    ],
)  # fmt: skip
def test_a_bad_answer_is_refused_naming_its_question(
    client: TestClient,
    floor: Floor,
    as_role: Headers,
    sessions: sessionmaker[Session],
    answers: dict[str, Any],
    question: str,
    fr: str,
    en: str,
) -> None:
    refused = client.post(floor.url(end="/survey"), json={"answers": answers}, headers=as_role["agent"])
    assert (refused.status_code, refused.json()["error_id"]) == (422, "invalid_answer")
    assert refused.json()["message"] == {"fr": fr, "en": en}
    assert _stored(sessions) == {}  # nothing of the request is kept


def test_a_question_not_asked_is_refused(client: TestClient, floor: Floor, as_role: Headers) -> None:
    url = floor.url(end="/survey")
    for answers, en in (
        ({"callback": True}, "'callback' is not asked"),  # channels did not say phone
        ({"nps": 3, "colour": "blue"}, "no question 'colour'"),
    ):
        refused = client.post(url, json={"answers": answers}, headers=as_role["agent"])
        assert (refused.status_code, refused.json()["error_id"]) == (422, "question_not_asked")
        assert refused.json()["message"]["en"] == en


def _survey_of_three(client: TestClient, floor: Floor, as_role: Headers) -> None:
    """Three leads answer: NPS 10, 9 and 3; channels phone+email, email, sms."""
    given = [
        {"nps": 10, "channels": ["phone", "email"], "callback": True},
        {"nps": 9, "channels": ["email"]},
        {"nps": 3, "why_low": "Trop cher ; vraiment", "channels": ["sms"]},
    ]
    for lead, answers in zip([floor.lead, *floor.others], given, strict=False):
        _answer(
            client, floor.url(lead, "/survey"), as_role["agent"], answers=answers, interaction_id=f"c{lead}"
        )


def test_results_give_counts_percentages_and_the_nps(
    client: TestClient, floor: Floor, as_role: Headers, sessions: sessionmaker[Session], platform: Platform2
) -> None:
    _survey_of_three(client, floor, as_role)
    with sessions.begin() as session:  # the same survey asked on another campaign: not in these figures
        session.add(SurveyResponse(tenant_id=platform.acme.tenant_id, survey="satisfaction", question="nps",
                                   type="nps", respondent="interaction:x", campaign="autre", value="0",
                                   number=0, answered_at=datetime(2026, 3, 1, tzinfo=UTC)))  # fmt: skip
    assert client.get("/api/campaigns/relance/survey/results", headers=as_role["agent"]).status_code == 403
    for role in ("supervisor", "admin", "client_viewer"):
        response = client.get("/api/campaigns/relance/survey/results", headers=as_role[role])
        assert response.status_code == 200, (role, response.text)
    results = response.json()
    assert (results["campaign"], results["survey"], results["kind"], results["respondents"]) == (
        "relance", "satisfaction", "survey", 3,
    )  # fmt: skip
    assert "nps" in results["definitions"]
    by_question = {q["question"]: q for q in results["questions"]}
    nps = by_question["nps"]
    assert (nps["answered"], nps["mean"], nps["median"]) == (3, 7.33, 9.0)
    assert nps["nps"] == {"promoters": 2, "passives": 0, "detractors": 1, "score": 33.3}
    assert [(c["id"], c["count"], c["percent"]) for c in nps["counts"] if c["count"]] == [
        ("3", 1, 33.3), ("9", 1, 33.3), ("10", 1, 33.3),
    ]  # fmt: skip
    channels = by_question["channels"]
    assert [(c["id"], c["label"], c["count"], c["percent"]) for c in channels["counts"]] == [
        ("email", "E-mail", 2, 66.7), ("sms", "SMS", 1, 33.3), ("phone", "Téléphone", 1, 33.3),
    ]  # fmt: skip
    callback = by_question["callback"]
    assert (callback["answered"], [(c["label"], c["percent"]) for c in callback["counts"]]) == (
        1, [("oui", 100.0), ("non", 0.0)],
    )  # fmt: skip
    assert by_question["why_low"]["answered"] == 1 and by_question["why_low"]["counts"] == []
    english = client.get("/api/campaigns/relance/survey/results?locale=en", headers=as_role["admin"]).json()
    assert english["questions"][0]["text"] == "Would you recommend?"


def _export(client: TestClient, headers: dict[str, str], query: str) -> Any:
    return client.get(f"/api/campaigns/relance/survey/export?{query}", headers=headers)


def test_exports_read_back_as_csv_and_xlsx(
    client: TestClient, floor: Floor, as_role: Headers, sessions: sessionmaker[Session], platform: Platform2
) -> None:
    _survey_of_three(client, floor, as_role)
    supervisor = as_role["supervisor"]
    results = _export(client, supervisor, "format=csv&table=results")
    assert results.status_code == 200, results.text
    assert results.headers["content-type"] == "text/csv; charset=utf-8"
    assert results.headers["content-disposition"] == 'attachment; filename="relance-satisfaction-results.csv"'
    rows = list(csv.reader(io.StringIO(results.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["campaign", "question", "text", "answer"]
    assert ["*", "nps", "Recommanderiez-vous ?", "nps", "", "3", "", "", "33,3"] in rows
    assert ["relance", "channels", "Canaux", "email", "E-mail", "3", "2", "66,7", ""] in rows
    answers = _export(client, supervisor, "format=xlsx&table=answers")
    assert answers.headers["content-type"] == CONTENT_XLSX
    assert answers.headers["content-disposition"].endswith('filename="relance-satisfaction-answers.xlsx"')
    sheet = load_workbook(io.BytesIO(answers.content), read_only=True).active
    assert sheet is not None
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = table[0]
    values = {
        (r[header.index("lead_id")], r[header.index("question")]): r[header.index("value")] for r in table[1:]
    }
    assert values[(str(floor.others[1]), "why_low")] == "Trop cher ; vraiment"
    assert values[(str(floor.lead), "channels")] == "email,phone" and len(values) == 8
    respondents = _export(client, as_role["admin"], "table=respondents")  # CSV by default
    assert len(list(csv.reader(io.StringIO(respondents.text.lstrip("\ufeff")), delimiter=";"))) == 4
    assert _export(client, as_role["agent"], "").status_code == 403
    assert _export(client, supervisor, "format=pdf").status_code == 422
    assert _export(client, supervisor, "table=people").status_code == 422
    # The client reads the figures; people's answers only when the tenant lets it read personal data.
    viewer = as_role["client_viewer"]
    assert _export(client, viewer, "").status_code == 200
    assert _export(client, viewer, "table=answers").status_code == 403
    with sessions.begin() as session:
        tenant = session.get(Tenant, platform.acme.tenant_id)
        assert tenant is not None
        tenant.client_viewer_personal_data = True
    assert _export(client, viewer, "table=answers").status_code == 200


CONTENT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_another_tenants_campaign_results_are_not_found(
    client: TestClient, floor: Floor, as_role: Headers
) -> None:
    with_demo = {**as_role["superadmin"], "X-Callfloor-Tenant": "demo"}
    campaign, lead = floor.theirs
    assert client.get(f"/api/campaigns/{campaign}/leads/{lead}", headers=with_demo).status_code == 200
    theirs = client.get(f"/api/campaigns/{campaign}/leads/{floor.lead}", headers=with_demo)
    assert theirs.status_code == 404  # acme's lead, through demo's campaign of the same name
    no_survey = client.get(f"/api/campaigns/{campaign}/survey/results", headers=with_demo)
    assert no_survey.json()["error_id"] == "no_survey"
    script = client.post(f"/api/campaigns/{campaign}/leads/{lead}/script", json={}, headers=with_demo)
    assert script.status_code == 200, script.text  # demo's own script of that name, not acme's
    assert script.json()["text"].startswith("Bonjour [first_name ?] [last_name ?], je vous appelle")
