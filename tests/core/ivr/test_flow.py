"""Flows check themselves before a call walks them."""

import pytest

from callfloor.core.ivr import FlowError
from callfloor.core.ivr.flow import Flow, Hangup, Language, Menu, Play, Queue, prompts


def test_a_sound_flow_is_accepted_and_knows_what_it_reaches() -> None:
    flow = Flow.checked(
        "main",
        "welcome",
        {
            "welcome": Play(("welcome",), "menu"),
            "menu": Menu(("main_menu",), {"1": "sales", "0": "bye"}),
            "sales": Queue("ventes"),
            "bye": Hangup(),
            "orphan": Queue("sav"),
        },
    )
    assert flow.reachable() == {"welcome", "menu", "sales", "bye"}


def test_every_problem_is_named_with_its_node_and_field() -> None:
    with pytest.raises(FlowError) as caught:
        Flow.checked(
            "main",
            "nowhere",
            {
                "welcome": Play(("welcome",), "missing"),
                "menu": Menu(("main_menu",), {"12": "welcome", "1": "gone"}, tries=0, timeout_s=0),
                "empty": Menu((), {}),
            },
        )
    found = {(p.node, p.field) for p in caught.value.problems}
    assert found == {
        (None, "start"),
        ("welcome", "next"),
        ("menu", "options.1"),
        ("menu", "options.12"),
        ("menu", "tries"),
        ("menu", "timeout_s"),
        ("empty", "options"),
    }
    assert "node 'welcome', next: unknown node 'missing'" in str(caught.value)


def test_language_nodes_that_loop_with_nothing_played_are_refused() -> None:
    with pytest.raises(FlowError, match="loops back"):
        Flow.checked("main", "fr", {"fr": Language("fr", "en"), "en": Language("en", "fr")})


def test_a_menu_without_fallback_may_say_goodbye() -> None:
    menu = Menu(("main_menu",), {"1": "x"})
    assert set(prompts(menu)) == {"main_menu", "invalid_choice", "no_input", "goodbye"}
    assert "goodbye" not in set(prompts(Menu(("main_menu",), {"1": "x"}, fallback="x")))
