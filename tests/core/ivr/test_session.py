"""A caller's walk through a flow, with plain values: keys, ends of prompts, deadlines."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.core.actions import Append
from callfloor.core.config import Channel
from callfloor.core.ivr import IllegalInput
from callfloor.core.ivr.flow import Flow, Hangup, Language, Menu, Play, Queue
from callfloor.core.ivr.session import (
    Disconnect,
    EnterQueue,
    IvrAction,
    IvrSession,
    PlayPrompts,
    SetLanguage,
    StopPrompts,
)
from callfloor.core.log import InteractionEventType, LogEntry


def ended(at: float, wait_s: float, reason: str, interaction: str = "") -> Append:
    """The log entry of a call that ends in the IVR."""
    return Append(
        LogEntry(
            at,
            InteractionEventType.IVR_ENDED,
            interaction,
            channel=Channel.CALL,
            wait_s=wait_s,
            reason=reason,
        )
    )


DEMO = Flow.checked(
    "accueil",
    "welcome",
    {
        "welcome": Play(("welcome",), "language"),
        "language": Menu(("language_choice",), {"1": "fr", "2": "en"}, timeout_s=4, tries=1, fallback="fr"),
        "fr": Language("fr", "menu"),
        "en": Language("en", "menu"),
        "menu": Menu(
            ("main_menu",), {"1": "sales", "2": "support", "0": "operator", "9": "bye"}, timeout_s=5
        ),
        "sales": Queue("ventes"),
        "support": Queue("sav"),
        "operator": Queue("accueil"),
        "bye": Hangup(),
    },
)


def test_the_caller_chooses_english_then_support() -> None:
    ivr = IvrSession(DEMO, "fr")
    assert ivr.start(0.0) == [PlayPrompts(("welcome",), barge_in=False)]
    assert ivr.prompt_done(3.0) == [PlayPrompts(("language_choice",), barge_in=True)]
    assert ivr.prompt_done(5.0) == []
    assert ivr.next_deadline() == 9.0
    assert ivr.digit("2", 6.0) == [SetLanguage("en"), PlayPrompts(("main_menu",), barge_in=True)]
    assert ivr.language == "en"
    assert ivr.digit("2", 7.0) == [StopPrompts(), EnterQueue("sav")]  # barge-in on the menu
    assert ivr.done
    assert ivr.trail == ["welcome", "language", "en", "menu", "support"]
    assert ivr.choices == ["2", "2"]
    with pytest.raises(IllegalInput, match="'digit' in state 'done'"):
        ivr.digit("1", 8.0)


def test_keys_typed_during_the_welcome_answer_the_menus_at_once() -> None:
    ivr = IvrSession(DEMO, "fr")
    ivr.start(0.0)
    assert ivr.digit("1", 1.0) == []
    assert ivr.digit("1", 1.5) == []
    assert ivr.prompt_done(3.0) == [SetLanguage("fr"), EnterQueue("ventes")]


def test_silence_retries_then_falls_back() -> None:
    ivr = IvrSession(DEMO, "fr")
    ivr.start(0.0)
    ivr.prompt_done(1.0)
    ivr.prompt_done(2.0)
    assert ivr.on_deadline(5.9) == []  # early: nothing yet
    # The language menu has one try: its fallback (French) straight away.
    assert ivr.on_deadline(6.0) == [SetLanguage("fr"), PlayPrompts(("main_menu",), barge_in=True)]
    ivr.prompt_done(8.0)
    assert ivr.on_deadline(13.0) == [PlayPrompts(("no_input", "main_menu"), barge_in=True)]
    assert ivr.digit("7", 14.0) == [
        StopPrompts(),
        PlayPrompts(("invalid_choice", "main_menu"), barge_in=True),
    ]
    ivr.prompt_done(16.0)
    # Third failure of three tries, no fallback: goodbye, then hung up.
    assert ivr.on_deadline(21.0) == [PlayPrompts(("goodbye",), barge_in=False)]
    assert ivr.prompt_done(23.0) == [ended(23.0, 23.0, "no_choice"), Disconnect("no_choice")]
    assert ivr.done


def test_a_hangup_node_says_goodbye_first() -> None:
    ivr = IvrSession(DEMO, "fr")
    ivr.start(0.0)
    ivr.digit("1", 0.5)
    ivr.prompt_done(1.0)  # French by type-ahead, then the main menu
    assert ivr.digit("9", 2.0) == [StopPrompts(), PlayPrompts(("goodbye",), barge_in=False)]
    assert ivr.prompt_done(3.0) == [ended(3.0, 3.0, "hangup"), Disconnect("hangup")]


def test_a_caller_who_hangs_up_in_the_ivr_leaves_a_record() -> None:
    ivr = IvrSession(DEMO, "fr", "call-1")
    ivr.start(100.0)
    ivr.prompt_done(103.0)
    ivr.prompt_done(107.0)  # the language menu waits for a key
    assert ivr.caller_hung_up(108.5) == [ended(108.5, 8.5, "caller_hung_up", "call-1")]
    assert ivr.done and ivr.next_deadline() is None
    with pytest.raises(IllegalInput):
        ivr.caller_hung_up(109.0)  # once


def test_inputs_out_of_turn_are_named_errors() -> None:
    ivr = IvrSession(DEMO, "fr")
    with pytest.raises(IllegalInput):
        ivr.prompt_done(0.0)
    ivr.start(0.0)
    with pytest.raises(IllegalInput):
        ivr.start(0.0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["key", "done", "wait"]), st.sampled_from("0129#*")), max_size=40))
def test_any_caller_leaves_the_ivr_in_a_bounded_walk(steps: list[tuple[str, str]]) -> None:
    """Whatever a caller does, a faithful driver sees the call leave once, for a queue or a goodbye."""
    ivr = IvrSession(DEMO, "fr")
    now = 0.0
    out: list[IvrAction] = ivr.start(now)
    ends: list[IvrAction] = []
    records: list[IvrAction] = []
    for kind, key in [*steps, *[("wait", "")] * 40]:  # then the caller goes quiet
        ends += [a for a in out if isinstance(a, EnterQueue | Disconnect)]
        records += [a for a in out if isinstance(a, Append)]
        if ivr.done:
            break
        now += 1.0
        if kind == "key":
            out = ivr.digit(key, now)
        elif ivr.next_deadline() is not None:
            now = max(now, ivr.next_deadline() or now)
            out = ivr.on_deadline(now)
        else:  # prompts are playing: they end
            out = ivr.prompt_done(now)
    assert ivr.done
    assert len(ends) == 1
    if isinstance(ends[0], EnterQueue):
        assert ends[0].queue in {"ventes", "sav", "accueil"}
        assert records == []  # the floor logs it from its enqueued on
    else:
        assert len(records) == 1  # a call that ends here has its record
    assert ivr.trail[0] == "welcome"
