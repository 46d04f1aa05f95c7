"""The script checker: errors refuse a script, warnings are told; each names its field in both languages."""

from dataclasses import replace

import pytest

from callfloor.core.config import Locale
from callfloor.core.scripts import CheckError, Problem, Severity
from callfloor.core.scripts.script import (
    STANDARD_VARIABLES,
    Choice,
    Objection,
    Page,
    Script,
    check,
    reachable,
)
from callfloor.core.scripts.wording import Wording
from tests.core.scripts.examples import QUOTE_FOLLOWUP

W = Wording.same


def _fields(problems: list[Problem], severity: Severity) -> list[str]:
    return [p.field for p in problems if p.severity is severity]


def test_the_example_holds_together() -> None:
    assert check(QUOTE_FOLLOWUP, STANDARD_VARIABLES) == []
    assert reachable(QUOTE_FOLLOWUP) == ["accueil", "rdv", "rappel", "fin"]
    assert Script.checked(QUOTE_FOLLOWUP.name, QUOTE_FOLLOWUP.start, QUOTE_FOLLOWUP.pages) is not None


def test_unknown_pages_are_errors_that_refuse_the_script() -> None:
    pages = dict(QUOTE_FOLLOWUP.pages)
    pages["rdv"] = replace(pages["rdv"], choices=(Choice("pris", W("Pris"), "nulle_part"),))
    script = replace(QUOTE_FOLLOWUP, start="debut", pages=pages)
    problems = check(script)
    assert _fields(problems, Severity.ERROR) == ["start", "pages.rdv.choices.0.next"]
    assert problems[1].text(Locale.FR) == "pages.rdv.choices.0.next : page 'nulle_part' inconnue"
    assert str(problems[1]) == "pages.rdv.choices.0.next: unknown page 'nulle_part'"
    assert problems[1].location == ("pages", "rdv", "choices", 0, "next")
    with pytest.raises(CheckError) as caught:
        Script.checked(script.name, script.start, script.pages)
    assert len(caught.value.problems) == 2


def test_duplicates_and_empty_texts_are_errors() -> None:
    page = Page(W("Titre"), Wording("", " "), (Choice("a", W("A")), Choice("a", W("A bis"))))
    objections = (Objection("cher", W("Cher"), W("Non")), Objection("cher", W("Cher"), Wording("")))
    problems = check(Script("s", "p", {"p": page}, objections))
    assert _fields(problems, Severity.ERROR) == [
        "pages.p.choices.1.id", "objections.1.id", "pages.p.text", "objections.1.answer",
    ]  # fmt: skip


def test_a_script_without_pages_is_refused() -> None:
    assert _fields(check(Script("s", "p", {})), Severity.ERROR) == ["pages"]


def test_unreachable_pages_endless_walks_and_unknown_variables_are_warnings() -> None:
    loop = {
        "a": Page(W("A"), W("Bonjour {prenom}"), (Choice("go", W("Suite"), "b"),)),
        "b": Page(W("B"), W("{first_name}"), (Choice("back", W("Retour"), "a"),)),
        "aside": Page(W("C"), W("À part")),
    }
    problems = check(Script("s", "a", loop), STANDARD_VARIABLES)
    assert _fields(problems, Severity.ERROR) == []
    assert _fields(problems, Severity.WARNING) == ["pages.a.text", "pages.aside", "start"]
    assert "{prenom}" in problems[0].fr
    assert check(Script("s", "a", loop)) == [
        p for p in problems if p.field != "pages.a.text"
    ]  # no variable set: no check
