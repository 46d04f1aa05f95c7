"""A caller's walk through a flow, with plain values: keys, ends of prompts, deadlines."""

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callfloor.core.actions import Append
from callfloor.core.config import Channel
from callfloor.core.ivr import FlowError, IllegalInput
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
from callfloor.core.ivr.session import (
    Disconnect,
    EnterQueue,
    IvrAction,
    IvrSession,
    LookupCaller,
    PlayPrompts,
    RecordVoicemail,
    SetLanguage,
    SetPriority,
    State,
    StopPrompts,
    SurveyAnswer,
    TransferCall,
)
from callfloor.core.ivr.variables import Comparison, Rule, Value
from callfloor.core.ivr.waiting import WaitOptions
from callfloor.core.log import InteractionEventType, LogEntry
from callfloor.core.schedule.config import parse_schedule


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


# -- the node types beyond menus ---------------------------------------------------------------

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
PARIS = parse_schedule(
    {
        "timezone": "Europe/Paris",
        "country": "FR",
        "weekly": {day: ["09:00-18:00"] for day in WORKDAYS},
        "closures": ["2026-12-24"],
    }
)
ALSACE = parse_schedule(
    {
        "timezone": "Europe/Paris",
        "country": "FR",
        "subdivision": "Alsace-Moselle",
        "weekly": {"fri": ["09:00-18:00"]},
    }
)


def at(text: str) -> float:
    """An instant written as ISO 8601, as the session's epoch seconds."""
    return datetime.fromisoformat(text).timestamp()


TUESDAY = at("2026-12-22T10:00+01:00")
HOURS: dict[str, Node] = {
    "hours": Hours("open", "closed", "holiday"),
    "open": Queue("ventes"),
    "closed": Hangup(("closed",)),
    "holiday": Hangup(("holiday_closed",)),
}


@pytest.mark.parametrize(
    ("when", "node", "closure", "holiday"),
    [
        ("2026-12-22T10:00+01:00", "open", None, None),
        ("2026-12-22T09:00+01:00", "open", None, None),  # an opening's first instant is open
        ("2026-12-22T18:00+01:00", "closed", "outside_hours", None),  # its end is closed
        ("2026-12-26T10:00+01:00", "closed", "outside_hours", None),  # a Saturday
        ("2026-12-25T10:00+01:00", "holiday", "public_holiday", "Noël"),
        ("2026-07-14T10:00+02:00", "holiday", "public_holiday", "Fête nationale"),
        ("2026-12-24T10:00+01:00", "closed", "exceptional_closure", None),
    ],
)
def test_an_hours_node_goes_by_the_tenants_schedule_and_says_why_it_is_closed(
    when: str, node: str, closure: str | None, holiday: str | None
) -> None:
    ivr = IvrSession(Flow.checked("h", "hours", HOURS), "fr", schedule=PARIS)
    ivr.start(at(when))
    assert ivr.trail == ["hours", node]
    assert ivr.variables.get("closure") == closure
    assert ivr.variables.get("holiday") == holiday


def test_a_holiday_goes_to_closed_without_a_holiday_node_and_a_node_may_have_its_own_schedule() -> None:
    nodes: dict[str, Node] = {**HOURS, "hours": Hours("open", "closed")}
    ivr = IvrSession(Flow.checked("h", "hours", nodes), "fr", schedule=PARIS)
    ivr.start(at("2026-12-25T10:00+01:00"))
    assert ivr.trail[-1] == "closed"
    # 26 December is la Saint-Étienne in Alsace-Moselle only: the node's schedule overrides the tenant's.
    alsace: dict[str, Node] = {**HOURS, "hours": Hours("open", "closed", "holiday", ALSACE)}
    saint_etienne = at("2025-12-26T10:00+01:00")
    ivr = IvrSession(Flow.checked("h", "hours", alsace), "fr")  # no tenant schedule needed
    ivr.start(saint_etienne)
    assert ivr.trail[-1] == "holiday" and ivr.variables["holiday"] == "Saint-Étienne"
    ivr = IvrSession(Flow.checked("h", "hours", HOURS), "fr", schedule=PARIS)
    ivr.start(saint_etienne)
    assert ivr.trail[-1] == "open"


