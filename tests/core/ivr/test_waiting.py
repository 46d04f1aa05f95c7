"""A caller's wait in a queue, with plain values: the floor's figures, keys, ends of prompts, deadlines."""

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.core.ivr import IllegalInput
from callfloor.core.ivr.session import PlayPrompts, StopPrompts
from callfloor.core.ivr.waiting import (
    KEY_TIMEOUT_S,
    LeaveMessage,
    Music,
    Overflow,
    RequestCallback,
    WaitAction,
    WaitOptions,
    WaitSession,
    WaitState,
    callback_number,
)
from callfloor.prompts import catalog

CATALOG = frozenset(catalog())
MOBILE = "+33612345670"
DIGIT_SAID = {"0": "digit_0", **{str(d): f"number_{d}" for d in range(1, 10)}}


def said(*prompts: str | tuple[str, ...], barge_in: bool = False) -> PlayPrompts:
    """What the session asks to play: prompt ids and groups of them, in a row."""
    ids = [p for part in prompts for p in ((part,) if isinstance(part, str) else part)]
    return PlayPrompts(tuple(ids), barge_in)


def position(n: int) -> tuple[str, ...]:
    return ("queue_position_intro", f"number_{n}", "queue_position_outro")


def minutes(n: int) -> tuple[str, ...]:
    return ("wait_estimate_intro", f"number_{n}", "wait_minutes")


def read_back(digits: str) -> tuple[str, ...]:
    return ("callback_number_intro", *(DIGIT_SAID[d] for d in digits), "callback_number_confirm")


ENTRY, OFFER, ENTER = "queue_entry", "callback_offer", "callback_number_enter"
CONFIRMED = said("callback_confirmed")
OFFERING = WaitOptions(callback_after_s=90, voicemail=True)

# A script is a list of (input, the actions it returns). Inputs:
#   ("in", now, position, wait)   entered        ("done", now)    prompt_done
#   ("tick", now, position, wait) on_deadline    ("key", k, now)  digit
#   ("connected", now)  ("left", now)            ("due", when)    next_deadline() is when
Step = tuple[object, ...]


def feed(wait: WaitSession, step: Step) -> list[WaitAction]:
    """Give the session one scripted input."""
    match step:
        case ("in", float() | int() as now, position, seconds):
            return wait.entered(float(now), position, seconds)  # type: ignore[arg-type]
        case ("tick", float() | int() as now, position, seconds):
            return wait.on_deadline(float(now), position, seconds)  # type: ignore[arg-type]
        case ("done", float() | int() as now):
            return wait.prompt_done(float(now))
        case ("key", str() as key, float() | int() as now):
            return wait.digit(key, float(now))
        case ("connected", float() | int() as now):
            return wait.connected(float(now))
        case ("left", float() | int() as now):
            return wait.left(float(now))
    raise AssertionError(step)


def run(wait: WaitSession, script: Sequence[tuple[Step, object]]) -> None:
    """Feed each step; check what it returns (or, for a ``due`` step, the next deadline)."""
    for number, (step, expected) in enumerate(script):
        got: object = wait.next_deadline() if step[0] == "due" else feed(wait, step)
        assert got == expected, f"step {number} {step}: {got} != {expected}"


OFFER_OPEN_AT_90: list[tuple[Step, object]] = [
    (("in", 0, 3, 250), [said(ENTRY, position(3), minutes(5))]),
    (("done", 8), [Music()]),
    (("tick", 68, 3, 250), []),
    (("tick", 90, 3, 250), [said(OFFER, barge_in=True)]),
    (("done", 97), [Music()]),
]

