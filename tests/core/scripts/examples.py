"""A quote follow-up script and a satisfaction survey, as a center would write them."""

from callfloor.core.scripts.script import Choice, Objection, Page, Script
from callfloor.core.scripts.survey import (
    Condition,
    ConditionTest,
    Option,
    Question,
    QuestionType,
    Survey,
    SurveyKind,
)
from callfloor.core.scripts.wording import Wording

W = Wording.same

QUOTE_FOLLOWUP = Script(
    "relance_devis",
    "accueil",
    {
        "accueil": Page(
            Wording("Accueil", "Greeting"),
            Wording(
                "Bonjour {civility} {last_name}, je vous appelle au sujet du devis {quote_number} de {amount_due}.",
                "Hello {civility} {last_name}, I am calling about quote {quote_number} for {amount_due}.",
            ),
            (
                Choice("interesse", Wording("Intéressé", "Interested"), "rdv"),
                Choice("refus", Wording("Refus", "Refusal"), None, "refusal"),
                Choice("rappel", W("Rappeler"), "rappel", "callback"),
            ),
        ),
        "rdv": Page(
            W("Rendez-vous"),
            Wording("Proposer un rendez-vous avant le {due_date}.", "Offer a meeting before {due_date}."),
            (Choice("pris", W("Rendez-vous pris"), "fin", "appointment"),),
        ),
        "rappel": Page(W("Rappel"), W("Noter l'heure du rappel."), disposition="callback"),
        "fin": Page(W("Fin"), Wording("Merci {first_name}, bonne journée.", "Thank you {first_name}.")),
    },
    (
        Objection(
            "temps",
            Wording("Je n'ai pas le temps", "I have no time"),
            W("Deux minutes suffisent, {first_name}."),
        ),
        Objection(
            "cher",
            Wording("C'est trop cher", "It is too expensive"),
            W("Le devis de {amount_due} inclut la pose."),
        ),
    ),
)

SATISFACTION = Survey(
    "satisfaction_2026",
    (
        Question("nps", Wording("Recommanderiez-vous…", "Would you recommend…"), QuestionType.NPS),
        Question(
            "why_low",
            W("Pourquoi ?"),
            QuestionType.TEXT,
            required=False,
            max_length=200,
            conditions=(Condition("nps", ConditionTest.LESS_THAN, 7),),
        ),
        Question(
            "channels",
            W("Canaux"),
            QuestionType.MULTIPLE,
            (Option("email", W("E-mail")), Option("sms", W("SMS")), Option("phone", W("Téléphone"))),
        ),
        Question(
            "callback",
            W("Rappel ?"),
            QuestionType.YES_NO,
            conditions=(Condition("channels", ConditionTest.EQUALS, "phone"),),
        ),
        Question("ease", W("Facilité"), QuestionType.SCALE, minimum=1, maximum=5),
        Question(
            "plan",
            W("Formule"),
            QuestionType.SINGLE,
            (Option("basic", W("Essentiel")), Option("plus", W("Plus"))),
            required=False,
        ),
    ),
    SurveyKind.SURVEY,
)
