"""Running the core's floors live: one :class:`Floor` per tenant, fed with events, timed with
the event loop, its log written to the database as it happens.

The live floor's clock is the epoch (``time.time()``), so log times convert to UTC as they are
stored; deadlines are turned into ``loop.call_at`` timers. Log entries are group-committed:
those of the next ``GROUP_COMMIT_S`` (or ``GROUP_COMMIT_MAX`` of them, whichever comes first)
go in one transaction and one INSERT, which under load costs a fraction of a transaction per
entry (``bench/sip_cps.py``: the per-entry commits were a fifth of the call process's time at
450 calls/s). ARCHITECTURE.md allows it ("group commit is fine"): what a crash can lose is the
last 20 ms, not a finished call whose record was due minutes ago; :meth:`LiveFloor.close`
writes what is pending. Actions other than log appends go to the telephony layer through
``execute``.

The entries are also folded, in memory, into the customer file's record of each interaction
(:mod:`callfloor.crm.interactions`): the telephony layer says when one starts and with which
number, and the entry that ends it is committed together with its ``interactions`` row.
"""

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.apply import pause_reasons
from callfloor.center.floor import floor_profiles
from callfloor.core.acd import AcdError
from callfloor.core.acd.pause_reasons import PauseReason
from callfloor.core.acd.wait_estimate import WaitEstimator
from callfloor.core.actions import Action, Append
from callfloor.core.events import Event
from callfloor.core.floor import Floor
from callfloor.core.log import LogEntry
from callfloor.crm.interactions import (
    InteractionRecorder,
    InteractionStart,
    InteractionTally,
    OpenInteractions,
)
from callfloor.crm.screen_pop import ScreenPop, ScreenPops
from callfloor.storage.models import Tenant
from callfloor.storage.scope import TenantScope

log = logging.getLogger(__name__)
Executor = Callable[[int, Action], None]
ID_TTL_S = 30.0
GROUP_COMMIT_S = 0.02  # how long an entry may wait for others to share its transaction
GROUP_COMMIT_MAX = 256  # entries that are written at once without waiting
RETRY_S = 1.0  # after a failed write (the database away), before the next try
MAX_WRITE_FAILURES = 3  # then the entries are logged as lost rather than held for ever