def test_a_flow_that_checks_the_hours_without_a_schedule_stops_there_with_a_flow_error() -> None:
    flow = Flow.checked("h", "hello", {"hello": Play(("welcome",), "hours"), **HOURS})
    assert flow.needs_schedule() == ["hours"]  # what a driver checks before it answers
    ivr = IvrSession(flow, "fr")
    ivr.start(0.0)
    with pytest.raises(FlowError, match="node 'hours', schedule: checks the hours, but no schedule given"):
        ivr.prompt_done(2.0)
    assert ivr.done
    with pytest.raises(IllegalInput):
        ivr.digit("1", 3.0)


ORDER = Flow.checked(
    "order",
    "ask",
    {
        "ask": Collect(
            ("enter_order",),
            "order",
            "found",
            min_length=5,
            max_length=8,
            pattern="[1-9][0-9]*",
            fallback="operator",
        ),
        "found": Queue("sav"),
        "operator": Queue("accueil"),
    },
)


def collect(entry: str, flow: Flow = ORDER) -> tuple[IvrSession, list[IvrAction]]:
    """A session at the collect node of ``flow``, its prompt heard, given ``entry`` one key a second."""
    ivr = IvrSession(flow, "fr")
    ivr.start(0.0)
    ivr.prompt_done(1.0)
    out: list[IvrAction] = []
    for i, key in enumerate(entry):
        out += ivr.digit(key, 2.0 + i)
    return ivr, out


@pytest.mark.parametrize(
    ("entry", "valid"),
    [
        ("12345#", True),
        ("12345678", True),  # max_length reached: no terminator needed
        ("1234#", False),  # too short
        ("01234#", False),  # the pattern wants no leading 0
        ("12*45#", False),  # * is no digit
        ("#", False),
    ],
)
def test_a_collect_node_keeps_a_valid_entry_and_asks_again_for_a_wrong_one(entry: str, valid: bool) -> None:
    ivr, out = collect(entry)
    if valid:
        assert out == [EnterQueue("sav")]
        assert ivr.variables["order"] == entry.rstrip("#")
    else:
        assert out == [PlayPrompts(("invalid_choice", "enter_order"), barge_in=True)]
        assert "order" not in ivr.variables


def test_a_collect_ends_on_silence_between_keys_and_gives_up_to_its_fallback() -> None:
    ivr, out = collect("1234")
    assert out == [] and ivr.next_deadline() == 10.0  # 5 s after the last key
    assert ivr.digit("5", 9.0) == []
    assert ivr.on_deadline(13.0) == []  # the wait started again at the fifth key
    assert ivr.on_deadline(14.0) == [EnterQueue("sav")]  # silence ends the entry, valid
    assert ivr.variables["order"] == "12345"
    ivr, _ = collect("")
    assert ivr.on_deadline(6.0) == [PlayPrompts(("no_input", "enter_order"), barge_in=True)]
    ivr.prompt_done(7.0)
    assert ivr.digit("9", 8.0) == []
    assert ivr.digit("#", 9.0) == [PlayPrompts(("invalid_choice", "enter_order"), barge_in=True)]
    ivr.prompt_done(10.0)
    assert ivr.on_deadline(15.0) == [EnterQueue("accueil")]  # third failure of three: the fallback


def test_a_collect_can_ask_for_the_luhn_check_and_takes_keys_typed_ahead() -> None:
    flow = Flow.checked(
        "card",
        "hello",
        {
            "hello": Play(("welcome",), "ask"),
            "ask": Collect(("enter_card",), "card", "ok", min_length=11, max_length=19, check="luhn"),
            "ok": Queue("sav"),
        },
    )
    ivr = IvrSession(flow, "fr")
    ivr.start(0.0)
    for key in "79927398713#":
        assert ivr.digit(key, 0.5) == []  # during the welcome: kept
    assert ivr.prompt_done(1.0) == [EnterQueue("sav")]  # the collect's prompt skipped
    assert ivr.variables["card"] == "79927398713"
    ivr, out = collect("79927398710#", flow)
    assert out == [StopPrompts(), PlayPrompts(("invalid_choice", "enter_card"), barge_in=True)]


