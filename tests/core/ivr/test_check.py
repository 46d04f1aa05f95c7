"""The flow checker: each kind of problem, named with its node and field, errors apart from warnings."""

import pytest

from callfloor.core.ivr import FlowError, FlowProblem, Severity
from callfloor.core.ivr.check import check
from callfloor.core.ivr.flow import (
    Collect,
    Condition,
    Flow,
    Hangup,
    Hours,
    Language,
    Lookup,
    Menu,
    Node,
    Play,
    Question,
    Queue,
    SetVariables,
    Survey,
    Transfer,
    TransferKind,
    Voicemail,
)
from callfloor.core.ivr.variables import Comparison, Rule
from callfloor.core.ivr.waiting import WaitOptions

BYE = {"bye": Hangup()}


def problems(
    nodes: dict[str, Node], start: str = "a", prompts: set[str] | None = None
) -> set[tuple[str | None, str]]:
    """The (node, field) of each error the checker finds."""
    return {
        (p.node, p.field) for p in check(start, {**nodes, **BYE}, prompts) if p.severity is Severity.ERROR
    }


def only(nodes: dict[str, Node], start: str = "a") -> FlowProblem:
    """The one problem of a flow (its goodbye node left out when nothing leads to it)."""
    found = [p for p in check(start, {**nodes, **BYE}) if p.node != "bye"]
    assert len(found) == 1, found
    return found[0]


def test_unknown_nodes_are_named_wherever_they_are_named() -> None:
    nodes: dict[str, Node] = {
        "a": Hours("b", "ghost1", "ghost2"),
        "b": Condition((Rule("vip", Comparison.EQUALS, True, "ghost3"),), "ghost4"),
        "c": Lookup("ghost5", "bye"),
        "d": Queue("q", WaitOptions(max_wait_s=60, overflow="ghost6")),
        "e": Collect((), "order", "ghost7", fallback="ghost8"),
        "f": Voicemail(next="ghost9"),
        "g": Survey("s", (Question("q", ("p",)),), next="ghost10"),
    }
    assert problems(nodes, start="nowhere") == {
        (None, "start"),
        ("a", "closed"),
        ("a", "holiday"),
        ("b", "when.0.next"),
        ("b", "else"),
        ("c", "found"),
        ("d", "overflow"),
        ("e", "next"),
        ("e", "fallback"),
        ("f", "next"),
        ("g", "next"),
    }


def test_a_node_no_call_reaches_is_a_warning_and_the_flow_is_still_accepted() -> None:
    problem = only({"a": Play(("welcome",), "bye"), "spare": Queue("sav")})
    assert problem == FlowProblem("spare", "", "unreachable from the start ('a')", Severity.WARNING)
    flow = Flow.checked("f", "a", {"a": Play(("welcome",), "bye"), "spare": Queue("sav"), **BYE})
    assert flow.reachable() == {"a", "bye"}


def test_prompts_are_checked_against_the_catalogue_when_given_it() -> None:
    nodes: dict[str, Node] = {
        "a": Menu(("main_menu", "typo"), {"1": "b"}, fallback="bye"),
        "b": Survey("s", (Question("q", ("survey_satisfaction", "nope")),), next="bye"),
    }
    known = {"main_menu", "invalid_choice", "no_input", "survey_intro", "survey_satisfaction", "goodbye"}
    assert problems(nodes, prompts=known) == {("a", "prompts.1"), ("b", "questions.0.prompts.1")}
    assert problems(nodes) == set()  # without a catalogue, prompts are the caller's business
    with pytest.raises(FlowError, match=r"node 'a', prompts\.1: unknown prompt 'typo'"):
        Flow.checked("f", "a", {**nodes, **BYE}, known)


def test_a_loop_with_no_exit_and_the_ways_into_it_are_dead_ends() -> None:
    nodes: dict[str, Node] = {
        "a": Menu(("main_menu",), {"1": "b", "2": "bye"}, fallback="b"),
        "b": Play(("welcome",), "c"),
        "c": Play(("closed",), "b"),
        "d": Play(("welcome",), "b"),  # also unreachable
    }
    found = check("a", {**nodes, **BYE})
    errors = {p.node: p.message for p in found if p.severity is Severity.ERROR}
    assert errors == {
        "b": "in a loop with no exit (b → c → b): no path reaches a hangup, a queue, a transfer or a voicemail",
        "d": "a dead end: every way from here leads into a loop with no exit, never to a hangup, a queue, "
        "a transfer or a voicemail",
    }


def test_loops_through_a_question_or_with_a_way_out_are_fine() -> None:
    nodes: dict[str, Node] = {
        "a": Play(("welcome",), "menu"),
        "menu": Menu(("main_menu",), {"9": "a"}),  # no fallback: after its tries, goodbye
        "other": Collect(("enter",), "n", "a", fallback="a"),  # reached by nothing: only a warning
    }
    assert problems(nodes) == set()


