"""Calls of a past day logged as the live floor logs them (:meth:`LiveFloor.record`), for the reports' tests.

Tenant ``acme``'s queue ``support`` (T = 20 s, short abandons up to 5 s, service level over the
offered calls) on Tuesday 8 and Wednesday 9 December 2026, Paris time:

======== ================= ========== ====== ==== ===== ==========================================
call     first enqueued    queue      wait   talk wrap  outcome
======== ================= ========== ====== ==== ===== ==========================================
early    7th, 23:59:50     support    20     60   0     answered on the 8th: the 7th's, left out
a        8th, 09:00        support    10     120  30    answered within T
b        8th, 09:05        support    40     200  10    answered late
c        8th, 09:10        support    3                 short abandon
d        8th, 09:20        support    60                abandon
late     8th, 23:59        support    90     300  0     answered on the 9th: the 8th's
e        9th, 10:00        support    5      100  0     answered within T by agent 2002
v        8th, 11:00        vip        5      50   0     another queue
======== ================= ========== ====== ==== ===== ==========================================

Agent 2001 answers every call but ``e``. Their states (:data:`STATES`) on the 8th: ready from
23:30 the day before to 00:30, then 08:55–12:00 and 13:00–17:00 with calls a, b and v, paused
12:00–13:00, ready again at 23:59 for ``late``: 27,360 s ready or working on the 8th, 410 s of it
busy or in wrap-up (a 150, b 210, v 50), 360 s on ``support``'s calls.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.config import Channel
from callfloor.core.log import AgentEventType as A
from callfloor.core.log import InteractionEventType as E
from callfloor.core.log import LogEntry
from callfloor.reports.queue_kpis import QueueKpis, queue_kpis
from callfloor.server.floors import LiveFloor
from callfloor.storage.scope import TenantScope

PARIS = ZoneInfo("Europe/Paris")
TUESDAY, WEDNESDAY = date(2026, 12, 8), date(2026, 12, 9)


@dataclass(frozen=True, slots=True)
class Call:
    """One call: when it entered its queue, how long it waited, and its talk and wrap-up (None: abandoned)."""

    interaction: str
    queue: str
    enqueued: datetime
    wait_s: float
    talk_s: float | None = None
    wrap_s: float = 0.0
    agent: str = "2001"


def local(day: date, clock: str) -> datetime:
    """``clock`` (HH:MM[:SS]) of ``day`` in Paris."""
    return datetime.combine(day, time.fromisoformat(clock), PARIS)


CALLS = (
    Call("early", "support", local(date(2026, 12, 7), "23:59:50"), 20, 60),
    Call("a", "support", local(TUESDAY, "09:00"), 10, 120, 30),
    Call("b", "support", local(TUESDAY, "09:05"), 40, 200, 10),
    Call("c", "support", local(TUESDAY, "09:10"), 3),
    Call("d", "support", local(TUESDAY, "09:20"), 60),
    Call("late", "support", local(TUESDAY, "23:59"), 90, 300),
    Call("e", "support", local(WEDNESDAY, "10:00"), 5, 100, agent="2002"),
    Call("v", "vip", local(TUESDAY, "11:00"), 5, 50),
)


def entries(call: Call) -> list[LogEntry]:
    """The entries the floor logs for ``call``."""
    agent = call.agent
    t0 = call.enqueued.timestamp()
    out = [LogEntry(t0, E.ENQUEUED, call.interaction, call.queue, channel=Channel.CALL, priority=0)]
    answered = t0 + call.wait_s
    if call.talk_s is None:
        return [*out, LogEntry(answered, E.ABANDONED, call.interaction, call.queue, wait_s=call.wait_s)]
    ended = answered + call.talk_s + call.wrap_s
    return [
        *out,
        LogEntry(answered, E.ANSWERED, call.interaction, call.queue, agent, wait_s=call.wait_s),
        LogEntry(
            ended, E.COMPLETED, call.interaction, call.queue, agent,
            talk_s=call.talk_s, wrap_s=call.wrap_s, hold_s=0.0,
        ),
    ]  # fmt: skip


_MONDAY = date(2026, 12, 7)
#: Agent 2001's states: (day, clock, state).
STATES = (
    (_MONDAY, "23:30", A.READY), (TUESDAY, "00:30", A.LOGGED_OUT),
    (TUESDAY, "08:55", A.READY),
    (TUESDAY, "09:00:10", A.BUSY), (TUESDAY, "09:02:10", A.WRAP_UP), (TUESDAY, "09:02:40", A.READY),  # a
    (TUESDAY, "09:05:40", A.BUSY), (TUESDAY, "09:09:00", A.WRAP_UP), (TUESDAY, "09:09:10", A.READY),  # b
    (TUESDAY, "11:00:05", A.BUSY), (TUESDAY, "11:00:55", A.READY),  # v
    (TUESDAY, "12:00", A.PAUSED), (TUESDAY, "13:00", A.READY), (TUESDAY, "17:00", A.LOGGED_OUT),
    (TUESDAY, "23:59", A.READY), (WEDNESDAY, "00:00:30", A.BUSY), (WEDNESDAY, "00:05:30", A.LOGGED_OUT),  # late
)  # fmt: skip


def state_entries(agent: str = "2001") -> list[LogEntry]:
    """Agent 2001's state entries (:data:`STATES`); a pause's reason is lunch."""
    return [
        LogEntry(
            local(day, clock).timestamp(), state, agent=agent, reason="lunch" if state is A.PAUSED else None
        )
        for day, clock, state in STATES
    ]


def log_calls(sessions: sessionmaker[Session], tenant_id: int, calls: tuple[Call, ...] = CALLS) -> None:
    """``calls`` and agent 2001's states stored through the tenant's live floor, in time order."""
    floor = LiveFloor(tenant_id, sessions, lambda _tenant, _action: None)
    logged = [*(e for call in calls for e in entries(call)), *state_entries()]
    for entry in sorted(logged, key=lambda e: e.at):
        floor.record(entry)
    floor.close()


def support_report(sessions: sessionmaker[Session], tenant_id: int, first: date, last: date) -> QueueKpis:
    """The report of the tenant's queue ``support`` over ``first`` to ``last``, in Paris."""
    with sessions() as session:
        support = TenantScope(session, tenant_id).queues.by_name("support")
        assert support is not None
        return queue_kpis(session, support, first, last, PARIS)
