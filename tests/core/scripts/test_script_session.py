"""An agent's walk through a script: pages, choices, back, the end, objections and the disposition suggested."""

from datetime import date
from decimal import Decimal

import pytest

from callfloor.core.config import Locale
from callfloor.core.scripts import CheckError, IllegalStep
from callfloor.core.scripts.script import Script
from callfloor.core.scripts.script_session import ChoiceView, ScriptSession, ScriptState
from callfloor.core.scripts.values import Money, Value
from tests.core.scripts.examples import QUOTE_FOLLOWUP

NBSP, NNBSP = "\u00a0", "\u202f"
CONTACT: dict[str, Value] = {
    "civility": "Mme",
    "last_name": "Martin",
    "quote_number": "D-42",
    "amount_due": Money(Decimal("1234.5")),
    "due_date": date(2026, 3, 31),
}


def test_the_first_page_shows_the_contacts_values_and_the_choices() -> None:
    view = ScriptSession(QUOTE_FOLLOWUP, CONTACT).view()
    assert view.page == "accueil"
    assert (
        view.text == f"Bonjour Mme Martin, je vous appelle au sujet du devis D-42 de 1{NNBSP}234,50{NBSP}€."
    )
    assert view.choices[:2] == (
        ChoiceView("interesse", "Intéressé", False),
        ChoiceView("refus", "Refus", True),
    )
    assert (view.state, view.can_go_back, view.disposition, view.missing) == (
        ScriptState.ON_PAGE,
        False,
        None,
        (),
    )


def test_english_and_missing_variables() -> None:
    session = ScriptSession(QUOTE_FOLLOWUP, {"last_name": "Smith"}, Locale.EN)
    view = session.view()
    assert view.text.startswith("Hello [civility ?] Smith, I am calling about quote [quote_number ?]")
    assert view.missing == ("civility", "quote_number", "amount_due")
    assert view.choices[0].label == "Interested"


def test_choices_lead_from_page_to_page_and_back_undoes_them() -> None:
    session = ScriptSession(QUOTE_FOLLOWUP, CONTACT)
    session.choose("interesse")
    assert session.view().text == "Proposer un rendez-vous avant le 31 mars 2026."
    session.choose("pris")
    assert (session.page_id, session.state) == ("fin", ScriptState.ON_PAGE)
    assert session.suggested_disposition() == "appointment"
    session.finish()
    assert session.state is ScriptState.ENDED
    with pytest.raises(IllegalStep) as caught:
        session.choose("anything")
    assert (caught.value.state, caught.value.step) == ("ended", "choose")
    session.back()  # reopens the script on its last page
    assert (session.page_id, session.state) == ("fin", ScriptState.ON_PAGE)
    session.back()
    session.back()
    assert session.page_id == "accueil"
    with pytest.raises(IllegalStep, match="first page"):
        session.back()


def test_a_choice_that_ends_the_script_suggests_its_disposition() -> None:
    session = ScriptSession(QUOTE_FOLLOWUP, CONTACT)
    session.choose("refus")
    view = session.view()
    assert (view.page, view.state, view.disposition, view.can_go_back) == (
        "accueil",
        ScriptState.ENDED,
        "refusal",
        True,
    )
    session.back()
    assert (session.state, session.suggested_disposition()) == (ScriptState.ON_PAGE, None)


def test_a_page_suggests_its_disposition_when_reached() -> None:
    session = ScriptSession(QUOTE_FOLLOWUP, CONTACT)
    session.choose("rappel")
    assert session.suggested_disposition() == "callback"


def test_a_choice_not_on_the_page_changes_nothing() -> None:
    session = ScriptSession(QUOTE_FOLLOWUP, CONTACT)
    with pytest.raises(IllegalStep) as caught:
        session.choose("pris")  # on page rdv, not here
    assert caught.value.fr == "pas de choix 'pris' en page 'accueil'"
    assert session.path == []


def test_objections_open_from_any_page_without_moving_and_are_counted() -> None:
    session = ScriptSession(QUOTE_FOLLOWUP, {**CONTACT, "first_name": "Anne"})
    assert session.open_objection("temps") == ("Je n'ai pas le temps", "Deux minutes suffisent, Anne.")
    session.choose("interesse")
    _, answer = session.open_objection("cher")
    assert answer == f"Le devis de 1{NNBSP}234,50{NBSP}€ inclut la pose."
    assert session.page_id == "rdv"
    assert session.objections_opened == [("temps", "accueil"), ("cher", "rdv")]
    with pytest.raises(IllegalStep):
        session.open_objection("inconnue")


def test_a_script_that_does_not_hold_together_cannot_be_walked() -> None:
    with pytest.raises(CheckError):
        ScriptSession(Script("s", "nowhere", QUOTE_FOLLOWUP.pages), CONTACT)


def test_a_walk_is_replayed_from_its_choices_each_checked() -> None:
    session = ScriptSession.replay(QUOTE_FOLLOWUP, CONTACT, ["interesse", "pris", None])
    assert (session.page_id, session.state, session.suggested_disposition()) == (
        "fin",
        ScriptState.ENDED,
        "appointment",
    )
    assert [step.choice for step in session.path] == ["interesse", "pris", None]
    with pytest.raises(IllegalStep):
        ScriptSession.replay(QUOTE_FOLLOWUP, CONTACT, ["interesse", "refus"])  # not a choice of page rdv