class LiveFloor:
    """One tenant's floor on the event loop."""

    def __init__(self, tenant_id: int, sessions: sessionmaker[Session], execute: Executor) -> None:
        self.tenant_id = tenant_id
        self._sessions = sessions
        self._execute = execute
        with sessions() as session:
            queues, agents = floor_profiles(TenantScope(session, tenant_id))
            tenant = session.get(Tenant, tenant_id)
            self.region = tenant.country if tenant is not None else "FR"  # where numbers are read
        self.floor = Floor(queues, agents, random.Random())  # noqa: S311 - routing ties, not secrets
        self.waits = WaitEstimator(self.floor.acd)  # what waiting callers are told, learned from the log
        self._timer: asyncio.TimerHandle | None = None
        self._ids: dict[tuple[str, str], tuple[int | None, float]] = {}  # (kind, name) -> id, until
        self._pause_reasons: tuple[tuple[PauseReason, ...], float] | None = None  # and until when
        self.interactions = OpenInteractions()  # not ended yet, folded from their entries
        self._pending: list[LogEntry] = []  # entries waiting for the group commit
        self._ended: list[InteractionTally] = []  # and the records of the interactions they end
        self._commit_timer: asyncio.TimerHandle | None = None
        self._write_failures = 0
        # Called with every entry as it is stored, on the loop: the wallboard's fold, its streams.
        self.listeners: list[Callable[[LogEntry], None]] = []

    def handle(self, event: Event) -> list[Action]:
        """Apply an event now; an illegal one (a race with the network) is logged and ignored."""
        try:
            return self.apply(event)
        except AcdError as exc:
            log.info("tenant %s: %s ignored: %s", self.tenant_id, event, exc)
            return []

    def apply(self, event: Event) -> list[Action]:
        """Apply an event now; an illegal one raises (an agent's command, answered with an error)."""
        actions = self.floor.handle(event, time.time())
        self._carry_out(actions)
        return actions

    def _carry_out(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Append):
                self._store(action.entry)
            else:
                self._execute(self.tenant_id, action)
        self._rearm()

    def started(self, start: InteractionStart) -> None:
        """An interaction begins, with its remote number: its record is written when it ends."""
        self.interactions.start(start)

    def estimated_wait(self, interaction: str) -> float | None:
        """Seconds until an agent should take the waiting ``interaction`` (None: nobody staffed can).

        The estimator's median wait (:mod:`callfloor.core.acd.wait_estimate`, measured against
        the naive position × AHT / agents by ``bench/ewt_accuracy.py``).
        """
        return self.waits.estimate(interaction, time.time())

    def recording_consent(self, interaction: str, consent: str) -> None:
        """The caller heard the recording notice and objected or not: kept on the interaction's record."""
        self.interactions.note_consent(interaction, consent)

    def discard(self, interaction: str) -> None:
        """An interaction that ended before the floor or the IVR logged anything about it."""
        self.interactions.discard(interaction)

    def pause_reasons(self) -> tuple[PauseReason, ...]:
        """The pause reasons the tenant's agents choose from, read at most every ``ID_TTL_S``
        (its admins may change them; :meth:`forget_pause_reasons` makes the next call read them)."""
        now = time.monotonic()
        if self._pause_reasons is None or self._pause_reasons[1] <= now:
            with self._sessions() as session:
                self._pause_reasons = (pause_reasons(session.get(Tenant, self.tenant_id)), now + ID_TTL_S)
        return self._pause_reasons[0]

    def forget_pause_reasons(self) -> None:
        """The tenant's pause reasons changed: read them again when next asked."""
        self._pause_reasons = None

    def screen_pop(self, number: str | None, interaction: str) -> ScreenPop:
        """The screen pop of an interaction being offered; it reads the database: run it off the loop."""
        with self._sessions() as session:
            return ScreenPops(session, self.tenant_id).build(number, interaction=interaction)

    def record(self, entry: LogEntry) -> None:
        """Commit an entry that comes from outside the floor: the IVR's, for a call that ended there."""
        self._store(entry)

    def _store(self, entry: LogEntry) -> None:
        """Queue ``entry`` for the group commit, started now if the batch is full or no loop runs."""
        self.waits.observe(entry)
        for listener in self.listeners:
            listener(entry)
        self._pending.append(entry)
        if len(self._pending) >= GROUP_COMMIT_MAX:
            self.flush()
            return
        if self._commit_timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # called from plain code (a script, a test): write at once
                self.flush()
                return
            self._commit_timer = loop.call_later(GROUP_COMMIT_S, self.flush)

    @property
    def pending(self) -> int:
        """Entries and records waiting for the group commit."""
        return len(self._pending) + len(self._ended)

    def flush(self) -> None:
        """Commit the pending entries, with the records of the interactions they end, in one transaction."""
        if self._commit_timer is not None:
            self._commit_timer.cancel()
            self._commit_timer = None
        entries, self._pending = self._pending, []
        ended, self._ended = self._ended, []
        # Folded once, as they are taken: a retry writes the same records, it does not fold again.
        ended += [tally for entry in entries if (tally := self.interactions.add(entry)) is not None]
        if not entries and not ended:
            return
        try:
            self._commit(entries, ended)
        except SQLAlchemyError:
            self._failed(entries, ended)
        else:
            self._write_failures = 0

    def _commit(self, entries: list[LogEntry], ended: list[InteractionTally]) -> None:
        with self._sessions.begin() as session:
            scope = TenantScope(session, self.tenant_id)
            scope.log.append_many([self._row(scope, entry) for entry in entries])
            for tally in ended:
                self._write(scope, tally)

    def _failed(self, entries: list[LogEntry], ended: list[InteractionTally]) -> None:
        """Keep the entries and records for another try, unless the database failed too often."""
        self._write_failures += 1
        if self._write_failures > MAX_WRITE_FAILURES:
            log.exception("tenant %s: %d log entries lost: %s", self.tenant_id, len(entries), entries)
            self._write_failures = 0
            return
        log.exception("tenant %s: log write failed, retrying in %.0f s", self.tenant_id, RETRY_S)
        self._pending[:0] = entries
        self._ended[:0] = ended
        if self._commit_timer is None:
            with contextlib.suppress(RuntimeError):
                self._commit_timer = asyncio.get_running_loop().call_later(RETRY_S, self.flush)

    def _row(self, scope: TenantScope, entry: LogEntry) -> dict[str, Any]:
        """The log row of ``entry``, for :meth:`InteractionLog.append_many`."""
        payload = {
            key: value
            for key, value in (
                ("wait_s", entry.wait_s), ("talk_s", entry.talk_s), ("wrap_s", entry.wrap_s),
                ("reason", entry.reason), ("channel", entry.channel and entry.channel.value),
                ("hold_s", entry.hold_s),
                ("priority", entry.priority), ("agent", entry.agent), ("queue", entry.queue),
            )
            if value is not None
        }  # fmt: skip
        return {
            "type": entry.type.value,
            "at": datetime.fromtimestamp(entry.at, UTC),
            "interaction_id": entry.interaction,
            "queue_id": self._id(scope, "queue", entry.queue),
            "agent_id": self._id(scope, "agent", entry.agent),
            "payload": payload,
        }

    def _write(self, scope: TenantScope, ended: InteractionTally) -> None:
        """The finished interaction's record, in the transaction of the entry that ended it."""
        queue_id = self._id(scope, "queue", ended.queue)
        agent_id = self._id(scope, "agent", ended.agent)
        recorder = InteractionRecorder(scope.session, self.tenant_id, self.region)
        recorder.write(ended, queue_id=queue_id, agent_id=agent_id)

    def _id(self, scope: TenantScope, kind: str, name: str | None) -> int | None:
        """The id of a queue or agent named in an entry, looked up at most every ``ID_TTL_S``.

        Two queries per entry were an eighth of the server's time under load. The log's id columns
        are plain integers (the entry also carries the names), so an id a few seconds stale after
        a rename costs a report a join, never a write.
        """
        if name is None:
            return None
        now = time.monotonic()
        cached = self._ids.get((kind, name))
        if cached is not None and cached[1] > now:
            return cached[0]
        row = scope.queues.by_name(name) if kind == "queue" else scope.agents.by_extension(name)
        found = row.id if row is not None else None
        self._ids[(kind, name)] = (found, now + ID_TTL_S)
        return found

    def _rearm(self) -> None:
        deadline = self.floor.next_deadline()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if deadline is not None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_at(loop.time() + max(0.0, deadline - time.time()), self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._carry_out(self.floor.on_deadline(time.time()))

    def close(self) -> None:
        """Write what is pending and stop the timers."""
        self.flush()
        if self._timer is not None:
            self._timer.cancel()