def test_a_key_during_a_collects_prompt_stops_it_and_starts_the_entry() -> None:
    ivr = IvrSession(ORDER, "fr")
    assert ivr.start(0.0) == [PlayPrompts(("enter_order",), barge_in=True)]
    assert ivr.digit("4", 0.5) == [StopPrompts()]
    for key in "2424":
        ivr.digit(key, 1.0)
    assert ivr.digit("#", 2.0) == [EnterQueue("sav")]
    assert ivr.variables["order"] == "42424"


def test_a_condition_takes_the_first_rule_that_matches_else_its_default() -> None:
    nodes: dict[str, Node] = {
        "route": Condition(
            (
                Rule("vip", Comparison.EQUALS, True, "vip"),
                Rule("order", Comparison.GREATER_THAN, 50000, "big"),
                Rule("language", Comparison.IN, ("en", "de"), "english"),
            ),
            "other",
        ),
        "vip": Queue("vip"),
        "big": Queue("grands_comptes"),
        "english": Queue("en"),
        "other": Queue("accueil"),
    }
    flow = Flow.checked("c", "route", nodes)
    cases: list[tuple[dict[str, Value], str]] = [
        ({"vip": True, "order": "60000"}, "vip"),
        ({"vip": False, "order": "60000"}, "big"),
        ({"order": "00042"}, "other"),
        ({"order": "00042", "language": "en"}, "english"),
    ]
    for variables, node in cases:
        ivr = IvrSession(flow, str(variables.get("language", "fr")), variables=variables)
        ivr.start(0.0)
        assert ivr.trail == ["route", node], variables


def test_a_lookup_asks_the_driver_then_sets_the_contacts_variables_and_priority() -> None:
    flow = Flow.checked(
        "l",
        "who",
        {
            "who": Lookup("known", "unknown", vip_priority=10),
            "known": Queue("vip"),
            "unknown": Queue("accueil"),
        },
    )
    ivr = IvrSession(flow, "fr", variables={"caller": "06 12 34 56 78", "called": "0800100100"})
    assert ivr.start(0.0) == [LookupCaller("+33612345678")]  # normalised with phonenumbers
    assert ivr.state is State.LOOKUP and ivr.next_deadline() == 3.0
    assert ivr.digit("1", 0.5) == []  # kept for a question to come
    found: dict[str, Value] = {
        "id": "c-42",
        "name": "Jeanne Martin",
        "vip": True,
        "language": "en",
        "priority": 3,
        "segment": "pro",
    }
    assert ivr.lookup_done(found, 1.0) == [SetPriority(10), EnterQueue("vip", priority=10)]
    assert ivr.variables == {
        "caller": "06 12 34 56 78",
        "called": "0800100100",
        "language": "fr",
        "caller_known": True,
        "contact_id": "c-42",
        "contact_name": "Jeanne Martin",
        "vip": True,
        "contact_language": "en",
        "contact_segment": "pro",
    }


@pytest.mark.parametrize("caller", [None, "", "anonymous"])
def test_a_withheld_number_is_not_looked_up_and_a_late_answer_counts_as_unknown(caller: str | None) -> None:
    flow = Flow.checked(
        "l", "who", {"who": Lookup("known", "unknown"), "known": Queue("vip"), "unknown": Queue("accueil")}
    )
    variables = {} if caller is None else {"caller": caller}
    ivr = IvrSession(flow, "fr", variables=variables)
    assert ivr.start(0.0) == [EnterQueue("accueil")]
    assert ivr.variables["caller_known"] is False and ivr.variables["vip"] is False
    ivr = IvrSession(flow, "fr", variables={"caller": "+33612345678"})
    ivr.start(0.0)
    assert ivr.on_deadline(3.0) == [EnterQueue("accueil")]
    with pytest.raises(IllegalInput, match="'lookup_done' in state 'done'"):
        ivr.lookup_done(None, 4.0)


def test_a_set_node_sets_variables_and_the_queue_priority() -> None:
    flow = Flow.checked(
        "s",
        "mark",
        {"mark": SetVariables({"segment": "pro", "urgent": True}, "q", priority=5), "q": Queue("sav")},
    )
    ivr = IvrSession(flow, "fr")
    assert ivr.start(0.0) == [SetPriority(5), EnterQueue("sav", priority=5)]
    assert ivr.variables["segment"] == "pro" and ivr.variables["urgent"] is True


