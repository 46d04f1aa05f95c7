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
e        9th, 10:00        support    5      100  0     answered within T
v        8th, 11:00        vip        5      50   0     another queue
======== ================= ========== ====== ==== ===== ==========================================
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.config import Channel
from callfloor.core.log import InteractionEventType as E
from callfloor.core.log import LogEntry
from callfloor.server.floors import LiveFloor

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
    Call("e", "support", local(WEDNESDAY, "10:00"), 5, 100),
    Call("v", "vip", local(TUESDAY, "11:00"), 5, 50),
)


def entries(call: Call, agent: str = "2001") -> list[LogEntry]:
    """The entries the floor logs for ``call``."""
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


def log_calls(sessions: sessionmaker[Session], tenant_id: int, calls: tuple[Call, ...] = CALLS) -> None:
    """``calls`` stored through the tenant's live floor, in time order."""
    floor = LiveFloor(tenant_id, sessions, lambda _tenant, _action: None)
    for entry in sorted((e for call in calls for e in entries(call)), key=lambda e: e.at):
        floor.record(entry)
    floor.close()
