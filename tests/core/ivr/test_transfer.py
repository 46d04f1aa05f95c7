"""A flow's transfer to an agent or a number, with plain values: its fallback in the graph and the
checker, and the session told by its driver how the transfer went (failed, answered, ended)."""

import pytest

from callfloor.core.actions import Append
from callfloor.core.config import Channel
from callfloor.core.ivr import IllegalInput, Severity
from callfloor.core.ivr.check import check
from callfloor.core.ivr.flow import Flow, Hangup, Play, Queue, Transfer, TransferKind
from callfloor.core.ivr.nodes import may_end, successors
from callfloor.core.ivr.session import Disconnect, EnterQueue, IvrSession, PlayPrompts, State, TransferCall
from callfloor.core.ivr.waiting import WaitOptions
from callfloor.core.log import InteractionEventType, LogEntry

FLOW = Flow.checked(
    "poste",
    "welcome",
    {
        "welcome": Play(("welcome",), "alice"),
        "alice": Transfer(TransferKind.AGENT, "1001", fallback="sorry"),
        "sorry": Play(("closed",), "operator"),
        "operator": Queue("accueil"),
        "partner": Transfer(TransferKind.NUMBER, "01 45 00 00 00"),
    },
)


def entry(
    at: float, wait_s: float, reason: str, *, talk_s: float | None = None, agent: str | None = None
) -> Append:
    """The ``ivr_ended`` entry of call ``c``."""
    return Append(
        LogEntry(
            at,
            InteractionEventType.IVR_ENDED,
            "c",
            agent=agent,
            channel=Channel.CALL,
            wait_s=wait_s,
            talk_s=talk_s,
            reason=reason,
        )
    )


def transferred(start: str = "welcome", at: float = 100.0) -> IvrSession:
    """A session of FLOW from ``start`` that has just left for its transfer node, at ``at`` + 5 s."""
    flow = Flow.checked(FLOW.name, start, FLOW.nodes)
    ivr = IvrSession(flow, "fr", "c")
    ivr.start(at)
    actions = ivr.prompt_done(at + 3.0) if start == "welcome" else []
    actions += ivr.prompt_done(at + 5.0)  # the transfer prompt
    assert isinstance(actions[-1], TransferCall) and ivr.done
    return ivr


def test_a_fallback_is_where_the_transfer_leads_when_it_fails() -> None:
    node = Transfer(TransferKind.AGENT, "1001", fallback="sorry")
    assert list(successors(node)) == [("fallback", "sorry")]
    assert may_end(node)  # answered, the call ends there


def test_the_checker_knows_a_fallback_as_a_node_and_warns_of_one_never_taken() -> None:
    unknown = check("t", {"t": Transfer(TransferKind.NUMBER, "+33145000000", fallback="nowhere")})
    assert [(p.node, p.field, p.message) for p in unknown] == [("t", "fallback", "unknown node 'nowhere'")]
    queue = check("t", {"t": Transfer(TransferKind.QUEUE, "sav", fallback="bye"), "bye": Hangup()})
    assert [(p.node, p.field, p.severity) for p in queue] == [("t", "fallback", Severity.WARNING)]
    assert [(p.node, p.severity) for p in check(FLOW.start, FLOW.nodes)] == [
        ("partner", Severity.WARNING)  # unreachable; "sorry" is reached by the fallback
    ]


def test_a_failed_transfer_walks_on_at_its_fallback_and_the_ringing_counts_as_ivr_time() -> None:
    ivr = transferred()
    assert ivr.transfer_failed(125.0) == [PlayPrompts(("closed",), barge_in=False)]  # rang 20 s
    assert ivr.trail == ["welcome", "alice", "sorry"]
    assert ivr.prompt_done(128.0) == [EnterQueue("accueil", WaitOptions(), 0)]  # the floor keeps its record
    ivr.resume("partner", 200.0)  # say, its overflow, 72 s later: the wait in the queue is no IVR time
    ivr.prompt_done(203.0)
    assert ivr.transfer_failed(210.0) == [PlayPrompts(("goodbye",), barge_in=False)]  # no fallback
    assert ivr.prompt_done(212.0) == [
        entry(212.0, 28.0 + 12.0, "transfer_failed"),
        Disconnect("transfer_failed"),
    ]
    assert ivr.done


def test_an_answered_transfer_ends_with_the_talk_time_when_either_side_hangs_up() -> None:
    ivr = transferred()
    assert ivr.transfer_answered(112.0) == []
    with pytest.raises(IllegalInput):  # in conversation: it can no longer fail, nor go back to the flow
        ivr.transfer_failed(113.0)
    with pytest.raises(IllegalInput):
        ivr.resume("sorry", 113.0)
    assert ivr.transfer_ended(172.0) == [entry(172.0, 12.0, "transfer", talk_s=60.0, agent="1001")]
    assert ivr.state is State.DONE
    with pytest.raises(IllegalInput):  # ended once
        ivr.transfer_ended(173.0)


def test_a_caller_who_hangs_up_while_it_rings_ends_the_call_in_the_ivr() -> None:
    ivr = transferred("partner")
    assert ivr.transfer_ended(130.0) == [entry(130.0, 30.0, "caller_hung_up")]


def test_only_a_transfer_to_an_agent_or_a_number_awaits_its_outcome() -> None:
    queue = IvrSession(Flow.checked("q", "t", {"t": Transfer(TransferKind.QUEUE, "sav", ())}), "fr", "c")
    assert queue.start(0.0) == [TransferCall(TransferKind.QUEUE, "sav")]
    for told in (queue.transfer_answered, queue.transfer_failed, queue.transfer_ended):
        with pytest.raises(IllegalInput):  # the floor has it
            told(1.0)
    walked_on = transferred()
    walked_on.resume("operator", 110.0)  # the driver took it elsewhere itself
    with pytest.raises(IllegalInput):
        walked_on.transfer_failed(111.0)