VOICEMAIL = Flow.checked(
    "v",
    "closed",
    {
        "closed": Play(("closed",), "message"),
        "message": Voicemail(queue="accueil", max_s=90),
        "thanks": Hangup(("goodbye",)),
        "message_then_thanks": Voicemail(queue="sav", next="thanks"),
        "q": Queue("sav", WaitOptions(voicemail=True, max_wait_s=300, overflow="message_then_thanks")),
    },
)


def test_a_voicemail_records_after_its_prompts_and_ends_the_call_voicemail() -> None:
    ivr = IvrSession(VOICEMAIL, "fr", "call-7")
    ivr.start(0.0)
    assert ivr.prompt_done(2.0) == [PlayPrompts(("voicemail_invite", "beep"), barge_in=False)]
    assert ivr.prompt_done(5.0) == [RecordVoicemail("accueil", 90)]
    assert ivr.state is State.RECORDING
    assert ivr.digit("#", 20.0) == []  # the driver's to use, if it ends recordings on #
    assert ivr.voicemail_done(35.0) == [ended(35.0, 35.0, "voicemail", "call-7"), Disconnect("voicemail")]


def test_a_caller_who_hangs_up_while_recording_has_left_a_message() -> None:
    ivr = IvrSession(VOICEMAIL, "fr", "call-8")
    ivr.start(0.0)
    ivr.prompt_done(2.0)
    ivr.prompt_done(5.0)
    assert ivr.caller_hung_up(30.0) == [ended(30.0, 30.0, "voicemail", "call-8")]


def test_a_queued_caller_is_resumed_at_the_overflow_and_its_record_says_where_it_came_from() -> None:
    ivr = IvrSession(VOICEMAIL, "fr", "call-9")
    assert VOICEMAIL.voicemail_node("q") == "message_then_thanks"
    with pytest.raises(IllegalInput, match="'resume' in state 'start'"):
        ivr.resume("message", 0.0)
    ivr.start(0.0)
    ivr.prompt_done(2.0)
    ivr.caller_hung_up(3.0)
    with pytest.raises(IllegalInput, match="'resume' in state 'done'"):
        ivr.resume("message", 4.0)  # a call that ended is not taken up again
    queued = IvrSession(Flow.checked("q", "q", VOICEMAIL.nodes), "fr", "call-10")
    options = WaitOptions(voicemail=True, max_wait_s=300, overflow="message_then_thanks")
    assert queued.start(100.0) == [EnterQueue("sav", options)]
    with pytest.raises(FlowError, match="unknown node 'nowhere'"):
        queued.resume("nowhere", 400.0)
    assert queued.resume("message_then_thanks", 400.0) == [
        PlayPrompts(("voicemail_invite", "beep"), barge_in=False)
    ]
    assert queued.prompt_done(405.0) == [RecordVoicemail("sav", 120.0)]
    assert queued.voicemail_done(440.0) == [PlayPrompts(("goodbye",), barge_in=False)]
    # In the IVR 0 s before the queue and 42 s after it; the goodbye after a message: "voicemail".
    entry = LogEntry(
        442.0,
        InteractionEventType.IVR_ENDED,
        "call-10",
        "sav",
        channel=Channel.CALL,
        wait_s=42.0,
        reason="voicemail",
    )
    assert queued.prompt_done(442.0) == [Append(entry), Disconnect("voicemail")]


@pytest.mark.parametrize(
    ("transfer", "action"),
    [
        (Transfer(TransferKind.AGENT, "1001"), TransferCall(TransferKind.AGENT, "1001")),
        (Transfer(TransferKind.QUEUE, "sav", ()), TransferCall(TransferKind.QUEUE, "sav")),
        (Transfer(TransferKind.NUMBER, "01 45 00 00 00"), TransferCall(TransferKind.NUMBER, "+33145000000")),
    ],
)
def test_a_transfer_plays_its_prompt_then_the_call_leaves(transfer: Transfer, action: TransferCall) -> None:
    ivr = IvrSession(Flow.checked("t", "t", {"t": transfer}), "fr")
    out = ivr.start(0.0)
    if transfer.prompts:
        assert out == [PlayPrompts(("transfer",), barge_in=False)]
        out = ivr.prompt_done(2.0)
    assert out == [action]  # no log entry: whoever takes the call keeps its record
    assert ivr.done


