"""A walk on a simulated clock: the real session, answered by a script of keys."""

from datetime import datetime

from callfloor.core.ivr.actions import Disconnect, EnterQueue, PlayPrompts, RecordVoicemail, TransferCall
from callfloor.core.ivr.flow import (
    Collect,
    Flow,
    Hangup,
    Lookup,
    Menu,
    Play,
    Queue,
    Transfer,
    TransferKind,
    Voicemail,
)
from callfloor.core.ivr.waiting import WaitOptions
from callfloor.core.ivr.walk import Step, walk

START = datetime.fromisoformat("2026-12-22T10:00+01:00").timestamp()
FLOW = Flow.checked(
    "shop",
    "who",
    {
        "who": Lookup("agent", "menu"),
        "agent": Transfer(TransferKind.AGENT, "1001", ()),
        "menu": Menu(("main_menu",), {"1": "order", "2": "queue"}, fallback="bye"),
        "order": Collect(("enter_order",), "order", "queue", min_length=3, max_length=6),
        "queue": Queue("sav", WaitOptions(max_wait_s=300, overflow="message")),
        "message": Voicemail(queue="sav", max_s=20),
        "bye": Hangup(),
    },
)


def test_each_question_takes_the_next_entry_and_the_clock_moves_a_second_a_key() -> None:
    done = walk(FLOW, START, ["1", "1234#", "9"], variables={"caller": "+33612345678"})
    assert [step.input for step in done.steps] == [
        "call answered",
        "look-up: unknown caller",
        "prompts played",
        "keys 1",
        "prompts played",
        "keys 1234#",
    ]
    options = WaitOptions(max_wait_s=300, overflow="message")
    assert done.steps[-1] == Step(
        START + 2, "keys 1234#", ("queue",), (EnterQueue("sav", options),), {"order": "1234"}
    )
    assert done.outcome == EnterQueue("sav", WaitOptions(max_wait_s=300, overflow="message"))
    assert done.unused == ("9",)
    assert done.variables["order"] == "1234" and done.variables["caller_known"] is False


def test_silence_once_the_script_runs_out_and_a_known_caller() -> None:
    silent = walk(FLOW, START)  # no caller: no look-up; no keys: the menu's tries, then its fallback
    assert silent.outcome == Disconnect("hangup")
    assert [s.input for s in silent.steps].count("no key (timeout)") == 3
    known = walk(FLOW, START, variables={"caller": "+33612345678"}, contact={"id": "c1"})
    assert known.outcome == TransferCall(TransferKind.AGENT, "1001")
    assert known.variables["contact_id"] == "c1"


def test_an_overflow_is_taken_after_the_maximum_wait_and_a_message_recorded() -> None:
    done = walk(FLOW, START, ["2"], overflow=True)
    assert done.outcome == Disconnect("voicemail")
    assert done.voicemail == RecordVoicemail("sav", 20)
    waited = next(s for s in done.steps if s.input.startswith("waited"))
    assert waited.input == "waited 300 s in queue sav" and waited.nodes == ("message",)
    assert done.steps[-1].at == waited.at + 20  # the recording's maximum, below message_s
    assert walk(FLOW, START, ["2"]).outcome == EnterQueue(
        "sav", WaitOptions(max_wait_s=300, overflow="message")
    )


def test_a_walk_that_does_not_end_is_cut() -> None:
    flow = Flow.checked(
        "round",
        "q",
        {"q": Queue("q", WaitOptions(max_wait_s=60, overflow="hello")), "hello": Play(("welcome",), "q")},
    )
    cut = walk(flow, START, overflow=True, max_steps=50)
    assert cut.outcome is None and len(cut.steps) == 50
    assert isinstance(cut.steps[1].actions[0], PlayPrompts)
