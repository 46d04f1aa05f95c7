"""Scripts and surveys in the center YAML: validated into the core models, problems at their lines."""

import pytest
from pydantic import ValidationError

from callfloor.center.scripts import (
    SCRIPT_CHECKS,
    ScriptSpec,
    SurveySpec,
    core_script,
    core_survey,
    located,
    script_problems,
    survey_problems,
)
from callfloor.core.scripts.script_session import ScriptSession
from callfloor.core.scripts.survey import Condition, ConditionTest, QuestionType, SurveyKind
from callfloor.core.scripts.survey_session import SurveySession
from callfloor.core.scripts.wording import Wording
from callfloor.yamlfile import parse_yaml

DOCUMENT = """\
scripts:
  - name: relance_devis
    start: accueil
    pages:
      accueil:
        title: {fr: Accueil, en: Greeting}
        text:
          fr: "Bonjour {civility} {last_name}, au sujet du devis {quote_number}…"
          en: "Hello {civility} {last_name}, about quote {quote_number}…"
        choices:
          - {id: interesse, label: {fr: Intéressé, en: Interested}, next: rdv}
          - {id: refus, label: Refus, disposition: refusal}
      rdv: {title: Rendez-vous, text: "Proposer un créneau avant le {due_date}.", disposition: appointment}
    objections:
      - {id: temps, label: "Je n'ai pas le temps", answer: "Deux minutes suffisent."}
surveys:
  - name: satisfaction_2026
    kind: poll
    questions:
      - {id: nps, type: nps, text: "Recommanderiez-vous notre service ?"}
      - id: why_low
        type: text
        text: Pourquoi ?
        required: false
        max_length: 300
        when: [{question: nps, less_than: 7}]
      - id: channels
        type: multiple
        text: Canaux préférés
        options: [{id: email, label: E-mail}, {id: sms, label: SMS}]
      - {id: callback, type: yes_no, text: "Rappel ?", when: [{question: channels, in: [sms]}]}
      - {id: ease, type: scale, min: 0, max: 10, text: "Facilité"}
"""


def test_a_document_validates_into_scripts_and_surveys_that_work() -> None:
    data = parse_yaml(DOCUMENT, "center.yaml").data
    script = core_script(ScriptSpec.model_validate(data["scripts"][0]))
    assert script.pages["accueil"].title == Wording("Accueil", "Greeting")
    assert script.pages["rdv"].title == Wording.same("Rendez-vous")
    assert script.pages["accueil"].choices[1].next is None
    session = ScriptSession(script, {"last_name": "Martin"})
    session.choose("interesse")
    assert session.suggested_disposition() == "appointment"

    survey = core_survey(SurveySpec.model_validate(data["surveys"][0]))
    assert survey.kind is SurveyKind.POLL
    assert [q.type for q in survey.questions] == [
        QuestionType.NPS, QuestionType.TEXT, QuestionType.MULTIPLE, QuestionType.YES_NO, QuestionType.SCALE,
    ]  # fmt: skip
    assert survey.questions[3].conditions == (Condition("channels", ConditionTest.IN, ("sms",)),)
    assert survey.questions[4].bounds == (0, 10)
    assert survey.questions[1].max_length == 300
    walk = SurveySession(survey)
    walk.answer("nps", 4)
    assert walk.next_question() is survey.questions[1]


def test_a_script_that_does_not_hold_together_is_refused_with_its_fields() -> None:
    data = parse_yaml(DOCUMENT, "center.yaml").data["scripts"][0]
    data["pages"]["accueil"]["choices"][0]["next"] = "nowhere"
    with pytest.raises(ValidationError, match=r"pages\.accueil\.choices\.0\.next: unknown page 'nowhere'"):
        ScriptSpec.model_validate(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "nps", "min": 1}, "min and max are for scales"),
        ({"when": [{"question": "nps", "less_than": 7, "equals": 3}]}, "one test, of"),
        (
            {"when": [{"question": "later", "equals": True}]},
            "questions.1.when.0.question: unknown question 'later'",
        ),
        ({"max_length": 0}, "greater than or equal to 1"),
        ({"type": "essay"}, "Input should be"),
        ({"text": "a\x00b"}, "String should match pattern"),
    ],
)
def test_survey_questions_are_refused_with_a_reason(change: dict[str, object], message: str) -> None:
    data = parse_yaml(DOCUMENT, "center.yaml").data["surveys"][0]
    data["questions"][1].update(change)
    with pytest.raises(ValidationError, match=message):
        SurveySpec.model_validate(data)


def test_problems_are_reported_at_their_lines_when_the_checks_are_left_to_a_tool() -> None:
    text = DOCUMENT.replace("next: rdv}", "next: rendez_vous}").replace("{due_date}", "{date_limite}")
    text = text.replace("in: [sms]", "in: [fax]")
    doc = parse_yaml(text, "center.yaml")
    context = {SCRIPT_CHECKS: False}
    script = ScriptSpec.model_validate(doc.data["scripts"][0], context=context)
    survey = SurveySpec.model_validate(doc.data["surveys"][0], context=context)
    assert located(doc, ("scripts", 0), script_problems(script)) == [
        "center.yaml:11: scripts.0.pages.accueil.choices.0.next: unknown page 'rendez_vous'",
        "center.yaml:13: scripts.0.pages.rdv.text: warning: unknown variable {date_limite}: it will show as a placeholder",
    ]
    fixed = ScriptSpec.model_validate(
        parse_yaml(DOCUMENT.replace("{due_date}", "{date_limite}"), "c").data["scripts"][0]
    )
    assert [str(p) for p in script_problems(fixed)] == [
        "pages.rdv.text: unknown variable {date_limite}: it will show as a placeholder",
    ]
    assert located(doc, ("surveys", 0), survey_problems(survey)) == [
        "center.yaml:31: surveys.0.questions.3.when.0.in: 'fax' cannot answer 'channels'",
    ]


def test_texts_are_one_string_or_both_languages_never_unknown_keys() -> None:
    page = {"title": {"fr": "Titre", "de": "Titel"}, "text": "Texte"}
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ScriptSpec.model_validate({"name": "s", "start": "p", "pages": {"p": page}})
    with pytest.raises(ValidationError, match="empty in both languages"):
        ScriptSpec.model_validate({"name": "s", "start": "p", "pages": {"p": {"title": "", "text": "x"}}})