SURVEY = Flow.checked(
    "enquete",
    "survey",
    {
        "survey": Survey(
            "qualite",
            (
                Question("satisfaction", ("survey_satisfaction",), 1, 5),
                Question("resolved", ("survey_resolved",), 1, 2),
            ),
            next="thanks",
        ),
        "thanks": Hangup(("survey_thanks",)),
    },
)


def test_a_survey_files_each_valid_answer_and_skips_a_question_left_unanswered() -> None:
    ivr = IvrSession(SURVEY, "fr", "call-11")
    assert ivr.start(0.0) == [PlayPrompts(("survey_intro",), barge_in=False)]
    assert ivr.prompt_done(3.0) == [PlayPrompts(("survey_satisfaction",), barge_in=True)]
    assert ivr.digit("4", 4.0) == [
        StopPrompts(),
        SurveyAnswer("qualite", "satisfaction", 4),
        PlayPrompts(("survey_resolved",), barge_in=True),
    ]
    ivr.prompt_done(6.0)
    assert ivr.digit("3", 7.0) == [PlayPrompts(("invalid_choice", "survey_resolved"), barge_in=True)]
    ivr.prompt_done(9.0)
    assert ivr.on_deadline(14.0) == [PlayPrompts(("survey_thanks",), barge_in=False)]  # 2 tries: skipped
    assert ivr.prompt_done(15.0) == [ended(15.0, 15.0, "hangup", "call-11"), Disconnect("hangup")]


def test_keys_typed_during_a_surveys_intro_answer_its_questions() -> None:
    ivr = IvrSession(SURVEY, "fr")
    ivr.start(0.0)
    ivr.digit("5", 1.0)
    ivr.digit("1", 1.5)
    assert ivr.prompt_done(3.0) == [
        SurveyAnswer("qualite", "satisfaction", 5),
        SurveyAnswer("qualite", "resolved", 1),
        PlayPrompts(("survey_thanks",), barge_in=False),
    ]


def test_a_survey_with_no_next_ends_the_call_survey() -> None:
    nodes = {"survey": Survey("q", (Question("nps", ("survey_satisfaction",), 0, 9),), prompts=())}
    ivr = IvrSession(Flow.checked("s", "survey", nodes), "fr")
    ivr.start(0.0)
    ivr.prompt_done(1.0)
    assert ivr.digit("0", 2.0) == [
        SurveyAnswer("q", "nps", 0),
        ended(2.0, 2.0, "survey"),
        Disconnect("survey"),
    ]


def test_an_unchecked_flow_that_goes_round_in_silence_is_stopped_with_a_flow_error() -> None:
    flow = Flow("loop", "a", {"a": SetVariables({}, "b"), "b": Language("fr", "a")})
    with pytest.raises(FlowError, match="no prompt played and no key read"):
        IvrSession(flow, "fr").start(0.0)


# -- any caller, any flow node -----------------------------------------------------------------

RICH = Flow.checked(
    "rich",
    "welcome",
    {
        "welcome": Play(("welcome",), "hours"),
        "hours": Hours("who", "closed", "message"),
        "closed": Play(("closed",), "message"),
        "message": Voicemail(queue="accueil"),
        "who": Lookup("vip?", "language"),
        "vip?": Condition((Rule("vip", Comparison.EQUALS, True, "vip"),), "language"),
        "vip": SetVariables({"segment": "vip"}, "language", priority=10),
        "language": Menu(("language_choice",), {"1": "fr", "2": "en"}, timeout_s=4, tries=1, fallback="fr"),
        "fr": Language("fr", "menu"),
        "en": Language("en", "menu"),
        "menu": Menu(
            ("main_menu",),
            {"1": "order", "2": "sales", "3": "survey", "4": "agent", "0": "bye"},
        ),
        "order": Collect(("enter_order",), "order", "sales", min_length=4, max_length=6, fallback="sales"),
        "sales": Queue("ventes", WaitOptions(voicemail=True, max_wait_s=60, overflow="message")),
        "survey": Survey("qualite", (Question("sat", ("survey_satisfaction",)),), next="bye"),
        "agent": Transfer(TransferKind.AGENT, "1001"),
        "bye": Hangup(),
    },
)
ENDINGS = (EnterQueue, TransferCall, Disconnect)
INPUTS = st.sampled_from(["key", "done", "wait", "found", "unknown", "recorded", "resume"])