SCRIPTS = [
    pytest.param(
        WaitOptions(), MOBILE,
        [
            (("in", 0, 3, 250), [said(ENTRY, position(3), minutes(5))]),
            (("key", "1", 2), []),  # no offer yet: keys change nothing
            (("done", 8), [Music()]),
            (("due", None), 68.0),
            (("tick", 30, 2, 100), []),  # early: nothing
            (("tick", 68, 3, 250), []),  # the same words as last time: music goes on
            (("tick", 128, 3, 241), []),  # still "5 minutes"
            (("tick", 188, 2, 170), [said(position(2), minutes(3))]),
            (("done", 194), [Music()]),
            (("due", None), 254.0),  # counted from the end of the last announcement
            (("tick", 254, 1, 20), [said("queue_position_next", "wait_estimate_intro", "wait_less_than_a_minute")]),
            (("connected", 256), []),
            (("due", None), None),
        ],
        id="entry-then-each-minute-unless-unchanged",
    ),
    pytest.param(
        WaitOptions(entry_prompt=None, announce_every_s=None), None,
        [(("in", 0, 1, None), [said("queue_position_next")]), (("done", 3), [Music()]), (("due", None), None)],
        id="next-in-line-wait-unknown-entry-only",
    ),
    pytest.param(
        WaitOptions(entry_prompt=None, announce_position=False, announce_wait=False), MOBILE,
        [(("in", 0, 3, 250), [Music()]), (("due", None), 60.0), (("tick", 60, 2, 100), [])],
        id="nothing-to-say-music-at-once",
    ),
    pytest.param(
        WaitOptions(announce_position=False, announce_every_s=0), MOBILE,
        [(("in", 0, 3, 250), [said(ENTRY, minutes(5))]), (("done", 8), [Music()]), (("due", None), None)],
        id="wait-only-and-a-period-of-zero-is-entry-only",
    ),
    pytest.param(
        OFFERING, MOBILE,
        [
            *OFFER_OPEN_AT_90,
            (("tick", 157, 3, 250), [said(OFFER, barge_in=True)]),  # figures unchanged, offer repeated
            (("done", 164), [Music()]),
            (("tick", 224, 2, 130), [said(position(2), minutes(3), OFFER, barge_in=True)]),
            (("key", "7", 225), []),
            (("key", "2", 226), [StopPrompts(), LeaveMessage()]),
            (("due", None), None),
        ],
        id="offer-after-90s-repeated-then-voicemail",
    ),
    pytest.param(
        WaitOptions(callback_when_wait_over_s=600, voicemail=True), MOBILE,
        [(("in", 0, 12, 900), [said(ENTRY, position(12), minutes(15), OFFER, barge_in=True)])],
        id="offer-on-entry-when-the-wait-is-long",
    ),
    pytest.param(
        WaitOptions(callback_when_wait_over_s=600), MOBILE,
        [
            (("in", 0, 3, 250), [said(ENTRY, position(3), minutes(5))]),
            (("done", 8), [Music()]),
            (("tick", 68, 3, 700), [said(position(3), minutes(12), "callback_offer_only", barge_in=True)]),
            (("done", 78), [Music()]),
            (("key", "2", 80), []),  # no voicemail on this queue
            (("key", "1", 81), [said(read_back("0612345670"), barge_in=True)]),
        ],
        id="offer-when-the-wait-grows-no-voicemail",
    ),
    pytest.param(
        OFFERING, MOBILE,
        [
            *OFFER_OPEN_AT_90,
            (("key", "1", 100), [said(read_back("0612345670"), barge_in=True)]),
            (("done", 106), []),
            (("due", None), 106 + KEY_TIMEOUT_S),
            (("key", "1", 108), [CONFIRMED]),
            (("key", "1", 109), []),  # a second press of the same key
            (("done", 115), [RequestCallback(MOBILE)]),
            (("due", None), None),
        ],
        id="callback-to-the-callers-own-number",
    ),
    pytest.param(
        OFFERING, None,
        [
            *OFFER_OPEN_AT_90,
            (("key", "1", 100), [said(ENTER, barge_in=True)]),
            (("key", "0", 102), [StopPrompts()]),  # typing ahead of the prompt's end
            *((("key", d, 103), []) for d in "145678901"),
            (("key", "#", 104), [said(read_back("0145678901"), barge_in=True)]),
            (("key", "1", 105), [StopPrompts(), CONFIRMED]),
            (("done", 110), [RequestCallback("+33145678901")]),
        ],
        id="withheld-number-typed",
    ),
    pytest.param(
        OFFERING, MOBILE,
        [
            *OFFER_OPEN_AT_90,
            (("key", "1", 100), [said(read_back("0612345670"), barge_in=True)]),
            (("key", "2", 101), [StopPrompts(), said(ENTER, barge_in=True)]),
            (("done", 105), []),
            *((("key", d, 106), []) for d in "0044*0044"),  # * starts over
            *((("key", d, 107), []) for d in "1632960001"),
            (("tick", 107 + KEY_TIMEOUT_S, 3, 200), [said(read_back("00441632960001"), barge_in=True)]),
            (("key", "1", 118), [StopPrompts(), CONFIRMED]),
            (("done", 122), [RequestCallback("+441632960001")]),
        ],
        id="another-number-abroad-ended-by-silence",
    ),
    pytest.param(
        OFFERING, None,
        [
            *OFFER_OPEN_AT_90,
            (("key", "1", 100), [said(ENTER, barge_in=True)]),
            (("done", 104), []),
            (("key", "#", 105), [said("invalid_choice", ENTER, barge_in=True)]),
            (("done", 109), []),
            (("tick", 119, 3, 250), [said("no_input", ENTER, barge_in=True)]),
            (("key", "0", 120), [StopPrompts()]),
            *((("key", d, 120), []) for d in "012"),  # 00, then too short for a number abroad
            (("key", "#", 121), [Music()]),  # three tries: back to music, the place kept
            (("key", "1", 130), [said(ENTER, barge_in=True)]),  # the offer is still open
        ],
        id="three-bad-entries-back-to-music",
    ),
    pytest.param(
        OFFERING, MOBILE,
        [
            *OFFER_OPEN_AT_90,
            (("key", "1", 100), [said(read_back("0612345670"), barge_in=True)]),
            (("done", 106), []),
            (("tick", 116, 3, 250), [said("no_input", read_back("0612345670"), barge_in=True)]),
            (("key", "5", 118), [StopPrompts(), said("invalid_choice", read_back("0612345670"), barge_in=True)]),
            (("done", 124), []),
            (("tick", 134, 3, 250), [Music()]),
            (("due", None), 194.0),
        ],
        id="no-answer-to-the-read-back",
    ),
    pytest.param(
        WaitOptions(announce_every_s=None, max_wait_s=300, overflow="messagerie"), MOBILE,
        [
            (("in", 0, 3, 250), [said(ENTRY, position(3), minutes(5))]),
            (("done", 8), [Music()]),
            (("due", None), 300.0),
            (("tick", 300, 2, 100), [Overflow("messagerie")]),
            (("due", None), None),
        ],
        id="overflow-at-max-wait",
    ),
    pytest.param(
        WaitOptions(max_wait_s=5, overflow="messagerie"), MOBILE,
        [
            (("in", 0, 3, 250), [said(ENTRY, position(3), minutes(5))]),
            (("due", None), 5.0),
            (("tick", 5, 3, 250), [StopPrompts(), Overflow("messagerie")]),
        ],
        id="overflow-cuts-an-announcement",
    ),
    pytest.param(
        WaitOptions(max_wait_s=0, overflow="messagerie"), MOBILE,
        [(("in", 0, 3, 250), [Overflow("messagerie")])],
        id="overflow-at-once",
    ),
    pytest.param(
        WaitOptions(announce_every_s=None, max_wait_s=300), MOBILE,
        [(("in", 0, 3, 250), [said(ENTRY, position(3), minutes(5))]), (("done", 8), [Music()]), (("due", None), None)],
        id="max-wait-without-overflow-is-the-acds",
    ),
    pytest.param(
        WaitOptions(callback_after_s=90, voicemail=True, max_wait_s=110, overflow="messagerie"), MOBILE,
        [
            *OFFER_OPEN_AT_90,
            (("key", "1", 100), [said(read_back("0612345670"), barge_in=True)]),
            (("due", None), None),  # the overflow waits for the dialogue
            (("done", 106), []),
            (("due", None), 116.0),
            (("tick", 116, 3, 250), [said("no_input", read_back("0612345670"), barge_in=True)]),
            (("done", 122), []),
            (("tick", 132, 3, 250), [said("no_input", read_back("0612345670"), barge_in=True)]),
            (("done", 138), []),
            (("tick", 148, 3, 250), [Overflow("messagerie")]),
        ],
        id="overflow-after-a-dialogue-that-failed",
    ),
    pytest.param(
        OFFERING, MOBILE,
        [
            *OFFER_OPEN_AT_90,
            (("key", "1", 100), [said(read_back("0612345670"), barge_in=True)]),
            (("key", "2", 101), [StopPrompts(), said(ENTER, barge_in=True)]),
            (("connected", 102), []),  # an agent took the call mid-dialogue
            (("due", None), None),
            (("tick", 200, 3, 250), []),
        ],
        id="connected-mid-dialogue",
    ),
    pytest.param(
        OFFERING, MOBILE,
        [
            *OFFER_OPEN_AT_90,
            (("key", "1", 100), [said(read_back("0612345670"), barge_in=True)]),
            (("key", "1", 101), [StopPrompts(), CONFIRMED]),
            (("left", 103), [RequestCallback(MOBILE)]),  # told it is registered: it is
        ],
        id="hung-up-during-the-goodbye",
    ),
    pytest.param(
        OFFERING, MOBILE,
        [
            *OFFER_OPEN_AT_90,
            (("key", "1", 100), [said(read_back("0612345670"), barge_in=True)]),
            (("key", "1", 101), [StopPrompts(), CONFIRMED]),
            (("connected", 103), []),  # an agent came first: no callback needed
        ],
        id="connected-during-the-goodbye",
    ),
    pytest.param(
        OFFERING, MOBILE,
        [*OFFER_OPEN_AT_90, (("left", 100), []), (("due", None), None)],
        id="hung-up-while-waiting",
    ),
    pytest.param(
        WaitOptions(callback_after_s=90), MOBILE,
        [
            *OFFER_OPEN_AT_90[:3],
            (("tick", 90, 3, 250), [said("callback_offer_only", barge_in=True)]),
            (("key", "2", 92), []),  # no messages here: 2 is not an option
            (("key", "1", 93), [StopPrompts(), said(read_back("0612345670"), barge_in=True)]),
        ],
        id="no-messages-offer-names-only-the-callback",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("options", "caller", "script"), SCRIPTS)
def test_a_wait_goes_as_scripted(
    options: WaitOptions, caller: str | None, script: list[tuple[Step, object]]
) -> None:
    run(WaitSession(options, caller), script)


@pytest.mark.parametrize(
    ("caller", "heard"),
    [
        ("0612345670", read_back("0612345670")),  # a trunk's national spelling
        ("+262262123456", read_back("00262262123456")),
        ("3900", (ENTER,)),  # a short number cannot be called back: type one
        ("anonymous", (ENTER,)),
    ],
)
def test_the_callers_number_as_the_trunk_gave_it(caller: str, heard: tuple[str, ...]) -> None:
    wait = WaitSession(OFFERING, caller)
    run(wait, OFFER_OPEN_AT_90)
    assert wait.digit("1", 100) == [said(heard, barge_in=True)]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("0145678901", "+33145678901"),
        ("0612345670", "+33612345670"),
        ("0033612345670", "+33612345670"),
        ("00441632960001", "+441632960001"),
        ("612345670", None),  # the 0 forgotten
        ("06123456701", None),
        ("0012", None),
        ("00", None),
        ("", None),
        ("00" + "4" * 16, None),  # longer than E.164 allows
    ],
)
def test_a_callback_number_is_french_or_dialed_with_00(typed: str, number: str | None) -> None:
    assert callback_number(typed) == number