def test_silent_nodes_that_lead_round_to_themselves_are_refused_even_with_a_way_out() -> None:
    nodes: dict[str, Node] = {
        "a": Condition((Rule("vip", Comparison.EQUALS, True, "bye"),), "b"),
        "b": SetVariables({"vip": False}, "c"),
        "c": Language("fr", "a"),
    }
    found = [p for p in check("a", {**nodes, **BYE}) if p.severity is Severity.ERROR]
    assert len(found) == 1
    assert found[0].node == "a"
    assert found[0].message.startswith("loops back to itself (a → b → c → a) with no prompt played")


@pytest.mark.parametrize(
    ("node", "fields"),
    [
        (
            Menu((), {"12": "bye", "x": "bye"}, tries=0, timeout_s=0),
            {"options.12", "options.x", "tries", "timeout_s"},
        ),
        (Menu((), {}, timeout_s=float("nan")), {"options", "timeout_s"}),
        (Collect((), "order", "bye", min_length=6, max_length=4), {"max_length"}),
        (Collect((), "order", "bye", min_length=0, max_length=40), {"min_length", "max_length"}),
        (Collect((), "order", "bye", terminator="5", tries=10), {"terminator", "tries"}),
        (Collect((), "order", "bye", pattern="[0-9", check="crc"), {"pattern", "check"}),
        (Collect((), "an order", "bye"), {"variable"}),
        (
            Condition(
                (
                    Rule("x", Comparison.IN, "a", "bye"),
                    Rule("x", Comparison.GREATER_THAN, "many", "bye"),
                    Rule("x", Comparison.PRESENT, "yes", "bye"),
                    Rule("x", Comparison.EQUALS, ("a", "b"), "bye"),
                    Rule("", Comparison.EQUALS, 1, "bye"),
                ),
                "bye",
            ),
            {"when.0.in", "when.1.greater_than", "when.2.present", "when.3.equals", "when.4.equals"},
        ),
        (Survey("", (), next="bye"), {"name", "questions"}),
        (
            Survey(
                "s",
                (Question("q", ("p",), 3, 1), Question("q", ()), Question("r", ("p",), 0, 10)),
                next="bye",
            ),
            {"questions.0", "questions.1.prompts", "questions.1.id", "questions.2"},
        ),
        (Transfer(TransferKind.AGENT, "Alice"), {"target"}),
        (Transfer(TransferKind.NUMBER, "not a number"), {"target"}),
        (Transfer(TransferKind.QUEUE, ""), {"target"}),
        (Voicemail(max_s=0), {"max_s"}),
        (Lookup("bye", "bye", timeout_s=0), {"timeout_s"}),
        (
            Queue("q", WaitOptions(announce_every_s=5, callback_after_s=-1)),
            {"announce_every_s", "callback_after_s"},
        ),
        (Queue("q", WaitOptions(voicemail=True)), {"voicemail"}),  # no voicemail node to take it
    ],
)
def test_settings_that_cannot_work_are_named_by_field(node: Node, fields: set[str]) -> None:
    assert problems({"a": node}) == {("a", f) for f in fields}


def test_a_queue_finds_its_voicemail_by_overflow_or_by_queue() -> None:
    by_overflow: dict[str, Node] = {
        "a": Queue("sav", WaitOptions(voicemail=True, max_wait_s=300, overflow="vm")),
        "vm": Voicemail(queue="accueil"),
    }
    by_queue: dict[str, Node] = {"a": Queue("sav", WaitOptions(voicemail=True)), "vm": Voicemail(queue="sav")}
    assert problems(by_overflow) == problems(by_queue) == set()
    assert (
        Flow("f", "a", by_overflow).voicemail_node("a")
        == Flow("f", "a", by_queue).voicemail_node("a")
        == "vm"
    )
    assert Flow("f", "a", by_queue).voicemail_node("vm") is None  # not a queue node


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        (WaitOptions(max_wait_s=300), "max_wait_s", "no overflow node: after max_wait_s the caller waits on"),
        (WaitOptions(overflow="bye"), "overflow", "no max_wait_s: the overflow is never taken"),
    ],
)
def test_half_an_overflow_is_a_warning(options: WaitOptions, field: str, message: str) -> None:
    assert only({"a": Queue("q", options)}) == FlowProblem("a", field, message, Severity.WARNING)


def test_graph_problems_wait_until_every_node_named_exists() -> None:
    nodes: dict[str, Node] = {"a": Play(("welcome",), "ghost"), "b": Play(("x",), "b")}
    assert problems(nodes) == {("a", "next")}  # b's loop is found once a's next is fixed