def drive(ivr: IvrSession, kind: str, key: str, now: float, queued: bool) -> list[IvrAction]:
    """What a faithful driver gives the session in its state, as near to ``kind`` as it may."""
    state = ivr.state
    if state is State.DONE:
        return ivr.resume("message", now) if kind == "resume" and queued else []
    if kind == "key":
        return ivr.digit(key, now)
    if state is State.LOOKUP and kind in ("found", "unknown"):
        return ivr.lookup_done({"id": "c1", "vip": True} if kind == "found" else None, now)
    if state is State.RECORDING:
        return ivr.voicemail_done(now)
    if state is State.PLAYING:
        return ivr.prompt_done(now)
    return ivr.on_deadline(max(now, ivr.next_deadline() or now))


def came_from(left: Sequence[IvrAction]) -> str | None:
    """The queue a resumed call's record names: the last it left for, if it left for one."""
    last = left[-1] if left else None
    if isinstance(last, EnterQueue):
        return last.queue
    return last.target if isinstance(last, TransferCall) and last.kind is TransferKind.QUEUE else None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(INPUTS, st.sampled_from("0123459#*")), max_size=40),
    st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC)),
    st.sampled_from([None, "+33612345678"]),
)
def test_any_caller_of_any_node_type_ends_in_a_bounded_walk(
    steps: list[tuple[str, str]], start: datetime, caller: str | None
) -> None:
    """Whatever the caller presses and the driver answers, the call leaves or ends, and ends once."""
    ivr = IvrSession(RICH, "fr", "c", schedule=PARIS, variables={"caller": caller} if caller else {})
    now = start.timestamp()
    actions: list[IvrAction] = list(ivr.start(now))
    for kind, key in [*steps, *[("wait", "")] * 60]:  # then the caller goes quiet
        ends = [a for a in actions if isinstance(a, ENDINGS)]
        queued = bool(ends) and isinstance(ends[-1], EnterQueue | TransferCall)
        if ivr.done and not (kind == "resume" and queued):
            continue
        now += 1.0
        actions += drive(ivr, kind, key, now, queued)
    assert ivr.done
    ends = [a for a in actions if isinstance(a, ENDINGS)]
    records = [a for a in actions if isinstance(a, Append)]
    assert ends, actions
    assert all(isinstance(a, EnterQueue | TransferCall) for a in ends[:-1])  # left, then resumed
    if isinstance(ends[-1], Disconnect):
        assert len(records) == 1 and records[0].entry.reason == ends[-1].reason  # one record, at the end
        assert records[0].entry.queue == came_from(ends[:-1])
    else:
        assert records == []  # left for a queue or an agent: the record is theirs
    assert set(ivr.trail) <= set(RICH.nodes) and ivr.trail[0] == "welcome"


METHODS = st.sampled_from(
    ["start", "prompt_done", "digit", "hung_up", "lookup_done", "voicemail_done", "resume", "deadline"]
)


def feed(ivr: IvrSession, method: str, key: str, now: float) -> IllegalInput | None:
    """Give ``ivr`` any input; the named error it refuses it with, if it does."""
    calls = {
        "digit": lambda: ivr.digit(key, now),
        "lookup_done": lambda: ivr.lookup_done(None, now),
        "resume": lambda: ivr.resume("message", now),
        "hung_up": lambda: ivr.caller_hung_up(now),
        "deadline": lambda: ivr.on_deadline(now),
        "start": lambda: ivr.start(now),
        "prompt_done": lambda: ivr.prompt_done(now),
        "voicemail_done": lambda: ivr.voicemail_done(now),
    }
    try:
        calls[method]()
    except IllegalInput as exc:
        return exc
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(METHODS, st.sampled_from("0123#*")), max_size=30))
def test_any_input_in_any_order_is_taken_or_refused_by_name_leaving_the_state_as_it_was(
    inputs: list[tuple[str, str]],
) -> None:
    ivr = IvrSession(RICH, "fr", schedule=PARIS, variables={"caller": "+33612345678"})
    now = TUESDAY
    for method, key in inputs:
        now += 2.0
        before = (ivr.state, list(ivr.trail), dict(ivr.variables))
        refused = feed(ivr, method, key, now)
        if refused is not None:
            assert refused.state == before[0].value
            assert (ivr.state, ivr.trail, ivr.variables) == before  # refused: nothing changed