@pytest.mark.parametrize(
    ("before", "step"),
    [
        ([], ("key", "1", 0)),  # not queued yet
        ([], ("done", 0)),
        ([], ("connected", 0)),
        ([("in", 0, 3, 250), ("done", 8)], ("done", 9)),  # nothing was playing
        ([("in", 0, 3, 250)], ("in", 1, 3, 250)),  # queued twice
        ([("in", 0, 3, 250), ("connected", 5)], ("key", "1", 6)),
        ([("in", 0, 3, 250), ("connected", 5)], ("left", 6)),
        ([("in", 0, 3, 250), ("left", 5)], ("connected", 6)),
    ],
)
def test_an_input_out_of_place_is_named(before: list[Step], step: Step) -> None:
    wait = WaitSession(WaitOptions(), MOBILE)
    for earlier in before:
        feed(wait, earlier)
    with pytest.raises(IllegalInput) as raised:
        feed(wait, step)
    assert raised.value.state == wait.state.value


def test_the_queue_nodes_options_keep_their_fields() -> None:
    options = WaitOptions()
    assert (options.announce_every_s, options.callback_after_s, options.max_wait_s) == (60.0, None, None)
    assert (options.voicemail, options.overflow, options.entry_prompt) == (False, None, ENTRY)


# -- properties -----------------------------------------------------------------------------------

