"""The node types: where each may lead, what it may play, where a call may end."""

import pytest

from callfloor.core.ivr.flow import (
    Collect,
    Condition,
    Hangup,
    Hours,
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
    prompts,
    successors,
)
from callfloor.core.ivr.nodes import may_end, prompt_fields
from callfloor.core.ivr.variables import Comparison, Rule
from callfloor.core.ivr.waiting import WaitOptions


@pytest.mark.parametrize(
    ("node", "leads_to"),
    [
        (Play(("welcome",), "a"), [("next", "a")]),
        (
            Menu((), {"1": "a", "#": "b"}, fallback="c"),
            [("options.1", "a"), ("options.#", "b"), ("fallback", "c")],
        ),
        (Collect((), "n", "a", fallback="b"), [("next", "a"), ("fallback", "b")]),
        (Hours("a", "b"), [("open", "a"), ("closed", "b")]),
        (Hours("a", "b", "c"), [("open", "a"), ("closed", "b"), ("holiday", "c")]),
        (Condition((Rule("v", Comparison.PRESENT, True, "a"),), "b"), [("when.0.next", "a"), ("else", "b")]),
        (Lookup("a", "b"), [("found", "a"), ("not_found", "b")]),
        (SetVariables({}, "a"), [("next", "a")]),
        (Queue("q"), []),
        (Queue("q", WaitOptions(max_wait_s=60, overflow="a")), [("overflow", "a")]),
        (Voicemail(), []),
        (Voicemail(next="a"), [("next", "a")]),
        (Transfer(TransferKind.AGENT, "1001"), []),
        (Survey("s", (), next="a"), [("next", "a")]),
        (Hangup(), []),
    ],
)
def test_each_node_names_where_it_leads_by_its_yaml_field(
    node: Node, leads_to: list[tuple[str, str]]
) -> None:
    assert list(successors(node)) == leads_to


def test_prompts_are_named_by_field_including_those_said_by_default() -> None:
    survey = Survey("s", (Question("q", ("survey_satisfaction",)),))
    assert list(prompt_fields(survey)) == [
        ("prompts.0", "survey_intro"),
        ("questions.0.prompts.0", "survey_satisfaction"),
        ("invalid_prompt", "invalid_choice"),
        ("no_input_prompt", "no_input"),
    ]
    assert set(prompts(Collect(("enter",), "n", "a"))) == {"enter", "invalid_choice", "no_input", "goodbye"}
    assert list(prompts(Voicemail())) == ["voicemail_invite", "beep"]
    assert list(prompts(Transfer(TransferKind.NUMBER, "+33145000000"))) == ["transfer"]
    assert list(prompt_fields(Queue("q"))) == [("entry_prompt", "queue_entry")]
    assert list(prompts(Queue("q", WaitOptions(entry_prompt=None)))) == []


@pytest.mark.parametrize(
    ("node", "ends"),
    [
        (Hangup(), True),
        (Queue("q"), True),
        (Transfer(TransferKind.QUEUE, "q"), True),
        (Voicemail(next="a"), True),
        (Menu((), {"1": "a"}), True),  # gives up with goodbye
        (Menu((), {"1": "a"}, fallback="a"), False),
        (Survey("s", ()), True),
        (Survey("s", (), next="a"), False),
        (Play(("x",), "a"), False),
    ],
)
def test_where_a_call_may_end(node: Node, ends: bool) -> None:
    assert may_end(node) is ends