OPTIONS = st.builds(
    WaitOptions,
    announce_position=st.booleans(),
    announce_wait=st.booleans(),
    announce_every_s=st.none() | st.floats(-5, 300),
    callback_after_s=st.just(0.0) | st.floats(-5, 400) | st.none(),
    callback_when_wait_over_s=st.none() | st.floats(0, 1200),
    voicemail=st.booleans(),
    max_wait_s=st.none() | st.floats(-5, 2000),
    overflow=st.none() | st.just("messagerie"),
    entry_prompt=st.none() | st.just(ENTRY),
)
# Half the time a queue whose offer opens early, so that the dialogue is walked often.
OPTIONS |= st.sampled_from(
    [OFFERING, WaitOptions(callback_after_s=0, voicemail=True, max_wait_s=900, overflow="x")]
)
CALLERS = st.none() | st.sampled_from([MOBILE, "+441632960001", "0145678901", "3900", "anonymous"])
FIGURES = st.tuples(st.none() | st.integers(-2, 40), st.none() | st.floats(-10, 3000))
# What a caller types at once: often the offer's keys or a whole number, sometimes anything.
KEYS = st.sampled_from(["1", "2", "1", "#", "0145678901#", "00441632960001#", "0612", "0033"]) | st.text(
    "0123456789*#AD", min_size=1, max_size=3
)
ENDINGS = (RequestCallback, LeaveMessage, Overflow)
FIRE = st.tuples(st.just("fire"), FIGURES)
DONE = st.tuples(st.just("done"), st.floats(0, 30))
TYPED = st.tuples(st.just("keys"), KEYS, st.floats(0, 30))
ANY_STEP = st.one_of(  # a strategy listed twice is drawn twice as often
    FIRE, FIRE, DONE, DONE, TYPED, TYPED, TYPED,
    st.tuples(st.just("tick"), st.floats(0, 120), FIGURES),
    st.tuples(st.sampled_from(["connected", "left"]), st.floats(0, 30)),
)  # fmt: skip


def check(actions: list[WaitAction], wait: WaitSession, now: float, *, on_time: bool = True) -> None:
    """What holds after every input; ``on_time``: every deadline due by ``now`` has been fired."""
    for action in actions:
        if isinstance(action, PlayPrompts):
            assert set(action.prompts) <= CATALOG
    if any(isinstance(a, ENDINGS) for a in actions):
        assert isinstance(actions[-1], ENDINGS)
        assert wait.done
    due = wait.next_deadline()
    assert due is None or due > now or not on_time  # nothing left due: a driver never spins
    if wait.done:
        assert due is None


@settings(max_examples=300, deadline=None)
@given(OPTIONS, CALLERS, FIGURES, st.lists(ANY_STEP, min_size=10, max_size=60))
def test_any_inputs_only_raise_the_named_error_and_nothing_follows_connected(
    options: WaitOptions,
    caller: str | None,
    first: tuple[int | None, float | None],
    steps: list[tuple[object, ...]],
) -> None:
    wait, now, connected = WaitSession(options, caller), 0.0, False
    check(wait.entered(now, *first), wait, now)
    for step in steps:
        try:
            match step:
                case ("fire", (position, seconds)):
                    now = max(now, wait.next_deadline() or now)
                    actions = wait.on_deadline(now, position, seconds)  # type: ignore[arg-type]
                case ("tick", float() as dt, (position, seconds)):
                    now += dt
                    actions = wait.on_deadline(now, position, seconds)  # type: ignore[arg-type]
                case ("keys", str() as keys, float() as dt):
                    now += dt
                    actions = [a for key in keys for a in wait.digit(key, now)]
                case (kind, *rest):
                    now += rest[-1]  # type: ignore[operator]
                    actions = feed(wait, (kind, *rest[:-1], now))
        except IllegalInput:
            continue
        assert not (connected and actions), f"{actions} after connected"
        connected = connected or step[0] == "connected"
        check(actions, wait, now, on_time=step[0] == "fire")  # other steps may leave a deadline late


# A move: what the caller (or the floor) does, what is typed if keys, how long after the last.
CALLER_MOVES = st.tuples(
    st.sampled_from(["keys"] * 9 + ["wait"] * 9 + ["connected", "left"]), KEYS, st.floats(0, 60)
)


@settings(max_examples=300, deadline=None)
@given(OPTIONS, CALLERS, st.lists(st.tuples(CALLER_MOVES, FIGURES), min_size=10, max_size=80))
def test_a_driver_that_keeps_the_contract_never_meets_an_illegal_input(
    options: WaitOptions,
    caller: str | None,
    moves: list[tuple[tuple[object, ...], tuple[int | None, float | None]]],
) -> None:
    """The driver reports the end of what plays, fires deadlines when due, passes keys on."""
    wait, now, playing = WaitSession(options, caller), 0.0, False

    def give(actions: list[WaitAction]) -> None:
        nonlocal playing
        check(actions, wait, now)
        if playing and any(isinstance(a, PlayPrompts | Music) for a in actions):
            assert isinstance(actions[0], StopPrompts)  # never two things on the line at once
        for action in actions:
            playing = isinstance(action, PlayPrompts) or (playing and not isinstance(action, StopPrompts))
            if isinstance(action, RequestCallback):
                assert action.number.startswith("+")
        every = options.announce_every_s
        if wait.state is WaitState.HOLDING and every is not None and every > 0:
            assert wait.next_deadline() is not None

    give(wait.entered(now, 3, 250.0))
    for (kind, *args), (position, seconds) in moves:
        if wait.done:
            break
        until = now + float(args[-1])  # type: ignore[arg-type]
        while (due := wait.next_deadline()) is not None and due <= until and not wait.done:
            now = max(now, due)
            give(wait.on_deadline(now, position, seconds))
        if wait.done:
            break
        now = until
        if kind == "keys":
            for key in str(args[0]):
                if not wait.done:
                    give(wait.digit(key, now))
        elif kind in ("connected", "left"):
            give(feed(wait, (kind, now)))
            assert wait.done
        elif playing:
            playing = False
            give(wait.prompt_done(now))
